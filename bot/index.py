"""Build the quote database with sqlite-utils: schema, rows, full-text index.

The build writes a temporary file beside the target and renames it into place
only when everything succeeded, so readers never see a half-built database and a
failed build leaves the previous one untouched. Nothing else writes to it. The
schema, table names and version live in `bot.quotedb`, which every reader opens.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import multiprocessing
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import sqlite_utils

from bot import lexicon, normalize, terms
from bot.extract import extract_document, find_documents
from bot.extract.model import Document
from bot.extract.postable import Judgement, judge_document
from bot.metadata import (
    SPEAKERS_FILE,
    MetadataError,
    SourceFacts,
    Speaker,
    check_monologues,
    load_glossary,
    load_sources,
    load_speakers,
)
from bot.normalize import Segmenter
from bot.quotedb import (
    FTS_TABLE,
    LEXICON_TABLE,
    READINGS_TABLE,
    VOCAB_TABLE,
    create_schema,
    speaker_row,
    version_meta,
    write_meta,
)
from bot.records import Source

# From this many quotes on, the build segments them in worker processes.
PARALLEL_BUILD_QUOTES = 20_000


# Near-duplicate groups: each quote is filed under its TWIN_KEYS rarest character pairs
# and compared with at most TWIN_CANDIDATES shorter quotes filed under one of its pairs,
# so the build stays linear in the number of quotes.
TWIN_KEYS = 6
TWIN_CANDIDATES = 16
TWIN_VISITS = 4 * TWIN_CANDIDATES  # candidates looked at, counting those already in the group


def build_from_paths(
    paths: Iterable[Path],
    seeds_dir: Path,
    db_path: Path,
    on_document: Callable[[Path], None] | None = None,
) -> tuple[list[Document], dict[str, int]]:
    """Extract every document under `paths` with the metadata in `seeds_dir`, then build `db_path`.

    Returns the extracted documents (for the ingest report) and the row counts.
    A document that cannot be read is reported in its notes and skipped; the
    build goes on with the rest.
    """
    corpus = extract_paths(paths, seeds_dir, on_document)
    counts = build(corpus.documents, corpus.speakers, db_path, corpus.glossary, corpus.judgements)
    return corpus.documents, counts


class Corpus(NamedTuple):
    """Extracted documents with the hand-kept metadata the build needs, and each quote's judgement."""

    documents: list[Document]
    speakers: list[Speaker]
    glossary: dict[str, list[str]]
    judgements: list[list[Judgement]]  # one list per document, one judgement per quote


def extract_paths(
    paths: Iterable[Path], seeds_dir: Path, on_document: Callable[[Path], None] | None = None
) -> Corpus:
    """Extract every document under `paths` with the speakers, facts and glossary in `seeds_dir`.

    Raises NoSpeakersError, after extracting (so the labels found can be reported),
    when speakers.toml is missing or lists nobody: no speech could be attributed.
    """
    speakers = load_speakers(Path(seeds_dir))
    facts = load_sources(Path(seeds_dir))
    if speakers:  # without any, NoSpeakersError below says what to add
        check_monologues(facts, speakers)
    documents = []
    for path in find_documents(paths):
        if on_document:
            on_document(path)
        documents.append(_extract_safely(path, speakers, facts))
    if not speakers:
        raise NoSpeakersError(
            f"no speakers in {Path(seeds_dir) / SPEAKERS_FILE} (missing or empty): "
            "every quote needs its speaker listed there",
            documents,
        )
    judgements = [judge_document(document, speakers) for document in documents]
    return Corpus(documents, speakers, load_glossary(Path(seeds_dir)), judgements)


class NoSpeakersError(MetadataError):
    """speakers.toml is missing or lists nobody; `documents` are what was extracted without it."""

    def __init__(self, message: str, documents: list[Document]) -> None:
        super().__init__(message)
        self.documents = documents


def _extract_safely(
    path: Path, speakers: list[Speaker], facts: dict[str, SourceFacts]
) -> Document:
    """Extract one document; an unreadable file becomes an empty document with a note."""
    try:
        return extract_document(path, speakers, facts.get(path.name))
    except OSError as error:
        note = f"unreadable ({error.strerror or error}): skipped"
        return Document(Source(path.name), notes=[note], skipped=True)


