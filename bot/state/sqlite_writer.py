"""The SQLite store's one writer thread: every write, so a locked file never blocks the event loop.

A backup or a `sqlite3` shell may hold the file's write lock for seconds; the writer
retries while the lock lasts, but each write only until its deadline: no write waits
for a lock without end. A write given up was not made (its transaction never
committed), so the caller knows exactly where it stands.
"""

from __future__ import annotations

import itertools
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from bot.state.store import StateStoreBusy

log = logging.getLogger(__name__)

# A handler waits at most this long for its bookkeeping to be written; then it goes on
# and the write finishes in the background (a backup or a `sqlite3` shell may hold a lock).
WRITE_WAIT_SECONDS = 0.2
# A write the caller needs done (a daily claim, a lease, an update's record) is given up
# when it cannot be made within this long, and the caller told (StateStoreBusy).
WRITE_TIMEOUT_SECONDS = 5.0
# Bookkeeping finishing in the background is given up after this long (logged).
BACKGROUND_WRITE_SECONDS = 60.0
# At shutdown, a write still meeting a lock is given up after this long.
CLOSE_WAIT_SECONDS = 10.0
# SQLite's own wait inside one attempt; the writer retries between attempts.
BUSY_TIMEOUT_SECONDS = 0.5

T = TypeVar("T")
Write = Callable[[sqlite3.Connection], T]


def connect(path: str) -> sqlite3.Connection:
    """A connection any thread may use, in autocommit mode (transactions are explicit)."""
    return sqlite3.connect(
        path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS
    )


def transaction(conn: sqlite3.Connection, write: Write[T]) -> T:
    """Run `write` inside BEGIN IMMEDIATE ... COMMIT; rolled back when it or COMMIT raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = write(conn)
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (a full disk does); a transaction left open
        # would make every later BEGIN fail.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def is_busy(error: sqlite3.OperationalError) -> bool:
    """True when the write met another connection's lock (worth retrying)."""
    return "locked" in str(error) or "busy" in str(error)


class Writer(threading.Thread):
    """One thread that does every write, so a locked database never blocks the event loop.

    A write that meets a lock is retried until its deadline (logged once per stall). A
    write whose caller gave up before it started (`Future.cancel`) is skipped.
    """

    def __init__(self, path: str) -> None:
        super().__init__(name="state-writer", daemon=True)
        self._conn = connect(path)
        self._jobs: queue.Queue[tuple[Write[Any], Future[Any], float] | None] = queue.Queue()
        self.busy_since: float | None = None
        self.closing = False
        # Why the last write failed (other than a lock), until one succeeds: a full disk
        # shows here, and so in `SQLiteStateStore.ping`.
        self.failing: str | None = None

    def submit(self, write: Write[T], seconds: float) -> Future[T]:
        """Queue `write`; it is given up `seconds` from now if it could not be made."""
        future: Future[T] = Future()
        self._jobs.put((write, future, time.monotonic() + seconds))
        return future

    @property
    def stalled(self) -> bool:
        since = self.busy_since
        return since is not None and time.monotonic() - since > WRITE_WAIT_SECONDS

    def run(self) -> None:
        while (job := self._jobs.get()) is not None:
            write, future, deadline = job
            if not future.set_running_or_notify_cancel():
                continue  # its caller gave up before it started: it is never made
            self.busy_since = time.monotonic()
            try:
                future.set_result(self._retrying(write, deadline))
                self.failing = None
            except StateStoreBusy as error:
                future.set_exception(error)
            except Exception as error:  # noqa: BLE001 - handed to whoever waits
                self.failing = f"{type(error).__name__}: {error}"
                future.set_exception(error)
            finally:
                self.busy_since = None
        self._conn.close()

    def _retrying(self, write: Write[T], deadline: float) -> T:
        warned = False
        started = time.monotonic()
        for attempt in itertools.count():
            try:
                return transaction(self._conn, write)
            except sqlite3.InterfaceError:
                # Seen rarely under heavy load ("bad parameter or other API misuse");
                # the same write succeeds when tried again.
                if attempt >= 3:
                    raise
                log.warning("state write failed (%s); retrying", "sqlite3.InterfaceError")
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise
                now = time.monotonic()
                if self.closing and now - started > CLOSE_WAIT_SECONDS:
                    log.error("state database still locked at shutdown; a write was lost")
                    raise
                if now >= deadline:
                    raise StateStoreBusy(
                        f"state database locked for {now - started:.1f}s; write given up"
                    ) from error
                if not warned:
                    log.warning("state database is locked; writes wait and retry")
                    warned = True
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def stop(self) -> None:
        self.closing = True
        self._jobs.put(None)
        self.join()
