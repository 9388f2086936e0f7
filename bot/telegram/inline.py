"""Inline mode: "@BotName query" in any chat offers matching quotes to insert."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import ContextTypes

from bot.messages import DEFAULT_LANGUAGE, parse_language
from bot.reply import has_chinese
from bot.telegram.common import markup, sender_key, services
from bot.telegram.limits import Verdict

SEARCH_CACHE_SECONDS = 300
RANDOM_CACHE_SECONDS = 10


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer up to 10 matching quotes as articles; a random selection for an empty query."""
    query = update.inline_query
    shared = services(context)
    if shared.throttle.check(sender_key(update)) is not Verdict.ALLOW:
        # Flood control as for messages: no search, nothing stored, an empty answer
        # (cached briefly, so the client does not ask again at once).
        await query.answer([], cache_time=RANDOM_CACHE_SECONDS, is_personal=True)
        return
    text = query.query or ""
    # Results must not depend on who asks unless marked personal: they follow the query's
    # language, unless the person chose a language or script in their private chat.
    chosen = shared.state.chat_settings(query.from_user.id)
    lang = parse_language(chosen.language or "") or (
        "zh-Hans" if has_chinese(text) else DEFAULT_LANGUAGE
    )
    empty = not text.strip()
    personal = empty or bool(chosen.language or chosen.script)
    offered = shared.replier.inline(query.from_user.id, text, lang, chosen.script)
    results = [
        InlineQueryResultArticle(
            id=f"q{item.quote_id}",
            title=item.title,
            description=item.description,
            input_message_content=InputTextMessageContent(item.reply.html),
            reply_markup=markup(item.reply),
        )
        for item in offered
    ]
    await query.answer(
        results,
        cache_time=RANDOM_CACHE_SECONDS if empty else SEARCH_CACHE_SECONDS,
        is_personal=personal,
    )
