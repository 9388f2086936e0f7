"""Quote cards as photos: drawn off the event loop, uploaded once, then sent by file_id.

Telegram returns a `file_id` for every uploaded photo; it is stored under the card's
key (quote, language, script, theme, where its QR code leads), so the same card is never
drawn or uploaded twice. A card that cannot be sent ends as the quote in text, never in silence; but a
card whose upload only got no answer may have been delivered, and gets no text after it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref

from telegram import InputFile, Message, ReplyParameters
from telegram.error import BadRequest, Forbidden

from bot.card import caption_html, card_key, render_card
from bot.messages import say
from bot.reply import CardRequest, Reply, fit
from bot.telegram.common import markup
from bot.telegram.context import QuoteBotContext
from bot.telegram.delivery import MaybeDelivered
from bot.telegram.offload import off_loop

log = logging.getLogger(__name__)

# One lock per card key, so two requests for the same new card draw and upload it once.
_LOCKS: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def key_of(card: CardRequest) -> str:
    """The key the card's file_id is stored under."""
    return card_key(card.quote.id, card.lang, card.script, card.theme, card.page_url)


def caption_of(card: CardRequest) -> str:
    """The photo's caption: the quote as text with its source, so the chat stays searchable."""
    return caption_html(card.quote, card.lang, card.script)


async def send_card(
    context: QuoteBotContext, chat_id: int, reply: Reply,
    reply_parameters: ReplyParameters | None = None,
) -> Message:
    """Send `reply.card` as a photo; when that fails, the quote as text with a short note."""
    card = reply.card
    assert card is not None
    try:
        return await send_photo(context, chat_id, card, reply_parameters)
    except Forbidden:
        raise  # blocked or removed: a text message cannot reach the chat either
    except MaybeDelivered:
        raise  # the photo may be in the chat already: the text too would be a copy
    except Exception:  # whatever went wrong (drawing, uploading), the quote goes out as text
        log.warning("card of quote %s not sent to chat %s; sending the text",
                    card.quote.id, chat_id, exc_info=True)
    text = fit(f"{say(card.lang, 'card_failed')}\n\n{reply.html}")
    return await context.bot.send_message(
        chat_id, text, reply_markup=markup(reply), reply_parameters=reply_parameters
    )


async def send_photo(
    context: QuoteBotContext, chat_id: int, card: CardRequest,
    reply_parameters: ReplyParameters | None = None,
) -> Message:
    """The card by its stored file_id, or drawn and uploaded once and its file_id stored."""
    state = context.services.state
    key = key_of(card)
    lock = _LOCKS.get(key)
    if lock is None:
        lock = _LOCKS[key] = asyncio.Lock()
    async with lock:
        file_id = await off_loop(state.card_file, key)
        if file_id is not None:
            try:
                return await context.bot.send_photo(
                    chat_id, file_id, caption=caption_of(card), reply_parameters=reply_parameters
                )
            except BadRequest as error:
                # A file_id Telegram no longer accepts (e.g. another bot token): upload anew.
                log.info("stored card %s refused (%s); uploading it again", key, error)
                await off_loop(state.set_card_file, key, None)
        # Drawing is CPU work (~40 ms): off the event loop, in the pool searches use too,
        # so other chats are not stalled and a burst of cards starts no more threads.
        png = await off_loop(
            render_card, card.quote, card.lang, card.script, card.theme, card.page_url
        )
        message = await context.bot.send_photo(
            chat_id,
            InputFile(png, filename=f"quote-{card.quote.id}-{card.theme}.png"),
            caption=caption_of(card),
            reply_parameters=reply_parameters,
        )
        if message.photo:
            # The largest size is the card as drawn; the others are Telegram's thumbnails.
            await off_loop(state.set_card_file, key, message.photo[-1].file_id)
        log.info("card uploaded chat=%s key=%s bytes=%d", chat_id, key, len(png))
        return message
