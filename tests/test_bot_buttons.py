"""End to end, buttons: Another, Context, Source and back, edited in place, always answered."""

from __future__ import annotations

from bot.search import Searcher
from tests.fake_bot_api import BOT_USERNAME, FakeBotAPI

USER = 301


async def ask(api: FakeBotAPI, chat_id: int, text: str):
    """Send a private query and return the bot's message (as the client would hold it)."""
    api.private_text(chat_id, text)
    [reply] = await api.wait_sent(chat_id)
    return reply, api.bot_message(reply)


def button(message: dict, label: str) -> str:
    """The callback data of the button with this label."""
    row = message["reply_markup"]["inline_keyboard"][0]
    return next(b["callback_data"] for b in row if b["text"] == label)


async def press(api: FakeBotAPI, message: dict, label: str, n_edits: int) -> dict:
    """Press a button; wait for the callback answer and the n-th edit; return the message."""
    answered = len(api.called("answerCallbackQuery"))
    api.press(message, button(message, label), message["chat"]["id"])
    await api.wait_for(lambda: len(api.called("answerCallbackQuery")) > answered, what="answer")
    await api.wait_sent(message["chat"]["id"], count=n_edits, method="editMessageText")
    return message  # the fake edits its stored copy in place


async def test_another_walks_every_match_once_then_says_so(api, bot, quotes_db):
    total = len(Searcher(quotes_db).search("alignment", limit=100))
    assert total >= 2
    _, message = await ask(api, USER, "alignment")
    shown = [message["text"]]
    for n in range(1, total):
        await press(api, message, "Another", n)
        shown.append(message["text"])
    assert len(set(shown)) == total  # never one already shown
    api.press(message, button(message, "Another"), USER)
    await api.wait_for(lambda: len(api.called("answerCallbackQuery")) == total, what="answer")
    assert "every quote" in api.called("answerCallbackQuery")[-1].params["text"]
    assert len(api.sent(USER, method="editMessageText")) == total - 1
    # Asking again after seeing them all starts the list over.
    api.private_text(USER, "alignment")
    replies = await api.wait_sent(USER, count=2)
    assert replies[1].text == shown[0]


async def test_context_source_and_back(api, bot):
    _, message = await ask(api, USER + 1, "印刷机")
    original = message["text"]
    await press(api, message, "Context", 1)
    assert message["text"].startswith("<b>Context</b>")
    assert "<b>" in message["text"] and [b["text"] for b in
                                         message["reply_markup"]["inline_keyboard"][0]] == [
        "Another", "Quote", "Source", "Card"]
    await press(api, message, "Source", 2)
    assert "Title:" in message["text"] and "Date: 2023-04-11" in message["text"]
    assert f"https://t.me/{BOT_USERNAME}?start=q" in message["text"]
    await press(api, message, "Quote", 3)
    assert message["text"] == original


async def test_double_press_is_answered_without_error(api, bot):
    _, message = await ask(api, USER + 2, "开源")
    data = button(message, "Context")
    api.press(message, data, USER + 2)
    await api.wait_sent(USER + 2, method="editMessageText")
    # The same button again: Telegram says "message is not modified"; the bot shrugs it off.
    api.press(message, data, USER + 2)
    await api.wait_for(lambda: len(api.called("answerCallbackQuery")) == 2, what="answers")
    assert not [c for c in api.sent(USER + 2) if "wrong" in c.text]


async def test_stale_or_foreign_payload_gets_a_notice(api, bot):
    _, message = await ask(api, USER + 3, "alignment")
    api.press(message, "zzz:1", USER + 3)
    api.press(message, "a:999999", USER + 3)
    await api.wait_for(lambda: len(api.called("answerCallbackQuery")) == 2, what="answers")
    notices = [c.params.get("text") for c in api.called("answerCallbackQuery")]
    assert all(notice and "expired" in notice for notice in notices)
    assert not api.sent(USER + 3, method="editMessageText")


async def test_buttons_under_an_inline_message_edit_it(api, bot):
    api.inline_query(USER + 4, "alignment")
    [answer] = await api.wait_sent(method="answerInlineQuery")
    result = answer.params["results"][0]
    data = result["reply_markup"]["inline_keyboard"][0][1]["callback_data"]  # Context
    api.press_inline("inline-1", data, USER + 4)
    [edit] = await api.wait_sent(method="editMessageText")
    assert edit.params["inline_message_id"] == "inline-1"
    assert "Context" in edit.text
    await api.wait_for(lambda: api.called("answerCallbackQuery"), what="answer")