def build(
    documents: Iterable[Document],
    speakers: list[Speaker],
    db_path: Path,
    glossary: dict[str, list[str]] | None = None,
    judgements: list[list[Judgement]] | None = None,
) -> dict[str, int]:
    """Write every document into a fresh database at `db_path`, atomically; return counts.

    `glossary` (English -> Chinese terms) defaults to the repository's seeds/glossary.toml;
    `judgements` (one list per document, as `extract_paths` gives them) are made here
    when not given, so every stored quote carries its postability judgement.
    """
    documents = list(documents)
    if judgements is None:
        judgements = [judge_document(document, speakers) for document in documents]
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(db_path)
    handle, tmp_name = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
    _hold(handle)  # released when this process ends, however it ends
    tmp_path = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp_path)
        # No rollback journal and no fsync while building: a crash or a failure leaves
        # only the temporary file, which is deleted (or never renamed into place).
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        db = sqlite_utils.Database(conn)
        counts = _fill(db, documents, speakers, glossary, judgements)
        conn.commit()
        conn.execute("VACUUM")
        conn.close()
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, db_path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)
    return counts


def _hold(handle: int) -> bool:
    """Lock a build's temporary file while the build runs; False when another holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; stale files stay
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def remove_stale_temporaries(db_path: Path) -> list[Path]:
    """Delete temporary files of earlier builds of `db_path` that were killed (their lock
    is free); a build still running elsewhere holds its lock and keeps its file."""
    removed = []
    for candidate in db_path.parent.glob(db_path.name + ".*.tmp"):
        try:
            handle = os.open(candidate, os.O_RDWR)
        except OSError:
            continue
        try:
            if _hold(handle):
                candidate.unlink(missing_ok=True)
                removed.append(candidate)
        finally:
            os.close(handle)
    return removed


def _fill(
    db: sqlite_utils.Database,
    documents: list[Document],
    speakers: list[Speaker],
    glossary: dict[str, list[str]] | None,
    judgements: list[list[Judgement]],
) -> dict[str, int]:
    glossary = lexicon.default_glossary() if glossary is None else glossary
    # Index and query must cut text alike: the words are stored for the searcher.
    user_words = lexicon.user_words(speakers, glossary)
    segmenter = Segmenter(user_words)
    create_schema(db)
    speaker_ids = _insert_speakers(db, speakers)
    seen_quotes: set[tuple[int, str]] = set()
    kept = [i for i, d in enumerate(documents) if d.passages or not d.skipped]
    documents, judgements = [documents[i] for i in kept], [judgements[i] for i in kept]
    texts = (unit.text for document in documents for unit in document.quotes)
    segmenter.load()
    with _build_pool(sum(len(d.quotes) for d in documents)) as pool:
        # Each quote's key and search fields, computed by the workers while this
        # process writes, in document order.
        # (The segmenter pickles as its words; a worker reuses its tokenizer.)
        fields_of = functools.partial(_quote_fields, segmenter=segmenter)
        fields = pool.imap(fields_of, texts, chunksize=500) if pool else map(fields_of, texts)
        for document, judged in zip(documents, judgements, strict=True):
            source_id = int(db.table("sources").insert(vars(document.source)).last_pk or 0)
            passage_ids = _insert_passages(db, document, source_id, speaker_ids)
            _insert_quotes(
                db, document, judged, source_id, passage_ids, speaker_ids, seen_quotes, fields
            )
    _fill_twin_groups(db.conn)
    _build_search_index(db, glossary)
    counts = {
        "documents": db["sources"].count,
        "passages": db["passages"].count,
        "quotes": db["quotes"].count,
    }
    write_meta(
        db,
        {
            "user_words": json.dumps(user_words, ensure_ascii=False),
            "search_quotes": str(db["quotes"].count),
            **version_meta(),
            "counts": json.dumps(counts),
        },
    )
    return counts


def _insert_speakers(db: sqlite_utils.Database, speakers: list[Speaker]) -> dict[str, int]:
    rows = [speaker_row(number, speaker) for number, speaker in enumerate(speakers, start=1)]
    db.table("speakers").insert_all(rows)
    return {row["name"]: row["id"] for row in rows}


def _insert_passages(
    db: sqlite_utils.Database, document: Document, source_id: int, speaker_ids: dict[str, int]
) -> list[int]:
    # Ids are given here rather than read back row by row, so the whole document
    # is one insert; they continue the table's rowids exactly as one-by-one inserts would.
    next_id = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM passages").fetchone()[0]
    ids = list(range(next_id, next_id + len(document.passages)))
    rows = []
    prev_id = None
    for position, (passage, passage_id) in enumerate(zip(document.passages, ids, strict=True)):
        rows.append(
            {
                "id": passage_id,
                "source_id": source_id,
                "speaker_id": speaker_ids[passage.speaker],
                "position": position,
                "prev_id": prev_id if passage.kind == "speech" else None,
                "line": passage.line,
                "kind": passage.kind,
                "text": passage.text,
            }
        )
        if passage.kind == "speech":
            prev_id = passage_id
    db.table("passages").insert_all(rows)
    return ids


def _insert_quotes(
    db: sqlite_utils.Database,
    document: Document,
    judgements: list[Judgement],
    source_id: int,
    passage_ids: list[int],
    speaker_ids: dict[str, int],
    seen: set[tuple[int, str]],
    fields: Iterator[tuple[str, dict[str, object]]],
) -> None:
    """Insert the document's quotes with their judgements; `fields` yields each one's
    _quote_fields, in order."""
    rows = []
    positions: dict[int, int] = {}
    for unit, judgement in zip(document.quotes, judgements, strict=True):
        dedupe_key, search_fields = next(fields)
        passage = document.passages[unit.passage]
        speaker_id = speaker_ids[passage.speaker]
        key = (speaker_id, dedupe_key)
        if key in seen:  # a block repeated in the source (or reported twice) is stored once
            continue
        seen.add(key)
        position = positions.get(unit.passage, 0)
        positions[unit.passage] = position + 1
        rows.append(
            {
                "passage_id": passage_ids[unit.passage],
                "speaker_id": speaker_id,
                "source_id": source_id,
                "position": position,
                "kind": unit.kind,
                "text": unit.text,
                **search_fields,
                "postable": int(judgement.postable),
                "postable_score": judgement.score,
                "postable_why": json.dumps(list(judgement.reasons)),
            }
        )
    db.table("quotes").insert_all(rows)


def _quote_fields(text: str, segmenter: Segmenter) -> tuple[str, dict[str, object]]:
    """What the build computes from a quote's text alone: its dedupe key and search fields."""
    return normalize.dedupe_key(text), terms.search_fields(text, segmenter)


