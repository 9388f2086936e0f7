"""The bot's own writable state: per-chat settings, quotes already shown, daily subscriptions.

It lives in a small SQLite database of its own, apart from the read-only quote database,
so it survives restarts and rebuilds of the quote index. Callers use the `StateStore`
interface only, so another backend (PostgreSQL, Redis) could replace `SQLiteStateStore`.
"""

from __future__ import annotations

import logging
import queue
import secrets
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bot.text import MAX_QUERY_CHARS

log = logging.getLogger(__name__)

# A chat that keeps pressing "Another" should not grow the table without bound.
MAX_SEEN_PER_QUERY = 500
# Nor should one chat asking thousands of different questions (inline queries included).
MAX_SEEN_PER_CHAT = 5_000
# Stored queries and seen-lists unused for this long are deleted (`expire`).
QUERY_TTL_SECONDS = 30 * 24 * 3600
SEEN_TTL_SECONDS = 30 * 24 * 3600
# All stored queries together: the least recently used go first beyond this.
MAX_QUERIES = 100_000
# Answered updates are remembered this long, so a late duplicate delivery is recognised
# (Telegram keeps an unconfirmed update for 24 hours).
DONE_UPDATE_TTL_SECONDS = 2 * 24 * 3600
# A handler waits at most this long for its bookkeeping to be written; then it goes on
# and the write finishes in the background (a backup or a `sqlite3` shell may hold a lock).
WRITE_WAIT_SECONDS = 0.2
# At shutdown, a write still meeting a lock is given up after this long.
CLOSE_WAIT_SECONDS = 10.0
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


@dataclass(frozen=True)
class PendingUpdate:
    """An update received (and recorded) but not yet answered: its id and its JSON."""

    update_id: int
    payload: str


class StateStore(ABC):
    """Everything the bot remembers between messages and restarts."""

    # True for a store several replicas of the bot share: its `pending_updates` hands out
    # the updates of replicas that fell silent, so the bot asks it every few seconds.
    shared = False

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
    def record_updates(self, updates: Iterable[PendingUpdate]) -> list[int]:
        """Record received updates durably before they are confirmed to Telegram.

        Returns the ids that were new; an id already recorded (pending or done) is a
        duplicate delivery and must not be answered again. Blocks until written.
        """

    @abstractmethod
    def mark_updates_done(self, update_ids: Iterable[int]) -> None:
        """The updates were handled (answered, or failed for good): never redo them.
        Blocks until written (callers run it off the event loop)."""

    @abstractmethod
    def pending_updates(self) -> list[PendingUpdate]:
        """Updates recorded but not done that nobody alive is answering, oldest first (to
        finish them at start-up; on a `shared` store, claimed for this process)."""

    @abstractmethod
    def expire(self, now: float | None = None) -> int:
        """Delete stored queries, seen-lists and done update records past their time
        (`QUERY_TTL_SECONDS`, `SEEN_TTL_SECONDS`, `DONE_UPDATE_TTL_SECONDS`) and beyond
        their caps (`MAX_QUERIES`, `MAX_SEEN_PER_CHAT`); returns the rows deleted."""

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
_ADDED_COLUMNS = (
    ("chat_settings", "theme", "TEXT", False),
    ("queries", "used_at", "REAL NOT NULL DEFAULT 0", True),
    ("seen", "seen_at", "REAL NOT NULL DEFAULT 0", True),
)

T = TypeVar("T")
Write = Callable[[sqlite3.Connection], T]


def new_query_id() -> int:
    """A random id below 2**53: buttons carry it, and another chat cannot guess it."""
    return secrets.randbelow(2**53 - 2) + 1


def _connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=1.0)


