"""The bot's own writable state: per-chat settings, quotes already shown, daily subscriptions.

It lives in a small SQLite database of its own, apart from the read-only quote database,
so it survives restarts and rebuilds of the quote index. Callers use the `StateStore`
interface only, so another backend (PostgreSQL, Redis) could replace `SQLiteStateStore`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.text import MAX_QUERY_CHARS

# A chat that keeps pressing "Another" should not grow the table without bound.
MAX_SEEN_PER_QUERY = 500
# Query texts are keys, not documents; very long ones are cut before storing.


@dataclass(frozen=True)
class ChatSettings:
    """What a chat chose with /lang, /script and /theme (None: not chosen)."""

    language: str | None = None
    script: str | None = None
    theme: str | None = None


@dataclass(frozen=True)
class StoredQuery:
    """A query a button refers to by id: kind "search" (text is the query) or "random"
    (text is the speaker's canonical name, or "" for anyone)."""

    id: int
    kind: str
    text: str


@dataclass(frozen=True)
class DailySubscription:
    """A chat's daily quote: local time "HH:MM" in an IANA time zone."""

    chat_id: int
    time: str
    timezone: str
    language: str | None = None


class StateStore(ABC):
    """Everything the bot remembers between messages and restarts."""

    @abstractmethod
    def chat_settings(self, chat_id: int) -> ChatSettings:
        """The chat's settings (defaults when it never chose any)."""

    @abstractmethod
    def set_language(self, chat_id: int, language: str | None) -> None:
        """Store the chat's language (None: follow each person's Telegram language)."""

    @abstractmethod
    def set_script(self, chat_id: int, script: str | None) -> None:
        """Store the chat's script for quotes (None: as published)."""

    @abstractmethod
    def set_theme(self, chat_id: int, theme: str | None) -> None:
        """Store the chat's theme for quote cards (None: the default)."""

    @abstractmethod
    def last_shown(self, chat_id: int) -> int | None:
        """The id of the quote most recently shown in this chat (what /card alone draws)."""

    @abstractmethod
    def card_file(self, key: str) -> str | None:
        """Telegram's file_id of the card uploaded under `key`, or None."""

    @abstractmethod
    def set_card_file(self, key: str, file_id: str | None) -> None:
        """Remember the file_id of an uploaded card (None: forget it, it no longer works)."""

    @abstractmethod
    def remember_query(self, kind: str, text: str) -> int:
        """The stable id of a query, so buttons can carry an id instead of text."""

    @abstractmethod
    def query(self, query_id: int) -> StoredQuery | None:
        """The query with this id, or None."""

    @abstractmethod
    def seen(self, chat_id: int, query_id: int) -> frozenset[int]:
        """Quote ids already shown in this chat for this query."""

    @abstractmethod
    def seen_in_order(self, chat_id: int, query_id: int) -> list[int]:
        """Quote ids already shown in this chat for this query, oldest first (for the picker)."""

    @abstractmethod
    def mark_seen(self, chat_id: int, query_id: int, quote_id: int) -> None:
        """Record that a quote was shown in this chat for this query."""

    @abstractmethod
    def forget_seen(self, chat_id: int, query_id: int) -> None:
        """Start this query afresh in this chat."""

    @abstractmethod
    def set_daily(self, subscription: DailySubscription) -> None:
        """Create or replace the chat's daily subscription."""

    @abstractmethod
    def remove_daily(self, chat_id: int) -> bool:
        """Remove the chat's daily subscription; True when there was one."""

    @abstractmethod
    def daily(self, chat_id: int) -> DailySubscription | None:
        """The chat's daily subscription, or None."""

    @abstractmethod
    def all_daily(self) -> list[DailySubscription]:
        """Every daily subscription (to schedule them at start-up)."""

    @abstractmethod
    def claim_daily(self, chat_id: int, day: str, holder: str) -> bool:
        """Claim the chat's daily quote of `day` (local "YYYY-MM-DD") for sending; False
        when it was sent, or is being sent by a live holder."""

    @abstractmethod
    def mark_daily_sent(self, chat_id: int, day: str) -> None:
        """Record the claimed daily quote as sent."""

    @abstractmethod
    def hold_lease(self, name: str, holder: str, seconds: float) -> bool:
        """Take or renew the lease `name` for `seconds`; False while another holds it."""

    @abstractmethod
    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up at once (a clean stop), so another takes over without waiting."""

    @abstractmethod
    def watermark(self, name: str) -> float | None:
        """The time (epoch seconds) up to which the lease's work is done, or None."""

    @abstractmethod
    def set_watermark(self, name: str, holder: str, value: float) -> None:
        """Advance the lease's watermark (only while `holder` holds it)."""

    def ping(self) -> bool:
        """True when the storage answers (for a health check)."""
        return True

    @abstractmethod
    def close(self) -> None:
        """Release the storage."""


_SCHEMA = """
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
"""


class SQLiteStateStore(StateStore):
    """`StateStore` in one SQLite file (or ":memory:" for the terminal chat and tests)."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Handlers run on one event loop thread, but the job queue or a test may call
        # from another thread; one connection guarded by a lock keeps that safe.
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        with self._lock:
            if str(path) != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(chat_settings)")}
            if "theme" not in columns:  # a state database from before /theme
                self._conn.execute("ALTER TABLE chat_settings ADD COLUMN theme TEXT")

    def _execute(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def chat_settings(self, chat_id: int) -> ChatSettings:
        rows = self._execute(
            "SELECT language, script, theme FROM chat_settings WHERE chat_id = ?", (chat_id,)
        )
        return ChatSettings(*rows[0]) if rows else ChatSettings()

    def set_language(self, chat_id: int, language: str | None) -> None:
        self._execute(
            "INSERT INTO chat_settings (chat_id, language) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
            (chat_id, language),
        )

    def set_script(self, chat_id: int, script: str | None) -> None:
        self._execute(
            "INSERT INTO chat_settings (chat_id, script) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET script = excluded.script",
            (chat_id, script),
        )

    def set_theme(self, chat_id: int, theme: str | None) -> None:
        self._execute(
            "INSERT INTO chat_settings (chat_id, theme) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET theme = excluded.theme",
            (chat_id, theme),
        )

    def last_shown(self, chat_id: int) -> int | None:
        rows = self._execute(
            "SELECT quote_id FROM seen WHERE chat_id = ? ORDER BY shown_at DESC LIMIT 1", (chat_id,)
        )
        return rows[0][0] if rows else None

    def card_file(self, key: str) -> str | None:
        rows = self._execute("SELECT file_id FROM card_files WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_card_file(self, key: str, file_id: str | None) -> None:
        if file_id is None:
            self._execute("DELETE FROM card_files WHERE key = ?", (key,))
        else:
            self._execute(
                "INSERT OR REPLACE INTO card_files (key, file_id) VALUES (?, ?)", (key, file_id)
            )

    def remember_query(self, kind: str, text: str) -> int:
        text = text[:MAX_QUERY_CHARS]
        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO queries (kind, text) VALUES (?, ?)", (kind, text)
            )
            row = self._conn.execute(
                "SELECT id FROM queries WHERE kind = ? AND text = ?", (kind, text)
            ).fetchone()
        return int(row[0])

    def query(self, query_id: int) -> StoredQuery | None:
        rows = self._execute("SELECT id, kind, text FROM queries WHERE id = ?", (query_id,))
        return StoredQuery(*rows[0]) if rows else None

    def seen(self, chat_id: int, query_id: int) -> frozenset[int]:
        rows = self._execute(
            "SELECT quote_id FROM seen WHERE chat_id = ? AND query_id = ?", (chat_id, query_id)
        )
        return frozenset(row[0] for row in rows)

    def seen_in_order(self, chat_id: int, query_id: int) -> list[int]:
        rows = self._execute(
            "SELECT quote_id FROM seen WHERE chat_id = ? AND query_id = ? ORDER BY shown_at",
            (chat_id, query_id),
        )
        return [row[0] for row in rows]

    def mark_seen(self, chat_id: int, query_id: int, quote_id: int) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO seen (chat_id, query_id, quote_id, shown_at) "
                "VALUES (?, ?, ?, (SELECT COALESCE(MAX(shown_at), 0) + 1 FROM seen))",
                (chat_id, query_id, quote_id),
            )
            # Keep only the most recent MAX_SEEN_PER_QUERY ids for this chat and query.
            self._conn.execute(
                "DELETE FROM seen WHERE chat_id = ? AND query_id = ? AND shown_at NOT IN "
                "(SELECT shown_at FROM seen WHERE chat_id = ? AND query_id = ? "
                "ORDER BY shown_at DESC LIMIT ?)",
                (chat_id, query_id, chat_id, query_id, MAX_SEEN_PER_QUERY),
            )

    def forget_seen(self, chat_id: int, query_id: int) -> None:
        self._execute("DELETE FROM seen WHERE chat_id = ? AND query_id = ?", (chat_id, query_id))

    def set_daily(self, subscription: DailySubscription) -> None:
        self._execute(
            "INSERT OR REPLACE INTO daily (chat_id, time, timezone, language) VALUES (?, ?, ?, ?)",
            (subscription.chat_id, subscription.time, subscription.timezone, subscription.language),
        )

    def remove_daily(self, chat_id: int) -> bool:
        with self._lock:
            cursor = self._conn.execute("DELETE FROM daily WHERE chat_id = ?", (chat_id,))
            return cursor.rowcount > 0

    def daily(self, chat_id: int) -> DailySubscription | None:
        rows = self._execute(
            "SELECT chat_id, time, timezone, language FROM daily WHERE chat_id = ?", (chat_id,)
        )
        return DailySubscription(*rows[0]) if rows else None

    def all_daily(self) -> list[DailySubscription]:
        rows = self._execute("SELECT chat_id, time, timezone, language FROM daily ORDER BY chat_id")
        return [DailySubscription(*row) for row in rows]

    def claim_daily(self, chat_id: int, day: str, holder: str) -> bool:
        return bool(
            self._execute(
                "INSERT INTO daily_sent AS d (chat_id, day, holder) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id, day) DO UPDATE SET holder = excluded.holder "
                "WHERE NOT d.sent AND d.holder <> excluded.holder RETURNING 1",
                (chat_id, day, holder),
            )
        )

    def mark_daily_sent(self, chat_id: int, day: str) -> None:
        self._execute(
            "UPDATE daily_sent SET sent = 1 WHERE chat_id = ? AND day = ?", (chat_id, day)
        )

    def hold_lease(self, name: str, holder: str, seconds: float) -> bool:
        now = time.time()
        return bool(
            self._execute(
                "INSERT INTO leases AS l (name, holder, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                "expires_at = excluded.expires_at "
                "WHERE l.holder = excluded.holder OR l.expires_at < ? RETURNING 1",
                (name, holder, now + seconds, now),
            )
        )

    def release_lease(self, name: str, holder: str) -> None:
        self._execute(
            "UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ?", (name, holder)
        )

    def watermark(self, name: str) -> float | None:
        rows = self._execute("SELECT watermark FROM leases WHERE name = ?", (name,))
        return rows[0][0] if rows else None

    def set_watermark(self, name: str, holder: str, value: float) -> None:
        self._execute(
            "UPDATE leases SET watermark = ? WHERE name = ? AND holder = ?", (value, name, holder)
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()
