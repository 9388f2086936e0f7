"""The error handler: log with context, keep running, never show a stack trace in a chat."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from telegram import Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.messages import say
from bot.state import StateStoreBusy
from bot.telegram.common import language
from bot.telegram.context import QuoteBotContext, has_services
from bot.telegram.daily import unschedule
from bot.telegram.delivery import MaybeDelivered
from bot.telegram.durable import UpdatesNotRecorded
from bot.telegram.metrics import ERRORS

log = logging.getLogger(__name__)

# How long a 409 Conflict may last (another instance stopping) before this one gives up.
CONFLICT_GRACE_SECONDS = 5.0


def describe(update: object, context: QuoteBotContext) -> str:
    """Where the error happened, without any message text: update id, chat, user, job."""
    if isinstance(update, Update):
        chat = update.effective_chat
        user = update.effective_user
        return (
            f"update={update.update_id} chat={chat.id if chat else None} "
            f"type={chat.type if chat else None} user={user.id if user else None}"
        )
    if context.job is not None:
        return f"job={context.job.name} chat={context.job.chat_id}"
    return "no update"


async def on_error(update: object, context: QuoteBotContext) -> None:
    """Log the error with its context and, where it helps, tell the chat briefly."""
    error = context.error
    ERRORS.labels(type(error).__name__).inc()
    where = describe(update, context)
    if isinstance(error, Forbidden):
        # Blocked by the user or removed from the chat: nobody to answer; stop daily posts.
        log.info("forbidden (%s): %s", error.message, where)
        chat_id = _chat_id(update, context)
        if chat_id is not None and has_services(context):
            context.services.state.remove_daily(chat_id)
            if context.job_queue:
                unschedule(context.job_queue, chat_id)
        return
    if isinstance(error, Conflict) and has_services(context):
        _on_conflict(context)
        return
    if isinstance(error, UpdatesNotRecorded | StateStoreBusy):
        # The state store: polling backs off and fetches the same updates again; a daily
        # quote not claimed is claimed at the next sweep. Health reports a lasting fault.
        log.warning("%s (%s); tried again later", error, where)
        return
    if isinstance(error, BadRequest) and "not modified" in error.message.lower():
        log.debug("message not modified: %s", where)
        return
    if isinstance(error, BadRequest):
        # A subclass of NetworkError, but the request itself is wrong: a bug, not the network.
        # The rate limiter logged the method and chat; this adds where it happened.
        log.error("Telegram refused a request (%s): %s", error.message, where)
        return
    if isinstance(error, MaybeDelivered):
        # Said by the rate limiter; nothing to add for the chat: the answer may be there.
        log.info("answer not confirmed by Telegram (may have been delivered): %s", where)
        return
    if isinstance(error, NetworkError | RetryAfter):
        # Already retried by the rate limiter; the chat cannot be reached right now either.
        log.warning("Telegram unreachable after retries (%s): %s", error, where)
        return
    log.error("error while handling %s", where, exc_info=error)
    if isinstance(update, Update) and update.effective_chat and update.callback_query is None:
        with contextlib.suppress(TelegramError, KeyError):
            await context.bot.send_message(
                update.effective_chat.id, say(language(update, context), "error")
            )


def _chat_id(update: object, context: QuoteBotContext) -> int | None:
    if isinstance(update, Update) and update.effective_chat:
        return update.effective_chat.id
    return context.job.chat_id if context.job is not None else None


def _without_conflict_tracebacks(record: logging.LogRecord) -> bool:
    """python-telegram-bot logs each 409 with a traceback; it was reported once already."""
    return not (record.exc_info and isinstance(record.exc_info[1], Conflict))


logging.getLogger("telegram.ext.Updater").addFilter(_without_conflict_tracebacks)


def _on_conflict(context: QuoteBotContext) -> None:
    """409 from getUpdates: say so once, and stop if it lasts past the grace period."""
    shared = context.services
    seen = shared.conflict_seen
    shared.conflict_seen = time.monotonic()
    if seen is not None:
        return
    log.error(
        "another instance is polling with this token (409 Conflict); "
        "stopping in %.0f s unless it goes away", CONFLICT_GRACE_SECONDS,
    )
    context.application.create_task(_stop_if_conflict_lasts(context))


async def _stop_if_conflict_lasts(context: QuoteBotContext) -> None:
    await asyncio.sleep(CONFLICT_GRACE_SECONDS)
    shared = context.services
    last = shared.conflict_seen or 0.0
    if time.monotonic() - last < CONFLICT_GRACE_SECONDS:
        shared.stopped_by_conflict = True
        context.application.stop_running()
    else:
        shared.conflict_seen = None
        log.info("409 Conflict is over: this instance keeps polling")
