"""End to end, private chats: a query gets the best quote; bad input gets a short answer."""

from __future__ import annotations

import html

import pytest

from tests.fake_bot_api import BOT_USERNAME, running_bot


async def test_startup_registers_commands_and_polls(api, bot):
    commands = api.called("setMyCommands")
    names = {command["command"] for command in commands[0].params["commands"]}
    assert {"quote", "random", "speakers", "sources", "daily", "lang", "help"} <= names
    assert {call.params.get("language_code") for call in commands} == {None, "zh"}
    assert bot.bot.username == BOT_USERNAME


async def test_private_query_gets_quote_with_source_and_buttons(api, bot):
    api.private_text(101, "alignment")
    [reply] = await api.wait_sent(101)
    assert reply.params["parse_mode"] == "HTML"
    assert "\n— " in reply.text  # the English attribution line
    labels = [button["text"] for button in reply.buttons]
    assert labels == ["Another", "Context", "Source", "Card"]
    assert all(len(button["callback_data"].encode()) <= 64 for button in reply.buttons)
    assert reply.reply_to is None  # private chats are not quoted back


async def test_chinese_user_gets_hitokoto_convention(api, bot):
    api.private_text(102, "对齐", language_code="zh-hans")
    [reply] = await api.wait_sent(102)
    assert reply.text.startswith("「")
    assert "」\n——" in reply.text and "《" in reply.text and "》" in reply.text
    assert [button["text"] for button in reply.buttons] == ["换一句", "上下文", "出处", "卡片"]


async def test_no_match_names_the_query_and_suggests(api, bot):
    api.private_text(103, "how do I bake bread")
    [reply] = await api.wait_sent(103)
    assert "how do I bake bread" in reply.text
    assert "Sam Altman" in reply.text  # a speaker that exists
    assert not reply.buttons  # never a random unrelated quote


async def test_start_and_help(api, bot):
    api.private_text(104, "/start")
    api.private_text(104, "/help")
    replies = await api.wait_sent(104, count=2)
    texts = sorted(reply.text for reply in replies)
    assert any("alignment" in text for text in texts)
    assert any(f"@{BOT_USERNAME}" in text for text in texts)


async def test_deep_link_opens_the_quote(api, bot):
    api.private_text(105, "alignment")
    [first] = await api.wait_sent(105)
    quote_id = first.buttons[1]["callback_data"].split(":")[1]
    api.private_text(105, f"/start q{quote_id}")
    replies = await api.wait_sent(105, count=2)
    assert replies[1].text == replies[0].text


async def test_speakers_and_sources_list_counts(api, bot):
    api.private_text(106, "/speakers")
    api.private_text(106, "/sources")
    replies = await api.wait_sent(106, count=2)
    joined = "\n".join(reply.text for reply in replies)
    assert "Sam Altman" in joined and "quotes" in joined
    assert "2023-06-10" in joined


@pytest.mark.parametrize(
    "text",
    [
        "x" * 4096,  # as long as Telegram allows
        "🤖🔥💯" * 50,  # only emoji
        "<b>alignment</b> & <script>alert(1)</script>",  # HTML
        "*alignment* _under_ [link](http://x) `code`",  # Markdown
        'alignment" OR NEAR(a b) * ^col:x AND -"',  # FTS5 syntax
        "\u0000\u200b\u202e",  # control and invisible characters
    ],
)
async def test_hostile_input_gets_a_short_safe_answer(api, bot, text):
    api.private_text(107, text)
    [reply] = await api.wait_sent(107)
    assert len(reply.text) <= 4096
    assert "Traceback" not in reply.text and "Error" not in reply.text
    # Whatever was echoed back is escaped: no tag from the input survives as markup.
    assert "<script>" not in reply.text and "<b>alignment" not in reply.text
    assert html.unescape(reply.text)


async def test_unknown_command_and_sticker_get_hints(api, bot):
    api.private_text(108, "/frobnicate")
    sticker = api.message(108, "", 108, kind="private")
    del sticker["text"]
    sticker["sticker"] = {
        "file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
        "is_animated": False, "is_video": False, "type": "regular",
    }
    api.push({"message": sticker})
    replies = await api.wait_sent(108, count=2)
    assert any("/help" in reply.text for reply in replies)


async def test_language_setting_survives_restart(api, quotes_db, tmp_path):
    state = tmp_path / "state.db"
    async with running_bot(api, quotes_db, state):
        api.private_text(109, "/lang zh-hant")
        await api.wait_sent(109)
    async with running_bot(api, quotes_db, state):
        api.private_text(109, "/help")
        replies = await api.wait_sent(109, count=2)
    assert "用法" in replies[1].text and "介面" in replies[1].text
