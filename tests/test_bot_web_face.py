"""End to end, the Telegram side of the web face (QUOTEBOT_PUBLIC_URL): "#17" in inline mode
sends that quote, the Source view's share link and the card's QR code lead to the quote's
page, /browse opens the web's search page (a Mini App in private chats), and the chat's
menu button is set at start-up. Without a public address, all of it stays as before.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.card import card_key, card_layout, render_card
from bot.reply import Replier, quote_page
from bot.search import Searcher
from bot.state import SQLiteStateStore
from bot.telegram.context import services
from tests.fake_bot_api import BOT_USERNAME, FakeBotAPI, Upload, running_bot

PUBLIC = "https://quotes.example.org"
USER = 2201
GROUP = -1002201


@pytest.fixture
async def web_bot(api, quotes_db, tmp_path):
    """The real Application with a public address for its web face."""
    async with running_bot(api, quotes_db, tmp_path / "state.db", public_url=PUBLIC) as app:
        yield app


def first_quote(quotes_db, query: str = "alignment"):
    """The best quote for `query` (what the bot answers first)."""
    return Searcher(quotes_db).search(query, limit=1)[0].quote


async def inline(api: FakeBotAPI, user_id: int, query: str) -> list[dict]:
    """The results the bot offers for an inline query."""
    answered = len(api.called("answerInlineQuery"))
    api.inline_query(user_id, query)
    await api.wait_for(lambda: len(api.called("answerInlineQuery")) > answered, what="answer")
    return api.called("answerInlineQuery")[-1].params["results"]


async def ask(api: FakeBotAPI, chat_id: int, text: str) -> dict:
    """Send a private message; return the bot's answer as the client holds it."""
    count = len(api.sent(chat_id)) + 1
    api.private_text(chat_id, text)
    replies = await api.wait_sent(chat_id, count=count)
    return api.bot_message(replies[-1])


async def press(api: FakeBotAPI, message: dict, label: str) -> None:
    """Press the button with this label under `message`; wait for its callback answer."""
    row = message["reply_markup"]["inline_keyboard"][0]
    data = next(b["callback_data"] for b in row if b["text"] == label)
    answered = len(api.called("answerCallbackQuery"))
    api.press(message, data, message["chat"]["id"])
    await api.wait_for(lambda: len(api.called("answerCallbackQuery")) > answered, what="answer")


def labels(result: dict) -> list[str]:
    return [button["text"] for button in result["reply_markup"]["inline_keyboard"][0]]


# "#17" in inline mode: what the Mini App's "Send to chat" puts in the inline box.


