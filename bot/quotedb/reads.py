"""Reading the quote database: `QuoteDB`, opened read-only and checked, and the records it returns.

Everything that reads (the searcher, the CLI, the benches) opens the file here and
reads through these queries; no caller writes SQL itself. A file that is missing,
unreadable, not a quote database, damaged or built by another version is one error,
`DatabaseError`, whose message says what to do.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from bot.metadata import Speaker
from bot.quotedb import check
from bot.quotedb.schema import (
    DAMAGED,
    FTS_TABLE,
    LEXICON_TABLE,
    MISSING,
    READINGS_TABLE,
    SPELLING_TABLE,
    TABLES,
    VECTOR_GRAPH_TABLE,
    VECTOR_TAG_KEY,
    VECTORS_TABLE,
    VOCAB_TABLE,
    DatabaseError,
    version_meta,
)
from bot.quotedb.vectors import read_all_codes, read_vector_graph
from bot.records import Source, SpeechKind


@dataclass(frozen=True)
class Quote:
    """One quote, verbatim, with its speaker and source."""

    id: int
    text: str
    speaker: str
    speaker_zh: str
    kind: SpeechKind
    passage_id: int
    source: Source
    postable: bool = True  # stands on its own for a reader who sees only it (bot.extract.postable)
    postable_why: tuple[str, ...] = ()  # the judgement's reason codes
    original: str | None = None  # the speaker's own words, when `text` is a translation
    original_lang: str | None = None  # their language ("en", "zh")
    start: float | None = None  # seconds into the recording, for quotes from subtitles

    def cited(self) -> dict[str, object]:
        """The original and the moment a JSON answer carries (`quotes --json`, `ask --json`)."""
        return {"original": self.original, "original_lang": self.original_lang, "start": self.start}


class Pickable(NamedTuple):
    """What the picker knows of a quote: who, where, whether it stands alone, its twins."""

    id: int
    speaker_id: int
    source_id: int
    postable: bool
    score: float
    twin_group: int


class SearchRow(NamedTuple):
    """What the ranker reads of a quote: its words, its quotability, the stored judgement
    of whether it stands on its own (score 0..1 and reason codes), and who said it."""

    id: int
    tokens: str
    quality: float
    worth: float  # the stored postable score (bot.extract.postable)
    why: tuple[str, ...]
    speaker_id: int


@dataclass(frozen=True)
class Context:
    """A quote's whole turn and the turn before it (usually the question)."""

    quote: Quote
    passage: str
    previous_speaker: str | None
    previous: str | None
    previous_speaker_zh: str | None = None  # the Chinese name, for Chinese chats


@dataclass(frozen=True)
class StoredSpeaker:
    """A speaker as stored: the database's id, the person, how many quotes they have."""

    id: int
    speaker: Speaker
    quotes: int


@dataclass(frozen=True)
class StoredSource:
    """A source as stored, with its passage and quote counts."""

    source: Source
    passages: int
    quotes: int


