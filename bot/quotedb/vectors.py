"""The stored sentence vectors: written by the build, reused by the next build.

Matching by meaning is optional: a database built without the model package has no
vectors table. `QuoteDB.sentence_vectors` reads them for the searcher.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import sqlite_utils

from bot.quotedb.schema import VECTOR_GRAPH_TABLE, VECTOR_TAG_KEY, VECTORS_TABLE, write_meta


def write_vectors(db: sqlite_utils.Database, tag: str, rows: Iterable[tuple[int, bytes]]) -> None:
    """Store (quote id, code bytes) rows made by the model `tag`, numbered from 0 in this
    order (the row number is the ANN index's id and the key of a code's read). A quote's
    rows are its sentences in order, so the next build finds each sentence's code again
    from the quote's text (`stored_vectors`) and no key is stored."""
    db.conn.execute(
        f"CREATE TABLE {VECTORS_TABLE} (row INTEGER PRIMARY KEY, quote_id INTEGER NOT NULL, code BLOB)"
    )
    append_vectors(db, rows, 0)
    write_meta(db, {VECTOR_TAG_KEY: tag})


def append_vectors(db: sqlite_utils.Database, rows: Iterable[tuple[int, bytes]], first: int) -> None:
    """Store (quote id, code bytes) rows numbered from `first`."""
    numbered = ((number, *row) for number, row in enumerate(rows, start=first))
    db.conn.executemany(f"INSERT INTO {VECTORS_TABLE} VALUES (?, ?, ?)", numbered)


def write_vector_graph(db: sqlite_utils.Database, data: bytes) -> None:
    """Store the serialized ANN index over the stored vectors (one row)."""
    db.conn.execute(f"CREATE TABLE {VECTOR_GRAPH_TABLE} (data BLOB)")
    db.conn.execute(f"INSERT INTO {VECTOR_GRAPH_TABLE} VALUES (?)", (data,))


def read_vector_graph(conn: sqlite3.Connection) -> bytes | None:
    """The stored ANN index over the vectors, or None when there is none."""
    present = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (VECTOR_GRAPH_TABLE,)).fetchone()
    row = conn.execute(f"SELECT data FROM {VECTOR_GRAPH_TABLE}").fetchone() if present else None
    return bytes(row[0]) if row else None


def read_all_codes(conn: sqlite3.Connection) -> np.ndarray:
    """Every stored row's code, by row number, in one array (no list of small objects)."""
    count = conn.execute(f"SELECT count(*) FROM {VECTORS_TABLE}").fetchone()[0]
    codes: np.ndarray | None = None
    for number, (code,) in enumerate(conn.execute(f"SELECT code FROM {VECTORS_TABLE} ORDER BY row")):
        if codes is None:
            codes = np.empty((count, len(code)), np.uint8)
        codes[number] = np.frombuffer(code, dtype=np.uint8)
    return codes if codes is not None else np.zeros((0, 0), np.uint8)


def stored_vectors(path: Path, tag: str) -> list[tuple[str, list[bytes]]]:
    """(quote text, its codes in row order) of every quote with vectors in the database at
    `path` made by the model `tag`: the previous build's vectors, reused by the next one
    so it embeds only what changed. [] when there is no such file, it has no vectors, or
    another model made them."""
    if not Path(path).exists():
        return []
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (VECTOR_TAG_KEY,)).fetchone()
        if row is None or row[0] != tag:
            return []
        stored: list[tuple[str, list[bytes]]] = []
        last = None
        for quote_id, text, code in conn.execute(
            f"SELECT v.quote_id, q.text, v.code FROM {VECTORS_TABLE} v"
            " JOIN quotes q ON q.id = v.quote_id ORDER BY v.row"
        ):
            if quote_id != last:
                stored.append((text, []))
                last = quote_id
            stored[-1][1].append(code)
        return stored
    except sqlite3.Error:
        return []
    finally:
        conn.close()
