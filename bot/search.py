"""Find the quotes that answer a message: retrieval, re-ranking, threshold, filters.

How a query is answered:

1. Speaker names (any alias, script or case) are taken out of the text and become
   a filter.
2. The rest is analysed into *concepts*, each satisfied by any of a few
   alternative terms: a CJK character pair (or, when the pair never occurs, its
   homophones that do: 洗晚 -> 洗碗), an English word (itself, or its Chinese
   translations that occur in the corpus), a number (itself, or its rough size:
   两万 ~ 22,000). Each concept weighs its rarity (IDF). A real word that the
   corpus never uses (天气, bread) weighs fully and matches nothing: it is
   evidence against every quote. Function words weigh little.
3. Retrieval asks FTS5 for the quotes holding the query's most selective terms
   only (the rarest, up to a posting budget), so a common term never makes a
   query expensive; common terms only re-rank.
4. Re-ranking combines the weighted share of the query's concepts a quote holds,
   rapidfuzz similarity of the comparison forms, the FTS5 bm25 score and the
   quotability prior into a score in 0..1.
5. A quote is an answer only when the evidence is sufficient (see THRESHOLDS);
   near-duplicates and excluded ids never appear.
"""

from __future__ import annotations

import json
import math
import os
import random as random_module
import re
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from bot import lexicon, normalize
from bot.index import FTS_TABLE, LEXICON_TABLE, READINGS_TABLE, VOCAB_TABLE
from bot.text import CJK_RUN, HAN, MAX_QUERY_CHARS

# -- tuning -------------------------------------------------------------------------

# At most this much of a message is read: a quote-length query is a few dozen characters.
# Retrieval takes the rarest terms until their summed document frequency passes this.
POSTING_BUDGET = 800
MAX_RETRIEVAL_TERMS = 16
# When every term is common, candidates must hold this many of the rarest ones.
COMMON_TERMS_ANDED = 2
# How many candidates FTS5 hands to the re-ranker.
CANDIDATES = 100  # also the most answers one query has, however many are asked for
# SQLite's page cache per searcher (KiB): the searching process must stay small.
PAGE_CACHE_KIB = 64 * 1024
# How often (seconds) the database file is checked for a rebuild.
RELOAD_CHECK_SECONDS = 1.0

# Concept weights relative to a term's IDF.
SEAM_WEIGHT = 0.35  # a character pair across a word boundary (个人 in 一个人要)
STOP_WEIGHT = 0.15  # function words
SINGLE_CHAR_WEIGHT = 0.5  # one CJK character is weak evidence
NUMBER_WEIGHT = 0.5  # numbers support a match but never make one
NOISE_WEIGHT = 0.12  # a pair no quote holds that is neither a word nor a typo of one
TYPO_CREDIT = 0.8  # a homophone stands in for the typed pair
APPROX_NUMBER_CREDIT = 0.7
TRANSLATION_CREDIT = 0.9

# Score = weighted sum of these features (each 0..1).
FEATURE_WEIGHTS = {"coverage": 0.55, "chars": 0.2, "tokens": 0.05, "bm25": 0.1, "quality": 0.1}

# The no-match threshold (calibrated by bench/calibrate.py; see its output for the data).
# Evidence is in units of the IDF of a term no quote holds, so it means the same at
# any corpus size.
# `bench/calibrate.py --seed 0` on the seeds (1576 generated positives, 150 negatives):
# positives answered right 93-98% by kind, 1 of 50 chatter lines and 4 of 100 random
# strings answered.
THRESHOLDS = {"coverage": 0.3, "evidence": 0.25, "score": 0.6}

# Two results this similar (rapidfuzz ratio on comparison forms) are one quote.
NEAR_DUPLICATE = 88


# -- results ----------------------------------------------------------------------------


class SearchError(Exception):
    """The quote database cannot be searched (missing, unreadable, not a quote database)."""


@dataclass(frozen=True)
class Source:
    """Where a quote was published."""

    file: str
    title: str | None
    publisher: str | None
    url: str | None
    date: str | None
    event: str | None


@dataclass(frozen=True)
class Quote:
    """One quote, verbatim, with its speaker and source."""

    id: int
    text: str
    speaker: str
    speaker_zh: str
    kind: str
    passage_id: int
    source: Source


@dataclass(frozen=True)
class Match:
    """A quote found for a query, its score (0..1) and the query terms it matched."""

    quote: Quote
    score: float
    terms: tuple[str, ...]

    @property
    def id(self) -> int:
        return self.quote.id

    @property
    def text(self) -> str:
        return self.quote.text

    @property
    def speaker(self) -> str:
        return self.quote.speaker

    @property
    def source(self) -> Source:
        return self.quote.source

    @property
    def passage_id(self) -> int:
        return self.quote.passage_id


