"""The command table drives every front end; one rule decides an answer's language."""

from __future__ import annotations

import inspect
import random

import pytest

from bot.chat import LOCAL_CHAT_ID, TerminalChat
from bot.reply import COMMANDS, Replier, Reply, answer_language, find_command
from bot.search import Searcher
from bot.state import SQLiteStateStore


@pytest.fixture
def replier(quotes_db):
    return Replier(Searcher(quotes_db), SQLiteStateStore(":memory:"), "QuoteTestBot",
                   random.Random(3))


def test_language_rule_goes_from_the_strongest_hint_to_the_weakest():
    assert answer_language() == "en"
    assert answer_language(text="对齐") == "zh-Hans"
    assert answer_language(language_code="zh-TW", text="alignment") == "zh-Hant"
    assert answer_language("en", language_code="zh-TW", text="对齐") == "en"
    assert answer_language(None, subscribed="zh-Hant", text="x") == "zh-Hant"
    assert answer_language("zh-Hans", subscribed="zh-Hant") == "zh-Hans"
    assert answer_language("nonsense", language_code="de", text="") == "en"


def test_every_row_names_a_replier_method_taking_chat_and_language_first():
    for command in COMMANDS:
        assert getattr(Replier, command.action.__name__) is command.action, command.name
        params = list(inspect.signature(command.action).parameters)
        assert params[:3] == ["self", "chat_id", "lang"], command.name
        assert set(command.descriptions) == {"en", "zh-Hans", "zh-Hant"}, command.name


def test_every_row_answers_in_the_terminal_and_directly(replier):
    chat = TerminalChat(replier)
    for command in COMMANDS:
        assert chat.handle(f"/{command.name}").strip(), command.name
        if command.terminal_text is None:
            assert isinstance(command.action(replier, LOCAL_CHAT_ID, "en", ""), Reply)


def test_find_command_reads_the_name_and_the_rest():
    command, arg = find_command("/Quote@QuoteTestBot  alignment ")
    assert command is not None and command.name == "quote" and arg == "alignment"
    assert find_command("/nothing here")[0] is None
    assert find_command("quote alignment")[0] is None


def test_daily_is_stored_by_the_replier_and_followed_by_the_listener(replier):
    changed: list[int] = []
    replier.on_daily_change = changed.append
    assert "not a time" in replier.daily(5, "en", "25:00").html
    assert "08:30" in replier.daily(5, "en", "08:30 Asia/Shanghai").html
    assert replier.state.daily(5).timezone == "Asia/Shanghai"
    assert "08:30" in replier.daily(5, "en", "").html  # bare: the status
    replier.daily(5, "en", "off")
    assert replier.state.daily(5) is None and changed == [5, 5]


async def test_the_application_registers_each_row_and_has_the_typed_context(bot):
    from telegram.ext import CommandHandler

    from bot.telegram.context import QuoteBotContext

    registered = {name for handler in bot.handlers[0] if isinstance(handler, CommandHandler)
                  for name in handler.commands}
    assert registered == {command.name for command in COMMANDS}
    assert bot.context_types.context is QuoteBotContext
    assert isinstance(bot.context_types.context.from_update(None, bot).services.replier, Replier)


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_help_lists_every_command_every_button_and_every_script(replier, lang):
    from bot.messages import say
    from bot.reply.language import ORIGINAL, SCRIPTS

    text = replier.help(1, lang).html
    for command in COMMANDS:
        assert f"/{command.name}" in text, (lang, command.name)
    for key in ("another", "context", "source", "card", "similar", "quote"):
        assert f"<i>{say(lang, f'button_{key}')}</i>" in text, (lang, key)
    assert " | ".join((*SCRIPTS, ORIGINAL)) in text
