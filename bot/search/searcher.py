"""The Searcher: one open quote database and the pipeline over it, reopened on rebuild.

    analyze (speaker names, concepts) -> retrieve (every stage in STAGES, merged)
    -> rank (score, threshold) -> distinct (no repeats, no excluded ids)
"""

from __future__ import annotations

import logging
import os
import random as random_module
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from bot import lexicon
from bot.extract.postable import POSTABLE_FROM
from bot.normalize import Segmenter
from bot.quotedb import Context, DatabaseError, Quote, QuoteDB
from bot.records import Source
from bot.search import answers, rank, retrieve, sample, semantic
from bot.search.aliases import SpeakerAliases
from bot.search.analyze import Analyzer
from bot.search.salient import quotes_holding, salient_terms, similarity_signals
from bot.search.tuning import DEFAULT, Tuning
from bot.search.types import Analysis, Candidate, Elsewhere, Match, MatchedBy, Picked
from bot.text import MAX_QUERY_CHARS

# The retrieval stages, each one module of this package; their findings are merged
# before ranking. A new stage (say, nearest neighbours by meaning) is added here.
LEXICAL = retrieve.LexicalRetriever()
MEANING = semantic.MeaningRetriever()
STAGES: tuple[retrieve.Retriever, ...] = (LEXICAL, MEANING)

# SQLite's page cache per searcher (KiB): the searching process must stay small.
PAGE_CACHE_KIB = 64 * 1024
# How often (seconds) the database file is checked for a rebuild.
RELOAD_CHECK_SECONDS = 1.0

# The stored judgement's score from which a quote stands on its own (bot.extract.postable).
POSTABLE_WORTH = POSTABLE_FROM

SearchError = DatabaseError
T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Opened:
    """Everything read from one database file, replaced whole when the file is rebuilt."""

    db: QuoteDB
    aliases: SpeakerAliases
    analyzer: Analyzer
    # Topic suggestions by (count, language): the same for every query to this file, and
    # reading them costs milliseconds (every no-match answer shows some).
    topics: dict[tuple[int, str], list[str]] = field(default_factory=dict)