def _transaction(conn: sqlite3.Connection, write: Write[T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = write(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


class _Writer(threading.Thread):
    """One thread that does every write, so a locked database never blocks the event loop.

    A write that meets a lock is retried until it succeeds (logged once per stall).
    """

    def __init__(self, path: str) -> None:
        super().__init__(name="state-writer", daemon=True)
        self._conn = _connect(path)
        self._jobs: queue.Queue[tuple[Write[Any], Future[Any]] | None] = queue.Queue()
        self.busy_since: float | None = None
        self.closing = False

    def submit(self, write: Write[T]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((write, future))
        return future

    @property
    def stalled(self) -> bool:
        since = self.busy_since
        return since is not None and time.monotonic() - since > WRITE_WAIT_SECONDS

    def run(self) -> None:
        while (job := self._jobs.get()) is not None:
            write, future = job
            self.busy_since = time.monotonic()
            try:
                future.set_result(self._retrying(write))
            except Exception as error:  # noqa: BLE001 - handed to whoever waits
                future.set_exception(error)
            finally:
                self.busy_since = None
        self._conn.close()

    def _retrying(self, write: Write[T]) -> T:
        warned = False
        started = time.monotonic()
        for attempt in range(1_000_000):
            try:
                return _transaction(self._conn, write)
            except sqlite3.InterfaceError:
                # Seen rarely under heavy load ("bad parameter or other API misuse");
                # the same write succeeds when tried again.
                if attempt >= 3:
                    raise
                log.warning("state write failed (%s); retrying", "sqlite3.InterfaceError")
                continue
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if self.closing and time.monotonic() - started > CLOSE_WAIT_SECONDS:
                    log.error("state database still locked at shutdown; a write was lost")
                    raise
                if not warned:
                    log.warning("state database is locked; writes wait and retry")
                    warned = True
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def stop(self) -> None:
        self.closing = True
        self._jobs.put(None)
        self.join()


class SQLiteStateStore(StateStore):
    """`StateStore` in one SQLite file (or ":memory:" for the terminal chat and tests).

    Reads use their own connection (WAL lets them run while another process writes);
    writes go to one writer thread. A caller waits at most `WRITE_WAIT_SECONDS` for
    bookkeeping, so a quote is answered even while the file is locked; only
    `record_updates` waits until its write is on disk.
    """

    def __init__(self, path: str | Path) -> None:
        self._memory = str(path) == ":memory:"
        if not self._memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # The job queue, tests and asyncio.to_thread call from other threads.
        self._lock = threading.RLock()
        self._conn = _connect(str(path))
        # Queries written in the background but maybe not yet on disk: (kind, text) → id.
        self._unwritten: dict[tuple[str, str], int] = {}
        with self._lock:
            if not self._memory:
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            self._add_columns()
        self._delay_reported = float("-inf")
        self._writer: _Writer | None = None
        if not self._memory:
            self._writer = _Writer(str(path))
            self._writer.start()

    def _add_columns(self) -> None:
        for table, column, declaration, stamp_now in _ADDED_COLUMNS:
            names = {row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")}
            if column not in names:
                self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                if stamp_now:  # rows from before the column count as used now, not as expired
                    self._conn.execute(f"UPDATE {table} SET {column} = ?", (time.time(),))

    def _execute(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _write(self, write: Write[object], wait: float = WRITE_WAIT_SECONDS) -> None:
        """Run bookkeeping `write` in a transaction; wait at most `wait` seconds for it."""
        if self._writer is None:  # in memory: one connection, nothing else can lock it
            self._write_now(write)
            return
        future = self._writer.submit(write)
        try:
            future.result(0 if self._writer.stalled else wait)
        except TimeoutError:
            now = time.monotonic()
            if now - self._delay_reported > 60:  # once a minute, not once per write
                self._delay_reported = now
                log.warning("state writes delayed (database busy); they finish in the background")

    def _write_now(self, write: Write[T]) -> T:
        """Run `write` in a transaction and wait until it is on disk; returns its result."""
        if self._writer is None:
            with self._lock:
                return _transaction(self._conn, write)
        return self._writer.submit(write).result()

    def chat_settings(self, chat_id: int) -> ChatSettings:
        rows = self._execute(
            "SELECT language, script, theme FROM chat_settings WHERE chat_id = ?", (chat_id,)
        )
        return ChatSettings(*rows[0]) if rows else ChatSettings()

    def set_language(self, chat_id: int, language: str | None) -> None:
        self._write(lambda conn: conn.execute(
            "INSERT INTO chat_settings (chat_id, language) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
            (chat_id, language),
        ))

    def set_script(self, chat_id: int, script: str | None) -> None:
        self._write(lambda conn: conn.execute(
            "INSERT INTO chat_settings (chat_id, script) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET script = excluded.script",
            (chat_id, script),
        ))

    def set_theme(self, chat_id: int, theme: str | None) -> None:
        self._write(lambda conn: conn.execute(
            "INSERT INTO chat_settings (chat_id, theme) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET theme = excluded.theme",
            (chat_id, theme),
        ))

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
            self._write(lambda conn: conn.execute("DELETE FROM card_files WHERE key = ?", (key,)))
        else:
            self._write(lambda conn: conn.execute(
                "INSERT OR REPLACE INTO card_files (key, file_id) VALUES (?, ?)", (key, file_id)
            ))

    def remember_query(self, kind: str, text: str) -> int:
        text = text[:MAX_QUERY_CHARS]
        rows = self._execute("SELECT id FROM queries WHERE kind = ? AND text = ?", (kind, text))
        now = time.time()
        if rows:
            query_id = int(rows[0][0])
            self._write(
                lambda conn: conn.execute(
                    "UPDATE queries SET used_at = ? WHERE id = ?", (now, query_id)
                ),
                wait=0,
            )
            return query_id
        with self._lock:
            query_id = self._unwritten.setdefault((kind, text), new_query_id())

        def insert(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR IGNORE INTO queries (id, kind, text, used_at) VALUES (?, ?, ?, ?)",
                (query_id, kind, text, now),
            )
            with self._lock:
                self._unwritten.pop((kind, text), None)

        self._write(insert)
        return query_id

    def query(self, query_id: int) -> StoredQuery | None:
        rows = self._execute("SELECT id, kind, text FROM queries WHERE id = ?", (query_id,))
        if rows:
            return StoredQuery(*rows[0])
        with self._lock:
            for (kind, text), unwritten_id in self._unwritten.items():
                if unwritten_id == query_id:
                    return StoredQuery(query_id, kind, text)
        return None

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
        now = time.time()

        def insert(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO seen (chat_id, query_id, quote_id, shown_at, seen_at) "
                "VALUES (?, ?, ?, (SELECT COALESCE(MAX(shown_at), 0) + 1 FROM seen), ?)",
                (chat_id, query_id, quote_id, now),
            )
            # Keep only the most recent MAX_SEEN_PER_QUERY ids for this chat and query.
            conn.execute(
                "DELETE FROM seen WHERE chat_id = ? AND query_id = ? AND shown_at NOT IN "
                "(SELECT shown_at FROM seen WHERE chat_id = ? AND query_id = ? "
                "ORDER BY shown_at DESC LIMIT ?)",
                (chat_id, query_id, chat_id, query_id, MAX_SEEN_PER_QUERY),
            )

        self._write(insert)

    def forget_seen(self, chat_id: int, query_id: int) -> None:
        self._write(lambda conn: conn.execute(
            "DELETE FROM seen WHERE chat_id = ? AND query_id = ?", (chat_id, query_id)
        ))

    def set_daily(self, subscription: DailySubscription) -> None:
        self._write(lambda conn: conn.execute(
            "INSERT OR REPLACE INTO daily (chat_id, time, timezone, language) VALUES (?, ?, ?, ?)",
            (subscription.chat_id, subscription.time, subscription.timezone, subscription.language),
        ))

    def remove_daily(self, chat_id: int) -> bool:
        existed = self.daily(chat_id) is not None
        self._write(lambda conn: conn.execute("DELETE FROM daily WHERE chat_id = ?", (chat_id,)))
        return existed

    def daily(self, chat_id: int) -> DailySubscription | None:
        rows = self._execute(
            "SELECT chat_id, time, timezone, language FROM daily WHERE chat_id = ?", (chat_id,)
        )
        return DailySubscription(*rows[0]) if rows else None

    def all_daily(self) -> list[DailySubscription]:
        rows = self._execute("SELECT chat_id, time, timezone, language FROM daily ORDER BY chat_id")
        return [DailySubscription(*row) for row in rows]

    def claim_daily(self, chat_id: int, day: str, holder: str) -> bool:
        return bool(self._write_now(lambda conn: conn.execute(
            "INSERT INTO daily_sent AS d (chat_id, day, holder) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id, day) DO UPDATE SET holder = excluded.holder "
            "WHERE NOT d.sent AND d.holder <> excluded.holder RETURNING 1",
            (chat_id, day, holder),
        ).fetchall()))

    def mark_daily_sent(self, chat_id: int, day: str) -> None:
        self._write_now(lambda conn: conn.execute(
            "UPDATE daily_sent SET sent = 1 WHERE chat_id = ? AND day = ?", (chat_id, day)
        ))

    def hold_lease(self, name: str, holder: str, seconds: float) -> bool:
        now = time.time()
        return bool(self._write_now(lambda conn: conn.execute(
            "INSERT INTO leases AS l (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at "
            "WHERE l.holder = excluded.holder OR l.expires_at < ? RETURNING 1",
            (name, holder, now + seconds, now),
        ).fetchall()))

    def release_lease(self, name: str, holder: str) -> None:
        self._write_now(lambda conn: conn.execute(
            "UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ?", (name, holder)
        ))

    def watermark(self, name: str) -> float | None:
        rows = self._execute("SELECT watermark FROM leases WHERE name = ?", (name,))
        return rows[0][0] if rows else None

    def set_watermark(self, name: str, holder: str, value: float) -> None:
        self._write_now(lambda conn: conn.execute(
            "UPDATE leases SET watermark = ? WHERE name = ? AND holder = ?", (value, name, holder)
        ))

    def record_updates(self, updates: Iterable[PendingUpdate]) -> list[int]:
        batch = list(updates)
        now = time.time()

        def insert(conn: sqlite3.Connection) -> list[int]:
            new: list[int] = []
            for update in batch:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO updates (update_id, payload, received_at) "
                    "VALUES (?, ?, ?)",
                    (update.update_id, update.payload, now),
                )
                if cursor.rowcount:
                    new.append(update.update_id)
            return new

        return self._write_now(insert)

    def mark_updates_done(self, update_ids: Iterable[int]) -> None:
        now = time.time()
        rows = [(now, update_id) for update_id in update_ids]
        self._write_now(
            lambda conn: conn.executemany(
                "UPDATE updates SET done_at = ? WHERE update_id = ?", rows
            )
        )

    def pending_updates(self) -> list[PendingUpdate]:
        rows = self._execute(
            "SELECT update_id, payload FROM updates WHERE done_at IS NULL ORDER BY update_id"
        )
        return [PendingUpdate(*row) for row in rows]

    def expire(self, now: float | None = None) -> int:
        now = time.time() if now is None else now

        def delete(conn: sqlite3.Connection) -> int:
            statements = (
                ("DELETE FROM updates WHERE done_at < ?", (now - DONE_UPDATE_TTL_SECONDS,)),
                ("DELETE FROM seen WHERE seen_at < ?", (now - SEEN_TTL_SECONDS,)),
                (
                    "DELETE FROM seen WHERE rowid IN (SELECT rowid FROM (SELECT rowid, "
                    "ROW_NUMBER() OVER (PARTITION BY chat_id ORDER BY shown_at DESC) AS n "
                    "FROM seen) WHERE n > ?)",
                    (MAX_SEEN_PER_CHAT,),
                ),
                ("DELETE FROM queries WHERE used_at < ?", (now - QUERY_TTL_SECONDS,)),
                (
                    "DELETE FROM queries WHERE id NOT IN "
                    "(SELECT id FROM queries ORDER BY used_at DESC LIMIT ?)",
                    (MAX_QUERIES,),
                ),
                ("DELETE FROM seen WHERE query_id NOT IN (SELECT id FROM queries)", ()),
            )
            return sum(conn.execute(sql, params).rowcount for sql, params in statements)

        return self._write_now(delete)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.stop()
        with self._lock:
            self._conn.close()
