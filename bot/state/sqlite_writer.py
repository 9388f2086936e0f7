"""The SQLite store's one writer thread: every write, so a locked file never blocks the event loop.

A backup or a `sqlite3` shell may hold the file's write lock for seconds; the writer
retries until the lock is gone while callers wait at most `WRITE_WAIT_SECONDS`.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

log = logging.getLogger(__name__)

# A handler waits at most this long for its bookkeeping to be written; then it goes on
# and the write finishes in the background (a backup or a `sqlite3` shell may hold a lock).
WRITE_WAIT_SECONDS = 0.2
# At shutdown, a write still meeting a lock is given up after this long.
CLOSE_WAIT_SECONDS = 10.0

T = TypeVar("T")
Write = Callable[[sqlite3.Connection], T]


def connect(path: str) -> sqlite3.Connection:
    """A connection any thread may use, in autocommit mode (transactions are explicit)."""
    return sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=1.0)


def transaction(conn: sqlite3.Connection, write: Write[T]) -> T:
    """Run `write` inside BEGIN IMMEDIATE ... COMMIT; rolled back when it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = write(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


class Writer(threading.Thread):
    """One thread that does every write, so a locked database never blocks the event loop.

    A write that meets a lock is retried until it succeeds (logged once per stall).
    """

    def __init__(self, path: str) -> None:
        super().__init__(name="state-writer", daemon=True)
        self._conn = connect(path)
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
                return transaction(self._conn, write)
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
