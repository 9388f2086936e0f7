"""Build the quote database with sqlite-utils: schema, rows, full-text index.

The build writes a temporary file beside the target and renames it into place
only when everything succeeded, so readers never see a half-built database and a
failed build leaves the previous one untouched. Nothing else writes to it. The
schema, table names and version live in `bot.quotedb`, which every reader opens.

This module is the build itself (extract, segment, insert, vectors, rename); its
parts live beside it: `twins` (near-duplicate groups), `search_tables` (FTS5,
vocabulary, lexicon, readings), `temporaries` (the temporary file's lock, stale files).
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
import sqlite_utils

from bot import lexicon, meaning, normalize, terms
from bot.extract import extract_document, find_documents
from bot.extract.model import Document
from bot.extract.postable import Judgement, judge_document
from bot.index.fingerprint import (
    DOCUMENTS_KEY,
    INPUTS_KEY,
    document_fingerprint,
    inputs_fingerprint,
)
from bot.index.search_tables import build_search_index
from bot.index.temporaries import _hold, remove_stale_temporaries
from bot.index.twins import fill_twin_groups, twin_groups
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
    create_schema,
    speaker_row,
    stored_vectors,
    version_meta,
    write_meta,
    write_vector_graph,
    write_vectors,
)
from bot.records import Source

# From this many quotes on, the build segments them in worker processes.
PARALLEL_BUILD_QUOTES = 20_000

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
    with_vectors: bool = True,
) -> dict[str, int]:
    """Write every document into a fresh database at `db_path`, atomically; return counts.

    `glossary` (English -> Chinese terms) defaults to the repository's seeds/glossary.toml;
    `judgements` (one list per document, as `extract_paths` gives them) are made here
    when not given, so every stored quote carries its postability judgement.
    With the model package installed (and `with_vectors`), every quote's sentence vectors
    are stored too, reusing those of the database being replaced where the sentence and
    the model are the same; counts then include "sentences" and "embedded".
    """
    documents = list(documents)
    if judgements is None:
        judgements = [judge_document(document, speakers) for document in documents]
    # A document that could not be read and gave nothing is not stored.
    kept = [i for i, d in enumerate(documents) if d.passages or not d.skipped]
    documents, judgements = [documents[i] for i in kept], [judgements[i] for i in kept]
    glossary = lexicon.default_glossary() if glossary is None else glossary
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
        embedder = meaning.load_embedder() if with_vectors else None
        if embedder is not None:
            cache = meaning.code_cache(embedder.tag, stored_vectors(db_path, embedder.tag))
            counts.update(_store_vectors(db, embedder, cache))
        write_meta(db, _build_facts(documents, judgements, speakers, glossary, embedder))
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


def _fill(
    db: sqlite_utils.Database,
    documents: list[Document],
    speakers: list[Speaker],
    glossary: dict[str, list[str]],
    judgements: list[list[Judgement]],
) -> dict[str, int]:
    # Index and query must cut text alike: the words are stored for the searcher.
    user_words = lexicon.user_words(speakers, glossary)
    segmenter = Segmenter(user_words)
    create_schema(db)
    speaker_ids = _insert_speakers(db, speakers)
    seen_quotes: set[tuple[int, str]] = set()
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
    fill_twin_groups(db.conn)
    build_search_index(db, glossary)
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


def _build_facts(
    documents: list[Document],
    judgements: list[list[Judgement]],
    speakers: list[Speaker],
    glossary: dict[str, list[str]],
    embedder: meaning.Embedder | None,
) -> dict[str, str]:
    """The meta keys that tell the next build what this one was made from."""
    stored = [document_fingerprint(d, j) for d, j in zip(documents, judgements, strict=True)]
    inputs = inputs_fingerprint(speakers, glossary, version_meta(), embedder.tag if embedder else None)
    return {DOCUMENTS_KEY: json.dumps(stored), INPUTS_KEY: inputs}


def _store_vectors(
    db: sqlite_utils.Database, embedder: meaning.Embedder, cache: dict[str, bytes]
) -> dict[str, int]:
    """Embed every quote's sentences (those in `cache` reused) into the vectors table."""
    items = db.execute("SELECT id, text FROM quotes ORDER BY id").fetchall()
    rows, embedded = meaning.embed_quotes(embedder, items, cache)
    write_vectors(db, embedder.tag, rows)
    # A big corpus gets its ANN index now, so that no searcher builds it on its first query.
    owners = np.array([quote_id for quote_id, _code in rows], dtype=np.int64)
    codes = np.frombuffer(b"".join(code for _q, code in rows), dtype=np.uint8)
    vectors = meaning.VectorIndex(codes.reshape(len(rows), meaning.CODE_BYTES), owners, embedder.tag)
    ann = vectors.ann_bytes()
    if ann is not None:
        write_vector_graph(db, ann)
    return {"sentences": len(rows), "embedded": embedded}


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


__all__ = [
    "PARALLEL_BUILD_QUOTES",
    "Corpus",
    "NoSpeakersError",
    "build",
    "build_from_paths",
    "extract_paths",
    "remove_stale_temporaries",
    "twin_groups",
]
