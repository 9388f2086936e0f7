"""Inline mode: "@BotName query" in any chat offers matching quotes to insert."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update

from bot.reply import answer_language
from bot.telegram.common import markup
from bot.telegram.context import QuoteBotContext

SEARCH_CACHE_SECONDS = 300
RANDOM_CACHE_SECONDS = 10


async def inline_query(update: Update, context: QuoteBotContext) -> None:
    """Offer up to 10 matching quotes as articles; a random selection for an empty query."""
    query = update.inline_query
    if query is None:
        return
    shared = context.services
    text = query.query or ""
    # Results must not depend on who asks unless marked personal: they follow the query's
    # language, unless the person chose a language or script in their private chat.
    chosen = shared.state.chat_settings(query.from_user.id)
    lang = answer_language(chosen.language, text=text)
    empty = not text.strip()
    personal = empty or bool(chosen.language or chosen.script)
    offered = shared.replier.inline(query.from_user.id, lang, text)
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
