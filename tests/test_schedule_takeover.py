"""One scheduler among replicas: the leader is killed just before 50 daily quotes fall due,
another replica takes the schedule over, and every chat gets its quote exactly once.

The replicas run with a 6-second lease (QUOTEBOT_SCHEDULE_LEASE_SECONDS, 15 by default)
so the takeover, and the test, take less time; the mechanism is the same.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter

from bot.state import DailySubscription
from bot.state.postgres import PostgresStateStore
from bot.telegram.scheduler import SWEEP_SECONDS
from tests.replicas import replica_env, start_replicas

CHATS = [70_000 + n for n in range(50)]
TOOK = "took the daily schedule"
LEASE_SECONDS = 6


def next_minute(at_least: float) -> dt.datetime:
    """The next whole minute (UTC) at least `at_least` seconds from now."""
    now = dt.datetime.now(dt.UTC)
    due = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    while (due - now).total_seconds() < at_least:
        due += dt.timedelta(minutes=1)
    return due


async def test_the_schedule_moves_to_another_replica_without_loss_or_repeat(
    api, quotes_db, pg_url, tmp_path
):
    env = replica_env(
        api, quotes_db, pg_url, tmp_path, QUOTEBOT_SCHEDULE_LEASE_SECONDS=str(LEASE_SECONDS)
    )
    replicas = await start_replicas(2, env)
    try:
        await api.wait_for(lambda: any(TOOK in r.log for r in replicas), 30, "a scheduler")
        [leader] = [r for r in replicas if TOOK in r.log]
        [survivor] = [r for r in replicas if r is not leader]
        # Subscribed once the replicas run (as at any replica), for the next minute that
        # leaves time to kill the leader just before the quotes fall due.
        due = next_minute(at_least=6)
        store = PostgresStateStore(pg_url)
        for chat in CHATS:
            store.set_daily(DailySubscription(chat, due.strftime("%H:%M"), "UTC", "en"))
        store.close()
        await asyncio.sleep(max(0.0, due.timestamp() - 3 - time.time()))
        leader.kill()
        killed_at = time.time()
        assert killed_at < due.timestamp(), "the leader was killed after the quotes fell due"
        delivered = lambda: {c.chat_id for c in api.sent()} >= set(CHATS)  # noqa: E731
        await api.wait_for(delivered, LEASE_SECONDS + 30, "50 daily quotes")
        await asyncio.sleep(2 * SWEEP_SECONDS + 1)  # a repeat would come by now
    finally:
        await asyncio.gather(*(replica.stop() for replica in replicas))
    counts = Counter(call.chat_id for call in api.sent())
    assert counts == Counter({chat: 1 for chat in CHATS})
    assert all(call.text.startswith("<b>Quote of the day</b>") for call in api.sent())
    assert TOOK in survivor.log
    last = max(call.at for call in api.sent()) - time.monotonic() + time.time()
    # The stated takeover time: the lease, a sweep, and sending 50 within the budget.
    assert last - killed_at < LEASE_SECONDS + SWEEP_SECONDS + 50 / 27 + 5, last - killed_at
    print(f"\nleader killed {due.timestamp() - killed_at:.1f}s before the quotes fell due; "
          f"all 50 sent {last - due.timestamp():.1f}s after they fell due "
          f"({last - killed_at:.1f}s after the kill; lease {LEASE_SECONDS}s)")


def test_the_lease_length_is_a_setting_with_a_floor():
    from bot.config import Settings
    from bot.telegram.lease import LEASE_SECONDS, MIN_LEASE_SECONDS, lease_length

    assert Settings.from_env({}).schedule_lease_seconds == LEASE_SECONDS
    configured = Settings.from_env({"QUOTEBOT_SCHEDULE_LEASE_SECONDS": "8"})
    assert lease_length(configured.schedule_lease_seconds) == 8
    assert lease_length(1) == MIN_LEASE_SECONDS  # shorter than a few sweeps would flap


def test_due_days_are_local_days_in_the_window():
    from bot.telegram.scheduler import due_days

    sub = DailySubscription(1, "08:30", "Asia/Shanghai")  # 00:30 UTC
    at = dt.datetime(2026, 11, 27, 0, 30, tzinfo=dt.UTC).timestamp()
    assert due_days(sub, at - 60, at) == ["2026-11-27"]
    assert due_days(sub, at, at + 60) == []  # the window is (since, until]
    assert due_days(sub, at - 2 * 86400, at) == ["2026-11-26", "2026-11-27"]
    assert due_days(sub, at + 1, at + 86399) == []


async def test_a_job_follows_a_subscription_changed_at_another_replica(api, quotes_db, tmp_path):
    from bot.telegram.context import services
    from tests.fake_bot_api import running_bot

    async with running_bot(api, quotes_db, tmp_path / "state.db") as bot:
        api.private_text(601, "/daily 08:30 Asia/Shanghai")
        await api.wait_sent(601)
        [job] = bot.job_queue.get_jobs_by_name("daily:601")
        state = services(bot).state
        state.set_daily(DailySubscription(601, "21:00", "UTC", "en"))  # as another replica would
        await job.run(bot)
        [moved] = bot.job_queue.get_jobs_by_name("daily:601")
        assert moved.data == DailySubscription(601, "21:00", "UTC", "en")
        state.remove_daily(601)
        await moved.run(bot)
        await api.wait_for(lambda: not bot.job_queue.get_jobs_by_name("daily:601"))
    assert len(api.sent(601)) == 1  # only the confirmation: the stale jobs sent nothing
