"""Which store the bot opens: PostgreSQL when a server is configured, else the SQLite file."""

from __future__ import annotations

from bot.config import Settings
from bot.state.sqlite import SQLiteStateStore
from bot.state.store import StateStore, StateStoreUnavailable


def open_state_store(settings: Settings) -> StateStore:
    """PostgreSQL when QUOTEBOT_STATE_URL is set (postgresql://…), else the SQLite file."""
    url = settings.state_url
    if not url:
        return SQLiteStateStore(settings.state_db_path)
    if not url.startswith(("postgresql://", "postgres://")):
        raise StateStoreUnavailable("QUOTEBOT_STATE_URL must start with postgresql://")
    from bot.state.postgres import PostgresStateStore  # psycopg loads only when it is used

    return PostgresStateStore(url)
