"""Build the quote database with sqlite-utils: schema, rows, full-text index.

The build writes a temporary file beside the target and renames it into place
only when everything succeeded, so readers never see a half-built database and a
failed build leaves the previous one untouched. Nothing else writes to it. The
schema, table names and version live in `bot.quotedb`, which every reader opens.

This module is the build itself (extract, then a full build or an added one, then
rename); its parts live beside it: `rows` (speakers, sources, passages, quotes),
`twins` (near-duplicate groups), `search_tables` (FTS5, vocabulary, lexicon, readings),
`vectors` (sentence vectors and their ANN index), `fingerprint` (what a build was made
from), `append` (adding new documents to a copy of the stored corpus) and `temporaries`
(the temporary file's lock, stale files).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import sqlite_utils

from bot import lexicon, meaning
from bot.extract import extract_document, find_documents, original_file
from bot.extract.model import Document
from bot.extract.postable import Judgement, judge_document
from bot.extract.roles import check_people
from bot.index import append
from bot.index.fingerprint import (
    DOCUMENTS_KEY,
    INPUTS_KEY,
    document_fingerprint,
    inputs_fingerprint,
)
from bot.index.originals import add_originals
from bot.index.rows import (
    PARALLEL_BUILD_QUOTES,
    insert_documents,
    insert_speakers,
    write_counts,
)
from bot.index.search_tables import build_search_index
from bot.index.temporaries import _hold, remove_stale_temporaries
from bot.index.twins import fill_twin_groups, twin_groups
from bot.index.vectors import store_vectors
from bot.metadata import (
    SPEAKERS_FILE,
    MetadataError,
    SourceFacts,
    Speaker,
    check_monologues,
    load_glossary,
    load_sources,
    load_speakers,
    merge_speakers,
)
from bot.normalize import Segmenter
from bot.quotedb import (
    create_schema,
    stored_vectors,
    version_meta,
    write_meta,
)
from bot.records import Source


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
    paths: Iterable[Path],
    seeds_dir: Path,
    on_document: Callable[[Path], None] | None = None,
    more_metadata: Iterable[Path] = (),
) -> Corpus:
    """Extract every document under `paths` with the speakers, facts and glossary in `seeds_dir`
    (and the speakers.toml and sources.toml of `more_metadata` folders).

    Raises NoSpeakersError, after extracting (so the labels found can be reported),
    when speakers.toml is missing or lists nobody: no speech could be attributed.
    """
    paths = list(paths)
    speakers = load_speakers(Path(seeds_dir))
    facts = load_sources(Path(seeds_dir))
    # A folder of documents may carry its own speakers.toml and sources.toml (the documents
    # admins published from Telegram do): they add to the seeds'.
    for folder in (Path(p) for p in [*more_metadata, *paths]):
        if folder.is_dir() and folder.resolve() != Path(seeds_dir).resolve():
            speakers = merge_speakers(speakers, load_speakers(folder))
            facts.update(load_sources(folder))
    if speakers:  # without any, NoSpeakersError below says what to add
        check_people(speakers)
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
        document = extract_document(path, speakers, facts.get(path.name))
        if (original := original_file(path)) and not document.skipped:
            add_originals(document, original, speakers)
        return document
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
    full: bool = False,
) -> dict[str, int]:
    """Write every document into a fresh database at `db_path`, atomically; return counts.

    `glossary` (English -> Chinese terms) defaults to the repository's seeds/glossary.toml;
    `judgements` (one list per document, as `extract_paths` gives them) are made here
    when not given, so every stored quote carries its postability judgement.
    With the model package installed (and `with_vectors`), every quote's sentence vectors
    are stored too, reusing those of the database being replaced where the sentence and
    the model are the same; counts then include "sentences" and "embedded".

    When the database at `db_path` holds exactly the first of `documents`, built from the
    same speakers, glossary, versions and model, only the others are added to a copy of it
    (`bot.index.append`: a 1% larger corpus is built in a fraction of the time); counts then
    include "added" (documents). `full` builds everything again regardless.
    """
    documents = list(documents)
    # A document that could not be read and gave nothing is not stored.
    kept = [i for i, d in enumerate(documents) if d.passages or not d.skipped]
    documents = [documents[i] for i in kept]
    glossary = lexicon.default_glossary() if glossary is None else glossary
    embedder = meaning.load_embedder() if with_vectors else None
    facts = _build_facts(documents, speakers, glossary, embedder)
    db_path = Path(db_path)
    added = None if full else append.documents_to_add(db_path, facts)
    if added == 0:  # it holds every document already: left as it is (no reload anywhere)
        return append.stored_counts(db_path)
    # Only the documents stored now are judged (when not judged already).
    start = len(documents) - added if added is not None else 0
    judged = (
        [judgements[i] for i in kept[start:]] if judgements is not None
        else [judge_document(document, speakers) for document in documents[start:]]
    )
    with _replacing(db_path, start_from=db_path if added is not None else None) as db:
        if added is not None:  # the stored documents are the first ones: only the others are added
            counts = append.add_documents(db, documents[start:], judged, glossary, embedder)
        else:
            counts = _fill(db, documents, speakers, glossary, judged)
            if embedder is not None:
                cache = meaning.code_cache(embedder.tag, stored_vectors(db_path, embedder.tag))
                counts.update(store_vectors(db, embedder, cache))
        write_meta(db, facts)
    return counts


@contextlib.contextmanager
def _replacing(db_path: Path, start_from: Path | None) -> Iterator[sqlite_utils.Database]:
    """A database written in a temporary file beside `db_path` (a copy of `start_from`, or
    empty) and renamed over it only when the block succeeds; a fresh one is vacuumed."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(db_path)
    handle, tmp_name = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
    _hold(handle)  # released when this process ends, however it ends
    tmp_path = Path(tmp_name)
    try:
        if start_from is not None:
            shutil.copyfile(start_from, tmp_path)
        conn = sqlite3.connect(tmp_path)
        # No rollback journal and no fsync while building: a crash or a failure leaves
        # only the temporary file, which is deleted (or never renamed into place).
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        yield sqlite_utils.Database(conn)
        conn.commit()
        if start_from is None:  # an added build only grows the file: nothing to reclaim
            conn.execute("VACUUM")
        conn.close()
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, db_path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)


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
    speaker_ids = insert_speakers(db, speakers)
    insert_documents(db, documents, judgements, speaker_ids, set(), segmenter)
    fill_twin_groups(db.conn)
    build_search_index(db, glossary)
    write_meta(db, {"user_words": json.dumps(user_words, ensure_ascii=False), **version_meta()})
    return write_counts(db)


def _build_facts(
    documents: list[Document],
    speakers: list[Speaker],
    glossary: dict[str, list[str]],
    embedder: meaning.Embedder | None,
) -> dict[str, str]:
    """The meta keys that tell the next build what this one was made from."""
    stored = [document_fingerprint(document) for document in documents]
    inputs = inputs_fingerprint(speakers, glossary, version_meta(), embedder.tag if embedder else None)
    return {DOCUMENTS_KEY: json.dumps(stored), INPUTS_KEY: inputs}


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
