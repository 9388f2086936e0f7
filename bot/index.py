"""Build the quote database with sqlite-utils: schema, rows, full-text index.

The build writes a temporary file beside the target and renames it into place
only when everything succeeded, so readers never see a half-built database and a
failed build leaves the previous one untouched. Nothing else writes to it.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import sqlite_utils

from bot import normalize
from bot.extract import extract_document, find_documents
from bot.extract.model import Document
from bot.metadata import Speaker, load_glossary, load_sources, load_speakers

SCHEMA_VERSION = 1

# Columns the matcher reads, filled from normalize.search_fields(text): the segmented
# comparison form (the comparison form itself is it without spaces, so it is not
# stored twice) and the quotability prior.
SEARCH_COLUMNS = {"tokens": str, "quality": float}
# The search tables _build_search_index adds: a contentless FTS5 index of each quote's
# words, CJK bigrams, number sizes and speaker; the document frequency of every term
# (to pick a query's selective terms without touching the index); English -> Chinese
# translations that occur in the corpus; characters' readings (for homophone typos).
FTS_TABLE = "quotes_fts"
VOCAB_TABLE = "vocab"
LEXICON_TABLE = "lexicon"
READINGS_TABLE = "readings"
# From this many quotes on, the build segments them in worker processes.
PARALLEL_BUILD_QUOTES = 20_000


def build_from_paths(
    paths: Iterable[Path],
    seeds_dir: Path,
    db_path: Path,
    on_document: Callable[[Path], None] | None = None,
) -> tuple[list[Document], dict]:
    """Extract every document under `paths` with the metadata in `seeds_dir`, then build `db_path`.

    Returns the extracted documents (for the ingest report) and the row counts.
    A document that cannot be read is reported in its notes and skipped; the
    build goes on with the rest.
    """
    corpus = extract_paths(paths, seeds_dir, on_document)
    return corpus.documents, build(corpus.documents, corpus.speakers, db_path, corpus.glossary)


class Corpus(NamedTuple):
    """Extracted documents with the hand-kept metadata the build needs."""

    documents: list[Document]
    speakers: list[Speaker]
    glossary: dict[str, list[str]]


def extract_paths(
    paths: Iterable[Path], seeds_dir: Path, on_document: Callable[[Path], None] | None = None
) -> Corpus:
    """Extract every document under `paths` with the speakers, facts and glossary in `seeds_dir`."""
    speakers = load_speakers(Path(seeds_dir))
    facts = load_sources(Path(seeds_dir))
    documents = []
    for path in find_documents(paths):
        if on_document:
            on_document(path)
        documents.append(_extract_safely(path, speakers, facts))
    return Corpus(documents, speakers, load_glossary(Path(seeds_dir)))


def _extract_safely(path: Path, speakers: list[Speaker], facts: dict) -> Document:
    """Extract one document; an unreadable file becomes an empty document with a note."""
    try:
        return extract_document(path, speakers, facts.get(path.name))
    except OSError as error:
        return Document(file=path.name, notes=[f"unreadable ({error.strerror or error}): skipped"])


def build(
    documents: Iterable[Document],
    speakers: list[Speaker],
    db_path: Path,
    glossary: dict[str, list[str]] | None = None,
) -> dict:
    """Write every document into a fresh database at `db_path`, atomically; return counts.

    `glossary` (English -> Chinese terms) defaults to the repository's seeds/glossary.toml.
    """
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
        counts = _fill(db, list(documents), speakers, glossary)
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
) -> dict:
    _create_schema(db)
    speaker_ids = _insert_speakers(db, speakers)
    seen_quotes: set[tuple[int, str]] = set()
    documents = [d for d in documents if d.passages or not any("skipped" in n for n in d.notes)]
    texts = (unit.text for document in documents for unit in document.quotes)
    with _build_pool(sum(len(d.quotes) for d in documents)) as pool:
        # Each quote's key and search fields, computed by the workers while this
        # process writes, in document order.
        fields = (
            pool.imap(_quote_fields, texts, chunksize=500) if pool else map(_quote_fields, texts)
        )
        for document in documents:
            source_id = _insert_source(db, document)
            passage_ids = _insert_passages(db, document, source_id, speaker_ids)
            _insert_quotes(db, document, source_id, passage_ids, speaker_ids, seen_quotes, fields)
    _build_search_index(db, glossary)
    counts = {
        "documents": db["sources"].count,
        "passages": db["passages"].count,
        "quotes": db["quotes"].count,
    }
    db["meta"].insert_all(
        [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "normalizer_version", "value": str(normalize.VERSION)},
            {"key": "counts", "value": json.dumps(counts)},
        ],
        pk="key",
    )
    return counts


def _create_schema(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["speakers"].create(
        {"id": int, "name": str, "name_zh": str, "aliases": str}, pk="id", not_null={"name"}
    )
    db["speakers"].create_index(["name"], unique=True)
    db["sources"].create(
        {
            "id": int,
            "file": str,
            "title": str,
            "publisher": str,
            "url": str,
            "date": str,
            "event": str,
            "script": str,
        },
        pk="id",
        not_null={"file"},
    )
    db["sources"].create_index(["file"], unique=True)
    db["passages"].create(
        {
            "id": int,
            "source_id": int,
            "speaker_id": int,
            "position": int,
            "prev_id": int,
            "line": int,
            "kind": str,
            "text": str,
        },
        pk="id",
        foreign_keys=[
            ("source_id", "sources", "id"),
            ("speaker_id", "speakers", "id"),
            ("prev_id", "passages", "id"),
        ],
    )
    db["quotes"].create(
        {
            "id": int,
            "passage_id": int,
            "speaker_id": int,
            "source_id": int,
            "position": int,
            "kind": str,
            "text": str,
            **SEARCH_COLUMNS,
        },
        pk="id",
        foreign_keys=[
            ("passage_id", "passages", "id"),
            ("speaker_id", "speakers", "id"),
            ("source_id", "sources", "id"),
        ],
    )
    db["quotes"].create_index(["speaker_id"])
    db["quotes"].create_index(["passage_id"])


def _insert_speakers(db: sqlite_utils.Database, speakers: list[Speaker]) -> dict[str, int]:
    rows = [
        {
            "id": number,
            "name": speaker.name,
            "name_zh": speaker.name_zh,
            "aliases": json.dumps(list(speaker.aliases), ensure_ascii=False),
        }
        for number, speaker in enumerate(speakers, start=1)
    ]
    db["speakers"].insert_all(rows)
    return {row["name"]: row["id"] for row in rows}


def _insert_source(db: sqlite_utils.Database, document: Document) -> int:
    row = {
        "file": document.file,
        "title": document.title,
        "publisher": document.publisher,
        "url": document.url,
        "date": document.date,
        "event": document.event,
        "script": document.script,
    }
    return db["sources"].insert(row).last_pk


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
    db["passages"].insert_all(rows)
    return ids


def _insert_quotes(
    db: sqlite_utils.Database,
    document: Document,
    source_id: int,
    passage_ids: list[int],
    speaker_ids: dict[str, int],
    seen: set[tuple[int, str]],
    fields: Iterator[tuple[str, dict]],
) -> None:
    """Insert the document's quotes; `fields` yields each one's _quote_fields, in order."""
    rows = []
    positions: dict[int, int] = {}
    for unit in document.quotes:
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
            }
        )
    db["quotes"].insert_all(rows)


def _quote_fields(text: str) -> tuple[str, dict]:
    """What the build computes from a quote's text alone: its dedupe key and search fields."""
    return normalize.dedupe_key(text), normalize.search_fields(text)


