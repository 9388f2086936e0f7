"""The bot's own writable state, a package by store.

    store              the `StateStore` interface, its records and the limits both stores keep
    sqlite             `SQLiteStateStore`, the embedded default (one file, or ":memory:")
    sqlite_writer      its one writer thread: a locked file never blocks the event loop, and
                       no write waits for a lock without end
    sqlite_schema      its tables, and the columns added to older files
    postgres           `PostgresStateStore`, shared by several replicas of the bot
    postgres_schema    its numbered migrations, applied by the bot itself
    postgres_limits    flood control and the send budget counted for all replicas together
    open               `open_state_store(settings)`: which of the two the bot opens

Callers use the interface and the names below. `PostgresStateStore` is imported from
`bot.state.postgres` by those who need it, so psycopg is loaded only on that path.
"""

from bot.state.open import open_state_store
from bot.state.sqlite import SQLiteStateStore
from bot.state.sqlite_writer import WRITE_TIMEOUT_SECONDS, WRITE_WAIT_SECONDS
from bot.state.store import (
    DONE_UPDATE_TTL_SECONDS,
    MAX_QUERIES,
    MAX_SEEN_PER_CHAT,
    MAX_SEEN_PER_QUERY,
    QUERY_TTL_SECONDS,
    SEEN_TTL_SECONDS,
    ChatSettings,
    DailySubscription,
    PendingUpdate,
    StateStore,
    StateStoreBusy,
    StateStoreUnavailable,
    StoredQuery,
)

__all__ = [
    "DONE_UPDATE_TTL_SECONDS",
    "MAX_QUERIES",
    "MAX_SEEN_PER_CHAT",
    "MAX_SEEN_PER_QUERY",
    "QUERY_TTL_SECONDS",
    "SEEN_TTL_SECONDS",
    "WRITE_TIMEOUT_SECONDS",
    "WRITE_WAIT_SECONDS",
    "ChatSettings",
    "DailySubscription",
    "PendingUpdate",
    "SQLiteStateStore",
    "StateStore",
    "StateStoreBusy",
    "StateStoreUnavailable",
    "StoredQuery",
    "open_state_store",
]
