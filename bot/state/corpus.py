"""The documents bot admins add from Telegram: drafts, the published corpus, its log.

The state store is their source of truth, not the image or the container: SQLite beside
the rest of the state by default, PostgreSQL when several replicas share one corpus.
A raw file is stored as a draft before any work is done on it, so a crash never loses
it; the admin's decisions (title, date, publisher, link, who plays a role, who a label
is) are stored with it. Publishing, removing and restoring each bump the corpus version
(every replica polls it and rebuilds its own quote database from the seeds plus the
published documents) and write one line of the log. Changes are serialised: SQLite by
its write lock, PostgreSQL by an advisory lock.

Calls are blocking (admin actions are rare and small): the bot runs them off the event loop.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# One value of a draft's decisions may be this long at most (a title, a name).
MAX_FACT_CHARS = 500
LOCK_KEY = 0x51554F5445  # "QUOTE": the advisory lock that serialises corpus changes


class CorpusError(Exception):
    """A corpus change that cannot be made; the message is one line for the admin."""


@dataclass(frozen=True)
class CorpusFile:
    """One document an admin added: its bytes, decisions, state and who added it."""

    id: int
    name: str
    data: bytes
    facts: dict[str, Any] = field(default_factory=dict)  # title, date, publisher, url, roles, people
    status: str = "draft"  # "draft" | "published" | "removed" | "discarded"
    added_by: int = 0
    updated_at: float = 0.0
    error: str = ""  # the last failed build's message, shown with the draft


@dataclass(frozen=True)
class LogEntry:
    """One change to the corpus: when, who, what, which file."""

    at: float
    user_id: int
    action: str  # "draft" | "publish" | "remove" | "restore" | "discard"
    name: str


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS corpus_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, data BLOB NOT NULL,
    facts TEXT NOT NULL DEFAULT '{}', status TEXT NOT NULL, added_by INTEGER NOT NULL,
    updated_at REAL NOT NULL, error TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS corpus_log (
    at REAL NOT NULL, user_id INTEGER NOT NULL, action TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS corpus_version (one INTEGER PRIMARY KEY CHECK (one = 1), version INTEGER NOT NULL);
INSERT OR IGNORE INTO corpus_version VALUES (1, 0);
"""
POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS corpus_files (
    id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, data BYTEA NOT NULL,
    facts TEXT NOT NULL DEFAULT '{}', status TEXT NOT NULL, added_by BIGINT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL, error TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS corpus_log (
    at DOUBLE PRECISION NOT NULL, user_id BIGINT NOT NULL, action TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS corpus_version (one INTEGER PRIMARY KEY CHECK (one = 1), version BIGINT NOT NULL);
INSERT INTO corpus_version VALUES (1, 0) ON CONFLICT DO NOTHING;
"""
FILE_COLUMNS = "id, name, data, facts, status, added_by, updated_at, error"


class CorpusStore(ABC):
    """Drafts and published documents, one SQL dialect apart (`?` or `%s` parameters)."""

    mark = "?"

    @abstractmethod
    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A cursor inside one serialised write transaction."""

    @abstractmethod
    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read."""

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.mark)

    # -- drafts --

    def save_draft(self, user_id: int, name: str, data: bytes) -> int:
        """Store a raw file as a new draft (before any work on it); its id."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql("INSERT INTO corpus_files (name, data, status, added_by, updated_at) "
                          "VALUES (?, ?, 'draft', ?, ?) RETURNING id"),
                (name, data, user_id, time.time()),
            )
            draft_id = int(cursor.fetchone()[0])
            self._log(cursor, user_id, "draft", name)
        return draft_id

    def get(self, file_id: int) -> CorpusFile | None:
        """One document or draft by id."""
        rows = self._rows(self._sql(f"SELECT {FILE_COLUMNS} FROM corpus_files WHERE id = ?"), (file_id,))
        return _file(rows[0]) if rows else None

    def latest_draft(self, user_id: int) -> int | None:
        """The id of the newest draft `user_id` still has open (a review resumed after a restart)."""
        rows = self._rows(self._sql("SELECT id FROM corpus_files WHERE added_by = ? AND status = 'draft' "
                                    "ORDER BY id DESC LIMIT 1"), (user_id,))
        return int(rows[0][0]) if rows else None

    def set_facts(self, file_id: int, facts: dict[str, Any], error: str = "") -> None:
        """Store a draft's decisions (and the last build error, '' for none)."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql("UPDATE corpus_files SET facts = ?, error = ?, updated_at = ? WHERE id = ?"),
                (json.dumps(facts, ensure_ascii=False), error, time.time(), file_id),
            )

    def discard(self, file_id: int, user_id: int) -> None:
        """Drop a draft (kept as discarded: nothing an admin sent is deleted)."""
        self._set_status(file_id, user_id, "discarded", "discard", from_status="draft")

    # -- the published corpus --

    def publish(self, file_id: int, user_id: int) -> int:
        """Publish a draft (replacing a published document of the same name); the new version."""
        with self._transaction() as cursor:
            found = self._file_in(cursor, file_id)
            if found is None or found.status != "draft":
                raise CorpusError("this draft is gone or already published")
            cursor.execute(
                self._sql("UPDATE corpus_files SET status = 'removed', updated_at = ? "
                          "WHERE name = ? AND status = 'published'"),
                (time.time(), found.name),
            )
            cursor.execute(self._sql("UPDATE corpus_files SET status = 'published', error = '', "
                                     "updated_at = ? WHERE id = ?"), (time.time(), file_id))
            self._log(cursor, user_id, "publish", found.name)
            return self._bump(cursor)

    def remove(self, name: str, user_id: int) -> int:
        """Take a published document out; the new version."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql("UPDATE corpus_files SET status = 'removed', updated_at = ? "
                          "WHERE name = ? AND status = 'published'"),
                (time.time(), name),
            )
            if cursor.rowcount == 0:
                raise CorpusError(f"{name} is not a published document")
            self._log(cursor, user_id, "remove", name)
            return self._bump(cursor)

    def restore_last(self, user_id: int) -> str:
        """Publish again the document removed last; its name."""
        with self._transaction() as cursor:
            cursor.execute(self._sql("SELECT name FROM corpus_log WHERE action = 'remove' ORDER BY at DESC LIMIT 1"))
            row = cursor.fetchone()
            if row is None:
                raise CorpusError("no document has been removed")
            name = str(row[0])
            cursor.execute(self._sql(
                "SELECT id FROM corpus_files WHERE name = ? AND status = 'removed' ORDER BY updated_at DESC LIMIT 1"
            ), (name,))
            found = cursor.fetchone()
            cursor.execute(self._sql("SELECT count(*) FROM corpus_files WHERE name = ? AND status = 'published'"),
                           (name,))
            if found is None or cursor.fetchone()[0]:
                raise CorpusError(f"{name} is published already")
            cursor.execute(self._sql("UPDATE corpus_files SET status = 'published', updated_at = ? WHERE id = ?"),
                           (time.time(), found[0]))
            self._log(cursor, user_id, "restore", name)
            self._bump(cursor)
            return name

    def published(self) -> list[CorpusFile]:
        """The published documents, in name order."""
        rows = self._rows(f"SELECT {FILE_COLUMNS} FROM corpus_files WHERE status = 'published' ORDER BY name")
        return [_file(row) for row in rows]

    def version(self) -> int:
        """The corpus version: it changes with every publish, remove and restore."""
        return int(self._rows("SELECT version FROM corpus_version")[0][0])

    def log(self, limit: int = 100) -> list[LogEntry]:
        """The latest changes, newest first."""
        rows = self._rows(self._sql("SELECT at, user_id, action, name FROM corpus_log ORDER BY at DESC LIMIT ?"),
                          (limit,))
        return [LogEntry(float(a), int(u), str(act), str(n)) for a, u, act, n in rows]

    # -- helpers --

    def _set_status(self, file_id: int, user_id: int, status: str, action: str, from_status: str) -> None:
        with self._transaction() as cursor:
            found = self._file_in(cursor, file_id)
            if found is None or found.status != from_status:
                raise CorpusError("this draft is gone or already published")
            cursor.execute(self._sql("UPDATE corpus_files SET status = ?, updated_at = ? WHERE id = ?"),
                           (status, time.time(), file_id))
            self._log(cursor, user_id, action, found.name)

    def _file_in(self, cursor: Any, file_id: int) -> CorpusFile | None:
        cursor.execute(self._sql(f"SELECT {FILE_COLUMNS} FROM corpus_files WHERE id = ?"), (file_id,))
        row = cursor.fetchone()
        return _file(row) if row else None

    def _log(self, cursor: Any, user_id: int, action: str, name: str) -> None:
        cursor.execute(self._sql("INSERT INTO corpus_log VALUES (?, ?, ?, ?)"), (time.time(), user_id, action, name))

    def _bump(self, cursor: Any) -> int:
        cursor.execute("UPDATE corpus_version SET version = version + 1 RETURNING version")
        return int(cursor.fetchone()[0])


def _file(row: tuple[Any, ...]) -> CorpusFile:
    file_id, name, data, facts, status, added_by, updated_at, error = row
    return CorpusFile(int(file_id), str(name), bytes(data), json.loads(facts or "{}"), str(status),
                      int(added_by), float(updated_at), str(error or ""))


class SQLiteCorpusStore(CorpusStore):
    """The corpus tables in the state's SQLite file (its own connection)."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.executescript(SQLITE_SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._lock:
            cursor = self._conn.cursor()
            cursor.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes too
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()


class PostgresCorpusStore(CorpusStore):
    """The corpus tables in the replicas' shared PostgreSQL (a connection per call)."""

    mark = "%s"

    def __init__(self, url: str) -> None:
        self._url = url
        with self._transaction() as cursor:
            cursor.execute(POSTGRES_SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        import psycopg

        with psycopg.connect(self._url, connect_timeout=5) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            yield cursor

    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self._url, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()


def open_corpus_store(state_url: str | None, state_db_path: str | Path) -> CorpusStore:
    """PostgreSQL when the state is there (QUOTEBOT_STATE_URL), else the state's SQLite file."""
    if state_url:
        return PostgresCorpusStore(state_url)
    return SQLiteCorpusStore(state_db_path)