@dataclass(frozen=True)
class Context:
    """A quote's whole turn and the turn before it (usually the question)."""

    quote: Quote
    passage: str
    previous_speaker: str | None
    previous: str | None
    previous_speaker_zh: str | None = None  # the Chinese name, for Chinese chats


# -- query analysis --------------------------------------------------------------------


@dataclass
class Concept:
    """One thing the query asks for, satisfied by any of its alternative terms."""

    label: str
    alts: list[tuple[str, float]]  # (term in comparison form, credit 0..1)
    weight: float
    kind: str = "text"  # "text" | "word" (Latin, matched as a whole word) | "number"
    retrieval: list[str] = field(default_factory=list)  # FTS terms that find it


@dataclass
class Analysis:
    """A query taken apart: the speaker it names, its comparison form, its concepts."""

    speaker_id: int | None
    norm: str
    tokens: list[str]
    concepts: list[Concept]
    max_idf: float = 1.0

    @property
    def has_content(self) -> bool:
        return any(c.weight > 0 and c.kind != "number" for c in self.concepts)


def quote_fts(term: str) -> str:
    """A term as an FTS5 string literal: nothing a user types is ever read as syntax."""
    return '"' + term.replace('"', '""') + '"'


class Searcher:
    """Searches one quote database; safe to share across threads and asyncio tasks.

    The database is opened read-only. When the file is replaced (a rebuild renames
    a new file into place) the searcher notices within about a second and reopens.
    """

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._checked = 0.0
        self._open()

    # -- opening and reloading --

    def _open(self) -> None:
        """Open (or reopen) the file; SearchError when it is not a quote database."""
        try:
            stat = os.stat(self.db_path)
        except OSError as error:
            raise SearchError(
                f"no quote database at {self.db_path} (build it with `quotebot ingest`)"
            ) from error
        uri = self.db_path.resolve().as_uri() + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            # Candidates are read from all over the file: keep hot pages in process.
            conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
            state = _DatabaseState.load(conn)
        except sqlite3.Error as error:
            raise SearchError(f"{self.db_path} is not a quote database ({error})") from error
        old = self._conn
        self._conn, self._state = conn, state
        self._identity = (stat.st_ino, stat.st_mtime_ns)
        self._checked = time.monotonic()
        normalize.set_user_words(state.user_words)
        if old is not None:
            old.close()

    def _fresh(self) -> sqlite3.Connection:
        """The connection, reopened first when the file was replaced since the last check."""
        now = time.monotonic()
        if now - self._checked >= RELOAD_CHECK_SECONDS:
            self._checked = now
            try:
                stat = os.stat(self.db_path)
                if (stat.st_ino, stat.st_mtime_ns) != self._identity:
                    self._open()
            except (OSError, SearchError):
                pass  # keep serving the file we have open
        return self._conn

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- the interface --

    def search(
        self, query: str, limit: int = 3, speaker: str | None = None, exclude: Iterable[int] = ()
    ) -> list[Match]:
        """The best quotes for `query` (at most `limit`), or [] when nothing matches well.

        `speaker` (any alias) keeps only that speaker's quotes; `exclude` lists quote
        ids already shown. A name inside the query filters the same way.
        """
        if limit <= 0 or not isinstance(query, str):
            return []
        excluded = {int(i) for i in exclude}
        with self._lock:
            conn = self._fresh()
            state = self._state
            speaker_id = None
            if speaker:
                speaker_id = state.speaker_id(speaker)
                if speaker_id is None:
                    return []
            analysis = _Analyzer(conn, state).analyze(query[:MAX_QUERY_CHARS])
            if analysis.speaker_id is not None:
                if speaker_id is not None and speaker_id != analysis.speaker_id:
                    return []
                speaker_id = analysis.speaker_id
            if not analysis.has_content:
                if speaker_id is None:
                    return []
                return self._speaker_only(conn, state, speaker_id, limit, excluded)
            candidates = _retrieve(conn, analysis, speaker_id)
            ranked = _rank(analysis, candidates)
            chosen = _distinct(ranked, limit, excluded)
            return [
                Match(state.quote(conn, row.id), round(row.score, 4), row.terms) for row in chosen
            ]

    def explain(self, query: str, limit: int = 3) -> list[dict]:
        """The best candidates with their features, no threshold applied (for calibration)."""
        with self._lock:
            conn = self._fresh()
            analysis = _Analyzer(conn, self._state).analyze(query[:MAX_QUERY_CHARS])
            if not analysis.has_content:
                return []
            candidates = _retrieve(conn, analysis, analysis.speaker_id)
            ranked = _rank(analysis, candidates, dict.fromkeys(THRESHOLDS, 0.0))
            return [
                {"id": c.id, "score": c.score, "coverage": c.coverage, "evidence": c.evidence,
                 "terms": c.terms}
                for c in _distinct(ranked, limit)
            ]

    def random(
        self,
        speaker: str | None = None,
        exclude: Iterable[int] = (),
        rng: random_module.Random | None = None,
    ) -> Quote | None:
        """A random quotable quote (of `speaker`, any alias), not one of `exclude`."""
        rng = rng or random_module
        excluded = {int(i) for i in exclude}
        with self._lock:
            conn = self._fresh()
            state = self._state
            speaker_id = None
            if speaker:
                speaker_id = state.speaker_id(speaker)
                if speaker_id is None:
                    return None
            quote_id = _random_id(conn, state, speaker_id, excluded, rng)
            return state.quote(conn, quote_id) if quote_id is not None else None

    def get(self, quote_id: int) -> Quote | None:
        """The quote with this id, or None."""
        with self._lock:
            conn = self._fresh()
            try:
                return self._state.quote(conn, int(quote_id))
            except (LookupError, ValueError, TypeError, OverflowError):
                return None

    def context(self, quote_id: int) -> Context | None:
        """The quote's whole turn and the turn before it."""
        with self._lock:
            conn = self._fresh()
            quote = self.get(quote_id)
            if quote is None:
                return None
            row = conn.execute(
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

    def speakers(self) -> list[tuple[str, str, int]]:
        """(name, Chinese name, quote count) for every speaker, most quotes first."""
        with self._lock:
            rows = self._fresh().execute(
                """SELECT sp.name, sp.name_zh, COUNT(q.id) AS n FROM speakers sp
                   LEFT JOIN quotes q ON q.speaker_id = sp.id
                   GROUP BY sp.id ORDER BY n DESC, sp.name"""
            ).fetchall()
        return [(name, name_zh or "", n) for name, name_zh, n in rows]

    def sources(self) -> list[tuple[Source, int]]:
        """Every source with its quote count, oldest first."""
        with self._lock:
            rows = self._fresh().execute(
                """SELECT s.file, s.title, s.publisher, s.url, s.date, s.event,
                          (SELECT COUNT(*) FROM quotes q WHERE q.source_id = s.id)
                   FROM sources s ORDER BY s.date IS NULL, s.date, s.file"""
            ).fetchall()
        return [(Source(*row[:6]), row[6]) for row in rows]

    def resolve_speaker(self, text: str) -> str | None:
        """The canonical name for any alias of a speaker (any script or case), else None."""
        with self._lock:
            self._fresh()
            state = self._state
            speaker_id = state.speaker_id(text) if isinstance(text, str) else None
            return state.names[speaker_id] if speaker_id is not None else None

    def suggestions(self, n: int = 6) -> list[str]:
        """Topic words that really occur in the corpus (for a "no match" reply)."""
        with self._lock:
            rows = self._fresh().execute(
                f"""SELECT l.zh, v.df FROM {LEXICON_TABLE} l JOIN {VOCAB_TABLE} v ON v.term = l.zh
                    WHERE l.weight >= ? AND length(l.zh) >= 2
                    GROUP BY l.zh ORDER BY v.df DESC, l.zh LIMIT ?""",
                (lexicon.GLOSSARY_WEIGHT, max(0, int(n))),
            ).fetchall()
        return [zh for zh, _df in rows]

    # -- helpers --

    def _speaker_only(
        self, conn, state, speaker_id: int, limit: int, excluded: set[int]
    ) -> list[Match]:
        """A query that is only a name: that speaker's quotes, the most quotable first."""
        rows = conn.execute(
            "SELECT id, quality FROM quotes WHERE speaker_id = ? ORDER BY quality DESC, id",
            (speaker_id,),
        ).fetchmany(limit * 20 + len(excluded))
        rows = [r for r in rows if r[0] not in excluded]
        top = [r for r in rows if r[1] >= rows[0][1]] if rows else []
        random_module.shuffle(top)  # any of the best-quality quotes, not always the first
        picked = (top + [r for r in rows if r not in top])[:limit]
        return [Match(state.quote(conn, qid), round(0.5 + 0.5 * q, 4), ()) for qid, q in picked]


# -- the database's small tables, loaded once per open ------------------------------------


class _DatabaseState:
    """Speakers, aliases and sources: small, read once when the database is opened."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.names_zh: dict[int, str] = {}
        self.aliases: dict[str, int] = {}  # normalized alias -> speaker id
        self.alias_patterns: list[tuple[re.Pattern, int]] = []
        self.sources: dict[int, Source] = {}
        self.total = 1
        self.user_words: list[str] = []
        self.homophones: dict[str, tuple[str, ...]] = {}

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> _DatabaseState:
        state = cls()
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if str(meta.get("normalizer_version")) != str(normalize.VERSION):
            raise sqlite3.DatabaseError(
                f"built with normalizer version {meta.get('normalizer_version')}, "
                f"this program uses {normalize.VERSION}: rebuild it"
            )
        for table in (FTS_TABLE, VOCAB_TABLE, LEXICON_TABLE, READINGS_TABLE):
            if not conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (table,)
            ).fetchone():
                raise sqlite3.DatabaseError(f"no table {table}: built by an older version?")
        state.total = max(1, int(meta.get("search_quotes") or 1))
        state.user_words = json.loads(meta.get("user_words") or "[]")
        for sid, name, name_zh, aliases in conn.execute(
            "SELECT id, name, name_zh, aliases FROM speakers"
        ):
            state.names[sid] = name
            state.names_zh[sid] = name_zh or ""
            for alias in [name, name_zh, *json.loads(aliases or "[]")]:
                key = normalize.normalize(alias or "")
                if key:
                    state.aliases.setdefault(key, sid)
        state.alias_patterns = _alias_patterns(conn, state)
        for row in conn.execute(
            "SELECT id, file, title, publisher, url, date, event FROM sources"
        ):
            state.sources[row[0]] = Source(*row[1:])
        return state

    def speaker_id(self, text: str) -> int | None:
        """The speaker an alias names, or None."""
        return self.aliases.get(normalize.normalize(text or ""))

    def quote(self, conn: sqlite3.Connection, quote_id: int) -> Quote | None:
        row = conn.execute(
            "SELECT id, text, speaker_id, kind, passage_id, source_id FROM quotes WHERE id = ?",
            (quote_id,),
        ).fetchone()
        if row is None:
            return None
        qid, text, sid, kind, passage_id, source_id = row
        source = self.sources.get(source_id) or Source("", None, None, None, None, None)
        return Quote(qid, text, self.names[sid], self.names_zh[sid], kind, passage_id, source)


# A two-character Chinese name inside a run of Chinese is usually part of another word
# (拉维 in 莫拉维克悖论): it names a speaker only where a run starts or ends.
SHORT_CJK_NAME = 2


def _alias_patterns(conn: sqlite3.Connection, state: _DatabaseState) -> list[tuple[re.Pattern, int]]:
    """One pattern per alias in word form, longest first: CJK by substring, Latin by word."""
    found: dict[str, int] = {}
    for sid, name, name_zh, aliases in conn.execute(
        "SELECT id, name, name_zh, aliases FROM speakers"
    ):
        for alias in [name, name_zh, *json.loads(aliases or "[]")]:
            form = normalize.words(alias or "")
            if form:
                found.setdefault(form, sid)
    patterns = []
    for form in sorted(found, key=len, reverse=True):
        body = re.escape(form).replace(r"\ ", " ?")
        if CJK_RUN.fullmatch(form.replace(" ", "")):
            if len(form) <= SHORT_CJK_NAME:
                body = rf"(?:(?<![{HAN}]){body}|{body}(?![{HAN}]))"
            patterns.append((re.compile(body), found[form]))
        else:
            patterns.append((re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])"), found[form]))
    return patterns


# -- analysis -----------------------------------------------------------------------------------


class _Analyzer:
    """Turns a query into concepts, reading term statistics from the database."""

    def __init__(self, conn: sqlite3.Connection, state: _DatabaseState) -> None:
        self.conn = conn
        self.state = state
        self.max_idf = math.log(1 + state.total / 0.5)

    def idf(self, df: int) -> float:
        return math.log(1 + self.state.total / (df + 0.5))

    def analyze(self, query: str) -> Analysis:
        form = normalize.words(query)
        speaker_id, form = self._take_speaker(form)
        tokens = normalize.segment(form)
        norm = "".join(tokens)
        stats = self._document_frequencies(tokens, norm)
        concepts: list[Concept] = []
        latin: list[str] = []
        run: list[str] = []
        for token in tokens + [""]:
            kind = _token_kind(token) if token else "end"
            if kind != "cjk" and run:
                concepts.extend(self._cjk_concepts(run, stats))
                run = []
            if kind != "latin" and latin:
                concepts.extend(self._latin_concepts(latin, stats))
                latin = []
            if kind == "cjk":
                run.append(token)
            elif kind == "latin":
                latin.append(token)
            elif kind == "number":
                concepts.append(self._number_concept(token, stats))
        return Analysis(speaker_id, norm, tokens, _distinct_concepts(concepts), self.max_idf)

    def _take_speaker(self, form: str) -> tuple[int | None, str]:
        """Find speakers' names in the word form; return the first one's id and the rest."""
        first: tuple[int, int] | None = None
        for pattern, sid in self.state.alias_patterns:
            for match in pattern.finditer(form):
                if first is None or match.start() < first[0]:
                    first = (match.start(), sid)
            form = pattern.sub(" ", form)
        return (first[1] if first else None), form

    def _document_frequencies(self, tokens: list[str], norm: str) -> dict[str, int]:
        terms = set(tokens) | set(normalize.bigrams(norm)) | set(normalize.number_terms(norm))
        return self._lookup(terms)

    def _lookup(self, terms: Iterable[str]) -> dict[str, int]:
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

    # CJK text: character pairs, with typo alternatives.

    def _cjk_concepts(self, run_tokens: list[str], stats: dict[str, int]) -> list[Concept]:
        text = "".join(run_tokens)
        if len(text) == 1:
            return [self._single_char_concept(text, stats)]
        seams = set()
        position = 0
        for token in run_tokens[:-1]:
            position += len(token)
            seams.add(position)  # a word boundary before text[position]
        stop_spans = _stop_spans(run_tokens)
        word_chars = _multichar_positions(run_tokens)
        concepts = []
        for i in range(len(text) - 1):
            pair = text[i : i + 2]
            inside = (i + 1) not in seams
            if normalize.is_stop(pair) or (i in stop_spans and inside):
                concepts.append(Concept(pair, [(pair, 1.0)], STOP_WEIGHT * self.idf(1000)))
                continue
            df = stats.get(pair, 0)
            scale = 1.0 if inside else SEAM_WEIGHT
            if df:
                concepts.append(Concept(pair, [(pair, 1.0)], self.idf(df) * scale, retrieval=[pair]))
            else:
                # A seam next to a real word (多|训练) is the query's own grammar; one
                # between lone characters (消|争|期) is what noise looks like.
                lone = i not in word_chars and i + 1 not in word_chars
                concepts.append(self._unknown_pair(pair, inside, lone))
        # Long words (神经元, 可解释性) find their quotes precisely.
        for token in run_tokens:
            if len(token) >= 3 and stats.get(token, 0):
                concepts[0].retrieval.append(token)
        return concepts

    def _single_char_concept(self, char: str, stats: dict[str, int]) -> Concept:
        if char in normalize.STOPWORDS:
            return Concept(char, [(char, 1.0)], 0.0)
        df = stats.get(char, 0)
        weight = SINGLE_CHAR_WEIGHT * (self.idf(df) if df else self.max_idf)
        return Concept(char, [(char, 1.0)], weight, retrieval=[char] if df else [])

    def _unknown_pair(self, pair: str, inside: bool, lone: bool = True) -> Concept:
        """A pair the corpus never uses: a typo (try homophones), a real word (count it), or a seam."""
        variants = self._homophone_pairs(pair)
        real_word = normalize.is_dictionary_word(pair)
        if variants:
            rarest = min(variants.values())
            credit = TYPO_CREDIT * (0.6 if real_word else 1.0)
            weight = self.idf(rarest) * (1.0 if inside or not real_word else SEAM_WEIGHT)
            return Concept(
                pair,
                [(v, credit) for v in variants],
                weight,
                retrieval=sorted(variants, key=variants.get)[:3],
            )
        if real_word and inside:
            return Concept(pair, [], self.max_idf)  # 天气 in a corpus without weather
        # Neither a word nor a typo of one: a seam between words, or noise. It cannot
        # match, and counts a little against every quote (random strings are all noise).
        return Concept(pair, [], (NOISE_WEIGHT if inside or lone else 0.0) * self.max_idf)

    def _homophone_pairs(self, pair: str) -> dict[str, int]:
        """Pairs the corpus uses that sound like `pair` with one character changed."""
        candidates = set()
        for position in range(2):
            for char in self._homophones(pair[position]):
                if char != pair[position]:
                    candidates.add(pair[:position] + char + pair[position + 1 :])
        # Only real words: a typo is a misspelt word, and noise has homophones too.
        candidates = {c for c in candidates if normalize.is_dictionary_word(c)}
        return self._lookup(candidates) if candidates else {}

    def _homophones(self, char: str) -> tuple[str, ...]:
        cached = self.state.homophones.get(char)
        if cached is None:
            rows = self.conn.execute(
                f"""SELECT DISTINCT b.char FROM {READINGS_TABLE} a
                    JOIN {READINGS_TABLE} b ON b.py = a.py AND b.in_corpus = 1
                    WHERE a.char = ?""",
                (char,),
            ).fetchall()
            cached = tuple(r[0] for r in rows)
            if len(self.state.homophones) < 20000:
                self.state.homophones[char] = cached
        return cached

    # Latin words: the word itself, or its Chinese translations.

    def _latin_concepts(self, words: list[str], stats: dict[str, int]) -> list[Concept]:
        concepts = []
        covered = [False] * len(words)
        translations = self._translations(words)
        for start, end, key in lexicon.phrases(words):
            if end - start < 2 or any(covered[start:end]) or key not in translations:
                continue
            from_glossary = any(w >= lexicon.GLOSSARY_WEIGHT for _zh, w in translations[key])
            edges = (words[start], words[end - 1])
            if not from_glossary and any(w in normalize.STOPWORDS for w in edges):
                continue  # "what time" -> 几点 is a function phrase, not a topic
            concepts.append(self._translated(" ".join(words[start:end]), [], translations[key]))
            covered[start:end] = [True] * (end - start)
        concepts.extend(self._compound_concepts(words, covered, translations))
        for i, word in enumerate(words):
            if covered[i] or word in normalize.STOPWORDS:
                continue
            found = self._word_translations(word, translations)
            literal = [(word, 1.0)] if stats.get(word, 0) else []
            concepts.append(self._translated(word, literal, found, stats.get(word, 0)))
        return concepts

    @staticmethod
    def _word_translations(word: str, translations: dict) -> list[tuple[str, float]]:
        """The Chinese terms one English word (or its plain form) translates to."""
        return [t for key in lexicon.key_variants(word) for t in translations.get(key, [])]

    def _compound_concepts(
        self, words: list[str], covered: list[bool], translations: dict
    ) -> list[Concept]:
        """Two English words the dictionary lacks as a phrase, whose translations the corpus
        writes as one word: `data centers` -> 数据 + 中心 -> 数据中心."""
        concepts = []
        for i in range(len(words) - 1):
            pair = words[i : i + 2]
            if covered[i] or covered[i + 1] or any(w in normalize.STOPWORDS for w in pair):
                continue
            firsts = self._word_translations(pair[0], translations)
            seconds = self._word_translations(pair[1], translations)
            compounds = {
                a + b: min(wa, wb) for a, wa in firsts for b, wb in seconds if len(a + b) >= 3
            }
            known = self._lookup(compounds)
            if known:
                found = [(zh, compounds[zh]) for zh in known]
                concepts.append(self._translated(" ".join(pair), [], found))
                covered[i] = covered[i + 1] = True
        return concepts

    def _translations(self, words: list[str]) -> dict[str, list[tuple[str, float]]]:
        keys = {key for _s, _e, key in lexicon.phrases(words)}
        for word in words:
            keys.update(lexicon.key_variants(word))
        keys = [k for k in keys if k]
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        found: dict[str, list[tuple[str, float]]] = {}
        for en, zh, weight in self.conn.execute(
            f"SELECT en, zh, weight FROM {LEXICON_TABLE} WHERE en IN ({marks})", keys
        ):
            found.setdefault(en, []).append((zh, weight))
        return found

    def _translated(
        self,
        label: str,
        literal: list[tuple[str, float]],
        translations: list[tuple[str, float]],
        literal_df: int = 0,
    ) -> Concept:
        """A concept for an English word or phrase: itself, or its Chinese translations."""
        best: dict[str, float] = {}
        for zh, weight in translations:
            credit = TRANSLATION_CREDIT * weight * (SINGLE_CHAR_WEIGHT if len(zh) == 1 else 1.0)
            best[zh] = max(best.get(zh, 0.0), credit)
        alts = literal + sorted(best.items(), key=lambda kv: -kv[1])
        if not alts:
            # A word the corpus never uses and that translates to nothing it uses.
            return Concept(label, [], self.max_idf if len(label) >= 3 else 0.0, kind="word")
        stats = self._lookup([zh for zh in best] + [p for zh in best for p in normalize.bigrams(zh)])
        dfs = {label: literal_df} if literal else {}
        retrieval = [label] if literal else []
        for zh in best:
            df = stats.get(zh) or min(
                (stats.get(p, 0) for p in normalize.bigrams(zh) if stats.get(p)), default=0
            )
            if df:
                dfs[zh] = df
                retrieval.append(zh if zh in stats else _rarest_pair(zh, stats))
        if not dfs:
            return Concept(label, [], self.max_idf if len(label) >= 3 else 0.0, kind="word")
        # The concept weighs as its best form (the literal word, else the glossary's
        # term); a more common form (time -> 时间) earns only its own, smaller, IDF.
        alts = [(term, credit) for term, credit in alts if term in dfs]
        primary = max(alts, key=lambda alt: (alt[1], -dfs[alt[0]]))[0]
        weight = self.idf(dfs[primary])
        alts = [(term, credit * min(1.0, self.idf(dfs[term]) / weight)) for term, credit in alts]
        return Concept(label, alts, weight, kind="word", retrieval=retrieval)

    def _number_concept(self, digits: str, stats: dict[str, int]) -> Concept:
        alts = [(digits, 1.0)]
        retrieval = [digits] if stats.get(digits) else []
        size = normalize.approximate_number(digits)
        if size:
            approx = normalize.APPROX_PREFIX + size
            alts.append((approx, APPROX_NUMBER_CREDIT))
            if stats.get(approx):
                retrieval.append(approx)
        df = min((stats[t] for t in retrieval), default=0)
        weight = NUMBER_WEIGHT * (self.idf(df) if df else self.max_idf)
        return Concept(digits, alts, weight, kind="number", retrieval=retrieval)


def _distinct_concepts(concepts: list[Concept]) -> list[Concept]:
    """Weighty concepts, each once: a pair typed twice (哈哈哈哈) is not twice the evidence."""
    best: dict[tuple[str, str], Concept] = {}
    for concept in concepts:
        key = (concept.kind, concept.label)
        if concept.weight > 0 and (key not in best or concept.weight > best[key].weight):
            best[key] = concept
    return list(best.values())


def _rarest_pair(term: str, stats: dict[str, int]) -> str:
    pairs = [p for p in normalize.bigrams(term) if stats.get(p)]
    return min(pairs, key=lambda p: stats[p]) if pairs else term


def _multichar_positions(run_tokens: list[str]) -> set[int]:
    """Positions of the characters that belong to a word of two or more characters."""
    positions, position = set(), 0
    for token in run_tokens:
        if len(token) > 1:
            positions.update(range(position, position + len(token)))
        position += len(token)
    return positions


def _stop_spans(run_tokens: list[str]) -> set[int]:
    """Start positions of pairs that lie inside a function word (什么 in 为什么)."""
    spans = set()
    position = 0
    for token in run_tokens:
        if token in normalize.STOPWORDS:
            spans.update(range(position, position + len(token) - 1))
        position += len(token)
    return spans


def _token_kind(token: str) -> str:
    if token.isdigit():
        return "number"
    if CJK_RUN.fullmatch(token):
        return "cjk"
    return "latin"


# -- retrieval ----------------------------------------------------------------------------------


@dataclass
class _Candidate:
    id: int
    tokens: str
    quality: float
    bm25: float
    score: float = 0.0
    terms: tuple[str, ...] = ()
    norm: str = ""
    coverage: float = 0.0
    evidence: float = 0.0  # in units of the largest IDF


def _retrieve(
    conn: sqlite3.Connection, analysis: Analysis, speaker_id: int | None
) -> list[_Candidate]:
    """The quotes holding the query's most selective terms, best bm25 first.

    When even the rarest term is common, ranking all its quotes would cost as much
    as a scan: then the quotes holding all of the few rarest terms are taken as
    they come, and re-ranking alone orders them.
    """
    terms, postings = _selective_terms(conn, analysis)
    if not terms:
        return []
    if postings <= POSTING_BUDGET:
        expression = " OR ".join(quote_fts(t) for t in terms)
        order = "ORDER BY rank"
    else:
        expression = " AND ".join(quote_fts(t) for t in terms[:COMMON_TERMS_ANDED])
        order = ""
    if speaker_id is not None:
        expression = f"({expression}) AND {quote_fts(normalize.SPEAKER_PREFIX + str(speaker_id))}"
    rows = conn.execute(
        f"""SELECT rowid, {'bm25(' + FTS_TABLE + ')' if order else '0'} FROM {FTS_TABLE}
            WHERE {FTS_TABLE} MATCH ? {order} LIMIT ?""",
        (expression, CANDIDATES),
    ).fetchall()
    # Excluded quotes stay candidates: what else counts as a repeat is judged against them,
    # and the set of answers never depends on what was shown.
    scores = dict(rows)
    if not scores:
        return []
    marks = ",".join("?" * len(scores))
    found = conn.execute(
        f"SELECT id, tokens, quality FROM quotes WHERE id IN ({marks})", list(scores)
    ).fetchall()
    return [_Candidate(qid, tokens or "", quality or 0.0, scores[qid]) for qid, tokens, quality in found]


def _selective_terms(conn: sqlite3.Connection, analysis: Analysis) -> tuple[list[str], int]:
    """The rarest retrieval terms, until their postings pass the budget, and their postings.

    Always at least one term; when the rarest alone is over budget, the few rarest.
    """
    wanted = {t for c in analysis.concepts if c.weight > 0 for t in c.retrieval}
    if not wanted:
        return [], 0
    marks = ",".join("?" * len(wanted))
    dfs = sorted(
        conn.execute(
            f"SELECT term, df FROM {VOCAB_TABLE} WHERE term IN ({marks})", list(wanted)
        ).fetchall(),
        key=lambda item: (item[1], item[0]),
    )
    if dfs and dfs[0][1] > POSTING_BUDGET:
        chosen = dfs[:COMMON_TERMS_ANDED]
        return [t for t, _df in chosen], sum(df for _t, df in chosen)
    chosen, postings = [], 0
    for term, df in dfs:
        if chosen and (postings + df > POSTING_BUDGET or len(chosen) >= MAX_RETRIEVAL_TERMS):
            break
        chosen.append(term)
        postings += df
    return chosen, postings


# -- re-ranking -------------------------------------------------------------------------------------


def _rank(
    analysis: Analysis, candidates: list[_Candidate], thresholds: dict | None = None
) -> list[_Candidate]:
    """Score every candidate; keep those above the no-match threshold, best first."""
    thresholds = THRESHOLDS if thresholds is None else thresholds
    if not candidates:
        return []
    concepts = sorted(analysis.concepts, key=lambda c: -c.weight)
    total = sum(c.weight for c in concepts)
    best_bm25 = min(c.bm25 for c in candidates) or -1.0
    query_norm = analysis.norm[:200]
    query_tokens = " ".join(analysis.tokens)
    has_cjk = CJK_RUN.search(query_norm) is not None
    kept = []
    for cand in candidates:
        cand.norm = cand.tokens.replace(" ", "")
        found = _coverage(concepts, total, analysis.max_idf, cand, thresholds)
        if found is None:
            continue
        coverage, evidence, terms = found
        cand.coverage, cand.evidence = coverage, evidence
        features = {
            "coverage": coverage,
            "chars": (
                fuzz.partial_ratio(query_norm, cand.norm, processor=None) / 100
                if has_cjk
                else coverage  # an English query is not spelled like the Chinese it finds
            ),
            "tokens": fuzz.token_set_ratio(query_tokens, cand.tokens, processor=None) / 100,
            "bm25": cand.bm25 / best_bm25 if best_bm25 < 0 else 0.0,
            "quality": cand.quality,
        }
        cand.score = sum(FEATURE_WEIGHTS[k] * v for k, v in features.items())
        cand.terms = terms
        if cand.score >= thresholds["score"]:
            kept.append(cand)
    kept.sort(key=lambda c: (-c.score, c.id))
    return kept


def _coverage(
    concepts: list[Concept], total: float, max_idf: float, cand: _Candidate, thresholds: dict
) -> tuple[float, float, tuple[str, ...]] | None:
    """(weighted share of the concepts the candidate holds, evidence, the terms that matched).

    None as soon as the candidate cannot reach the coverage or evidence threshold:
    `concepts` come heaviest first, so most candidates are dropped after a few checks.
    """
    needed = thresholds["coverage"] * total
    matched = evidence = 0.0
    remaining = total
    terms = []
    words: set[str] | None = None
    sizes: set[str] | None = None
    for concept in concepts:
        remaining -= concept.weight
        credit, term = 0.0, None
        for alt, alt_credit in concept.alts:
            if alt_credit <= credit:
                continue
            if alt.startswith(normalize.APPROX_PREFIX):
                if sizes is None:
                    sizes = set(normalize.number_terms(cand.norm))
                hit = alt in sizes
            elif concept.kind == "number" or (concept.kind == "word" and alt.isascii()):
                if words is None:
                    words = set(cand.tokens.split(" "))
                hit = alt in words
            else:
                hit = alt in cand.norm
            if hit:
                credit, term = alt_credit, alt
        if credit:
            matched += concept.weight * credit
            if concept.kind != "number":
                evidence += concept.weight * credit
            terms.append(concept.label if term.startswith(normalize.APPROX_PREFIX) else term)
        if matched + remaining < needed:
            return None
    if evidence < thresholds["evidence"] * max_idf or not total:
        return None
    return matched / total, evidence / max_idf, tuple(dict.fromkeys(terms))


def _distinct(
    ranked: list[_Candidate], limit: int, excluded: set[int] = frozenset()
) -> list[_Candidate]:
    """The best `limit` candidates, skipping the excluded and any that repeats one
    already chosen or excluded (a near-duplicate of a quote already shown is a repeat)."""
    chosen: list[_Candidate] = []
    seen: list[_Candidate] = []
    for cand in ranked:
        if any(_near_duplicate(cand.norm, other.norm) for other in seen):
            continue
        seen.append(cand)
        if cand.id in excluded:
            continue
        chosen.append(cand)
        if len(chosen) == limit:
            break
    return chosen


def _near_duplicate(a: str, b: str) -> bool:
    if not a or not b:
        return a == b
    shorter, longer = sorted((a, b), key=len)
    if shorter in longer and len(shorter) >= 0.6 * len(longer):
        return True
    return fuzz.ratio(a, b, processor=None, score_cutoff=NEAR_DUPLICATE) > 0


# -- random quotes ----------------------------------------------------------------------------------


def _random_id(
    conn: sqlite3.Connection,
    state: _DatabaseState,
    speaker_id: int | None,
    excluded: set[int],
    rng,
) -> int | None:
    """A random quotable quote id: probe random ids, fall back to a scan of what is left."""
    low, high = conn.execute("SELECT MIN(id), MAX(id) FROM quotes").fetchone()
    if low is None:
        return None
    where = "quality >= 0.5" + (" AND speaker_id = ?" if speaker_id is not None else "")
    params: tuple = (speaker_id,) if speaker_id is not None else ()
    for _ in range(20):
        start = rng.randint(low, high)
        row = conn.execute(
            f"SELECT id FROM quotes WHERE id >= ? AND {where} ORDER BY id LIMIT 1",
            (start, *params),
        ).fetchone()
        if row and row[0] not in excluded:
            return row[0]
    rows = conn.execute(
        "SELECT id FROM quotes" + (" WHERE speaker_id = ?" if speaker_id is not None else ""),
        params,
    ).fetchall()
    left = [r[0] for r in rows if r[0] not in excluded]
    return rng.choice(left) if left else None
