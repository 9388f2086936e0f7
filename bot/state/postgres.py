"""The bot's state on a PostgreSQL server, shared by several replicas of the bot.

`PostgresStateStore` behaves like `SQLiteStateStore` and adds what only a shared store
needs: the durable record of received updates claimed across replicas, and counters
for flood control and Telegram's overall send budget that hold for the bot as a whole.
Its schema migrates itself (`bot.state.postgres_schema`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.state.postgres_limits import SharedLimits
from bot.state.postgres_schema import StateSchemaError, migrate
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
    StateStoreUnavailable,
    StoredQuery,
    new_query_id,
)
from bot.text import MAX_QUERY_CHARS

# A replica that has not beaten for this long is dead: its unfinished updates are adopted.
REPLICA_STALE_SECONDS = 10.0
# A health check waits this long for a pooled connection, not the pool's 30 s: with the
# server stopped, the pool has none to give until it reconnects.
PING_TIMEOUT_SECONDS = 1.0


class PostgresStateStore(SharedLimits, SQLReads):
    """`StateStore` on a PostgreSQL server, through a psycopg connection pool, with the
    `SharedLimits` counted there for all replicas."""

    def __init__(self, url: str, max_connections: int = 8) -> None:
        # One id per process: who holds a lease, an update being answered, a daily send.
        self.holder = uuid.uuid4().hex
        self._pool = ConnectionPool(
            url, min_size=1, max_size=max_connections, open=False,
            kwargs={"autocommit": True}, name="quotebot-state",
        )
        host = conninfo_to_dict(url).get("host", "?")
        try:
            self._pool.open(wait=True, timeout=10)
            with self._pool.connection() as conn:
                migrate(conn)
            self._beat()
        except (psycopg.Error, PoolTimeout) as error:
            self._pool.close()
            raise StateStoreUnavailable(
                f"cannot use the state database on {host}: {str(error).strip()}"
            ) from error
        except StateSchemaError:
            self._pool.close()
            raise

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection]:
        with self._pool.connection() as conn:
            yield conn

    def _rows(
        self, sql: str, params: Sequence[object] | Mapping[str, object] = ()
    ) -> list[tuple[Any, ...]]:
        with self._conn() as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        # The shared reads are written with SQLite's placeholder; none holds a literal "?".
        return self._rows(sql.replace("?", "%s"), params)

    def ping(self) -> bool:
        """True when the server answers (for /healthz); False within
        `PING_TIMEOUT_SECONDS` when no connection can be had. (A frozen server can hold a
        query for ever: the health check bounds its own wait, `bot.telegram.health`.)"""
        try:
            with self._pool.connection(timeout=PING_TIMEOUT_SECONDS) as conn:
                return conn.execute("SELECT 1").fetchall() == [(1,)]
        except (psycopg.Error, PoolTimeout):
            return False

    # Settings, queries and seen lists: as in SQLiteStateStore.

    def set_language(self, chat_id: int, language: str | None) -> None:
        self._rows(
            "INSERT INTO chat_settings (chat_id, language) VALUES (%s, %s) "
            "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
            (chat_id, language),
        )

    def set_script(self, chat_id: int, script: str | None) -> None:
        self._rows(
            "INSERT INTO chat_settings (chat_id, script) VALUES (%s, %s) "
            "ON CONFLICT (chat_id) DO UPDATE SET script = excluded.script",
            (chat_id, script),
        )

    def set_theme(self, chat_id: int, theme: str | None) -> None:
        self._rows(
            "INSERT INTO chat_settings (chat_id, theme) VALUES (%s, %s) "
            "ON CONFLICT (chat_id) DO UPDATE SET theme = excluded.theme",
            (chat_id, theme),
        )

    def set_card_file(self, key: str, file_id: str | None) -> None:
        if file_id is None:
            self._rows("DELETE FROM card_files WHERE key = %s", (key,))
        else:
            self._rows(
                "INSERT INTO card_files (key, file_id) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET file_id = excluded.file_id",
                (key, file_id),
            )

    def remember_query(self, kind: str, text: str) -> int:
        text = text[:MAX_QUERY_CHARS]
        with self._conn() as conn:
            # A random id, as in SQLite: buttons carry it, and another chat cannot guess it.
            conn.execute(
                "INSERT INTO queries (id, kind, text, used_at) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (kind, text) DO UPDATE SET used_at = excluded.used_at",
                (new_query_id(), kind, text, time.time()),
            )
            row = conn.execute(
                "SELECT id FROM queries WHERE kind = %s AND text = %s", (kind, text)
            ).fetchone()
        assert row is not None  # inserted just now or before
        return int(row[0])

    def query(self, query_id: int) -> StoredQuery | None:
        rows = self._rows("SELECT id, kind, text FROM queries WHERE id = %s", (query_id,))
        return StoredQuery(*rows[0]) if rows else None

    def mark_seen(self, chat_id: int, query_id: int, quote_id: int) -> None:
        with self._conn() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO seen (chat_id, query_id, quote_id, seen_at) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (chat_id, query_id, quote_id) "
                "DO UPDATE SET shown_at = nextval('seen_order'), seen_at = excluded.seen_at",
                (chat_id, query_id, quote_id, time.time()),
            )
            # Keep only the most recent MAX_SEEN_PER_QUERY ids for this chat and query.
            conn.execute(
                "DELETE FROM seen WHERE chat_id = %(c)s AND query_id = %(q)s AND shown_at < "
                "(SELECT min(shown_at) FROM (SELECT shown_at FROM seen WHERE chat_id = %(c)s "
                "AND query_id = %(q)s ORDER BY shown_at DESC LIMIT %(n)s) AS latest)",
                {"c": chat_id, "q": query_id, "n": MAX_SEEN_PER_QUERY},
            )

    def forget_seen(self, chat_id: int, query_id: int) -> None:
        self._rows("DELETE FROM seen WHERE chat_id = %s AND query_id = %s", (chat_id, query_id))

    # Daily subscriptions, and the record of which were sent.

    def set_daily(self, subscription: DailySubscription) -> None:
        self._rows(
            "INSERT INTO daily (chat_id, time, timezone, language) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (chat_id) DO UPDATE SET time = excluded.time, "
            "timezone = excluded.timezone, language = excluded.language",
            (subscription.chat_id, subscription.time, subscription.timezone, subscription.language),
        )

    def remove_daily(self, chat_id: int) -> bool:
        return bool(self._rows("DELETE FROM daily WHERE chat_id = %s RETURNING 1", (chat_id,)))

    def claim_daily(self, chat_id: int, day: str, holder: str) -> bool:
        # A claim left unsent by another holder (it died mid-send) may be taken over.
        return bool(
            self._rows(
                "INSERT INTO daily_sent AS d (chat_id, day, holder) VALUES (%s, %s, %s) "
                "ON CONFLICT (chat_id, day) DO UPDATE SET holder = excluded.holder "
                "WHERE NOT d.sent AND d.holder <> excluded.holder RETURNING 1",
                (chat_id, day, holder),
            )
        )

    def mark_daily_sent(self, chat_id: int, day: str) -> None:
        self._rows(
            "UPDATE daily_sent SET sent = true WHERE chat_id = %s AND day = %s", (chat_id, day)
        )

    def hold_lease(self, name: str, holder: str, seconds: float) -> bool:
        return bool(
            self._rows(
                "INSERT INTO leases AS l (name, holder, expires_at) "
                "VALUES (%s, %s, now() + make_interval(secs => %s)) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                "expires_at = excluded.expires_at "
                "WHERE l.holder = excluded.holder OR l.expires_at < now() RETURNING 1",
                (name, holder, seconds),
            )
        )

    def release_lease(self, name: str, holder: str) -> None:
        self._rows(
            "UPDATE leases SET expires_at = now() - interval '1 second' "
            "WHERE name = %s AND holder = %s",
            (name, holder),
        )

    def set_watermark(self, name: str, holder: str, value: float) -> None:
        self._rows(
            "UPDATE leases SET watermark = %s WHERE name = %s AND holder = %s",
            (value, name, holder),
        )

    # The durable record of received updates, shared by every replica.

    shared = True

    def record_updates(self, updates: Iterable[PendingUpdate]) -> list[int]:
        batch = list(updates)
        with self._conn() as conn, conn.transaction():
            new = [
                update.update_id
                for update in batch
                if conn.execute(
                    "INSERT INTO updates (update_id, payload, holder) VALUES (%s, %s, %s) "
                    "ON CONFLICT (update_id) DO NOTHING RETURNING 1",
                    (update.update_id, update.payload, self.holder),
                ).fetchall()
            ]
        return new

    def mark_updates_done(self, update_ids: Iterable[int]) -> None:
        self._rows(
            "UPDATE updates SET done_at = now() WHERE update_id = ANY(%s)", (list(update_ids),)
        )

    def pending_updates(self) -> list[PendingUpdate]:
        """Unfinished updates of replicas that stopped beating (or closed their store),
        claimed by this one in one statement, so two replicas never take the same one.
        Asking is also this replica's heartbeat. This replica's own unfinished updates are
        in its queue already and are not handed out again."""
        self._beat()
        rows = self._rows(
            "UPDATE updates SET holder = %(me)s WHERE done_at IS NULL AND holder <> %(me)s "
            "AND holder NOT IN (SELECT holder FROM replicas "
            "WHERE seen_at > now() - make_interval(secs => %(stale)s)) "
            "RETURNING update_id, payload",
            {"me": self.holder, "stale": REPLICA_STALE_SECONDS},
        )
        return [PendingUpdate(int(update_id), str(payload)) for update_id, payload in sorted(rows)]

    def _beat(self) -> None:
        """Say this replica is alive, so its unfinished updates stay its own."""
        self._rows(
            "INSERT INTO replicas (holder, seen_at) VALUES (%s, now()) "
            "ON CONFLICT (holder) DO UPDATE SET seen_at = now()",
            (self.holder,),
        )

    def expire(self, now: float | None = None) -> int:
        """As SQLite's `expire`, and the shared store's own bookkeeping: daily claims
        older than three days, idle flood buckets, replicas gone for a day."""
        now = time.time() if now is None else now
        ttl_statements: tuple[tuple[str, Sequence[object]], ...] = (
            ("DELETE FROM updates WHERE done_at < to_timestamp(%s)",
             (now - DONE_UPDATE_TTL_SECONDS,)),
            ("DELETE FROM seen WHERE seen_at < %s", (now - SEEN_TTL_SECONDS,)),
            ("DELETE FROM seen WHERE (chat_id, shown_at) IN (SELECT chat_id, shown_at FROM "
             "(SELECT chat_id, shown_at, ROW_NUMBER() OVER (PARTITION BY chat_id "
             "ORDER BY shown_at DESC) AS n FROM seen) AS ranked WHERE n > %s)",
             (MAX_SEEN_PER_CHAT,)),
            ("DELETE FROM queries WHERE used_at < %s", (now - QUERY_TTL_SECONDS,)),
            ("DELETE FROM queries WHERE id NOT IN "
             "(SELECT id FROM queries ORDER BY used_at DESC LIMIT %s)", (MAX_QUERIES,)),
            ("DELETE FROM seen WHERE query_id NOT IN (SELECT id FROM queries)", ()),
            # Liveness data, by the server's clock whatever `now` says.
            ("DELETE FROM daily_sent WHERE claimed_at < now() - interval '3 days'", ()),
            ("DELETE FROM flood WHERE updated < now() - interval '1 hour'", ()),
            ("DELETE FROM replicas WHERE seen_at < now() - interval '1 day'", ()),
        )
        deleted = 0
        with self._conn() as conn, conn.transaction():
            for statement, params in ttl_statements:
                deleted += conn.execute(statement, params).rowcount
        return deleted

    def close(self) -> None:
        # A clean stop says so: what this replica left unanswered is adoptable at once.
        try:
            self._rows("DELETE FROM replicas WHERE holder = %s", (self.holder,))
        except psycopg.Error:
            pass  # the server is away; the replica counts as silent after a while
        self._pool.close()
