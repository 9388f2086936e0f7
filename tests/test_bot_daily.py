"""End to end, /daily: stored, scheduled in the chat's time zone, fired, kept across restarts."""

from __future__ import annotations

import sqlite3
from zoneinfo import ZoneInfo

import pytest

from tests.fake_bot_api import running_bot

USER = 501


async def daily_job(application, chat_id: int):
    jobs = application.job_queue.get_jobs_by_name(f"daily:{chat_id}")
    return jobs[0] if jobs else None


async def test_subscription_is_scheduled_in_the_chats_time_zone_and_fires(
    api, quotes_db, tmp_path
):
    async with running_bot(api, quotes_db, tmp_path / "state.db") as bot:
        api.private_text(USER, "/daily 08:30 Asia/Shanghai")
        [confirmation] = await api.wait_sent(USER)
        assert "08:30" in confirmation.text and "Asia/Shanghai" in confirmation.text
        job = await daily_job(bot, USER)
        local = job.next_t.astimezone(ZoneInfo("Asia/Shanghai"))
        assert (local.hour, local.minute) == (8, 30)
        # Fire it now instead of waiting for 08:30.
        await job.run(bot)
        posts = await api.wait_sent(USER, count=2)
        assert posts[1].text.startswith("<b>Quote of the day</b>")
        assert len(posts[1].buttons) == 4
        # The picker chose it: a quote that stands on its own.
        quote_id = int(posts[1].buttons[1]["callback_data"].split(":")[1])
        with sqlite3.connect(quotes_db) as conn:
            assert conn.execute("SELECT postable FROM quotes WHERE id = ?", (quote_id,)).fetchone()[0] == 1


async def test_default_zone_is_utc_and_status_is_shown(api, quotes_db, tmp_path):
    async with running_bot(api, quotes_db, tmp_path / "state.db") as bot:
        api.private_text(USER + 1, "/daily 21:05")
        await api.wait_sent(USER + 1)
        job = await daily_job(bot, USER + 1)
        local = job.next_t.astimezone(ZoneInfo("UTC"))
        assert (local.hour, local.minute) == (21, 5)
        api.private_text(USER + 1, "/daily")
        replies = await api.wait_sent(USER + 1, count=2)
        assert "21:05" in replies[1].text and "UTC" in replies[1].text


async def test_subscription_survives_restart_and_off_removes_it(api, quotes_db, tmp_path):
    state = tmp_path / "state.db"
    async with running_bot(api, quotes_db, state):
        api.private_text(USER + 2, "/daily 06:00 Europe/Berlin")
        await api.wait_sent(USER + 2)
    async with running_bot(api, quotes_db, state) as bot:
        assert await daily_job(bot, USER + 2) is not None
        api.private_text(USER + 2, "/daily off")
        await api.wait_sent(USER + 2, count=2)
        await api.wait_for(lambda: not bot.job_queue.get_jobs_by_name(f"daily:{USER + 2}"))
    async with running_bot(api, quotes_db, state) as bot:
        assert await daily_job(bot, USER + 2) is None


@pytest.mark.parametrize(
    ("command", "expected"),
    [("/daily 25:00", "not a time"), ("/daily 8h", "not a time"),
     ("/daily 08:00 Mars/Olympus", "time zone")],
)
async def test_bad_times_and_zones_are_explained(api, quotes_db, tmp_path, command, expected):
    async with running_bot(api, quotes_db, tmp_path / "state.db") as bot:
        api.private_text(USER + 3, command)
        [reply] = await api.wait_sent(USER + 3)
        assert expected in reply.text
        assert await daily_job(bot, USER + 3) is None


async def test_blocked_chat_is_unsubscribed(api, quotes_db, tmp_path):
    async with running_bot(api, quotes_db, tmp_path / "state.db") as bot:
        api.private_text(USER + 4, "/daily 10:00")
        await api.wait_sent(USER + 4)
        api.fail_next("403")
        await (await daily_job(bot, USER + 4)).run(bot)
        await api.wait_for(lambda: not bot.job_queue.get_jobs_by_name(f"daily:{USER + 4}"))
        api.private_text(USER + 4, "/daily")
        replies = await api.wait_sent(USER + 4, count=2)
        assert "No daily quote" in replies[1].text
