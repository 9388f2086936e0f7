"""Inline mode: "@BotName query" in any chat offers matching quotes to insert."""

from __future__ import annotations

import asyncio

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
from bot.telegram.context import QuoteBotContext, Services
from bot.telegram.limits import Verdict
from bot.telegram.offload import off_loop

SEARCH_CACHE_SECONDS = 300
RANDOM_CACHE_SECONDS = 10
# Clients send a query per keystroke; only the one a person stopped at is searched.
DEBOUNCE_SECONDS = 0.3

# The id of each person's latest inline query while it waits out the pause.
_LATEST: dict[int, str] = {}


async def inline_query(update: Update, context: QuoteBotContext) -> None:
    """Offer up to 10 matching quotes as articles (and as photos once their card was uploaded).

    Registered with `block=False`: its pause does not hold one of the update slots other
    chats need. An inline query is not answered again after a crash anyway (Telegram gives
    up on it within seconds)."""
    query = update.inline_query
    if query is None or not await latest_after_pause(query.from_user.id, query.id):
        return  # a newer query from the same person replaced it: nobody sees this answer
    shared = context.services
    if shared.throttle.check(sender_key(update)) is not Verdict.ALLOW:
        # Flood control as for messages: no search, nothing stored, an empty answer
        # (cached briefly, so the client does not ask again at once).
        await query.answer([], cache_time=RANDOM_CACHE_SECONDS, is_personal=True)
        return
    text = query.query or ""
    results, personal = await off_loop(
        offered_results, shared, query.from_user.id, text, who=sender_key(update)
    )
    await query.answer(
        results,
        cache_time=RANDOM_CACHE_SECONDS if not text.strip() else SEARCH_CACHE_SECONDS,
        is_personal=personal,
    )


async def latest_after_pause(user_id: int, query_id: str) -> bool:
    """Wait `DEBOUNCE_SECONDS`; True when no newer query from this person came meanwhile."""
    _LATEST[user_id] = query_id
    await asyncio.sleep(DEBOUNCE_SECONDS)
    if _LATEST.get(user_id) != query_id:
        return False
    del _LATEST[user_id]
    return True


def offered_results(
    shared: Services, user_id: int, text: str
) -> tuple[list[InlineQueryResult], bool]:
    """The results for one inline query and whether they are personal (searching and the
    state store: run off the event loop)."""
    # Results must not depend on who asks unless marked personal: they follow the query's
    # language, unless the person chose a language or script in their private chat.
    chosen = shared.state.chat_settings(user_id)
    lang = answer_language(chosen.language, text=text)
    personal = not text.strip() or bool(chosen.language or chosen.script or chosen.theme)
    results: list[InlineQueryResult] = []
    for item in shared.replier.inline(user_id, lang, text):
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
    return results, personal


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
