"""The sentence vectors a build stores: every quote's (full build), or the new quotes'
(a build that adds documents), with the ANN index over them kept up to date.
"""

from __future__ import annotations

import numpy as np
import sqlite_utils

from bot import meaning
from bot.quotedb import (
    VECTOR_GRAPH_TABLE,
    VECTORS_TABLE,
    append_vectors,
    read_all_codes,
    read_vector_graph,
    write_vector_graph,
    write_vectors,
)


def store_vectors(
    db: sqlite_utils.Database, embedder: meaning.Embedder, cache: dict[str, bytes]
) -> dict[str, int]:
    """Embed every quote's sentences (those in `cache` reused) into the vectors table."""
    items = db.execute("SELECT id, text FROM quotes ORDER BY id").fetchall()
    rows, embedded = meaning.embed_quotes(embedder, items, cache)
    write_vectors(db, embedder.tag, rows)
    # A big corpus gets its ANN index now, so that no searcher builds it on its first query.
    ann = _index_of(rows, embedder.tag).ann_bytes()
    if ann is not None:
        write_vector_graph(db, ann)
    return {"sentences": len(rows), "embedded": embedded}


def add_vectors(db: sqlite_utils.Database, embedder: meaning.Embedder, first_quote: int) -> dict[str, int]:
    """Embed the sentences of the quotes from id `first_quote` on (the new ones) after the
    stored rows, and add them to the stored ANN index (made now when the rows reach its
    threshold, made again when they outgrew its lists)."""
    items = db.execute("SELECT id, text FROM quotes WHERE id >= ? ORDER BY id", (first_quote,)).fetchall()
    rows, embedded = meaning.embed_quotes(embedder, items, {})
    before = db.execute(f"SELECT count(*) FROM {VECTORS_TABLE}").fetchone()[0]
    append_vectors(db, rows, before)
    total = before + len(rows)
    graph = read_vector_graph(db.conn)
    if graph is not None and rows:
        codes = _index_of(rows, embedder.tag).codes
        assert codes is not None
        graph = meaning.grown_ann(graph, codes, total)
    if graph is None and total >= meaning.ANN_THRESHOLD:  # none yet, or outgrown: made from every row
        owners = np.array([q for (q,) in db.execute(f"SELECT quote_id FROM {VECTORS_TABLE} ORDER BY row")])
        every = read_all_codes(db.conn)
        graph = meaning.VectorIndex(every, owners, embedder.tag).ann_bytes()
    if graph is not None:
        db.conn.execute(f"DROP TABLE IF EXISTS {VECTOR_GRAPH_TABLE}")
        write_vector_graph(db, graph)
    return {"sentences": total, "embedded": embedded}


def _index_of(rows: list[tuple[int, bytes]], tag: str) -> meaning.VectorIndex:
    """(quote id, code) rows as a VectorIndex holding their codes."""
    owners = np.array([quote_id for quote_id, _code in rows], dtype=np.int64)
    codes = np.frombuffer(b"".join(code for _q, code in rows), dtype=np.uint8)
    return meaning.VectorIndex(codes.reshape(len(rows), meaning.CODE_BYTES), owners, tag)
