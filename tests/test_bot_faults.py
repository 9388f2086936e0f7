"""Faults: 429 retry-after, 500s, slow answers, blocked users, floods and handler bugs.

The bot must recover, lose no reply a retry can save, answer exactly once, and never
show a stack trace in a chat.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import ExtBot

from bot.telegram.context import services
from bot.telegram.limits import RetryingRateLimiter
from tests.fake_bot_api import FakeBotAPI, fast_options, running_bot


def attempts(api: FakeBotAPI, chat_id: int) -> int:
    return len([c for c in api.attempts if c.method == "sendMessage" and c.chat_id == chat_id])


async def test_429_retry_after_is_waited_out(api, bot):
    api.fail_next("429", n=1, retry_after=1)
    api.private_text(601, "alignment")
    [reply] = await api.wait_sent(601)
    assert reply.buttons
    assert attempts(api, 601) == 2


async def test_server_errors_are_retried(api, bot):
    api.fail_next("500", n=2)
    api.private_text(602, "对齐")
    [reply] = await api.wait_sent(602)
    assert reply.text.startswith("「") or "\n— " in reply.text
    assert attempts(api, 602) == 3


async def test_slow_answer_within_the_timeout_is_awaited(api, bot):
    api.fail_next("slow", n=1, delay=0.5)
    api.private_text(603, "开源")
    replies = await api.wait_sent(603)
    assert len(replies) == 1 and attempts(api, 603) == 1


async def test_a_late_answer_to_a_send_is_awaited_not_sent_again(api, quotes_db, tmp_path):
    # Telegram delivers at once but answers after the general read time-out: a message
    # request waits longer (send_read_timeout), so the person gets one answer.
    options = fast_options(read_timeout=0.5, write_timeout=0.5)
    async with running_bot(api, quotes_db, tmp_path / "state.db", options):
        api.fail_next("late", n=1, delay=1.5)
        api.private_text(604, "印刷机")
        await api.wait_sent(604)
        await asyncio.sleep(1.0)  # time for a copy to arrive, were one sent
        assert len(api.sent(604)) == 1 and attempts(api, 604) == 1


async def test_a_send_that_timed_out_is_not_sent_again(api, quotes_db, tmp_path, caplog):
    # Slower still (past the send's own time-out): it may have been delivered, so it is
    # not sent again; no "went wrong" either, and the bot goes on.
    caplog.set_level(logging.INFO)
    options = fast_options(send_read_timeout=0.5)
    async with running_bot(api, quotes_db, tmp_path / "state.db", options):
        api.fail_next("late", n=4, delay=1.5)
        api.private_text(612, "印刷机")
        await api.wait_sent(612)
        await asyncio.sleep(2.5)  # time for copies to arrive, were any sent
        assert attempts(api, 612) == 1
        [reply] = api.sent(612)
        assert "went wrong" not in reply.text
        assert any("may have been delivered" in r.getMessage() for r in caplog.records)
        api.fail_next("late", n=0)
        api.private_text(613, "alignment")
        await api.wait_sent(613)


async def test_a_refused_connection_is_sent_again():
    # Nothing reached Telegram (the connection was refused): the message is sent again
    # once the API is back, through the bot's own rate limiter and HTTP stack.
    first = FakeBotAPI()
    await first.start()
    port = first.port
    bot = ExtBot(first.token, base_url=first.base_url,
                 rate_limiter=RetryingRateLimiter(network_retries=3, backoff=0.5))
    await bot.initialize()
    await first.stop()  # Telegram is unreachable: connections are refused
    back = FakeBotAPI()
    try:
        sending = asyncio.create_task(bot.send_message(614, "hello"))
        await asyncio.sleep(0.2)  # the first attempt is refused
        await back.start(port)
        await asyncio.wait_for(sending, 10)
        assert len(back.sent(614)) == 1
    finally:
        await bot.shutdown()
        await back.stop()


async def test_polling_recovers_from_server_errors(api, bot):
    api.fail_next("500", n=1, methods=("getUpdates",))
    api.private_text(605, "alignment")
    replies = await api.wait_sent(605)
    assert len(replies) == 1


async def test_blocked_user_does_not_stop_the_bot(api, bot):
    api.fail_next("403", n=1, chats=(606,))  # only the chat that blocked the bot
    api.private_text(606, "alignment")  # the user blocked the bot: no one to answer
    api.private_text(607, "alignment")
    await api.wait_sent(607)
    assert not api.sent(606)


async def test_a_flood_is_throttled_politely(api, bot):
    for n in range(20):
        api.private_text(608, f"alignment {n}")
    api.private_text(609, "alignment")  # another user is unaffected
    await api.wait_sent(609)
    await api.wait_for(
        lambda: any("faster than" in c.text for c in api.sent(608)), what="the notice"
    )
    replies = api.sent(608)
    notices = [c for c in replies if "faster than" in c.text]
    assert len(notices) == 1
    assert len(replies) < 20


async def test_a_bug_in_a_handler_is_logged_not_shown(api, bot, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom: internal detail")

    services(bot).replier.answer = broken
    caplog.set_level(logging.INFO)
    api.private_text(610, "the secret question")
    [reply] = await api.wait_sent(610)
    assert "went wrong" in reply.text
    assert "boom" not in reply.text and "Traceback" not in reply.text
    assert any("update=" in r.getMessage() and "chat=610" in r.getMessage()
               for r in caplog.records)
    # The message text is never logged at INFO or above.
    assert not any("secret question" in r.getMessage() for r in caplog.records
                   if r.levelno >= logging.INFO)
    api.private_text(611, "alignment")  # and the bot carries on
    await api.wait_sent(611)
