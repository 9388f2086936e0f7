"""The retrieval stage by meaning: the quotes whose sentences are nearest the query's vector.

The sentence vectors are stored in the quote database at build time (`bot.index`);
they are read once per opened file (a rebuilt file is a new `QuoteDB`, so a hot
reload reads the new vectors). Without the model package, or for a database built
without it, the stage finds nothing and the bot answers on words alone.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from functools import lru_cache
from weakref import WeakKeyDictionary

import numpy as np

from bot import meaning
from bot.quotedb import DatabaseError, QuoteDB
from bot.search.limits import embedded_part
from bot.search.retrieve import Found
from bot.search.tuning import Tuning
from bot.search.types import Analysis, Candidate

# Query vectors kept, so "Another" and repeated queries embed nothing again.
QUERY_CACHE = 512


class MeaningRetriever:
    """The `tuning.meaning_candidates` quotes closest in meaning to the query.

    Signals: {"meaning": cosine of the quote's best sentence, "question": 1.0 when the
    quote ends with a question mark}. `complete` adds them to the quotes the words found.
    """

    def __init__(self) -> None:
        self._indexes: WeakKeyDictionary[QuoteDB, meaning.VectorIndex | None] = WeakKeyDictionary()
        # The speaker of each row of an index, for a search kept to one speaker's quotes.
        self._row_speakers: WeakKeyDictionary[QuoteDB, np.ndarray] = WeakKeyDictionary()
        self._lock = threading.Lock()

    def retrieve(
        self, db: QuoteDB, analysis: Analysis, speaker_id: int | None, tuning: Tuning
    ) -> Found:
        index = self.index(db)
        if index is None or not analysis.text.strip():
            return {}
        vector = _query_vector(analysis.text)
        if vector is None:
            return {}
        return self.near(db, index, vector, speaker_id, tuning.meaning_candidates)

    def complete(self, db: QuoteDB, analysis: Analysis, candidates: list[Candidate]) -> None:
        """Give the candidates only the words found their meaning signals too, so that the
        words' and the meaning's evidence can be weighed together (`rank.by_meaning`)."""
        missing = [c for c in candidates if "meaning" not in c.signals]
        index = self.index(db) if missing else None
        vector = _query_vector(analysis.text) if index is not None and analysis.text.strip() else None
        if index is None or vector is None:
            return
        scores = index.best_of([c.id for c in missing], vector)
        questions = db.questions(scores)
        for cand in missing:
            if cand.id in scores:
                cand.signals["meaning"] = scores[cand.id]
                cand.signals["question"] = float(cand.id in questions)

    def warm_up(self, db: QuoteDB) -> None:
        """Read the database's vectors and embed a probe (the model loads its weights then)."""
        if self.index(db) is not None:
            _query_vector("warm up")

    def similar(self, db: QuoteDB, quote_id: int, count: int, also: Iterable[int] = ()) -> Found:
        """The `count` quotes closest in meaning to a stored quote (itself among them), and
        the meaning of the quotes `also` names (found by its words): each cosine is to the
        mean of the quote's sentences. {} without vectors or for an unknown quote."""
        index = self.index(db)
        vector = index.vector_of(quote_id) if index is not None else None
        if index is None or vector is None:
            return {}
        found = self.near(db, index, vector, None, count + 1)
        for other_id, score in index.best_of([i for i in also if i not in found], vector).items():
            found[other_id] = {"meaning": score}
        return found

    def near(
        self,
        db: QuoteDB,
        index: meaning.VectorIndex,
        vector: np.ndarray,
        speaker_id: int | None,
        count: int,
    ) -> Found:
        """The `count` quotes nearest `vector` (of the speaker) with their signals."""
        only = None if speaker_id is None else self._speaker_rows(db, speaker_id)
        ids, scores = index.nearest(vector, count, only)
        questions = db.questions(ids.tolist())  # one read, not one per neighbour
        return {
            quote_id: {"meaning": score, "question": float(quote_id in questions)}
            for quote_id, score in zip(ids.tolist(), scores.tolist(), strict=True)
        }

    def _speaker_rows(self, db: QuoteDB, speaker_id: int) -> np.ndarray:
        """Which rows of the database's index are a speaker's (a boolean per row)."""
        with self._lock:
            row_speakers = self._row_speakers[db]
        mask: np.ndarray = row_speakers == speaker_id
        return mask

    def index(self, db: QuoteDB) -> meaning.VectorIndex | None:
        """The database's vector index, read on first use (None: no vectors or no model),
        with the speaker of each of its rows (about 0.5 s at a million quotes)."""
        with self._lock:
            if db not in self._indexes:
                index = self._indexes[db] = _load(db)
                if index is not None:
                    quote_ids, speaker_ids = db.quote_speakers()
                    self._row_speakers[db] = speaker_ids[np.searchsorted(quote_ids, index.owners)]
            return self._indexes[db]


def _load(db: QuoteDB) -> meaning.VectorIndex | None:
    embedder = meaning.load_embedder()
    if embedder is None or db.vector_tag is None:
        return None
    if db.vector_tag != embedder.tag:
        meaning.log.warning(
            "%s has sentence vectors of %s, this model is %s: rebuild it with `quotebot ingest`"
            " (answering on words alone)", db.path, db.vector_tag, embedder.tag
        )
        return None
    owners = db.sentence_owners()
    ann = db.vector_graph() if len(owners) >= meaning.ANN_THRESHOLD else None
    if ann is None:  # scanned in memory (or, large without a stored index, indexed now)
        return meaning.VectorIndex(db.sentence_codes(), owners, db.vector_tag)
    # Large: the codes stay in the file and are read per query (the index must not keep
    # the database alive: a rebuilt file replaces both).
    database = weakref.ref(db)

    def fetch(rows: np.ndarray) -> np.ndarray:
        opened = database()
        if opened is None:
            raise DatabaseError("the quote database was closed while it was searched")
        return opened.sentence_codes(rows)

    index = meaning.VectorIndex(None, owners, db.vector_tag, fetch=fetch)
    index.attach_ann(ann)
    return index


def _query_vector(text: str) -> np.ndarray | None:
    embedder = meaning.load_embedder()
    return _embedded(embedder, embedded_part(text)) if embedder is not None else None


@lru_cache(maxsize=QUERY_CACHE)
def _embedded(embedder: meaning.Embedder, text: str) -> np.ndarray:
    vector: np.ndarray = embedder.embed([text])[0]
    vector.setflags(write=False)  # shared by every later search for the same text
    return vector

