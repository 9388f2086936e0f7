"""The bot's own state: settings, seen quotes and daily subscriptions survive a restart."""

from __future__ import annotations

import sqlite3

import pytest

from bot.state import (
    MAX_SEEN_PER_QUERY,
    ChatSettings,
    DailySubscription,
    PendingUpdate,
    SQLiteStateStore,
)


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(request, tmp_path):
    """Opens the same store again on each call: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        target = tmp_path / "state.db"
        opener = SQLiteStateStore
    else:
        from bot.state.postgres import PostgresStateStore

        target = request.getfixturevalue("pg_url")
        opener = PostgresStateStore
    opened = []

    def open_again():
        opened.append(opener(target))
        return opened[-1]

    yield open_again
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store):
    return open_store()


def test_everything_survives_reopening(open_store):
    store = open_store()
    store.set_language(1, "zh-Hant")
    store.set_script(1, "traditional")
    query_id = store.remember_query("search", "alignment")
    store.mark_seen(1, query_id, 42)
    store.set_daily(DailySubscription(1, "08:30", "Asia/Shanghai", "zh-Hant"))
    store.close()

    reopened = open_store()
    settings = reopened.chat_settings(1)
    assert (settings.language, settings.script) == ("zh-Hant", "traditional")
    assert reopened.remember_query("search", "alignment") == query_id
    assert reopened.seen(1, query_id) == {42}
    assert reopened.all_daily() == [DailySubscription(1, "08:30", "Asia/Shanghai", "zh-Hant")]


def test_every_script_a_chat_can_choose_is_stored(open_store):
    from bot.reply.language import ORIGINAL, SCRIPTS

    store = open_store()
    for chat_id, script in enumerate((*SCRIPTS, ORIGINAL)):
        store.set_script(chat_id, script)
    store.close()
    reopened = open_store()
    assert [reopened.chat_settings(n).script for n in range(len(SCRIPTS) + 1)] == [*SCRIPTS, ORIGINAL]


def test_setting_one_field_keeps_the_other(store):
    store.set_script(5, "simplified")
    store.set_language(5, "en")
    store.set_language(5, None)
    assert store.chat_settings(5).script == "simplified"
    assert store.chat_settings(5).language is None
    assert store.chat_settings(6).language is None  # never set: defaults


def test_seen_is_per_chat_and_per_query(store):
    a = store.remember_query("search", "alignment")
    b = store.remember_query("random", "")
    assert a != b and store.query(a).text == "alignment" and store.query(b).kind == "random"
    store.mark_seen(1, a, 10)
    store.mark_seen(1, b, 11)
    store.mark_seen(2, a, 12)
    assert store.seen(1, a) == {10}
    assert store.seen(2, a) == {12}
    store.forget_seen(1, a)
    assert store.seen(1, a) == frozenset() and store.seen(1, b) == {11}
    assert store.query(99999) is None


def test_seen_in_order_is_oldest_first_and_a_repeat_moves_to_the_end(store):
    query_id = store.remember_query("random", "")
    for quote_id in (30, 10, 20):
        store.mark_seen(1, query_id, quote_id)
    store.mark_seen(2, query_id, 40)  # another chat
    assert store.seen_in_order(1, query_id) == [30, 10, 20]
    store.mark_seen(1, query_id, 30)  # shown again: now the latest
    assert store.seen_in_order(1, query_id) == [10, 20, 30]
    assert store.seen_in_order(3, query_id) == []


def test_seen_list_is_bounded_keeping_the_latest(store):
    query_id = store.remember_query("search", "x")
    for quote_id in range(MAX_SEEN_PER_QUERY + 20):
        store.mark_seen(1, query_id, quote_id)
    seen = store.seen(1, query_id)
    assert len(seen) == MAX_SEEN_PER_QUERY
    assert MAX_SEEN_PER_QUERY + 19 in seen and 0 not in seen


def test_daily_replace_and_remove(store):
    store.set_daily(DailySubscription(-100, "07:00", "UTC"))
    store.set_daily(DailySubscription(-100, "09:00", "Europe/Paris"))
    assert store.daily(-100) == DailySubscription(-100, "09:00", "Europe/Paris")
    assert store.remove_daily(-100) is True
    assert store.remove_daily(-100) is False
    assert store.daily(-100) is None and store.all_daily() == []


def test_a_daily_quote_is_claimed_once_per_chat_and_day(store):
    assert store.claim_daily(1, "2026-11-27", "a") is True
    assert store.claim_daily(1, "2026-11-27", "a") is False  # the same holder: in hand
    assert store.claim_daily(2, "2026-11-27", "a") is True
    assert store.claim_daily(1, "2026-11-28", "a") is True
    # Claimed but never sent (its holder died): another holder may take it over...
    assert store.claim_daily(2, "2026-11-27", "b") is True
    store.mark_daily_sent(2, "2026-11-27")
    # ...but a sent one is never sent again.
    assert store.claim_daily(2, "2026-11-27", "c") is False


def test_a_lease_has_one_holder_until_it_expires_or_is_released(store):
    assert store.hold_lease("daily", "a", 30) is True
    assert store.hold_lease("daily", "b", 30) is False
    assert store.hold_lease("daily", "a", 30) is True  # renewed
    store.set_watermark("daily", "b", 5.0)  # not the holder: ignored
    store.set_watermark("daily", "a", 7.0)
    assert store.watermark("daily") == 7.0
    store.release_lease("daily", "a")
    assert store.hold_lease("daily", "b", 0.2) is True
    assert store.watermark("daily") == 7.0  # the work done is kept across holders
    import time

    time.sleep(0.3)
    assert store.hold_lease("daily", "a", 30) is True  # b's lease expired


def test_an_old_state_file_gains_the_new_columns_without_expiring_its_rows(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE queries (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, text TEXT NOT NULL,"
        " UNIQUE (kind, text));"
        "CREATE TABLE seen (chat_id INTEGER NOT NULL, query_id INTEGER NOT NULL,"
        " quote_id INTEGER NOT NULL, shown_at INTEGER NOT NULL,"
        " PRIMARY KEY (chat_id, query_id, quote_id));"
        "INSERT INTO queries VALUES (1, 'search', 'alignment');"
        "INSERT INTO seen VALUES (7, 1, 42, 1);"
    )
    old.commit()
    old.close()
    store = SQLiteStateStore(path)
    store.expire()
    assert store.query(1).text == "alignment" and store.seen(7, 1) == {42}
    store.close()


def test_updates_are_recorded_once_and_pending_until_done(open_store):
    store = open_store()
    assert store.record_updates([PendingUpdate(1, "{}"), PendingUpdate(2, "{}")]) == [1, 2]
    assert store.record_updates([PendingUpdate(2, "{}"), PendingUpdate(3, "{}")]) == [3]
    store.mark_updates_done([1, 3])
    store.close()
    reopened = open_store()
    assert reopened.pending_updates() == [PendingUpdate(2, "{}")]
    assert reopened.record_updates([PendingUpdate(1, "{}")]) == []  # done: still a duplicate


def test_expire_deletes_old_done_updates_queries_and_seen_lists_only(open_store):
    import time

    from bot.state import DONE_UPDATE_TTL_SECONDS, QUERY_TTL_SECONDS

    store = open_store()
    store.record_updates([PendingUpdate(1, "{}"), PendingUpdate(2, "{}")])
    store.mark_updates_done([1])
    query_id = store.remember_query("search", "alignment")
    store.mark_seen(7, query_id, 42)
    store.close()  # the SQLite store's writes are on disk
    store = open_store()
    assert store.expire() == 0  # nothing is old yet
    later = time.time() + max(DONE_UPDATE_TTL_SECONDS, QUERY_TTL_SECONDS) + 60
    assert store.expire(now=later) == 3  # the done update, the query and its seen-list
    assert store.query(query_id) is None and store.seen(7, query_id) == frozenset()
    assert store.record_updates([PendingUpdate(1, "{}")]) == [1]  # forgotten
    assert store.record_updates([PendingUpdate(2, "{}")]) == []  # pending: kept


def test_theme_last_shown_quote_and_card_file_ids(open_store):
    store = open_store()
    assert store.last_shown(3) is None and store.card_file("card:1:en:original:light") is None
    store.set_language(3, "en")
    store.set_theme(3, "dark")
    query_id = store.remember_query("search", "alignment")
    store.mark_seen(3, query_id, 11)
    store.mark_seen(3, store.remember_query("random", ""), 12)
    store.mark_seen(4, query_id, 13)  # another chat does not count
    store.set_card_file("card:12:en:original:dark", "file-a")
    store.close()

    reopened = open_store()
    assert reopened.chat_settings(3) == ChatSettings("en", None, "dark")
    assert reopened.last_shown(3) == 12
    reopened.mark_seen(3, query_id, 11)  # shown again: the latest once more
    assert reopened.last_shown(3) == 11
    assert reopened.card_file("card:12:en:original:dark") == "file-a"
    reopened.set_card_file("card:12:en:original:dark", None)
    assert reopened.card_file("card:12:en:original:dark") is None


def test_a_state_database_from_before_themes_gains_the_column(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE chat_settings (chat_id INTEGER PRIMARY KEY, language TEXT, "
                    "script TEXT)")
        old.execute("INSERT INTO chat_settings VALUES (9, 'zh-Hant', 'traditional')")
    store = SQLiteStateStore(path)
    assert store.chat_settings(9) == ChatSettings("zh-Hant", "traditional", None)
    store.set_theme(9, "light")
    assert store.chat_settings(9).theme == "light"


def test_every_write_returns_while_another_process_holds_the_lock_and_lands_after(tmp_path):
    import time

    from bot.state import WRITE_WAIT_SECONDS

    path = tmp_path / "state.db"
    store = SQLiteStateStore(path)
    query_id = store.remember_query("search", "alignment")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a backup or a sqlite3 shell holding the write lock
    writes = (
        lambda: store.set_language(5, "en"),
        lambda: store.set_script(5, "traditional"),
        lambda: store.set_theme(5, "dark"),
        lambda: store.set_card_file("card:1:en:original:dark", "file-b"),
        lambda: store.mark_seen(5, query_id, 21),
        lambda: store.set_daily(DailySubscription(5, "08:30", "UTC")),
    )
    for write in writes:
        started = time.monotonic()
        write()
        assert time.monotonic() - started < WRITE_WAIT_SECONDS + 0.3
    assert store.chat_settings(5) == ChatSettings()  # nothing written yet
    holder.execute("COMMIT")
    holder.close()
    store.close()  # waits for the writer thread to finish its queue

    reopened = SQLiteStateStore(path)
    assert reopened.chat_settings(5) == ChatSettings("en", "traditional", "dark")
    assert reopened.card_file("card:1:en:original:dark") == "file-b"
    assert reopened.last_shown(5) == 21 and reopened.seen_in_order(5, query_id) == [21]
    assert reopened.daily(5) == DailySubscription(5, "08:30", "UTC")
    reopened.close()


def test_a_needed_write_gives_up_on_a_lock_in_bounded_time_and_is_not_applied(tmp_path):
    """Issue 20, item 3: no state write waits forever. A claim meeting a lock held longer
    than the write time-out fails with StateStoreBusy, and was not made: claimed again
    once the lock is gone, it succeeds (a claim made late would block its own holder)."""
    import threading
    import time

    path = tmp_path / "state.db"
    store = SQLiteStateStore(path)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # a backup holding the write lock, for long
    outcome: list[object] = []

    def claim() -> None:
        started = time.monotonic()
        try:
            outcome.append(store.claim_daily(5, "2026-01-01", "me"))
        except Exception as error:  # noqa: BLE001 - the outcome is the test's
            outcome.append(error)
        outcome.append(time.monotonic() - started)

    claimer = threading.Thread(target=claim, daemon=True)
    claimer.start()
    claimer.join(timeout=12)
    gave_up = not claimer.is_alive()
    holder.execute("COMMIT")
    holder.close()
    claimer.join()
    assert gave_up, "the claim was still waiting for the lock after 12 s"
    error, waited = outcome
    assert type(error).__name__ == "StateStoreBusy", error
    assert waited < 8, waited
    assert store.claim_daily(5, "2026-01-01", "me")  # the timed-out claim was not applied
    store.close()
