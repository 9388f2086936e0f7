"""Inline mode: "@BotName query" in any chat offers matching quotes to insert."""

from __future__ import annotations

import asyncio
from typing import NamedTuple

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

# The id of each person's latest inline query, until it is answered.
_LATEST: dict[int, str] = {}


class Offer(NamedTuple):
    """An inline answer: its results, whether they are personal, how long clients cache it."""

    results: list[InlineQueryResult]
    personal: bool
    cache_time: int


# Over the flood limit: no search, nothing stored, an empty answer (cached briefly, so
# the client does not ask again at once).
HELD_BACK = Offer([], True, RANDOM_CACHE_SECONDS)


async def inline_query(update: Update, context: QuoteBotContext) -> None:
    """Offer up to 10 matching quotes as articles (and as photos once their card was uploaded).

    A query is searched only if no newer one from the same person came during a short
    pause, nor while it waited for the search pool: under load, the keystrokes queued
    behind each other fold into the last. Registered with `block=False`, so the pause
    holds none of the update slots other chats need (an inline query is not answered
    again after a crash anyway: Telegram gives up on it within seconds)."""
    query = update.inline_query
    if query is None:
        return
    user_id = query.from_user.id
    _LATEST[user_id] = query.id
    try:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        if _LATEST.get(user_id) != query.id:
            return  # replaced by a newer query: nobody would see this answer
        offer = await off_loop(
            offer_if_latest, context.services, sender_key(update), user_id, query.id,
            query.query or "", who=sender_key(update),
        )
        if offer is not None:
            await query.answer(offer.results, cache_time=offer.cache_time,
                               is_personal=offer.personal)
    finally:
        if _LATEST.get(user_id) == query.id:
            del _LATEST[user_id]


def offer_if_latest(
    shared: Services, sender: int, user_id: int, query_id: str, text: str
) -> Offer | None:
    """The answer to the person's latest query (None when a newer one came meanwhile);
    flood control as for messages, counted only for the queries searched."""
    if _LATEST.get(user_id) != query_id:
        return None
    if shared.throttle.check(sender) is not Verdict.ALLOW:
        return HELD_BACK
    results, personal = offered_results(shared, user_id, text)
    return Offer(results, personal, SEARCH_CACHE_SECONDS if text.strip() else RANDOM_CACHE_SECONDS)


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
