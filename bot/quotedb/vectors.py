"""The stored sentence vectors: written by the build, reused by the next build.

Matching by meaning is optional: a database built without the model package has no
vectors table. `QuoteDB.sentence_vectors` reads them for the searcher.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from bot.quotedb.schema import VECTOR_GRAPH_TABLE, VECTOR_TAG_KEY, VECTORS_TABLE, write_meta


def write_vectors(
    db: sqlite_utils.Database, tag: str, rows: Iterable[tuple[int, str, bytes]]
) -> None:
    """Store (quote id, sentence key, int8 code bytes) rows made by the model `tag`, numbered
    from 0 in this order (the row number is the ANN index's id and the key of a code's read)."""
    db.conn.execute(
        f"CREATE TABLE {VECTORS_TABLE} (row INTEGER PRIMARY KEY, quote_id INTEGER NOT NULL,"
        " key TEXT NOT NULL, code BLOB)"
    )
    numbered = ((number, *row) for number, row in enumerate(rows))
    db.conn.executemany(f"INSERT INTO {VECTORS_TABLE} VALUES (?, ?, ?, ?)", numbered)
    write_meta(db, {VECTOR_TAG_KEY: tag})


def write_vector_graph(db: sqlite_utils.Database, data: bytes) -> None:
    """Store the serialized ANN index over the stored vectors (one row)."""
    db.conn.execute(f"CREATE TABLE {VECTOR_GRAPH_TABLE} (data BLOB)")
    db.conn.execute(f"INSERT INTO {VECTOR_GRAPH_TABLE} VALUES (?)", (data,))


def stored_vectors(path: Path, tag: str) -> dict[str, bytes]:
    """Sentence key -> code of the vectors in the database at `path` made by the model `tag`.

    The previous build's vectors, reused by the next one so it embeds only what changed;
    {} when there is no such file, it has no vectors, or another model made them.
    """
    if not Path(path).exists():
        return {}
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (VECTOR_TAG_KEY,)).fetchone()
        if row is None or row[0] != tag:
            return {}
        return dict(conn.execute(f"SELECT key, code FROM {VECTORS_TABLE}").fetchall())
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
