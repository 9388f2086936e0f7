"""Damage checks a quote database passes before anything is served from it.

A rebuilt file damaged in the middle can keep its metadata tables readable: opening
it (`QuoteDB`) runs SQLite's quick_check over every page, then walks the full-text
index, which keeps its postings in blobs only FTS5 can judge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.quotedb.schema import DAMAGED, FTS_TABLE, VOCAB_TABLE, DatabaseError

if TYPE_CHECKING:
    from bot.quotedb.reads import QuoteDB


def check_pages(db: QuoteDB) -> None:
    """SQLite's quick_check: every page and b-tree is sound (DatabaseError when not)."""
    (verdict,) = db.conn.execute("PRAGMA quick_check(1)").fetchone()
    if verdict != "ok":  # the last line is the first problem found (after a header)
        detail = f"quick_check: {verdict.splitlines()[-1]}"
        raise DatabaseError(DAMAGED.format(path=db.path, detail=detail))


def check_full_text(db: QuoteDB) -> None:
    """Every term of the full-text index reads back and agrees with the vocabulary; one search runs.

    The index keeps its postings inside blobs that quick_check cannot judge and
    only FTS5 reads: they are walked through fts5vocab, created in the
    connection's own temp schema, so the file stays read-only.
    """
    db.conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, {FTS_TABLE}, 'row')"
    )
    indexed = db.conn.execute("SELECT COUNT(*), TOTAL(doc) FROM temp.fts_terms").fetchone()
    stored = db.conn.execute(f"SELECT COUNT(*), TOTAL(df) FROM {VOCAB_TABLE}").fetchone()
    db.conn.execute("DROP TABLE temp.fts_terms")
    if tuple(indexed) != tuple(stored):
        detail = "its full-text index disagrees with its vocabulary"
        raise DatabaseError(DAMAGED.format(path=db.path, detail=detail))
    term = db.conn.execute(f"SELECT term FROM {VOCAB_TABLE} LIMIT 1").fetchone()
    if term and not db.full_text('"' + term[0].replace('"', '""') + '"', 1, ranked=True):
        raise DatabaseError(DAMAGED.format(path=db.path, detail="a search found nothing"))
