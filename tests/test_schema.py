"""db/schema.sql is the built database's schema, kept in step with bot/index/ and bot/quotedb/schema.py."""

from __future__ import annotations

import sqlite3

from tests.conftest import ROOT

SCHEMA_FILE = ROOT / "db" / "schema.sql"


def built_schema(db_path) -> list[str]:
    """CREATE statements of the database, without FTS5's own shadow tables."""
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        """SELECT sql FROM sqlite_master
           WHERE sql IS NOT NULL AND name NOT GLOB '*_fts_*'
           ORDER BY type DESC, name"""
    ).fetchall()
    conn.close()
    return [sql + ";" for (sql,) in rows]


def written_schema() -> list[str]:
    """The statements in db/schema.sql, comments left out."""
    text = "\n".join(
        line for line in SCHEMA_FILE.read_text(encoding="utf-8").splitlines()
        if not line.startswith("--")
    )
    return [block.strip() for block in text.split("\n\n") if block.strip()]


def test_schema_file_matches_the_built_database(quotes_db):
    assert written_schema() == built_schema(quotes_db), (
        "db/schema.sql is out of date: regenerate it with "
        "`python -m tests.test_schema db/quotes.db > db/schema.sql`"
    )


if __name__ == "__main__":
    import sys

    print("-- The quote database's schema, as `quotebot ingest` builds it (bot/index/).")
    print("-- Generated: python -m tests.test_schema db/quotes.db > db/schema.sql")
    print("-- quotes_fts is an FTS5 table; its shadow tables (quotes_fts_*) are left out.\n")
    print("\n\n".join(built_schema(sys.argv[1])))
