"""The buttons under a quote: Another, Context, Source (and back to the Quote)."""

from __future__ import annotations

import contextlib
import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest, TelegramError

from bot.messages import say
from bot.reply import MAX_NOTICE_CHARS, Notice, Reply, answer_language
from bot.telegram.common import markup, sender_key
from bot.telegram.context import QuoteBotContext
from bot.telegram.limits import Verdict

log = logging.getLogger(__name__)


async def button_pressed(update: Update, context: QuoteBotContext) -> None:
    """Put the pressed view in place of the message (or show a notice), and always answer."""
    query = update.callback_query
    if query is None:
        return
    answered = False
    # Until the chat's settings are read, the person's own language answers a failure.
    lang = answer_language(language_code=query.from_user.language_code)
    try:
        shared = context.services
        # Buttons under an inline-mode message have no chat; the person's id stands in.
        chat_id = query.message.chat.id if query.message else query.from_user.id
        lang = shared.replier.language(chat_id, query.from_user.language_code)
        if shared.throttle.check(sender_key(update)) is not Verdict.ALLOW:
            result: Reply | Notice = Notice(say(lang, "throttled"))
        else:
            result = shared.replier.press(chat_id, lang, query.data)
        notice = result.text[:MAX_NOTICE_CHARS] if isinstance(result, Notice) else None
        # Answer first so the client's spinner stops while the edit is on its way.
        await query.answer(notice)
        answered = True
        if isinstance(result, Reply):
            await show_in_place(query, context, result)
    finally:
        if not answered:
            with contextlib.suppress(TelegramError):
                await query.answer(say(lang, "error")[:MAX_NOTICE_CHARS])


async def show_in_place(query: CallbackQuery, context: QuoteBotContext, reply: Reply) -> None:
    """Edit the message the button was under; send a new one if it can no longer be edited."""
    try:
        if query.message is None or isinstance(query.message, Message):
            await query.edit_message_text(reply.html, reply_markup=markup(reply))
            return
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return  # a double press: the message already shows this
        if "can't be edited" not in str(error).lower() or query.message is None:
            raise  # (an inline-mode message has no chat to send a new one to)
    assert query.message is not None  # the except clause re-raised otherwise
    # Too old to edit (or inaccessible): answer with a new message instead.
    await context.bot.send_message(query.message.chat.id, reply.html, reply_markup=markup(reply))
