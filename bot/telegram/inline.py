"""Inline mode: "@BotName query" in any chat offers matching quotes to insert."""

from __future__ import annotations

from telegram import (
    InlineQueryResult,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InputTextMessageContent,
    Update,
)

from bot.reply import InlineQuote, answer_language
from bot.state import StateStore
from bot.telegram.cards import caption_of, key_of
from bot.telegram.common import markup, sender_key
from bot.telegram.context import QuoteBotContext
from bot.telegram.limits import Verdict

SEARCH_CACHE_SECONDS = 300
RANDOM_CACHE_SECONDS = 10


async def inline_query(update: Update, context: QuoteBotContext) -> None:
    """Offer up to 10 matching quotes as articles (and as photos once their card was uploaded)."""
    query = update.inline_query
    if query is None:
        return
    shared = context.services
    if shared.throttle.check(sender_key(update)) is not Verdict.ALLOW:
        # Flood control as for messages: no search, nothing stored, an empty answer
        # (cached briefly, so the client does not ask again at once).
        await query.answer([], cache_time=RANDOM_CACHE_SECONDS, is_personal=True)
        return
    text = query.query or ""
    # Results must not depend on who asks unless marked personal: they follow the query's
    # language, unless the person chose a language or script in their private chat.
    chosen = shared.state.chat_settings(query.from_user.id)
    lang = answer_language(chosen.language, text=text)
    empty = not text.strip()
    personal = empty or bool(chosen.language or chosen.script or chosen.theme)
    offered = shared.replier.inline(query.from_user.id, lang, text)
    results: list[InlineQueryResult] = []
    for item in offered:
        results.append(InlineQueryResultArticle(
            id=f"q{item.quote_id}",
            title=item.title,
            description=item.description,
            input_message_content=InputTextMessageContent(item.reply.html),
            reply_markup=markup(item.reply),
        ))
        photo = cached_photo(item, shared.state)
        if photo is not None:
            results.append(photo)
    await query.answer(
        results,
        cache_time=RANDOM_CACHE_SECONDS if empty else SEARCH_CACHE_SECONDS,
        is_personal=personal,
    )


def cached_photo(item: InlineQuote, state: StateStore) -> InlineQueryResultCachedPhoto | None:
    """The quote's card as a photo result, when that card was already uploaded (no buttons:
    a photo has no text for Another or Context to replace)."""
    file_id = state.card_file(key_of(item.card)) if item.card is not None else None
    if item.card is None or file_id is None:
        return None
    return InlineQueryResultCachedPhoto(
        id=f"p{item.quote_id}",
        photo_file_id=file_id,
        title=item.title,
        description=item.description,
        caption=caption_of(item.card),
    )