def _build_search_index(db: sqlite_utils.Database, glossary: dict | None = None) -> None:
    """The search tables over the inserted quotes (owned by the matching work).

    `glossary` defaults to the repository's seeds/glossary.toml.
    """
    from bot import lexicon

    conn = db.conn
    glossary = lexicon.default_glossary() if glossary is None else glossary
    words = lexicon.user_words(_stored_speakers(conn), glossary)
    normalize.set_user_words(words)
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
    db["meta"].insert_all(
        [
            {"key": "user_words", "value": json.dumps(words, ensure_ascii=False)},
            {"key": "search_quotes", "value": str(db["quotes"].count)},
        ],
        pk="key",
    )


def _stored_speakers(conn: sqlite3.Connection) -> list[Speaker]:
    rows = conn.execute("SELECT name, name_zh, aliases FROM speakers").fetchall()
    return [
        Speaker(name, name_zh or "", tuple(json.loads(aliases or "[]")))
        for name, name_zh, aliases in rows
    ]


def _fill_fts(conn: sqlite3.Connection) -> None:
    """Segment every quote and index its terms.

    The FTS5 table is contentless (the terms are only ever matched, never shown) and
    keeps no column sizes (quotes are short; bm25 then needs no per-row lookup).
    Segmentation (jieba) is the slow part of a build, so big builds stream it
    through worker processes while this one writes.
    """
    conn.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
        "terms, content='', columnsize=0, tokenize='ascii')"
    )
    rows = conn.execute("SELECT id, speaker_id, text FROM quotes ORDER BY id").fetchall()
    texts = (text for _id, _speaker, text in rows)
    with _build_pool(len(rows)) as pool:
        segmented = pool.map(normalize.segmented, texts, chunksize=500) if pool else map(
            normalize.segmented, texts
        )
        batch: list[tuple[str, int, int]] = []
        for tokens, (quote_id, speaker_id, _text) in zip(segmented, rows, strict=True):
            batch.append((tokens, quote_id, speaker_id))
            if len(batch) == 5000:
                _write_terms(conn, batch)
                batch = []
        _write_terms(conn, batch)
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