class Searcher:
    """Searches one quote database; safe to share across threads and asyncio tasks.

    The database is opened read-only. When the file is replaced (a rebuild renames
    a new file into place) the searcher notices within about a second and reopens.
    """

    def __init__(self, db_path: str | Path, tuning: Tuning = DEFAULT) -> None:
        self.db_path = Path(db_path)
        self.tuning = tuning
        self._lock = threading.RLock()
        self._opened: _Opened | None = None
        self._checked = 0.0
        self._refused: tuple[int, int] | None = None  # the replaced file that failed its check
        self._open()

    # -- opening and reloading --

    def _open(self) -> None:
        """Open (or reopen) the file; SearchError when it is not a quote database."""
        db = QuoteDB(self.db_path, cache_kib=PAGE_CACHE_KIB)
        aliases = SpeakerAliases(db.speakers_by_id)
        analyzer = Analyzer(db, aliases, Segmenter(db.user_words), self.tuning)
        old, self._opened = self._opened, _Opened(db, aliases, analyzer)
        self._checked = time.monotonic()
        if old is not None:
            old.db.close()

    def _fresh(self) -> _Opened:
        """The open database, reopened first when the file was replaced since the last check."""
        now = time.monotonic()
        if now - self._checked >= RELOAD_CHECK_SECONDS and self._opened is not None:
            self._checked = now
            try:
                stat = os.stat(self.db_path)
                identity = (stat.st_ino, stat.st_mtime_ns)
                if identity not in (self._opened.db.identity, self._refused):
                    self._reopen(identity)
            except OSError:
                pass  # the name is briefly missing: keep serving the file we have open
        if self._opened is None:
            raise SearchError(f"{self.db_path} is closed")
        return self._opened

    def _reopen(self, identity: tuple[int, int]) -> None:
        """Switch to the replaced file, or keep the open one when the new file fails its checks."""
        try:
            self._open()
        except DatabaseError as error:
            self._refused = identity  # said once; checked again when the file changes again
            logger.error("not reloading the quote database: %s; still serving the previous file", error)

    @property
    def _conn(self) -> sqlite3.Connection:
        """The open SQLite connection (read-only)."""
        return self._fresh().db.conn

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            if self._opened is not None:
                self._opened.db.close()
                self._opened = None

    # -- the interface --

    def search(
        self,
        query: str,
        limit: int = 3,
        speaker: str | None = None,
        exclude: Iterable[int] = (),
        label_both: bool = False,
    ) -> list[Match]:
        """The best quotes for `query` (at most `limit`), or [] when nothing matches well.

        `speaker` (any alias) keeps only that speaker's quotes; `exclude` lists quote
        ids already shown. A name inside the query filters the same way. `label_both`
        also tells the answers by words whose meaning is near the query ("both"), which
        embeds a query the words answered (about 2 ms; the chat replies do not show it).
        """
        if limit <= 0 or not isinstance(query, str):
            return []
        excluded = {int(i) for i in exclude}
        with self._lock:
            opened = self._fresh()
            known, speaker_id = _named_speaker(opened, speaker)
            if not known:
                return []
            analysis = opened.analyzer.analyze(query[:MAX_QUERY_CHARS])
            if analysis.speaker_id is not None:
                if speaker_id is not None and speaker_id != analysis.speaker_id:
                    return []
                speaker_id = analysis.speaker_id
            if not analysis.has_content:
                if speaker_id is None:
                    return []
                best = sample.speaker_best(opened.db, speaker_id, limit, excluded)
                return [self._match(opened, row.id, 0.5 + 0.5 * row.score, ()) for row in best]
            chosen = self._answers(opened, analysis, speaker_id, limit, excluded)
            if label_both:  # whether the meaning agrees with what the words chose, for those alone
                by_words = [c for c in chosen if c.matched_by == "words"]
                MEANING.complete(opened.db, analysis, by_words)
                rank.label_agreement(by_words, self.tuning)
            return [self._match(opened, c.id, c.score, c.terms, c.matched_by) for c in chosen]

    def elsewhere(self, query: str, limit: int = 1, exclude: Iterable[int] = ()) -> Elsewhere | None:
        """For a query naming a speaker with a topic whose `search` found nothing: that
        speaker's quote nearest the topic in meaning, if one is near enough and stands on
        its own; else the best answers to the topic by anyone else. None when the query
        names nobody, has no topic, or nothing answers that either."""
        excluded = {int(i) for i in exclude}
        with self._lock:
            opened = self._fresh()
            analysis = opened.analyzer.analyze(query[:MAX_QUERY_CHARS])
            speaker_id = analysis.speaker_id
            if speaker_id is None or not analysis.has_content:
                return None
            named = opened.db.speakers_by_id[speaker_id]
            topic = replace(analysis, text=" ".join(analysis.tokens))  # the name left out
            near = self._nearest_by(opened, topic, speaker_id, limit, excluded)
            if near:
                return Elsewhere(named.name, named.name_zh, near, by_them=True)
            others = self._answers(opened, replace(analysis, speaker_id=None), None, limit, excluded)
            others = [c for c in others if c.speaker_id != speaker_id]
            if not others:
                return None
            matches = [self._match(opened, c.id, c.score, c.terms, c.matched_by) for c in others]
            return Elsewhere(named.name, named.name_zh, matches, by_them=False)

    def _nearest_by(
        self, opened: _Opened, topic: Analysis, speaker_id: int, limit: int, excluded: set[int]
    ) -> list[Match]:
        """The speaker's quotes nearest the topic in meaning that stand on their own, down to
        `tuning.min_meaning_more` ([] without the model)."""
        near = MEANING.retrieve(opened.db, topic, speaker_id, self.tuning)
        found = retrieve.merge(opened.db, [near])
        kept = [
            c for c in found
            if c.signals.get("meaning", 0.0) >= self.tuning.min_meaning_more
            and not c.signals.get("question") and c.worth >= POSTABLE_WORTH
        ]
        for cand in kept:
            cand.norm, cand.score = cand.tokens.replace(" ", ""), cand.signals["meaning"]
            cand.order = cand.score
        chosen = rank.distinct(rank.in_order(kept), limit, self.tuning, excluded)
        return [self._match(opened, c.id, c.score, (), "meaning") for c in chosen]

    def _answers(
        self, opened: _Opened, analysis: Analysis, speaker_id: int | None, limit: int, excluded: set[int]
    ) -> list[Candidate]:
        """The best `limit` answers: by words while the words answer with a quote not shown yet;
        only then is the search by meaning made, its answers after the words' (so "Another"
        goes on by meaning once the word matches are used up, and a message the words
        answer costs no search by meaning)."""
        lexical = LEXICAL.retrieve(opened.db, analysis, speaker_id, self.tuning)
        candidates = retrieve.merge(opened.db, [lexical])
        by_words = answers.answer_questions(
            opened.db, rank.rank(analysis, candidates, self.tuning), analysis, speaker_id, self.tuning
        )
        chosen = rank.distinct(by_words, limit, self.tuning, excluded)
        if chosen:
            return chosen
        near = MEANING.retrieve(opened.db, analysis, speaker_id, self.tuning)
        for cand in candidates:
            cand.signals.update(near.get(cand.id, {}))
        # Only the quotes the meaning alone found are new to the words' ranking (their bm25
        # is 0 whatever the best one is, so ranking them apart gives the same scores).
        found_by_meaning = retrieve.merge(opened.db, [{i: s for i, s in near.items() if i not in lexical}])
        by_words = rank.in_order(by_words + rank.rank(analysis, found_by_meaning, self.tuning))
        weighed = answers.lend_nearness(opened.db, candidates + found_by_meaning, speaker_id)
        ranked = self._ranked(opened, analysis, weighed, by_words)
        return rank.distinct(ranked, limit, self.tuning, excluded)

    def _ranked(
        self, opened: _Opened, analysis: Analysis, candidates: list[Candidate], by_words: list[Candidate]
    ) -> list[Candidate]:
        """The answers by words (`by_words`, ranked), then those by meaning (one decision, in rank)."""
        if not by_words:  # every candidate's words and meaning are weighed together
            MEANING.complete(opened.db, analysis, candidates)
            rank.weigh_words(analysis, candidates, self.tuning)
        return by_words + rank.by_meaning(analysis, candidates, by_words, self.tuning)

    @staticmethod
    def _match(
        opened: _Opened,
        quote_id: int,
        score: float,
        terms: tuple[str, ...],
        matched_by: MatchedBy = "words",
    ) -> Match:
        quote = opened.db.quote(quote_id)
        assert quote is not None  # found in this very file
        return Match(quote, round(score, 4), terms, matched_by)

    def _candidates(
        self, opened: _Opened, analysis: Analysis, speaker_id: int | None, tuning: Tuning | None = None
    ) -> list[Candidate]:
        """What every stage finds, merged."""
        tuning = tuning or self.tuning
        found = [stage.retrieve(opened.db, analysis, speaker_id, tuning) for stage in STAGES]
        return retrieve.merge(opened.db, found)

    def explain(self, query: str, limit: int = 3) -> list[dict[str, Any]]:
        """The best candidates with their features, no threshold applied (for calibration)."""
        with self._lock:
            if (asked := self._asked(query)) is None:
                return []
            opened, analysis = asked
            candidates = self._candidates(opened, analysis, analysis.speaker_id)
            open_tuning = self.tuning.without_threshold()
            ranked = rank.rank(analysis, candidates, open_tuning)
            return [
                {"id": c.id, "score": c.score, "coverage": c.coverage, "evidence": c.evidence,
                 "terms": c.terms}
                for c in rank.distinct(ranked, limit, open_tuning)
            ]

    def similar(self, quote_id: int, limit: int = 3, exclude: Iterable[int] = ()) -> list[Match]:
        """The quotes on the same idea as this one, other speakers first.

        Candidates are the quotes nearest in meaning and those holding most of the quote's
        salient terms (`bot.search.salient`); `rank.by_similarity` weighs the two together.
        [] without the meaning (the model or the database's vectors): shared words alone
        bring too many quotes off the idea (a common word of two senses, 工作 "work" for
        "jobs"), so Similar is offered only where `matches_meaning`."""
        with self._lock:
            opened = self._fresh()
            if MEANING.index(opened.db) is None:
                return []
            try:
                origin = int(quote_id)
                salient = salient_terms(opened.db, origin, self.tuning)
            except (LookupError, ValueError, TypeError, OverflowError):
                return []
            by_words = quotes_holding(opened.db, salient, self.tuning)
            by_meaning = MEANING.similar(opened.db, origin, self.tuning.similar_candidates, also=by_words)
            if not by_meaning:  # a quote with no vectors of its own
                return []
            candidates = retrieve.merge(opened.db, [{origin: {}}, by_words, by_meaning])
            similarity_signals(opened.db, origin, candidates, salient)
            ranked = rank.by_similarity(candidates, origin, self.tuning)
            excluded = {origin, *(int(i) for i in exclude)}
            chosen = rank.distinct(ranked, limit, self.tuning, excluded)
            return [self._match(opened, c.id, c.score, (), "meaning") for c in chosen]

    def warm_up(self) -> None:
        """Load what a first answer may need (the word segmenter; the meaning model, its
        weights and the database's vectors), so that no person's message waits for it."""
        self.search("warm up", limit=1)
        with self._lock:
            MEANING.warm_up(self._fresh().db)

    def matches_meaning(self) -> bool:
        """Whether this database can be searched by meaning (its vectors and the model)."""
        with self._lock:
            return MEANING.index(self._fresh().db) is not None

    def _asked(self, query: str) -> tuple[_Opened, Analysis] | None:
        """The open database and the query taken apart (under the lock), or None when the
        query asks for nothing."""
        opened = self._fresh()
        analysis = opened.analyzer.analyze(query[:MAX_QUERY_CHARS])
        return (opened, analysis) if analysis.has_content else None

    def explain_meaning(self, query: str, limit: int = 3) -> list[dict[str, Any]]:
        """The quotes nearest the query in meaning, no threshold: id, meaning, question."""
        with self._lock:
            if (asked := self._asked(query)) is None:
                return []
            opened, analysis = asked
            tuning = replace(self.tuning, meaning_candidates=limit)
            found = MEANING.retrieve(opened.db, analysis, analysis.speaker_id, tuning)
            return [{"id": qid, **signals} for qid, signals in found.items()]

    def explain_decision(
        self, query: str, limit: int = 30, left_out: Iterable[int] = ()
    ) -> list[dict[str, Any]] | None:
        """The evidence the decision by meaning weighs (for calibration), `left_out` quotes
        removed: None when the words answer (they decide then); else every candidate with a
        meaning (id, meaning, words, coverage, question, tokens), nearest in meaning first."""
        with self._lock:
            if (asked := self._asked(query)) is None:
                return []
            opened, analysis = asked
            tuning = replace(self.tuning, meaning_candidates=limit)
            removed = {int(i) for i in left_out}
            candidates = [
                c for c in self._candidates(opened, analysis, analysis.speaker_id, tuning)
                if c.id not in removed
            ]
            if rank.rank(analysis, candidates, self.tuning):
                return None
            MEANING.complete(opened.db, analysis, candidates)
            rank.weigh_words(analysis, candidates, self.tuning)
            near = sorted((c for c in candidates if "meaning" in c.signals), key=lambda c: -c.signals["meaning"])
            return [
                {"id": c.id, "meaning": c.signals["meaning"], "words": c.signals.get("words", 0.0),
                 "coverage": c.coverage, "question": c.signals.get("question", 0.0),
                 "tokens": c.tokens}
                for c in near
            ]

    def pick(
        self,
        speaker: str | None = None,
        shown: Sequence[int] = (),
        rng: random_module.Random | None = None,
    ) -> Picked | None:
        """The quote the bot chooses for a reader (of `speaker`, any alias), `shown` oldest first.

        A postable quote while the scope has one not yet shown (near-duplicates of a
        shown quote count as shown), spread over speakers and sources; then a new round.
        A scope with nothing postable gives its best available (`Picked.postable` False).
        None for an unknown speaker or an empty database.
        """
        with self._lock:
            opened = self._fresh()
            known, speaker_id = _named_speaker(opened, speaker)
            if not known:
                return None
            chosen = sample.pick(opened.db, speaker_id, [int(i) for i in shown], rng or random_module)
            quote = opened.db.quote(chosen.id) if chosen is not None else None
            if chosen is None or quote is None:
                return None
            return Picked(quote, chosen.postable, chosen.new_round)

    def random(
        self,
        speaker: str | None = None,
        exclude: Iterable[int] = (),
        rng: random_module.Random | None = None,
    ) -> Quote | None:
        """The picker's quote (of `speaker`, any alias) for a chat that was shown `exclude`."""
        picked = self.pick(speaker, list(exclude), rng)
        return picked.quote if picked else None

    def standalone(
        self,
        speaker: str | None = None,
        source: str | None = None,
        lengths: tuple[int, int] = (0, 1 << 30),
        rng: random_module.Random | None = None,
    ) -> Quote | None:
        """A random quote that stands on its own, of `speaker` (any alias) and from the
        source file `source` when given, its text `lengths` (least, most) characters long;
        None when none fits (or the speaker or source is unknown). For the web's embeds:
        no chat's history, so each call is a fresh draw, from a random place onwards."""
        with self._lock:
            opened = self._fresh()
            known, speaker_id = _named_speaker(opened, speaker)
            source_id = opened.db.source_id(source) if source is not None else None
            if not known or (source is not None and source_id is None):
                return None
            low, high = opened.db.id_range()
            if low is None or high is None:
                return None
            start = (rng or random_module).randint(low, high)
            found = opened.db.standalone_from(start, None, speaker_id, source_id, lengths)
            if found is None:  # nothing after the random place: from the first quote up to it
                found = opened.db.standalone_from(low, start, speaker_id, source_id, lengths)
            return opened.db.quote(found) if found is not None else None

    def get(self, quote_id: int) -> Quote | None:
        """The quote with this id, or None."""
        return self._by_id(QuoteDB.quote, quote_id)

    def context(self, quote_id: int) -> Context | None:
        """The quote's whole turn and the turn before it."""
        return self._by_id(QuoteDB.context, quote_id)

    def _by_id(self, read: Callable[[QuoteDB, int], T], quote_id: int) -> T | None:
        """What `read` gives for this quote id; None for an id that is not a stored quote's."""
        with self._lock:
            try:
                return read(self._fresh().db, int(quote_id))
            except (LookupError, ValueError, TypeError, OverflowError):
                return None

    def speakers(self) -> list[tuple[str, str, int]]:
        """(name, Chinese name, quote count) for every speaker, most quotes first."""
        with self._lock:
            stored = self._fresh().db.speakers()
        return [(s.speaker.name, s.speaker.name_zh, s.quotes) for s in stored]

    def sources(self) -> list[tuple[Source, int]]:
        """Every source with its quote count, oldest first."""
        with self._lock:
            stored = self._fresh().db.sources()
        return [(s.source, s.quotes) for s in stored]

    def has_source(self, file: str) -> bool:
        """Whether a source document has this file name."""
        with self._lock:
            return self._fresh().db.source_id(file) is not None

    def resolve_speaker(self, text: str) -> str | None:
        """The canonical name for any alias of a speaker (any script or case), else None."""
        with self._lock:
            aliases = self._fresh().aliases
            speaker_id = aliases.speaker_id(text) if isinstance(text, str) else None
            return aliases.names[speaker_id] if speaker_id is not None else None

    def suggestions(self, n: int = 6, language: str = "zh") -> list[str]:
        """Topic words that really occur in the corpus (for a "no match" reply), most
        frequent first: Chinese terms, or with language="en" English glossary words for them."""
        with self._lock:
            opened = self._fresh()
            key = (n, "en" if language == "en" else "zh")
            if key not in opened.topics:
                opened.topics[key] = (
                    _english_topics(opened.db, n) if language == "en"
                    else opened.db.topic_words(lexicon.GLOSSARY_WEIGHT, n)
                )
            return list(opened.topics[key])


