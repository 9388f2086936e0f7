"""The buttons under a quote: Another, Context, Source (and back to the Quote), Card and Similar."""

from __future__ import annotations

import contextlib
import logging

from telegram import CallbackQuery, MaybeInaccessibleMessage, Message, ReplyParameters, Update
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.messages import say
from bot.reply import MAX_NOTICE_CHARS, Notice, Reply, answer_language
from bot.telegram.cards import send_card
from bot.telegram.common import markup, sender_key
from bot.telegram.context import QuoteBotContext
from bot.telegram.delivery import MaybeDelivered
from bot.telegram.limits import Verdict
from bot.telegram.offload import off_loop

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
        # The message the button is under says how to answer (its payload carries how it
        # was written); the presser's Telegram language only when it does not say.
        presser = shared.replier.language(chat_id, query.from_user.language_code)
        labels = button_labels(query.message)
        lang = shared.replier.press_writing(chat_id, presser, query.data, labels).lang
        if shared.throttle.check(sender_key(update)) is not Verdict.ALLOW:
            result: Reply | Notice = Notice(say(lang, "throttled"))
        else:
            # "Another" and "Similar" search: off the event loop, one at a time per person.
            result = await off_loop(shared.replier.press, chat_id, presser, query.data, labels,
                                    who=sender_key(update))
        if isinstance(result, Reply) and result.card is not None and query.message is None:
            result = await card_to_private_chat(query, context, result)
        notice = result.text[:MAX_NOTICE_CHARS] if isinstance(result, Notice) else None
        # Answer first so the client's spinner stops while the edit is on its way.
        await query.answer(notice)
        answered = True
        if isinstance(result, Reply) and result.card is not None and query.message is not None:
            # The card comes as a new photo answering the quote; the quote stays as text.
            quoted = ReplyParameters(query.message.message_id, allow_sending_without_reply=True)
            await send_card(context, query.message.chat.id, result, quoted)
        elif isinstance(result, Reply):
            await show_in_place(query, context, result)
    finally:
        if not answered:
            with contextlib.suppress(TelegramError):
                await query.answer(say(lang, "error")[:MAX_NOTICE_CHARS])


def button_labels(message: MaybeInaccessibleMessage | None) -> list[str]:
    """The labels of the buttons under the message pressed (none for an inline-mode
    message, whose content the press does not carry)."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return []
    return [button.text for row in message.reply_markup.inline_keyboard for button in row]


async def card_to_private_chat(query: CallbackQuery, context: QuoteBotContext, reply: Reply) -> Notice:
    """Card under an inline-mode message (it has no chat): send it to the person privately."""
    assert reply.card is not None
    try:
        await send_card(context, query.from_user.id, reply)
    except Forbidden:
        return Notice(say(reply.card.lang, "card_start_private"))
    except MaybeDelivered:
        pass  # not confirmed, but most likely there: say so rather than "went wrong"
    return Notice(say(reply.card.lang, "card_sent_private"))


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
