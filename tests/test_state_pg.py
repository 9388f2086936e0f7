"""PostgreSQL state: the schema migrates itself, updates are claimed once across replicas,
and flood control and the send budget hold for all replicas together."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from bot.config import Settings
from bot.state import (
    ChatSettings,
    DailySubscription,
    PendingUpdate,
    SQLiteStateStore,
    StateStoreUnavailable,
    open_state_store,
)
from bot.state.postgres import PostgresStateStore
from bot.state.postgres_schema import SCHEMA_VERSION, StateSchemaError, migrate


@pytest.fixture
def stores(pg_url):
    """Two stores on one database: two replicas of the bot."""
    opened = [PostgresStateStore(pg_url), PostgresStateStore(pg_url)]
    yield opened
    for store in opened:
        store.close()


def versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT version FROM quotebot_schema ORDER BY 1")]


def test_a_version_1_schema_is_upgraded_keeping_its_rows(pg_url):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert migrate(conn, target=1) == 0
        conn.execute("INSERT INTO chat_settings (chat_id, language) VALUES (9, 'en')")
        conn.execute("INSERT INTO daily (chat_id, time, timezone) VALUES (9, '08:00', 'UTC')")
        conn.execute("INSERT INTO queries (id, kind, text) VALUES (5, 'search', 'alignment')")
        conn.execute("INSERT INTO seen (chat_id, query_id, quote_id) VALUES (9, 5, 42)")
    assert versions(pg_url) == [1]
    store = PostgresStateStore(pg_url)
    try:
        assert versions(pg_url) == list(range(1, SCHEMA_VERSION + 1))
        assert store.chat_settings(9).language == "en"
        assert store.all_daily() == [DailySubscription(9, "08:00", "UTC")]
        assert store.claim_daily(9, "2026-11-27", store.holder)  # a version-2 table
        assert store.expire() == 0  # version 4: rows from before count as used now
        assert store.query(5).text == "alignment" and store.seen(9, 5) == {42}
    finally:
        store.close()
    PostgresStateStore(pg_url).close()  # opening again changes nothing
    assert versions(pg_url) == list(range(1, SCHEMA_VERSION + 1))


def test_a_version_2_schema_gains_themes_and_card_files(pg_url):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        migrate(conn, target=2)
        conn.execute("INSERT INTO chat_settings VALUES (9, 'zh-Hant', 'traditional')")
    store = PostgresStateStore(pg_url)
    try:
        assert versions(pg_url) == list(range(1, SCHEMA_VERSION + 1))
        assert store.chat_settings(9) == ChatSettings("zh-Hant", "traditional", None)
        store.set_theme(9, "dark")
        store.set_card_file("card:1:en:original:dark", "file-a")
        assert store.chat_settings(9).theme == "dark"
        assert store.card_file("card:1:en:original:dark") == "file-a"
    finally:
        store.close()


def test_a_newer_schema_is_refused_not_dropped(pg_url):
    PostgresStateStore(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO quotebot_schema (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StateSchemaError, match="newer"):
        PostgresStateStore(pg_url)


def test_replicas_starting_together_migrate_once(pg_url):
    errors = []

    def start():
        try:
            PostgresStateStore(pg_url).close()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and versions(pg_url) == list(range(1, SCHEMA_VERSION + 1))


def test_the_setting_picks_the_store(pg_url, tmp_path):
    sqlite = open_state_store(Settings(state_db_path=tmp_path / "s.db"))
    assert isinstance(sqlite, SQLiteStateStore)
    sqlite.close()
    postgres = open_state_store(Settings(state_url=pg_url))
    assert isinstance(postgres, PostgresStateStore) and postgres.ping()
    postgres.close()
    with pytest.raises(StateStoreUnavailable, match="postgresql://"):
        open_state_store(Settings(state_url="mysql://x"))


def updates(*update_ids):
    return [PendingUpdate(update_id, f'{{"update_id": {update_id}}}') for update_id in update_ids]


def test_an_update_is_recorded_once_across_replicas(stores):
    a, b = stores
    assert a.record_updates(updates(1)) == [1]
    assert b.record_updates(updates(1, 2)) == [2]  # 1 delivered again, elsewhere
    assert a.record_updates(updates(1, 2)) == []


def test_a_dead_replicas_unfinished_updates_are_adopted_once(stores, monkeypatch):
    a, b = stores
    a.record_updates(updates(3, 1, 2))
    a.mark_updates_done([2])
    assert b.pending_updates() == []  # a is alive: its updates are its own
    assert a.pending_updates() == []  # and already in a's own queue
    monkeypatch.setattr("bot.state.postgres.REPLICA_STALE_SECONDS", 0.2)
    time.sleep(0.3)  # a stops beating
    assert b.pending_updates() == updates(1, 3)
    assert b.pending_updates() == []  # claimed by b now, never handed out twice


def test_a_cleanly_closed_replicas_updates_are_adoptable_at_once(pg_url):
    a, b = PostgresStateStore(pg_url), PostgresStateStore(pg_url)
    try:
        a.record_updates(updates(8))
        a.close()
        assert b.pending_updates() == updates(8)
    finally:
        b.close()


def test_flood_control_is_shared_by_replicas(stores):
    a, b = stores
    verdicts = [store.take_flood_token(42, 4, 0.001) for store in (a, b, a, b, a, b, a)]
    assert verdicts == ["allow"] * 4 + ["warn", "drop", "drop"]
    assert a.take_flood_token(43, 4, 0.001) == "allow"  # another sender


def test_a_held_back_sender_is_told_when_the_shared_bucket_refills(stores):
    from bot.telegram.limits_shared import SharedThrottle

    a, b = stores
    assert a.flood_tokens(44, 2, 6) == 2.0  # never seen: a full bucket
    throttle = SharedThrottle(a, burst=2, per_minute=6)  # a token every 10 s
    assert [throttle.check(44).value for _ in range(3)] == ["allow", "allow", "warn"]
    wait = SharedThrottle(b, burst=2, per_minute=6).retry_after(44)  # asked of the other replica
    assert 9.0 < wait <= 10.0


def test_the_send_budget_is_shared_by_replicas(stores):
    a, b = stores
    granted = 0
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        granted += a.take_send_slot(30) + b.take_send_slot(30)
    # Two replicas asking as fast as they can get 30 a second together, plus the burst of 3.
    assert 28 <= granted <= 34, granted


def test_expire_forgets_old_records_and_idle_buckets_only(stores, pg_url):
    a, _ = stores
    a.record_updates(updates(1, 2))
    a.mark_updates_done([1, 2])
    a.record_updates(updates(3))  # still open: kept whatever its age
    a.take_flood_token(7, 4, 20)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE updates SET done_at = now() - interval '3 days' WHERE update_id = 1")
        conn.execute("UPDATE flood SET updated = now() - interval '2 hours'")
    assert a.expire() == 2
    assert a.record_updates(updates(1, 2, 3)) == [1]  # 1 forgotten; 2 recent, 3 open