# An English topic word longer than this is usually a phrase with its spaces taken out.
MAX_TOPIC_WORD_CHARS = 13


def _english_topics(db: QuoteDB, n: int) -> list[str]:
    """One English glossary word per frequent Chinese topic term, up to `n`.

    The lexicon keeps English keys without spaces ("opensource"), so a phrase cannot be
    shown as typed: only keys that read as one word are offered (not two keys glued
    together, not too long), singular rather than plural, the longest of a term's
    ("alignment" rather than "align").
    """
    glossary_keys = db.translated_keys(lexicon.GLOSSARY_WEIGHT)
    every_key = db.translated_keys(0.0)
    keys_of: dict[str, list[str]] = {}
    for key, terms in db.translations(glossary_keys).items():
        for term, weight in terms:
            if weight >= lexicon.GLOSSARY_WEIGHT:
                keys_of.setdefault(term, []).append(key)

    def reads_as_a_word(key: str, siblings: list[str]) -> bool:
        glued = any(key[:i] in every_key and key[i:] in every_key for i in range(2, len(key) - 1))
        plural = key.endswith("s") and key[:-1] in siblings
        return len(key) <= MAX_TOPIC_WORD_CHARS and not glued and not plural

    words: list[str] = []
    for term in db.topic_words(lexicon.GLOSSARY_WEIGHT, n * 4):
        siblings = keys_of.get(term, [])
        readable = [key for key in siblings if reads_as_a_word(key, siblings)]
        best = max(readable, key=lambda key: (len(key), key), default=None)
        if best is not None and best not in words:
            words.append(best)
    return words[:n]


def _named_speaker(opened: _Opened, speaker: str | None) -> tuple[bool, int | None]:
    """(whether the filter names a known speaker or none at all, that speaker's id)."""
    if not speaker:
        return True, None
    speaker_id = opened.aliases.speaker_id(speaker)
    return speaker_id is not None, speaker_id