def _fill_twin_groups(conn: sqlite3.Connection) -> None:
    """Store each quote's near-duplicate group: the smallest id of the quotes that say
    the same words (`terms.near_duplicate` on their comparison forms, chained)."""
    groups = twin_groups(_comparison_forms(conn, "id"), _comparison_forms(conn, "length(tokens), id"))
    conn.execute("UPDATE quotes SET twin_group = id")
    conn.executemany(
        "UPDATE quotes SET twin_group = ? WHERE id = ?",
        ((group, qid) for qid, group in groups.items() if group != qid),
    )


def _comparison_forms(conn: sqlite3.Connection, order: str) -> Iterator[tuple[int, str]]:
    """(id, comparison form) of every stored quote, in this SQL order, streamed."""
    for qid, tokens in conn.execute(f"SELECT id, tokens FROM quotes ORDER BY {order}"):
        yield qid, (tokens or "").replace(" ", "")


def twin_groups(
    forms: Iterable[tuple[int, str]], shortest_first: Iterable[tuple[int, str]] | None = None
) -> dict[int, int]:
    """Quote id -> the smallest id of its near-duplicate group, for every quote that has a
    near-duplicate (the others are groups of one), from (id, comparison form) pairs;
    `shortest_first` is the same pairs again, shortest form first (for a stream read twice).

    Quotes are taken shortest first, each filed under its TWIN_KEYS rarest character
    pairs; each is compared with the latest quotes filed under any of its pairs, rarest
    pair first, TWIN_CANDIDATES at most, skipping those already in its group. A shorter
    quote held in a longer one has all its pairs there, and near-equal quotes share most
    of theirs, so this finds them without comparing every pair of quotes, and memory
    holds only the latest quotes of each pair.
    """
    if shortest_first is None:
        forms = list(forms)
        shortest_first = sorted(forms, key=lambda item: (len(item[1]), item[0]))
    frequency: Counter[str] = Counter()
    for _qid, form in forms:
        frequency.update(set(_pairs(form)))
    parent: dict[int, int] = {}

    def root(qid: int) -> int:
        while parent.get(qid, qid) != qid:
            parent[qid] = parent.get(parent[qid], parent[qid])  # halve the path as it is walked
            qid = parent[qid]
        return qid

    latest: dict[str, list[int]] = {}
    held: dict[int, str] = {}  # the forms of the quotes some `latest` list holds
    holders: Counter[int] = Counter()  # how many `latest` lists hold each
    for qid, form in shortest_first:
        pairs = sorted(set(_pairs(form)), key=lambda pair: (frequency[pair], pair))
        keys = pairs[:TWIN_KEYS]
        tried = 0
        filed = (o for pair in pairs for o in reversed(latest.get(pair, ())))
        for other in itertools.islice(_unique(filed), TWIN_VISITS):
            if tried == TWIN_CANDIDATES:
                break
            if root(other) == root(qid):
                continue
            tried += 1
            if terms.near_duplicate(form, held[other]):
                low, high = sorted((root(other), root(qid)))
                parent[high] = low
        if keys:
            held[qid] = form
        for key in keys:
            ids = latest.setdefault(key, [])
            ids.append(qid)
            holders[qid] += 1
            if len(ids) > TWIN_CANDIDATES:
                dropped = ids.pop(0)
                holders[dropped] -= 1
                if not holders[dropped]:
                    del held[dropped], holders[dropped]
    return {qid: root(qid) for qid in parent}