async def test_inline_quote_id_offers_exactly_that_quote_with_its_buttons(api, bot):
    [searched, *_] = await inline(api, USER, "alignment")
    quote_id = int(searched["id"][1:])
    results = await inline(api, USER + 1, f"#{quote_id}")
    assert [r["id"] for r in results] == [f"q{quote_id}"]
    [offered] = results
    assert offered["title"] == searched["title"]
    assert offered["input_message_content"] == searched["input_message_content"]
    assert labels(offered) == labels(searched) == ["Another", "Context", "Source", "Card", "Similar"]
    # Its buttons work as under any inline message.
    context = offered["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    api.press_inline("inline-7", context, USER + 1)
    [edit] = await api.wait_sent(method="editMessageText")
    assert edit.params["inline_message_id"] == "inline-7" and "Context" in edit.text


async def test_inline_unknown_id_offers_nothing_and_other_shapes_search(api, bot):
    assert await inline(api, USER + 2, "#999999999") == []
    by_words = await inline(api, USER + 3, "alignment")
    # Only "#digits" names a quote: a hashtag, or a number with words, is searched as text.
    assert [r["id"] for r in await inline(api, USER + 4, "#alignment")] == [
        r["id"] for r in by_words]
    assert len(await inline(api, USER + 5, f"{by_words[0]['id'][1:]} alignment")) > 1


# Share links and cards: the quote's page once the bot has a public address.


def test_share_link_and_card_follow_the_public_address(searcher):
    quote = searcher.search("alignment", limit=1)[0].quote
    page = f"{PUBLIC}/q/{quote.id}"
    on_web = Replier(searcher, SQLiteStateStore(":memory:"), BOT_USERNAME, public_url=PUBLIC + "/")
    in_telegram = Replier(searcher, SQLiteStateStore(":memory:"), BOT_USERNAME)
    assert on_web.share_link(quote.id) == page == quote_page(PUBLIC, quote.id)
    assert in_telegram.share_link(quote.id) == f"https://t.me/{BOT_USERNAME}?start=q{quote.id}"
    assert quote_page(None, quote.id) is None
    # The QR code leads to the page; without one, to the source, as before.
    assert card_layout(quote, "en", None, page).url == page
    assert card_layout(quote, "en", None).url == quote.source.url
    # A card pointing elsewhere is another picture, cached under another key.
    keys = {card_key(quote.id, "en", None, "light", url) for url in (None, page, page + "0")}
    assert len(keys) == 3
    assert card_key(quote.id, "en", None, "light") == f"card:{quote.id}:en:original:light"
    assert render_card(quote, page_url=page) != render_card(quote)


async def test_source_view_shares_the_quote_page(api, web_bot, quotes_db):
    message = await ask(api, USER + 6, "alignment")
    await press(api, message, "Source")
    await api.wait_sent(USER + 6, method="editMessageText")
    quote = first_quote(quotes_db)
    assert f"{PUBLIC}/q/{quote.id}" in message["text"]
    assert "t.me/" not in message["text"]


async def test_source_view_keeps_the_deep_link_without_a_public_address(api, bot, quotes_db):
    message = await ask(api, USER + 7, "alignment")
    await press(api, message, "Source")
    await api.wait_sent(USER + 7, method="editMessageText")
    assert f"https://t.me/{BOT_USERNAME}?start=q{first_quote(quotes_db).id}" in message["text"]


async def test_card_qr_code_leads_to_the_quote_page(api, web_bot, quotes_db):
    quote = first_quote(quotes_db)
    page = f"{PUBLIC}/q/{quote.id}"
    state = services(web_bot).state
    # A card uploaded before, whose QR code leads to the source, is not sent for this one.
    state.set_card_file(card_key(quote.id, "en", None, "light"), "photo-with-source-qr")
    message = await ask(api, USER + 8, "alignment")
    await press(api, message, "Card")
    [photo] = await api.wait_sent(USER + 8, method="sendPhoto")
    upload = photo.params["photo"]
    assert isinstance(upload, Upload)
    assert upload.content == render_card(quote, "en", None, "light", page)
    assert Image.open(io.BytesIO(upload.content)).width == 1080
    file_id = api.bot_message(photo)["photo"][-1]["file_id"]
    assert state.card_file(card_key(quote.id, "en", None, "light", page)) == file_id


# /browse and the menu button.


def web_buttons(call) -> list[dict]:
    """The buttons of a message that open a page (a Mini App or a link)."""
    return [b for b in call.buttons if "web_app" in b or "url" in b]


async def test_browse_opens_the_mini_app_in_private_and_a_link_in_groups(api, web_bot):
    api.private_text(USER + 9, "/browse")
    [private] = await api.wait_sent(USER + 9)
    assert f"{PUBLIC}/" in private.text
    assert web_buttons(private) == [{"text": "Browse quotes", "web_app": {"url": f"{PUBLIC}/"}}]
    api.group_text(GROUP, USER + 9, "/browse", language_code="zh-hans")
    [group] = await api.wait_sent(GROUP)
    assert web_buttons(group) == [{"text": "浏览引语", "url": f"{PUBLIC}/"}]
    assert group.reply_to is not None


async def test_browse_without_a_public_address_says_so(api, bot):
    api.private_text(USER + 10, "/browse")
    [answer] = await api.wait_sent(USER + 10)
    assert "no web pages" in answer.text and not answer.buttons
    assert not api.called("setChatMenuButton")  # the menu button is left alone


async def test_menu_button_opens_the_mini_app(api, web_bot):
    [call] = api.called("setChatMenuButton")
    assert call.params["menu_button"] == {
        "type": "web_app", "text": "Quotes", "web_app": {"url": f"{PUBLIC}/"}}
    assert "chat_id" not in call.params  # every private chat's default


async def test_menu_button_needs_https_and_never_stops_the_bot(api, quotes_db, tmp_path):
    async with running_bot(api, quotes_db, tmp_path / "a.db", public_url="http://127.0.0.1:8080"):
        api.private_text(USER + 11, "/browse")
        [answer] = await api.wait_sent(USER + 11)
    # Telegram opens no Mini App over http: a link instead, and no menu button.
    assert web_buttons(answer) == [{"text": "Browse quotes", "url": "http://127.0.0.1:8080/"}]
    assert not [c for c in api.attempts if c.method == "setChatMenuButton"]
    api.fail_next("400", methods=("setChatMenuButton",))
    async with running_bot(api, quotes_db, tmp_path / "b.db", public_url=PUBLIC):
        api.private_text(USER + 12, "alignment")
        await api.wait_sent(USER + 12)
    assert [c for c in api.attempts if c.method == "setChatMenuButton"]
    assert not api.called("setChatMenuButton")
