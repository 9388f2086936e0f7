"""`StateStore` in one SQLite file: the embedded default, nothing to install or run.

Reads use their own connection (WAL lets them run while another process writes); every
write goes to the one writer thread of `bot.state.sqlite_writer`; the tables and their
upgrades are in `bot.state.sqlite_schema`.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.state.sqlite_schema import create_schema
from bot.state.sqlite_writer import (
    BACKGROUND_WRITE_SECONDS,
    WRITE_TIMEOUT_SECONDS,
    WRITE_WAIT_SECONDS,
    T,
    Write,
    Writer,
    connect,
    transaction,
)
from bot.state.store import (
    DONE_UPDATE_TTL_SECONDS,
    MAX_QUERIES,
    MAX_SEEN_PER_CHAT,
    MAX_SEEN_PER_QUERY,
    QUERY_TTL_SECONDS,
    SEEN_TTL_SECONDS,
    DailySubscription,
    PendingUpdate,
    SQLReads,
    StateStoreBusy,
    StoredQuery,
    new_query_id,
)
from bot.text import MAX_QUERY_CHARS

log = logging.getLogger(__name__)


class SQLiteStateStore(SQLReads):
    """`StateStore` in one SQLite file (or ":memory:" for the terminal chat and tests).

    Reads use their own connection (WAL lets them run while another process writes);
    writes go to one writer thread. A caller waits at most `WRITE_WAIT_SECONDS` for
    bookkeeping, so a quote is answered even while the file is locked. The writes a
    caller needs done (claims, leases, update records) wait until they are on disk, but
    at most `write_timeout` seconds: then StateStoreBusy, and the write was not made.
    """

    def __init__(self, path: str | Path, write_timeout: float = WRITE_TIMEOUT_SECONDS) -> None:
        self.write_timeout = write_timeout
        self._memory = str(path) == ":memory:"
        if not self._memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # The job queue, tests and asyncio.to_thread call from other threads.
        self._lock = threading.RLock()
        self._conn = connect(str(path))
        # Queries written in the background but maybe not yet on disk: (kind, text) → id.
        self._unwritten: dict[tuple[str, str], int] = {}
        with self._lock:
            if not self._memory:
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            create_schema(self._conn)
        self._delay_reported = float("-inf")
        self._writer: Writer | None = None
        if not self._memory:
            self._writer = Writer(str(path))
            self._writer.start()

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _write(self, write: Write[object], wait: float = WRITE_WAIT_SECONDS) -> None:
        """Run bookkeeping `write` in a transaction; wait at most `wait` seconds for it."""
        if self._writer is None:  # in memory: one connection, nothing else can lock it
            self._write_now(write)
            return
        future = self._writer.submit(write, BACKGROUND_WRITE_SECONDS)
        try:
            future.result(0 if self._writer.stalled else wait)
        except TimeoutError:
            now = time.monotonic()
            if now - self._delay_reported > 60:  # once a minute, not once per write
                self._delay_reported = now
                log.warning("state writes delayed (database busy); they finish in the background")

    def _write_now(self, write: Write[T]) -> T:
        """Run `write` in a transaction and wait until it is on disk; returns its result.

        StateStoreBusy after `write_timeout` seconds (a lock held elsewhere): the write
        was not made. One not yet started is withdrawn; one being tried is given up by
        the writer at the same deadline, so the wait stays bounded either way.
        """
        if self._writer is None:
            with self._lock:
                return transaction(self._conn, write)
        future = self._writer.submit(write, self.write_timeout)
        try:
            return future.result(self.write_timeout)
        except TimeoutError:
            if future.cancel():
                raise StateStoreBusy(
                    f"state database busy for {self.write_timeout:.0f}s; write withdrawn"
                ) from None
            return future.result()  # being tried: made, or given up at its deadline

    def ping(self) -> bool:
        """False while writes fail (a full disk, an I/O error) until one succeeds again;
        a lock is not a failure. Then a read, as for any store."""
        if self._writer is not None and self._writer.failing is not None:
            return False
        try:
            return self._read("SELECT 1") == [(1,)]
        except sqlite3.Error:
            return False

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

    def set_card_file(self, key: str, file_id: str | None) -> None:
        if file_id is None:
            self._write(lambda conn: conn.execute("DELETE FROM card_files WHERE key = ?", (key,)))
        else:
            self._write(lambda conn: conn.execute(
                "INSERT OR REPLACE INTO card_files (key, file_id) VALUES (?, ?)", (key, file_id)
            ))

    def remember_query(self, kind: str, text: str) -> int:
        text = text[:MAX_QUERY_CHARS]  # query texts are keys, not documents: long ones are cut
        rows = self._read("SELECT id FROM queries WHERE kind = ? AND text = ?", (kind, text))
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
        rows = self._read("SELECT id, kind, text FROM queries WHERE id = ?", (query_id,))
        if rows:
            return StoredQuery(*rows[0])
        with self._lock:
            for (kind, text), unwritten_id in self._unwritten.items():
                if unwritten_id == query_id:
                    return StoredQuery(query_id, kind, text)
        return None

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
        rows = self._read(
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
