"""End to end, quote cards: the Card button, /card and /theme send photos, uploaded once.

The photo goes up as a multipart upload the first time; Telegram's file_id is stored
and every later request for the same card (quote, language, script, theme) sends the
file_id instead. A failed upload is retried or ends as the quote in text.
"""

from __future__ import annotations

import asyncio

from bot.card import caption_html, card_key
from bot.search import Searcher
from bot.telegram.context import services
from tests.fake_bot_api import FakeBotAPI, Upload, fast_options, running_bot

USER = 701
GROUP = -1007000


def button(message: dict, label: str) -> str:
    """The callback data of the button with this label."""
    row = message["reply_markup"]["inline_keyboard"][0]
    return next(b["callback_data"] for b in row if b["text"] == label)


async def ask(api: FakeBotAPI, chat_id: int, text: str, count: int = 1) -> dict:
    """Send a private message; return the bot's `count`-th message (as the client holds it)."""
    api.private_text(chat_id, text)
    replies = await api.wait_sent(chat_id, count=count)
    return api.bot_message(replies[count - 1])


def quote_of(quotes_db, message: dict):
    """The quote a bot message shows, by the id its Card button carries."""
    quote_id = int(button(message, "Card").split(":")[1])
    return Searcher(quotes_db).get(quote_id)


async def test_card_button_uploads_a_photo_with_the_quote_as_caption(api, bot, quotes_db):
    message = await ask(api, USER, "alignment")
    api.press(message, button(message, "Card"), USER)
    [photo] = await api.wait_sent(USER, method="sendPhoto")
    assert photo.uploaded
    upload = photo.params["photo"]
    assert isinstance(upload, Upload) and upload.content.startswith(b"\x89PNG")
    assert photo.params["caption"] == caption_html(quote_of(quotes_db, message), "en", None)
    assert photo.params["parse_mode"] == "HTML"
    assert photo.reply_to == message["message_id"]  # answers the quote it was made from
    await api.wait_for(lambda: api.called("answerCallbackQuery"), what="the button's answer")
    assert not api.sent(USER, method="editMessageText")  # the quote stays as text


async def test_second_request_for_the_same_card_sends_the_file_id(api, bot, quotes_db):
    message = await ask(api, USER + 1, "印刷机")
    quote = quote_of(quotes_db, message)
    api.private_text(USER + 1, "/card")  # alone: the quote last shown here
    [first] = await api.wait_sent(USER + 1, method="sendPhoto")
    api.press(message, button(message, "Card"), USER + 1)
    api.private_text(USER + 2, "/card 印刷机")  # another chat, the same card
    photos = await api.wait_sent(method="sendPhoto", count=3)
    file_id = api.bot_message(first)["photo"][-1]["file_id"]
    assert first.uploaded and first.params["caption"] == caption_html(quote, "en", None)
    assert [call.params["photo"] for call in photos[1:]] == [file_id, file_id]
    assert len([call for call in api.called("sendPhoto") if call.uploaded]) == 1
    state = services(bot).state
    assert state.card_file(card_key(quote.id, "en", None, "light")) == file_id


async def test_card_as_reply_to_one_of_the_bots_quotes_in_a_group(api, bot, quotes_db):
    api.group_text(GROUP, 7, "/quote 印刷机")
    [first] = await api.wait_sent(GROUP)
    api.group_text(GROUP, 7, "/quote alignment")
    await api.wait_sent(GROUP, count=2)
    wanted = quote_of(quotes_db, api.bot_message(first))
    asked = api.group_text(GROUP, 8, "/card", reply_to=api.bot_message(first))
    [photo] = await api.wait_sent(GROUP, method="sendPhoto")
    assert photo.params["caption"] == caption_html(wanted, "en", None)
    assert photo.reply_to == api.message_id(asked)


async def test_concurrent_requests_for_one_new_card_upload_it_once(api, bot, quotes_db):
    quote = Searcher(quotes_db).search("alignment", limit=1)[0].quote
    for chat_id in range(USER + 10, USER + 14):
        api.private_text(chat_id, "/card alignment")
    photos = await api.wait_sent(method="sendPhoto", count=4)
    assert len({call.chat_id for call in photos}) == 4
    assert {call.params["caption"] for call in photos} == {caption_html(quote, "en", None)}
    assert len([call for call in photos if call.uploaded]) == 1


async def test_inline_query_offers_an_uploaded_card_as_a_photo(api, bot, quotes_db):
    message = await ask(api, USER + 20, "alignment")
    quote = quote_of(quotes_db, message)
    api.press(message, button(message, "Card"), USER + 20)
    [upload] = await api.wait_sent(USER + 20, method="sendPhoto")
    file_id = api.bot_message(upload)["photo"][-1]["file_id"]
    state, key = services(bot).state, card_key(quote.id, "en", None, "light")
    await api.wait_for(lambda: state.card_file(key) == file_id, what="the file_id stored")
    api.inline_query(USER + 20, "alignment")
    [answer] = await api.wait_sent(method="answerInlineQuery")
    results = answer.params["results"]
    photos = [result for result in results if result["type"] == "photo"]
    assert [(p["id"], p["photo_file_id"]) for p in photos] == [(f"p{quote.id}", file_id)]
    assert photos[0]["caption"] == caption_html(quote, "en", None)
    assert photos[0]["parse_mode"] == "HTML"
    articles = [result for result in results if result["type"] == "article"]
    assert f"q{quote.id}" in [article["id"] for article in articles]  # the text one stays
    assert len(articles) == len(results) - 1  # no photo for cards never uploaded


