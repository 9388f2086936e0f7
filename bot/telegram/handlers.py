"""Message and command handlers: one generic callback per command row, one per kind of message.

Every command in `bot.reply.commands.COMMANDS` is answered by `command_callback(row)`:
flood control (a command held back is told when to send it again, never dropped), the
admin rule for settings in groups, then the row's `Replier` action. Every `Replier` call
(searching, reading and writing the chat's state) runs off the event loop, one at a time
per person (`bot.telegram.offload`), so no search holds up another chat.
"""

from __future__ import annotations

from telegram import Message, MessageEntity, Update

from bot.messages import say
from bot.reply import Command, Reply
from bot.reply.payload import quote_id_in
from bot.telegram.cards import send_card
from bot.telegram.common import (
    Callback,
    answering,
    command_text,
    held_back,
    language,
    may_change_settings,
    reply_parameters,
    send_reply,
    sender_key,
)
from bot.telegram.context import QuoteBotContext
from bot.telegram.metrics import count_query
from bot.telegram.offload import off_loop


def command_callback(command: Command) -> Callback:
    """The handler callback for one row of the command table."""

    async def run_command(update: Update, context: QuoteBotContext) -> None:
        """Answer the command with its Replier action, or say when it may be sent again."""
        if not await held_back(update, context, command.name):
            await answer_command(update, context, command)

    run_command.__name__ = run_command.__qualname__ = f"{command.name}_command"
    return run_command


async def answer_command(update: Update, context: QuoteBotContext, command: Command) -> None:
    """Run `command` on what follows it (or, where the row says so, on the replied message)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    text = command_text(message)
    replied = message.reply_to_message
    to_bot = replied is not None and sent_by(replied, context.bot.id)
    if not text and replied is not None and command.uses_replied_text and not (
        to_bot and command.on_replied_quote
    ):
        text = replied.text or replied.caption or ""
    lang = language(update, context, text if command.takes_query else "")
    replier, who = context.services.replier, sender_key(update)
    if text and command.admin_only and not await may_change_settings(update, context):
        reply = Reply(say(lang, "admins_only"))
    elif not text and to_bot and command.on_replied_quote is not None:
        assert replied is not None
        reply = await off_loop(
            command.on_replied_quote, replier, chat.id, lang, quote_shown(replied), who=who
        )
    else:
        reply = await off_loop(command.action, replier, chat.id, lang, text, who=who)
    if reply.card is not None:
        await send_card(context, chat.id, reply, reply_parameters(update))
    else:
        await send_reply(update, context, reply)
    if command.takes_query and text:
        count_query(reply.quote_id is not None)


def sent_by(message: Message, bot_id: int) -> bool:
    """True for a message the bot sent (itself, or through inline mode)."""
    sender = message.via_bot or message.from_user
    return sender is not None and sender.id == bot_id


def quote_shown(message: Message) -> int | None:
    """The id of the quote one of the bot's messages shows, read from its buttons' payloads."""
    if message.reply_markup is None:
        return None
    rows = message.reply_markup.inline_keyboard
    return quote_id_in([button.callback_data for row in rows for button in row
                        if isinstance(button.callback_data, str)])


@answering
async def private_text(update: Update, context: QuoteBotContext) -> None:
    """Answer any text in a private chat with the best quote."""
    message = update.effective_message
    await answer_query(update, context, message.text or "" if message else "")


@answering
async def private_other(update: Update, context: QuoteBotContext) -> None:
    """Answer a sticker, photo or other non-text message in a private chat with a hint."""
    await send_reply(update, context, Reply(say(language(update, context), "not_text")))


@answering
async def unknown_command(update: Update, context: QuoteBotContext) -> None:
    """Point a private chat that used an unknown command to /help."""
    await send_reply(update, context, Reply(say(language(update, context), "unknown_command")))


async def group_message(update: Update, context: QuoteBotContext) -> None:
    """Answer a group message addressed to the bot (@BotName TEXT, or a reply to it); ignore chatter."""
    message = update.effective_message
    if message is None:
        return
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
async def _answer_addressed(update: Update, context: QuoteBotContext, text: str) -> None:
    """Throttled part of group_message: only messages addressed to the bot count."""
    await answer_query(update, context, text)


def _cut_entity(text: str, entity: MessageEntity) -> str:
    """`text` without the entity; offsets are in UTF-16 code units, as Telegram counts."""
    encoded = text.encode("utf-16-le")
    start, end = entity.offset * 2, (entity.offset + entity.length) * 2
    return (encoded[:start] + " ".encode("utf-16-le") + encoded[end:]).decode("utf-16-le")


async def answer_query(update: Update, context: QuoteBotContext, text: str) -> None:
    """Send the best quote for `text` (a random one when it is empty)."""
    chat = update.effective_chat
    if chat is None:
        return
    lang = language(update, context, text)
    replier = context.services.replier
    reply = await off_loop(replier.answer, chat.id, lang, text, who=sender_key(update))
    await send_reply(update, context, reply)
    count_query(reply.quote_id is not None)
