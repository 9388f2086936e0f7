"""The SQLite state database's tables, and the columns added to older files at opening.

`create_schema` makes a new file or brings an old one up to date in place: tables are
created if missing and later columns added, so no file is ever rebuilt or dropped.
"""

from __future__ import annotations

import sqlite3
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_settings (
    chat_id INTEGER PRIMARY KEY,
    language TEXT,
    script TEXT,
    theme TEXT
);
CREATE TABLE IF NOT EXISTS card_files (
    key TEXT PRIMARY KEY,
    file_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS queries (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (kind, text)
);
CREATE TABLE IF NOT EXISTS seen (
    chat_id INTEGER NOT NULL,
    query_id INTEGER NOT NULL,
    quote_id INTEGER NOT NULL,
    shown_at INTEGER NOT NULL,
    PRIMARY KEY (chat_id, query_id, quote_id)
);
CREATE TABLE IF NOT EXISTS daily (
    chat_id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    timezone TEXT NOT NULL,
    language TEXT
);
CREATE TABLE IF NOT EXISTS daily_sent (
    chat_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    holder TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (chat_id, day)
);
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at REAL NOT NULL,
    watermark REAL
);
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at REAL NOT NULL,
    done_at REAL
);
CREATE INDEX IF NOT EXISTS updates_pending ON updates (done_at, update_id);
"""
# Columns added after the first release: (table, column, declaration, whether existing
# rows get the current time, for the columns `expire` reads).
ADDED_COLUMNS = (
    ("chat_settings", "theme", "TEXT", False),
    ("queries", "used_at", "REAL NOT NULL DEFAULT 0", True),
    ("seen", "seen_at", "REAL NOT NULL DEFAULT 0", True),
)


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the tables a new file lacks and add the columns an older file lacks."""
    conn.executescript(SCHEMA)
    for table, column, declaration, stamp_now in ADDED_COLUMNS:
        names = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in names:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
            if stamp_now:  # rows from before the column count as used now, not as expired
                conn.execute(f"UPDATE {table} SET {column} = ?", (time.time(),))