def _unique(ids: Iterable[int]) -> Iterator[int]:
    """`ids` without repeats, lazily."""
    seen: set[int] = set()
    for item in ids:
        if item not in seen:
            seen.add(item)
            yield item


def _pairs(form: str) -> list[str]:
    """The character pairs of a comparison form (the single character of a one-character form)."""
    return [form[i : i + 2] for i in range(len(form) - 1)] or ([form] if form else [])


def _build_search_index(db: sqlite_utils.Database, glossary: dict[str, list[str]]) -> None:
    """The search tables over the inserted quotes (owned by the matching work)."""
    conn = db.conn
    _fill_fts(conn)
    vocab = _fill_vocab(conn)
    occurs = _occurs_in(vocab)
    corpus_chars = {ch for term in vocab for ch in term}
    conn.execute(f"CREATE TABLE {LEXICON_TABLE} (en TEXT NOT NULL, zh TEXT NOT NULL, weight REAL)")
    conn.executemany(
        f"INSERT INTO {LEXICON_TABLE} VALUES (?, ?, ?)", lexicon.translations(glossary, occurs)
    )
    conn.execute(f"CREATE INDEX {LEXICON_TABLE}_en ON {LEXICON_TABLE}(en)")
    conn.execute(
        f"CREATE TABLE {READINGS_TABLE} (char TEXT NOT NULL, py TEXT NOT NULL, in_corpus INTEGER)"
    )
    conn.executemany(
        f"INSERT INTO {READINGS_TABLE} VALUES (?, ?, ?)",
        ((ch, py, int(ch in corpus_chars)) for ch, py in lexicon.readings()),
    )
    conn.execute(f"CREATE INDEX {READINGS_TABLE}_char ON {READINGS_TABLE}(char)")
    conn.execute(f"CREATE INDEX {READINGS_TABLE}_py ON {READINGS_TABLE}(py, in_corpus)")


def _fill_fts(conn: sqlite3.Connection) -> None:
    """Index every quote's terms, from the words stored with it.

    The FTS5 table is contentless (the terms are only ever matched, never shown) and
    keeps no column sizes (quotes are short; bm25 then needs no per-row lookup).
    """
    conn.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
        "terms, content='', columnsize=0, tokenize='ascii')"
    )
    rows = conn.execute("SELECT id, speaker_id, tokens FROM quotes ORDER BY id")
    while batch := rows.fetchmany(5000):
        conn.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (?, ?)",
            [(qid, " ".join(_quote_terms(tokens, speaker))) for qid, speaker, tokens in batch],
        )
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


@contextlib.contextmanager
def _build_pool(count: int) -> Iterator[multiprocessing.pool.Pool | None]:
    """Worker processes for a big build (None for a small one, where start-up would cost more).

    A multiprocessing pool: its imap streams results in order while the caller writes.
    """
    workers = os.cpu_count() or 1
    if count < PARALLEL_BUILD_QUOTES or workers < 2:
        yield None
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers) as pool:
        yield pool


def _quote_terms(tokens: str, speaker_id: int) -> list[str]:
    found = terms.index_terms(tokens.split(" ") if tokens else [])
    return sorted(found) + [f"{terms.SPEAKER_PREFIX}{speaker_id}"]


def _fill_vocab(conn: sqlite3.Connection) -> dict[str, int]:
    """Each indexed term's document frequency, in a plain table the searcher reads by key."""
    conn.execute(f"CREATE VIRTUAL TABLE temp.fts_rows USING fts5vocab(main, {FTS_TABLE}, 'row')")
    conn.execute(f"CREATE TABLE {VOCAB_TABLE} (term TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID")
    conn.execute(f"INSERT INTO {VOCAB_TABLE} SELECT term, doc FROM temp.fts_rows")
    conn.execute("DROP TABLE temp.fts_rows")
    return dict(conn.execute(f"SELECT term, df FROM {VOCAB_TABLE}"))


def _occurs_in(vocab: dict[str, int]) -> Callable[[str], bool]:
    """Whether a normalized term occurs in the corpus, judged from the indexed terms."""

    def occurs(term: str) -> bool:
        if term in vocab:
            return True
        pairs = terms.bigrams(term)
        return len(pairs) >= 2 and len(pairs) == len(term) - 1 and all(p in vocab for p in pairs)

    return occurs
