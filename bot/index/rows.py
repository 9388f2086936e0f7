"""The rows of speakers, sources, passages and quotes, as a build inserts them.

Shared by the full build (`bot.index.build`) and the build that only adds new documents
(`bot.index.append`), so that both store a document exactly alike.
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import os
import sys
from collections.abc import Iterator

import sqlite_utils
from tqdm import tqdm

from bot import normalize, terms
from bot.extract.model import Document
from bot.extract.postable import Judgement
from bot.metadata import Speaker
from bot.normalize import Segmenter
from bot.quotedb import speaker_row, write_meta

# From this many quotes on, the build segments them in worker processes.
PARALLEL_BUILD_QUOTES = 20_000

def insert_documents(
    db: sqlite_utils.Database,
    documents: list[Document],
    judgements: list[list[Judgement]],
    speaker_ids: dict[str, int],
    seen: set[tuple[int, str]],
    segmenter: Segmenter,
) -> None:
    """Store each document's source, passages and quotes (a quote `seen` already is left out)."""
    texts = ((unit.text, unit.original) for document in documents for unit in document.quotes)
    segmenter.load()
    with build_pool(sum(len(d.quotes) for d in documents)) as pool:
        # Each quote's key and search fields, computed by the workers while this
        # process writes, in document order.
        # (The segmenter pickles as its words; a worker reuses its tokenizer.)
        fields_of = functools.partial(quote_fields, segmenter=segmenter)
        fields = pool.imap(fields_of, texts, chunksize=500) if pool else map(fields_of, texts)
        total = sum(len(d.quotes) for d in documents)
        # A long build shows its progress on a terminal (tqdm stays silent elsewhere).
        with tqdm(total=total, desc="indexing", unit="quote", file=sys.stderr, disable=None, leave=False) as progress:
            for document, judged in zip(documents, judgements, strict=True):
                source_id = int(db.table("sources").insert(vars(document.source)).last_pk or 0)
                passage_ids = insert_passages(db, document, source_id, speaker_ids)
                insert_quotes(db, document, judged, source_id, passage_ids, speaker_ids, seen, fields)
                progress.update(len(document.quotes))


def write_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Store and return the row counts (the ingest report's) and the searched quote count."""
    counts = {
        "documents": db["sources"].count,
        "passages": db["passages"].count,
        "quotes": db["quotes"].count,
    }
    write_meta(db, {"search_quotes": str(counts["quotes"]), "counts": json.dumps(counts)})
    return counts


def insert_speakers(db: sqlite_utils.Database, speakers: list[Speaker]) -> dict[str, int]:
    """Store the speakers, numbered from 1 in order: name -> id."""
    rows = [speaker_row(number, speaker) for number, speaker in enumerate(speakers, start=1)]
    db.table("speakers").insert_all(rows)
    return {row["name"]: row["id"] for row in rows}


def insert_passages(
    db: sqlite_utils.Database, document: Document, source_id: int, speaker_ids: dict[str, int]
) -> list[int]:
    """Store the document's passages: their ids, in order."""
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


def insert_quotes(
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
                "original": unit.original,
                "original_lang": unit.original_lang,
                "start": unit.start,
                **search_fields,
                "postable": int(judgement.postable),
                "postable_score": judgement.score,
                "postable_why": json.dumps(list(judgement.reasons)),
            }
        )
    db.table("quotes").insert_all(rows)


def quote_fields(
    words: tuple[str, str | None], segmenter: Segmenter
) -> tuple[str, dict[str, object]]:
    """What the build computes from a quote's words (its text and any original) alone: its
    dedupe key and search fields."""
    text, original = words
    return normalize.dedupe_key(text), terms.search_fields(text, segmenter, original)


@contextlib.contextmanager
def build_pool(count: int) -> Iterator[multiprocessing.pool.Pool | None]:
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


