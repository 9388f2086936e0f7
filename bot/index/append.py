"""Adding documents to a stored corpus instead of building it again.

A build whose database holds exactly its first documents, made from the same speakers,
glossary, versions and model (`bot.index.fingerprint`), copies that database and adds
only the other documents: their rows, search terms, near-duplicate groups and sentence
vectors (the ANN index grows without being trained again). Everything a quote's rows hold
is made by the same code as in a full build (`bot.index.rows`), so the stored quotes are
the same; only the near-duplicate groups may differ on a few pairs (`add_twin_groups`).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlite_utils

from bot import meaning, normalize
from bot.extract.model import Document
from bot.extract.postable import Judgement
from bot.index.fingerprint import DOCUMENTS_KEY, INPUTS_KEY
from bot.index.rows import insert_documents, write_counts
from bot.index.search_tables import add_to_search_index
from bot.index.twins import add_twin_groups
from bot.index.vectors import add_vectors
from bot.normalize import Segmenter
from bot.quotedb import VECTORS_TABLE, DatabaseError, QuoteDB


def documents_to_add(db_path: Path, facts: dict[str, str]) -> int | None:
    """How many documents (the last ones of those `facts` describes) a build may add to the
    database at `db_path`; None when it must build from scratch (no such database, other
    inputs, its documents are not exactly the first ones, or it is damaged)."""
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            stored = dict(
                conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (DOCUMENTS_KEY, INPUTS_KEY))
            )
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if stored.get(INPUTS_KEY) != facts[INPUTS_KEY] or DOCUMENTS_KEY not in stored:
        return None
    had, wanted = json.loads(stored[DOCUMENTS_KEY]), json.loads(facts[DOCUMENTS_KEY])
    if wanted[: len(had)] != had:
        return None
    try:  # a damaged file is not copied on: opening runs the checks every reader runs
        QuoteDB(db_path).close()
    except DatabaseError:
        return None
    return len(wanted) - len(had)


def add_documents(
    db: sqlite_utils.Database,
    documents: list[Document],
    judgements: list[list[Judgement]],
    glossary: dict[str, list[str]],
    embedder: meaning.Embedder | None,
) -> dict[str, int]:
    """Add the documents to the stored corpus in `db` (a copy being built); the counts."""
    conn = db.conn
    (user_words,) = conn.execute("SELECT value FROM meta WHERE key = 'user_words'").fetchone()
    segmenter = Segmenter(json.loads(user_words))  # the same inputs: the same words
    speaker_ids = {name: sid for sid, name in conn.execute("SELECT id, name FROM speakers")}
    first_quote = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM quotes").fetchone()[0]
    segmenter.load()
    seen = _stored_keys(conn, documents, speaker_ids, segmenter)
    insert_documents(db, documents, judgements, speaker_ids, seen, segmenter)
    add_twin_groups(conn, first_quote)
    add_to_search_index(db, glossary, first_quote)
    counts = write_counts(db)
    counts["added"] = len(documents)
    if embedder is not None:
        counts.update(add_vectors(db, embedder, first_quote))
    return counts


def _stored_keys(
    conn: sqlite3.Connection,
    documents: list[Document],
    speaker_ids: dict[str, int],
    segmenter: Segmenter,
) -> set[tuple[int, str]]:
    """The (speaker id, dedupe key) of the stored quotes a new one could repeat (a quote
    stored once is not stored again): those of the same speaker with the same words, the
    only ones whose key can be the same (the words are cut from the key's text)."""
    wanted = {
        (speaker_ids[document.passages[unit.passage].speaker], segmenter.segmented(unit.text))
        for document in documents
        for unit in document.quotes
    }
    alike = [
        quote_id
        for quote_id, speaker_id, tokens in conn.execute("SELECT id, speaker_id, tokens FROM quotes")
        if (speaker_id, tokens) in wanted
    ]
    keys: set[tuple[int, str]] = set()
    for start in range(0, len(alike), 500):
        batch = alike[start : start + 500]
        marks = ",".join("?" * len(batch))
        rows = conn.execute(f"SELECT speaker_id, text FROM quotes WHERE id IN ({marks})", batch)
        keys.update((speaker_id, normalize.dedupe_key(text)) for speaker_id, text in rows)
    return keys


def stored_counts(db_path: Path) -> dict[str, int]:
    """The counts of a stored database a build leaves as it is (it holds every document)."""
    conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        counts: dict[str, int] = json.loads(
            conn.execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()[0]
        )
        if VECTORS_TABLE in {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}:
            counts["sentences"] = conn.execute(f"SELECT count(*) FROM {VECTORS_TABLE}").fetchone()[0]
            counts["embedded"] = 0
    finally:
        conn.close()
    return {**counts, "added": 0}