def _write_terms(conn: sqlite3.Connection, batch: list[tuple[str, int, int]]) -> None:
    conn.executemany("UPDATE quotes SET tokens = ? WHERE id = ?", [b[:2] for b in batch])
    conn.executemany(
        f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (?, ?)",
        [(quote_id, " ".join(_quote_terms(t, speaker))) for t, quote_id, speaker in batch],
    )


@contextlib.contextmanager
def _build_pool(count: int):
    """Worker processes for a big build (None for a small one, where start-up would cost more).

    A multiprocessing pool: its imap streams results in order while the caller writes.
    """
    workers = os.cpu_count() or 1
    if count < PARALLEL_BUILD_QUOTES or workers < 2:
        yield None
        return
    normalize.tokenizer()  # loaded once here, inherited by the workers
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(
        workers, initializer=normalize.set_user_words, initargs=(normalize.user_words(),)
    ) as pool:
        yield pool


def _quote_terms(tokens: str, speaker_id: int) -> list[str]:
    terms = normalize.index_terms(tokens.split(" ") if tokens else [])
    return sorted(terms) + [f"{normalize.SPEAKER_PREFIX}{speaker_id}"]


def _fill_vocab(conn: sqlite3.Connection) -> dict[str, int]:
    """Each indexed term's document frequency, in a plain table the searcher reads by key."""
    conn.execute(f"CREATE VIRTUAL TABLE temp.fts_rows USING fts5vocab(main, {FTS_TABLE}, 'row')")
    conn.execute(f"CREATE TABLE {VOCAB_TABLE} (term TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID")
    conn.execute(f"INSERT INTO {VOCAB_TABLE} SELECT term, doc FROM temp.fts_rows")
    conn.execute("DROP TABLE temp.fts_rows")
    return dict(conn.execute(f"SELECT term, df FROM {VOCAB_TABLE}"))


def _occurs_in(vocab: dict[str, int]):
    """Whether a normalized term occurs in the corpus, judged from the indexed terms."""

    def occurs(term: str) -> bool:
        if term in vocab:
            return True
        pairs = normalize.bigrams(term)
        return len(pairs) >= 2 and len(pairs) == len(term) - 1 and all(p in vocab for p in pairs)

    return occurs


# Reading: the schema's own queries, shared by the CLI listings and the searcher.

QUOTE_ROWS_SQL = """
SELECT q.id, sp.name AS speaker, sp.name_zh AS speaker_zh, q.text, q.kind, q.passage_id,
       s.file, s.title, s.publisher, s.url, s.date, s.event
FROM quotes q
JOIN speakers sp ON sp.id = q.speaker_id
JOIN sources s ON s.id = q.source_id
"""


class DatabaseError(Exception):
    """The quote database is missing or is not one this version can read."""


def open_readonly(db_path: Path) -> sqlite3.Connection:
    """Open the quote database read-only; DatabaseError with one clear line when it can't be."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise DatabaseError(f"no quote database at {db_path} (build it with `quotebot ingest`)")
    conn = sqlite3.connect(f"file:{db_path.resolve()}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("SELECT 1 FROM quotes LIMIT 1").fetchall()
    except sqlite3.DatabaseError as error:
        conn.close()
        raise DatabaseError(f"{db_path} is not a quote database ({error})") from error
    return conn


def quote_rows(conn: sqlite3.Connection, where: str = "", params: tuple = ()) -> list[sqlite3.Row]:
    """Quotes with their speaker and source, in id order, optionally filtered by `where`."""
    return conn.execute(f"{QUOTE_ROWS_SQL} {where} ORDER BY q.id", params).fetchall()


def speaker_counts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every speaker with a quote count, most quoted first."""
    return conn.execute(
        """SELECT sp.name, sp.name_zh, sp.aliases, COUNT(q.id) AS quotes
           FROM speakers sp LEFT JOIN quotes q ON q.speaker_id = sp.id
           GROUP BY sp.id ORDER BY quotes DESC, sp.name"""
    ).fetchall()


def source_counts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every source with its passage and quote counts, oldest first."""
    return conn.execute(
        """SELECT s.*, (SELECT COUNT(*) FROM passages p WHERE p.source_id = s.id) AS passages,
                  (SELECT COUNT(*) FROM quotes q WHERE q.source_id = s.id) AS quotes
           FROM sources s ORDER BY s.date IS NULL, s.date, s.file"""
    ).fetchall()
