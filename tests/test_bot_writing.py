"""End to end, the words around the answer: buttons keep the language and script of the
message they are under (whoever presses them), a message in traditional characters is
answered in them, and /script offers Taiwan and Hong Kong traditional script."""

from __future__ import annotations

import copy

from bot.card import caption_html
from bot.reply import in_script, parse_payload
from bot.search import Searcher
from tests.fake_bot_api import FakeBotAPI

USER = 1801
CHINESE_LABELS = ["换一句", "上下文", "出处", "卡片", "相似"]


def labels(message: dict) -> list[str]:
    return [b["text"] for b in message["reply_markup"]["inline_keyboard"][0]]


def button(message: dict, label: str) -> str:
    """The callback data of the button with this label."""
    row = message["reply_markup"]["inline_keyboard"][0]
    return next(b["callback_data"] for b in row if b["text"] == label)


async def ask(api: FakeBotAPI, chat_id: int, text: str, language_code: str | None) -> dict:
    """Send a private message; return the bot's answer as the client holds it."""
    api.private_text(chat_id, text, language_code=language_code)
    [reply] = await api.wait_sent(chat_id)
    return api.bot_message(reply)


async def press(api: FakeBotAPI, message: dict, label: str, language_code: str | None) -> None:
    """Press a button as someone whose Telegram sends `language_code`; wait for its answer."""
    answered = len(api.called("answerCallbackQuery"))
    chat_id = message["chat"]["id"]
    api.press(message, button(message, label), chat_id, language_code=language_code)
    await api.wait_for(lambda: len(api.called("answerCallbackQuery")) > answered, what="answer")


async def test_buttons_under_a_chinese_answer_stay_chinese_without_a_language_code(
    api, bot, quotes_db
):
    message = await ask(api, USER, "印刷机", language_code="zh-hans")
    assert labels(message) == CHINESE_LABELS
    quote = Searcher(quotes_db).get(int(button(message, "卡片").split(":")[1]))
    # Someone whose Telegram sends no language_code presses each button in turn.
    await press(api, message, "上下文", None)
    await api.wait_sent(USER, method="editMessageText")
    assert message["text"].startswith("<b>上下文</b>")
    assert labels(message) == ["换一句", "引语", "出处", "卡片", "相似"]
    await press(api, message, "出处", None)
    await api.wait_sent(USER, count=2, method="editMessageText")
    assert message["text"].startswith("<b>出处</b>") and "标题:" in message["text"]
    await press(api, message, "引语", None)
    await api.wait_sent(USER, count=3, method="editMessageText")
    assert message["text"].startswith("「") and labels(message) == CHINESE_LABELS
    await press(api, message, "相似", None)
    await api.wait_sent(USER, count=4, method="editMessageText")
    assert "意思最接近" in message["text"] and labels(message) == CHINESE_LABELS
    await press(api, message, "换一句", None)  # under the similar quote: the next one, or a word why not
    answered = len(api.called("answerCallbackQuery"))
    await api.wait_for(
        lambda: len(api.called("editMessageText")) >= 5 or len(api.called("answerCallbackQuery")) > answered,
        what="another",
    )
    notices = [c.params.get("text") or "" for c in api.called("answerCallbackQuery")]
    assert ("「" in message["text"] and labels(message) == CHINESE_LABELS) or any("引语" in n for n in notices)
    # The card too: Chinese caption, the Chinese convention.
    card_under = await ask(api, USER + 1, "印刷机", language_code="zh-hans")
    await press(api, card_under, "卡片", None)
    [photo] = await api.wait_sent(USER + 1, method="sendPhoto")
    assert photo.params["caption"] == caption_html(quote, "zh-Hans", None)


async def test_buttons_under_an_english_answer_stay_english_and_keep_its_script(api, bot):
    # An English client writing traditional characters: English words, traditional quote.
    message = await ask(api, USER + 2, "印刷機是什麼", language_code="en")
    first = message["text"]
    assert "\n— " in first and labels(message)[:4] == ["Another", "Context", "Source", "Card"]
    await press(api, message, "Context", None)
    await api.wait_sent(USER + 2, method="editMessageText")
    assert message["text"].startswith("<b>Context</b>")
    await press(api, message, "Quote", "zh-hans")  # a Chinese client, under an English answer
    await api.wait_sent(USER + 2, count=2, method="editMessageText")
    assert message["text"] == first  # English, and the quote still in traditional script


async def test_a_message_in_traditional_script_is_answered_in_it(api, bot, quotes_db):
    message = await ask(api, USER + 3, "印刷機是什麼", language_code=None)
    quote = Searcher(quotes_db).get(int(button(message, "卡片").split(":")[1]))
    assert message["text"].startswith("「" + in_script(quote.text, "traditional")[:20])
    assert "人工智能實驗室" in message["text"]  # the publisher too
    assert labels(message)[:3] == ["換一句", "上下文", "出處"]


async def test_script_hongkong_and_taiwan_in_a_chat(api, bot, quotes_db):
    api.private_text(USER + 4, "/script hongkong", language_code="zh-hans")
    [done] = await api.wait_sent(USER + 4)
    assert "香港" in done.text
    message = await ask(api, USER + 5, "/script", language_code="zh-hans")
    assert "hongkong" in message["text"]  # the usage names every value
    api.private_text(USER + 4, "印刷机", language_code="zh-hans")
    replies = await api.wait_sent(USER + 4, count=2)
    answer = api.bot_message(replies[1])
    quote = Searcher(quotes_db).get(int(button(answer, "卡片").split(":")[1]))
    assert in_script(quote.text, "hongkong")[:30] in answer["text"]
    assert "人工智能實驗室" in answer["text"] and labels(answer)[0] == "換一句"


async def test_a_button_under_an_inline_message_keeps_its_language(api, bot):
    api.inline_query(USER + 6, "印刷机", language_code="zh-hans")
    [answer] = await api.wait_sent(method="answerInlineQuery")
    row = answer.params["results"][0]["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in row][:2] == ["换一句", "上下文"]
    api.press_inline("inline-7", row[1]["callback_data"], USER + 6, language_code=None)
    [edit] = await api.wait_sent(method="editMessageText")
    assert edit.text.startswith("<b>上下文</b>")


async def test_an_inline_query_in_traditional_script_is_answered_in_it(api, bot):
    api.inline_query(USER + 7, "印刷機是什麼", language_code="en")
    [answer] = await api.wait_sent(method="answerInlineQuery")
    result = answer.params["results"][0]
    assert "人工智能實驗室" in result["input_message_content"]["message_text"]
    row = result["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in row][:3] == ["換一句", "上下文", "出處"]


async def test_a_button_sent_before_payloads_carried_the_writing_keeps_its_language(api, bot):
    message = await ask(api, USER + 8, "印刷机", language_code="zh-hans")
    # The same message as sent by the previous version: payloads of ids only.
    old = copy.deepcopy(message)
    for row in old["reply_markup"]["inline_keyboard"]:
        for key in row:
            key["callback_data"] = key["callback_data"].rsplit(":", 1)[0]
    assert parse_payload(button(old, "上下文")).writing is None
    await press(api, old, "上下文", None)
    [edit] = await api.wait_sent(USER + 8, method="editMessageText")
    assert edit.text.startswith("<b>上下文</b>")
