"""Which failed requests may have reached Telegram (`bot.telegram.delivery`), from the
errors python-telegram-bot really raises over its HTTP stack."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from bot.telegram.delivery import may_have_arrived, never_reached, sends_message
from tests.fake_bot_api import TOKEN, FakeBotAPI


def refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: connections to it are refused


async def failure(api: FakeBotAPI | None, read_timeout: float = 5.0) -> NetworkError:
    """What one sendMessage raises through python-telegram-bot's own HTTP stack (to the
    stand-in, or with `api` None to a port that refuses connections)."""
    base_url = api.base_url if api else f"http://127.0.0.1:{refused_port()}/bot"
    bot = Bot(TOKEN, base_url=base_url, request=HTTPXRequest(read_timeout=read_timeout))
    await bot.request.initialize()  # no getMe: the refused port has nobody to ask
    try:
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(1, "hello")
        return raised.value
    finally:
        await bot.request.shutdown()


async def test_a_refused_connection_never_reached_telegram():
    error = await failure(None)
    assert never_reached(error)
    assert not may_have_arrived("sendMessage", error)


async def test_a_read_timeout_may_have_delivered_a_message(api: FakeBotAPI):
    api.fail_next("late", n=1, delay=1.0)
    error = await failure(api, read_timeout=0.2)
    assert not never_reached(error)
    assert may_have_arrived("sendMessage", error) and may_have_arrived("sendPhoto", error)
    # Repeating anything else shows nobody a copy.
    assert not may_have_arrived("answerCallbackQuery", error)
    assert not may_have_arrived("editMessageText", error)


async def test_telegrams_own_error_answer_is_safe_to_repeat(api: FakeBotAPI):
    api.fail_next("500", n=1)
    error = await failure(api)
    assert never_reached(error)


def test_a_gateway_that_gave_up_may_have_delivered():
    # What python-telegram-bot raises for nginx's HTML 502/504 pages.
    for message in ("Bad Gateway (502)", "Gateway Timeout (504). Parsing the server response"):
        assert not never_reached(NetworkError(message))


def test_which_methods_send_messages():
    assert all(sends_message(m) for m in ("sendMessage", "sendPhoto", "copyMessage"))
    assert not any(sends_message(m) for m in ("getUpdates", "answerInlineQuery", "getMe"))