class QuoteDB:
    """One quote database, opened read-only and checked; speakers and sources read once.

    Not locked: a caller sharing it across threads holds its own lock (the searcher does).
    """

    def __init__(self, path: str | Path, cache_kib: int | None = None) -> None:
        self.path = Path(path)
        try:
            stat = os.stat(self.path)
        except OSError as error:
            raise DatabaseError(MISSING.format(path=self.path)) from error
        # Which file this is: a rebuild renames a new one into place.
        self.identity = (stat.st_ino, stat.st_mtime_ns)
        try:
            self.conn = sqlite3.connect(
                self.path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise DatabaseError(f"{self.path} is not a quote database ({error})") from error
        try:
            self._load()
            self._check_intact()  # reads every page: before the page cache is made big
            if cache_kib:
                self.conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        except (sqlite3.Error, DatabaseError) as error:
            self.conn.close()
            if isinstance(error, DatabaseError):
                raise
            if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_CORRUPT:
                raise DatabaseError(DAMAGED.format(path=self.path, detail=error)) from error
            raise DatabaseError(f"{self.path} is not a quote database ({error})") from error

    def _load(self) -> None:
        meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        for key, ours in version_meta().items():
            if str(meta.get(key)) != ours:
                raise DatabaseError(
                    f"{self.path} was built by another version ({key} {meta.get(key)}, "
                    f"this program reads {ours}): rebuild it with `quotebot ingest`"
                )
        present = {name for (name,) in self.conn.execute("SELECT name FROM sqlite_master")}
        for table in TABLES:
            if table not in present:
                raise DatabaseError(f"{self.path} is not a quote database (no table {table})")
        self.total = max(1, int(meta.get("search_quotes") or 1))
        self.user_words: list[str] = json.loads(meta.get("user_words") or "[]")
        # The model that made the stored sentence vectors; None when there are none.
        self.vector_tag: str | None = meta.get(VECTOR_TAG_KEY) if VECTORS_TABLE in present else None
        self._has_graph = VECTOR_GRAPH_TABLE in present
        self.speakers_by_id: dict[int, Speaker] = {
            sid: Speaker(name, name_zh or "", tuple(json.loads(aliases or "[]")))
            for sid, name, name_zh, aliases in self.conn.execute(
                "SELECT id, name, name_zh, aliases FROM speakers"
            )
        }
        # Counted on first use (they scan every quote), then kept with the open file.
        self._speaker_counts: list[StoredSpeaker] | None = None
        self._source_counts: list[StoredSource] | None = None
        columns = ", ".join(Source.__dataclass_fields__)
        self._sources: dict[int, Source] = {
            row[0]: Source(*row[1:])
            for row in self.conn.execute(f"SELECT id, {columns} FROM sources")
        }

    def _check_intact(self) -> None:
        """Refuse a damaged file before anything is served from it."""
        self.check_pages()
        self.check_full_text()

    def check_pages(self) -> None:
        """SQLite's quick_check: every page and b-tree is sound (DatabaseError when not)."""
        check.check_pages(self)

    def check_full_text(self) -> None:
        """The full-text index reads back and agrees with the vocabulary (`bot.quotedb.check`)."""
        check.check_full_text(self)

    def close(self) -> None:
        """Close the file."""
        self.conn.close()

    # -- what people see --

    def speakers(self) -> list[StoredSpeaker]:
        """Every speaker with a quote count, most quoted first (counted once: the file is
        read-only, and a count scans the quotes, a million of them in a big corpus)."""
        if self._speaker_counts is None:
            self._speaker_counts = self._count_speakers()
        return list(self._speaker_counts)

    def _count_speakers(self) -> list[StoredSpeaker]:
        rows = self.conn.execute(
            """SELECT sp.id, COUNT(q.id) AS n FROM speakers sp
               LEFT JOIN quotes q ON q.speaker_id = sp.id
               GROUP BY sp.id ORDER BY n DESC, sp.name"""
        ).fetchall()
        return [StoredSpeaker(sid, self.speakers_by_id[sid], n) for sid, n in rows]

    def sources(self) -> list[StoredSource]:
        """Every source with its passage and quote counts, oldest first (counted once)."""
        if self._source_counts is None:
            self._source_counts = self._count_sources()
        return list(self._source_counts)

    def _count_sources(self) -> list[StoredSource]:
        rows = self.conn.execute(
            """SELECT s.id, (SELECT COUNT(*) FROM passages p WHERE p.source_id = s.id),
                      (SELECT COUNT(*) FROM quotes q WHERE q.source_id = s.id)
               FROM sources s ORDER BY s.date IS NULL, s.date, s.file"""
        ).fetchall()
        return [StoredSource(self._sources[sid], passages, n) for sid, passages, n in rows]

    def quote(self, quote_id: int) -> Quote | None:
        """The quote with this id, or None."""
        quotes = self._quotes("WHERE id = ?", (int(quote_id),))
        return quotes[0] if quotes else None

    def quotes(self, speaker: str | None = None) -> list[Quote]:
        """Every quote (of the speaker with this canonical name), in id order."""
        if speaker is None:
            return self._quotes("ORDER BY id")
        ids = [sid for sid, s in self.speakers_by_id.items() if s.name == speaker]
        return self._quotes("WHERE speaker_id = ? ORDER BY id", (ids[0] if ids else -1,))

    def _quotes(self, where: str, params: tuple[object, ...] = ()) -> list[Quote]:
        rows = self.conn.execute(
            "SELECT id, text, speaker_id, kind, passage_id, source_id, postable, postable_why, "
            f"original, original_lang, start FROM quotes {where}",
            params,
        ).fetchall()
        return [self._quote(*row) for row in rows]

    def _quote(
        self, qid: int, text: str, sid: int, kind: SpeechKind, passage_id: int, source_id: int,
        postable: int, why: str | None, original: str | None = None,
        original_lang: str | None = None, start: float | None = None,
    ) -> Quote:
        speaker = self.speakers_by_id[sid]
        source = self._sources.get(source_id) or Source("")
        return Quote(qid, text, speaker.name, speaker.name_zh, kind, passage_id, source,
                     bool(postable), tuple(json.loads(why or "[]")), original, original_lang, start)

    def context(self, quote_id: int) -> Context | None:
        """The quote's whole turn and the turn before it."""
        quote = self.quote(quote_id)
        if quote is None:
            return None
        row = self.conn.execute(
            """SELECT p.text, prev.text, sp.name, sp.name_zh FROM passages p
               LEFT JOIN passages prev ON prev.id = p.prev_id
               LEFT JOIN speakers sp ON sp.id = prev.speaker_id
               WHERE p.id = ?""",
            (quote.passage_id,),
        ).fetchone()
        if row is None:
            return Context(quote, quote.text, None, None)
        if row[1] is None:
            return Context(quote, row[0], None, None)
        return Context(quote, row[0], row[2], row[1], row[3] or None)

    def passage_lines(self) -> dict[int, int]:
        """The source line where each passage starts, by passage id."""
        return dict(self.conn.execute("SELECT id, line FROM passages").fetchall())

    # -- what the matcher reads --

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many quotes hold each of `terms` (absent terms left out)."""
        terms = list(dict.fromkeys(t for t in terms if t))
        found: dict[str, int] = {}
        for start in range(0, len(terms), 500):
            chunk = terms[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self.conn.execute(
                    f"SELECT term, df FROM {VOCAB_TABLE} WHERE term IN ({marks})", chunk
                ).fetchall()
            )
        return found

    def translations(self, keys: Iterable[str]) -> dict[str, list[tuple[str, float]]]:
        """English key -> [(Chinese term, weight)] for the keys the lexicon holds."""
        keys = list(keys)
        found: dict[str, list[tuple[str, float]]] = {}
        if not keys:
            return found
        marks = ",".join("?" * len(keys))
        for en, zh, weight in self.conn.execute(
            f"SELECT en, zh, weight FROM {LEXICON_TABLE} WHERE en IN ({marks})", keys
        ):
            found.setdefault(en, []).append((zh, weight))
        return found

    def translated_keys(self, min_weight: float) -> set[str]:
        """The English keys with a translation of at least this weight."""
        rows = self.conn.execute(
            f"SELECT DISTINCT en FROM {LEXICON_TABLE} WHERE weight >= ?", (min_weight,)
        )
        return {en for (en,) in rows}

    def readings(self, char: str) -> tuple[str, ...]:
        """The readings (toneless pinyin) of one character, any character the dictionary has."""
        rows = self.conn.execute(f"SELECT py FROM {READINGS_TABLE} WHERE char = ?", (char,))
        return tuple(py for (py,) in rows)

    def spellings(self, keys: Iterable[str]) -> dict[str, int]:
        """The known Latin words filed under any of `keys` (a word or a deletion of one),
        with how common each is."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        rows = self.conn.execute(
            f"SELECT word, freq FROM {SPELLING_TABLE} WHERE key IN ({marks})", keys
        ).fetchall()
        return dict(rows)

    def corpus_readings(self) -> list[tuple[str, str]]:
        """(character, reading) of every character the corpus uses."""
        return self.conn.execute(
            f"SELECT char, py FROM {READINGS_TABLE} WHERE in_corpus = 1"
        ).fetchall()

    def topic_words(self, min_weight: float, n: int) -> list[str]:
        """Translated terms of two or more characters, most frequent in the corpus first."""
        rows = self.conn.execute(
            f"""SELECT l.zh, v.df FROM {LEXICON_TABLE} l JOIN {VOCAB_TABLE} v ON v.term = l.zh
                WHERE l.weight >= ? AND length(l.zh) >= 2
                GROUP BY l.zh ORDER BY v.df DESC, l.zh LIMIT ?""",
            (min_weight, max(0, int(n))),
        ).fetchall()
        return [zh for zh, _df in rows]

    def translations_from(self, min_weight: float) -> list[tuple[str, str]]:
        """(English key, term) of every translation with at least this weight: at
        `lexicon.GLOSSARY_WEIGHT`, the hand-kept glossary's topics (consciousness: 意识,
        有意识), a few hundred rows whatever the corpus size."""
        rows = self.conn.execute(f"SELECT en, zh FROM {LEXICON_TABLE} WHERE weight >= ?", (min_weight,))
        return [(en, zh) for en, zh in rows]

    def full_text(self, expression: str, limit: int, ranked: bool) -> dict[int, float]:
        """Quote id -> bm25 for an FTS5 expression (0 for all when not `ranked`, taken as found)."""
        score = f"bm25({FTS_TABLE})" if ranked else "0"
        order = "ORDER BY rank" if ranked else ""
        rows = self.conn.execute(
            f"SELECT rowid, {score} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? {order} LIMIT ?",
            (expression, limit),
        ).fetchall()
        return dict(rows)

    def search_fields(self, ids: Iterable[int]) -> list[SearchRow]:
        """What the ranker reads of these quotes."""
        ids = list(ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            "SELECT id, tokens, quality, postable_score, postable_why, speaker_id"
            f" FROM quotes WHERE id IN ({marks})",
            ids,
        ).fetchall()
        return [
            SearchRow(qid, tokens or "", quality or 0.0,
                      1.0 if worth is None else worth, tuple(json.loads(why or "[]")), speaker_id)
            for qid, tokens, quality, worth, why, speaker_id in rows
        ]

    def answers(self, question_ids: Iterable[int]) -> dict[int, int]:
        """For each of these quotes, the quote that answers it: in the next turn of the same
        document, by someone else, the one that best stands on its own (first of equals).
        Quotes with no next turn by another speaker are left out."""
        ids = list(question_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"""SELECT q.id, a.id FROM quotes q
                JOIN passages turn ON turn.prev_id = q.passage_id AND turn.kind = 'speech'
                JOIN quotes a ON a.passage_id = turn.id AND a.speaker_id != q.speaker_id
                WHERE q.id IN ({marks})
                ORDER BY q.id, a.postable_score DESC, a.position, a.id""",
            ids,
        ).fetchall()
        found: dict[int, int] = {}
        for question, answer in rows:
            found.setdefault(question, answer)
        return found

    def quote_speakers(self) -> tuple[np.ndarray, np.ndarray]:
        """(every quote id, ascending; the speaker id of each), as two arrays."""
        count = self.conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
        rows = self.conn.execute("SELECT id, speaker_id FROM quotes ORDER BY id")
        pairs = np.fromiter(rows, dtype=np.dtype((np.int64, 2)), count=count)
        return pairs[:, 0], pairs[:, 1]

    def questions(self, ids: Iterable[int]) -> set[int]:
        """Those of these quotes that are themselves questions (end with a question mark)."""
        ids = list(ids)
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT id FROM quotes WHERE id IN ({marks})"
            " AND (rtrim(text) LIKE '%?' OR rtrim(text) LIKE '%？')",
            ids,
        ).fetchall()
        return {qid for (qid,) in rows}

    def postable_reasons(self, ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
        """The stored postability judgement's reason codes of these quotes (`bot.extract.postable`)."""
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT id, postable_why FROM quotes WHERE id IN ({marks})", ids)
        return {qid: tuple(json.loads(why or "[]")) for qid, why in rows}

    def all_search_fields(self) -> list[tuple[int, str, str]]:
        """(id, text, tokens) of every quote, in id order."""
        return self.conn.execute("SELECT id, text, tokens FROM quotes ORDER BY id").fetchall()

    def speaker_best(self, speaker_id: int, count: int) -> list[Pickable]:
        """A speaker's `count` quotes that best stand on their own (the stored judgement's
        score, then the quotability prior), best first."""
        return [
            Pickable(*row)
            for row in self.conn.execute(
                f"{_PICKABLE} WHERE speaker_id = ? ORDER BY postable_score DESC, quality DESC, id",
                (speaker_id,),
            ).fetchmany(count)
        ]

    def id_range(self) -> tuple[int | None, int | None]:
        """The smallest and largest quote id, each read from an end of the primary key (one
        query asking for both scans every row: 53 ms at a million quotes, on every draw)."""
        low, high = self.conn.execute(
            "SELECT (SELECT MIN(id) FROM quotes), (SELECT MAX(id) FROM quotes)"
        ).fetchone()
        return low, high

    # -- what the meaning stage reads --

    def sentence_owners(self) -> np.ndarray:
        """The owning quote id of each stored sentence vector, by row number (int64)."""
        if self.vector_tag is None:
            return np.zeros(0, np.int64)
        rows = self.conn.execute(f"SELECT quote_id FROM {VECTORS_TABLE} ORDER BY row")
        return np.fromiter((quote_id for (quote_id,) in rows), dtype=np.int64)

    def sentence_codes(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The codes (uint8) of these row numbers (ascending), or of every row: one row each.

        Read straight into one array, so that no list of a million small objects is made."""
        if self.vector_tag is None:
            return np.zeros((0, 0), np.uint8)
        if rows is None:
            return read_all_codes(self.conn)
        wanted = [int(row) for row in rows]
        marks = ",".join("?" * len(wanted))
        found = self.conn.execute(
            f"SELECT code FROM {VECTORS_TABLE} WHERE row IN ({marks}) ORDER BY row", wanted
        )
        joined = np.frombuffer(b"".join(code for (code,) in found), dtype=np.uint8)
        return joined.reshape(len(wanted), -1) if len(wanted) else np.zeros((0, 0), np.uint8)

    def vector_graph(self) -> bytes | None:
        """The ANN index stored with the vectors, or None (a small corpus is scanned)."""
        return read_vector_graph(self.conn) if self._has_graph else None

    # -- what the picker reads --

    def pickables_by_id(self, ids: Iterable[int]) -> list[Pickable]:
        """These quotes as the picker sees them (ids no quote has are left out)."""
        ids = list(ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return [Pickable(*row) for row in self.conn.execute(f"{_PICKABLE} WHERE id IN ({marks})", ids)]

    def postable_from(self, start: int, speaker_id: int | None, count: int) -> list[Pickable]:
        """The first `count` postable quotes of the scope from id `start` on."""
        where, params = _scope(speaker_id)
        where = f"{where} {'AND' if where else 'WHERE'} postable = 1 AND id >= ?"
        rows = self.conn.execute(f"{_PICKABLE} {where} ORDER BY id LIMIT ?", (*params, start, count))
        return [Pickable(*row) for row in rows]

    def source_id(self, file: str) -> int | None:
        """The stored id of the source with this file name, or None."""
        return next((sid for sid, source in self._sources.items() if source.file == file), None)

    def standalone_from(
        self, start: int, end: int | None, speaker_id: int | None, source_id: int | None,
        lengths: tuple[int, int],
    ) -> int | None:
        """The first quote id in [start, end) that stands on its own, of the speaker and
        the source when given, whose text is `lengths` (least, most) characters long."""
        clauses = ["postable = 1", "id >= ?", "length(text) BETWEEN ? AND ?"]
        params: list[object] = [start, *lengths]
        for column, value in (("id <", end), ("speaker_id =", speaker_id), ("source_id =", source_id)):
            if value is not None:
                clauses.append(f"{column} ?")
                params.append(value)
        row = self.conn.execute(
            f"SELECT id FROM quotes WHERE {' AND '.join(clauses)} ORDER BY id LIMIT 1", params
        ).fetchone()
        return int(row[0]) if row else None

    def best_scored(self, speaker_id: int | None, count: int) -> list[Pickable]:
        """The scope's `count` quotes with the best postability score."""
        where, params = _scope(speaker_id)
        rows = self.conn.execute(
            f"{_PICKABLE} {where} ORDER BY postable_score DESC, id LIMIT ?", (*params, count)
        )
        return [Pickable(*row) for row in rows]


_PICKABLE = "SELECT id, speaker_id, source_id, postable, postable_score, twin_group FROM quotes"


def _scope(speaker_id: int | None) -> tuple[str, tuple[int, ...]]:
    """The WHERE clause (and its parameters) of all quotes, or one speaker's."""
    return ("", ()) if speaker_id is None else ("WHERE speaker_id = ?", (speaker_id,))
