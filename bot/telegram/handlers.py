"""Message and command handlers: one small async callback per job."""

from __future__ import annotations

from telegram import MessageEntity, Update
from telegram.ext import ContextTypes

from bot.messages import say
from bot.reply import Reply
from bot.telegram.common import (
    answering,
    command_text,
    language,
    may_change_settings,
    send_reply,
    services,
)
from bot.telegram.metrics import count_query


@answering
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the welcome, or the quote a deep link (/start q123) points at."""
    payload = context.args[0] if context.args else ""
    chat_id = update.effective_chat.id
    reply = services(context).replier.start(chat_id, language(update, context), payload)
    await send_reply(update, context, reply)


@answering
async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the list of commands and buttons."""
    await send_reply(update, context, services(context).replier.help(language(update, context)))


@answering
async def quote_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /quote TEXT; as a reply to a message, use that message's text; bare: a random quote."""
    message = update.effective_message
    text = command_text(message)
    if not text and message.reply_to_message:
        replied = message.reply_to_message
        text = replied.text or replied.caption or ""
    await answer_query(update, context, text)


@answering
async def random_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a random quote, from one speaker when /random names one."""
    text = command_text(update.effective_message)
    lang = language(update, context, text)
    reply = services(context).replier.random_quote(update.effective_chat.id, lang, text)
    await send_reply(update, context, reply)


@answering
async def speakers_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the speakers with their quote counts."""
    reply = services(context).replier.speakers(language(update, context))
    await send_reply(update, context, reply)


@answering
async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the sources with titles, dates and quote counts."""
    reply = services(context).replier.sources(language(update, context))
    await send_reply(update, context, reply)


@answering
async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the chat's language: /lang en | zh-hans | zh-hant | auto."""
    await change_setting(update, context, services(context).replier.set_language)


@answering
async def script_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set how quotes are written here: /script traditional | simplified | original."""
    await change_setting(update, context, services(context).replier.set_script)


async def change_setting(update: Update, context: ContextTypes.DEFAULT_TYPE, setter) -> None:
    """Apply `setter(chat_id, argument, language)`; in groups, only admins may change it."""
    lang = language(update, context)
    arg = command_text(update.effective_message)
    if arg and not await may_change_settings(update, context):
        await send_reply(update, context, Reply(say(lang, "admins_only")))
        return
    await send_reply(update, context, setter(update.effective_chat.id, arg, lang))


@answering
async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer any text in a private chat with the best quote."""
    await answer_query(update, context, update.effective_message.text or "")


@answering
async def private_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a sticker, photo or other non-text message in a private chat with a hint."""
    await send_reply(update, context, Reply(say(language(update, context), "not_text")))


@answering
async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point a private chat that used an unknown command to /help."""
    await send_reply(update, context, Reply(say(language(update, context), "unknown_command")))


async def group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message addressed to the bot (@BotName TEXT, or a reply to it); ignore chatter."""
    message = update.effective_message
    text = message.text or ""
    username = (context.bot.username or "").lower()
    mentions = message.parse_entities([MessageEntity.MENTION])
    ours = [entity for entity, value in mentions.items() if value.lower() == f"@{username}"]
    replied = message.reply_to_message
    replies_to_bot = bool(replied and replied.from_user and replied.from_user.id == context.bot.id)
    if not ours and not replies_to_bot:
        return
    for entity in sorted(ours, key=lambda e: e.offset, reverse=True):
        text = _cut_entity(text, entity)
    await _answer_addressed(update, context, text)


@answering
async def _answer_addressed(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Throttled part of group_message: only messages addressed to the bot count."""
    await answer_query(update, context, text)


def _cut_entity(text: str, entity: MessageEntity) -> str:
    """`text` without the entity; offsets are in UTF-16 code units, as Telegram counts."""
    encoded = text.encode("utf-16-le")
    start, end = entity.offset * 2, (entity.offset + entity.length) * 2
    return (encoded[:start] + " ".encode("utf-16-le") + encoded[end:]).decode("utf-16-le")


async def answer_query(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Send the best quote for `text` (a random one when it is empty)."""
    lang = language(update, context, text)
    replier = services(context).replier
    chat_id = update.effective_chat.id
    reply = replier.answer(chat_id, text, lang) if text.strip() else replier.random_quote(chat_id, lang)
    await send_reply(update, context, reply)
    count_query(reply.quote_id is not None)
