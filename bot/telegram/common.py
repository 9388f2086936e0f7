"""What the handlers share: the language of an update, how a reply is sent, flood control, admins."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import (
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
    WebAppInfo,
)
from telegram.constants import ChatType

from bot.messages import Language, say
from bot.reply import Reply, WebButton
from bot.telegram.context import QuoteBotContext
from bot.telegram.limits import Verdict

log = logging.getLogger("bot.telegram")

Callback = Callable[..., Coroutine[Any, Any, None]]


def markup(reply: Reply, private: bool = False) -> InlineKeyboardMarkup | None:
    """The reply's buttons as one row of inline keyboard buttons, and its web page below
    them: a Mini App in a `private` chat, a plain link elsewhere (Telegram refuses a Mini
    App button in groups, channels and inline messages, and one whose page is not https)."""
    rows = []
    if reply.buttons:
        rows.append([InlineKeyboardButton(b.label, callback_data=b.payload) for b in reply.buttons])
    if reply.web is not None:
        rows.append([web_button(reply.web, private)])
    return InlineKeyboardMarkup(rows) if rows else None


def web_button(web: WebButton, private: bool) -> InlineKeyboardButton:
    """A button opening a web page: as a Mini App where Telegram allows one, else as a link."""
    if private and web.url.startswith("https://"):
        return InlineKeyboardButton(web.label, web_app=WebAppInfo(web.url))
    return InlineKeyboardButton(web.label, url=web.url)


def sender_key(update: Update) -> int:
    """Who sent the update, for flood control: the user, or the chat for channel posts."""
    if update.effective_user:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat else 0


def language(update: Update, context: QuoteBotContext, text: str = "") -> Language:
    """The language to answer this update in (chat setting, Telegram language, the text)."""
    chat_id = update.effective_chat.id if update.effective_chat else 0
    user = update.effective_user
    return context.services.replier.language(chat_id, user.language_code if user else None, text)


def command_text(message: Message) -> str:
    """What follows the command ("/quote@Bot  alignment" → "alignment"), line breaks kept."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def reply_parameters(update: Update) -> ReplyParameters | None:
    """In groups and channels an answer quotes the message it answers; in private chats not."""
    chat = update.effective_chat
    message = update.effective_message
    if message is None or chat is None or chat.type == ChatType.PRIVATE:
        return None
    return ReplyParameters(message.message_id, allow_sending_without_reply=True)


async def send_reply(update: Update, context: QuoteBotContext, reply: Reply) -> None:
    """Send a reply to the update's chat; in groups and channels it quotes the message."""
    chat = update.effective_chat
    if chat is None:
        return
    private = chat.type == ChatType.PRIVATE
    await context.bot.send_message(
        chat.id, reply.html, reply_markup=markup(reply, private),
        reply_parameters=reply_parameters(update),
    )
    log.info("answered chat=%s type=%s quote=%s", chat.id, chat.type, reply.quote_id)


def answering(callback: Callback) -> Callback:
    """Run a handler only while the sender is within the flood limit; warn them once if not."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: QuoteBotContext, *args: object) -> None:
        verdict = context.services.throttle.check(sender_key(update))
        if verdict is Verdict.ALLOW:
            await callback(update, context, *args)
        elif verdict is Verdict.WARN:
            log.info("throttled sender=%s", sender_key(update))
            await send_reply(update, context, Reply(say(language(update, context), "throttled")))

    return guarded


async def held_back(update: Update, context: QuoteBotContext, command: str) -> bool:
    """Flood control for a command: True when the sender is over the limit, after telling
    them so and when they may send it again. Unlike a plain message (`answering`), a
    command is never dropped in silence: a /daily or /lang lost in a burst would leave
    the person believing it was done."""
    throttle = context.services.throttle
    sender = sender_key(update)
    if throttle.check(sender) is Verdict.ALLOW:
        return False
    seconds = max(1, math.ceil(throttle.retry_after(sender)))
    log.info("throttled command=%s sender=%s retry_after=%ss", command, sender, seconds)
    text = say(language(update, context), "throttled_command", command=command, seconds=seconds)
    await send_reply(update, context, Reply(text))
    return True


async def may_change_settings(update: Update, context: QuoteBotContext) -> bool:
    """Private chats and channels: yes. Groups: only admins (or the group posting anonymously)."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is None:
        return False
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    if message is not None and message.sender_chat and message.sender_chat.id == chat.id:
        return True  # an anonymous admin
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
