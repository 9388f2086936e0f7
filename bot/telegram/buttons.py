"""The buttons under a quote: Another, Context, Source (and back to the Quote)."""

from __future__ import annotations

import contextlib
import logging
import re

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.messages import DEFAULT_LANGUAGE, language_from_code, say
from bot.reply import MAX_NOTICE_CHARS, Notice, Reply
from bot.telegram.common import markup, sender_key, services
from bot.telegram.limits import Verdict

log = logging.getLogger(__name__)

# Telegram carries at most 64 bytes of callback data, and no id of ours has 17 digits:
# anything else is forged, and gets the "expired" notice without reaching the replier.
MAX_CALLBACK_BYTES = 64
_FORGED_NUMBER = re.compile(r"\d{17,}")


def plausible_payload(data: str | None) -> str | None:
    """The callback data, or None when it cannot be one of the bot's buttons."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES:
        return None
    return None if _FORGED_NUMBER.search(data) else data


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Put the pressed view in place of the message (or show a notice), and always answer."""
    query = update.callback_query
    answered = False
    lang = language_from_code(query.from_user.language_code) or DEFAULT_LANGUAGE
    try:
        shared = services(context)
        # Buttons under an inline-mode message have no chat; the person's id stands in.
        chat_id = query.message.chat.id if query.message else query.from_user.id
        lang = shared.replier.language(chat_id, query.from_user.language_code)
        if shared.throttle.check(sender_key(update)) is not Verdict.ALLOW:
            result: Reply | Notice = Notice(say(lang, "throttled"))
        else:
            result = shared.replier.press(chat_id, plausible_payload(query.data), lang)
        notice = result.text[:MAX_NOTICE_CHARS] if isinstance(result, Notice) else None
        # Answer first so the client's spinner stops while the edit is on its way.
        await query.answer(notice)
        answered = True
        if isinstance(result, Reply):
            await show_in_place(update, context, result)
    finally:
        if not answered:
            with contextlib.suppress(TelegramError):
                await query.answer(say(lang, "error")[:MAX_NOTICE_CHARS])


async def show_in_place(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Edit the message the button was under; send a new one if it can no longer be edited."""
    query = update.callback_query
    try:
        if query.message is None or isinstance(query.message, Message):
            await query.edit_message_text(reply.html, reply_markup=markup(reply))
            return
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return  # a double press: the message already shows this
        if "can't be edited" not in str(error).lower():
            raise
    # Too old to edit (or inaccessible): answer with a new message instead.
    await context.bot.send_message(query.message.chat.id, reply.html, reply_markup=markup(reply))