async def test_server_errors_on_upload_are_retried(api, bot):
    api.fail_next("500", n=2, methods=("sendPhoto",))
    message = await ask(api, USER + 30, "开源")
    api.press(message, button(message, "Card"), USER + 30)
    [photo] = await api.wait_sent(USER + 30, method="sendPhoto")
    assert photo.uploaded
    assert len([c for c in api.attempts if c.method == "sendPhoto"]) == 3
    assert len(api.sent(USER + 30)) == 1  # no text fallback was needed


async def test_an_upload_answered_late_is_sent_once_and_no_text_follows(api, quotes_db, tmp_path):
    # Telegram took the photo but answered after the send's time-out: the card may be in
    # the chat, so it is neither uploaded again nor followed by the quote as text.
    options = fast_options(send_read_timeout=0.5)
    async with running_bot(api, quotes_db, tmp_path / "state.db", options):
        message = await ask(api, USER + 35, "开源")
        api.fail_next("late", n=4, delay=1.5, methods=("sendPhoto",))
        api.press(message, button(message, "Card"), USER + 35)
        await api.wait_sent(USER + 35, method="sendPhoto")
        await api.wait_for(lambda: api.called("answerCallbackQuery"), what="the button's answer")
        await asyncio.sleep(2.5)  # time for copies or a text fallback, were any sent
        assert len([c for c in api.attempts if c.method == "sendPhoto"]) == 1
        assert len(api.sent(USER + 35, method="sendPhoto")) == 1
        assert len(api.sent(USER + 35)) == 1  # the quote; no "could not send the picture"


async def test_refused_upload_ends_in_the_quote_as_text(api, bot, quotes_db):
    api.fail_next("400", n=1, methods=("sendPhoto",))
    message = await ask(api, USER + 40, "对齐")
    api.private_text(USER + 40, "/card")
    replies = await api.wait_sent(USER + 40, count=2)
    fallback = replies[1]
    assert fallback.text.startswith("I could not send the picture")
    assert message["text"] in fallback.text and fallback.buttons
    assert not api.sent(USER + 40, method="sendPhoto")
    quote = quote_of(quotes_db, message)
    assert services(bot).state.card_file(card_key(quote.id, "en", None, "light")) is None


async def test_a_stale_file_id_is_uploaded_again(api, bot, quotes_db):
    message = await ask(api, USER + 50, "alignment")
    quote = quote_of(quotes_db, message)
    key = card_key(quote.id, "en", None, "light")
    services(bot).state.set_card_file(key, "a-file-id-from-another-bot")
    api.private_text(USER + 50, "/card")
    [photo] = await api.wait_sent(USER + 50, method="sendPhoto")
    assert photo.uploaded
    file_id = api.bot_message(photo)["photo"][-1]["file_id"]
    state = services(bot).state
    await api.wait_for(lambda: state.card_file(key) == file_id, what="the new file_id stored")


async def test_theme_changes_the_card_and_is_for_admins_in_groups(api, bot, quotes_db):
    message = await ask(api, USER + 60, "alignment")
    api.private_text(USER + 60, "/theme dark")
    await api.wait_sent(USER + 60, count=2)
    assert "dark theme" in api.sent(USER + 60)[1].text
    api.private_text(USER + 60, "/card")
    [photo] = await api.wait_sent(USER + 60, method="sendPhoto")
    assert photo.params["photo"].filename.endswith("-dark.png")
    key = card_key(quote_of(quotes_db, message).id, "en", None, "dark")
    state = services(bot).state
    await api.wait_for(lambda: state.card_file(key) is not None, what="the dark card stored")
    api.group_text(GROUP - 1, 7, "/theme dark")
    [refused] = await api.wait_sent(GROUP - 1)
    assert "admin" in refused.text
    assert services(bot).state.chat_settings(GROUP - 1).theme is None


async def test_card_with_nothing_shown_yet_says_how_to_use_it(api, bot):
    api.private_text(USER + 70, "/card")
    [reply] = await api.wait_sent(USER + 70)
    assert "/card" in reply.text and not api.called("sendPhoto")


async def test_card_replying_to_a_bot_message_without_a_quote_never_searches_its_text(api, bot):
    api.group_text(GROUP - 2, 7, "/help")
    [help_text] = await api.wait_sent(GROUP - 2)
    api.group_text(GROUP - 2, 7, "/card", reply_to=api.bot_message(help_text))
    replies = await api.wait_sent(GROUP - 2, count=2)
    assert "reply /card to one of my quotes" in replies[1].text
    # Someone else's message is a query, as for /quote.
    asked = api.message(GROUP - 2, "我们讨论过印刷机", 11, kind="supergroup")
    api.group_text(GROUP - 2, 12, "/card", reply_to=asked)
    [photo] = await api.wait_sent(GROUP - 2, method="sendPhoto")
    assert "印刷机" in photo.params["caption"]


async def test_card_under_an_inline_message_goes_to_the_private_chat(api, bot):
    api.inline_query(USER + 80, "alignment")
    [answer] = await api.wait_sent(method="answerInlineQuery")
    row = answer.params["results"][0]["reply_markup"]["inline_keyboard"][0]
    data = next(b["callback_data"] for b in row if b["text"] == "Card")
    api.press_inline("inline-1", data, USER + 80)
    [photo] = await api.wait_sent(USER + 80, method="sendPhoto")
    assert photo.uploaded
    await api.wait_for(lambda: api.called("answerCallbackQuery"), what="the button's answer")
    assert "private chat" in api.called("answerCallbackQuery")[-1].params["text"]
    # Someone who never started the bot is told how to get cards instead.
    api.fail_next("403", n=1, methods=("sendPhoto",))
    api.press_inline("inline-2", data, USER + 81)
    await api.wait_for(lambda: len(api.called("answerCallbackQuery")) == 2, what="answer")
    assert "Start" in api.called("answerCallbackQuery")[-1].params["text"]
