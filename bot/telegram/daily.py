"""/daily on the job queue: one job per subscribed chat, at its local time in its time zone.

What /daily accepts and stores is the `Replier`'s (`Replier.daily`); this module keeps
the job queue in step with the stored subscriptions and posts the quote. With several
replicas only the holder of the schedule lease posts (`lease.py`), each chat's quote
claimed per local day so none is sent twice (`scheduler.py` catches up what is missed).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Bot
from telegram.error import Forbidden
from telegram.ext import Job, JobQueue

from bot.reply import answer_language
from bot.state import DailySubscription, StateStore
from bot.telegram.common import markup
from bot.telegram.context import QuoteBotApp, QuoteBotContext, Services, services
from bot.telegram.lease import PROCESS_ID, holds_schedule
from bot.telegram.state_calls import state_call

log = logging.getLogger(__name__)


def job_name(chat_id: int) -> str:
    """The job queue name of a chat's daily job (one per chat)."""
    return f"daily:{chat_id}"


def schedule(
    job_queue: JobQueue[QuoteBotContext], subscription: DailySubscription
) -> Job[QuoteBotContext]:
    """(Re)schedule a chat's daily job at its local time in its time zone."""
    unschedule(job_queue, subscription.chat_id)
    hour, minute = map(int, subscription.time.split(":"))
    at = dt.time(hour, minute, tzinfo=ZoneInfo(subscription.timezone))
    return job_queue.run_daily(
        send_daily, at, chat_id=subscription.chat_id, name=job_name(subscription.chat_id),
        data=subscription,
    )


def unschedule(job_queue: JobQueue[Any], chat_id: int) -> None:
    """Remove a chat's daily job, if any."""
    # Any: PTB types `context.job_queue` with a type variable it never binds.
    for job in job_queue.get_jobs_by_name(job_name(chat_id)):
        job.schedule_removal()


def follow(job_queue: JobQueue[Any], state: StateStore, chat_id: int) -> None:
    """Make the chat's job match its stored subscription (after /daily changed it)."""
    subscription = state.daily(chat_id)
    if subscription is None:
        unschedule(job_queue, chat_id)
    else:
        schedule(job_queue, subscription)


def schedule_all(application: QuoteBotApp) -> int:
    """Schedule every stored subscription (at start-up); returns how many."""
    subscriptions = services(application).state.all_daily()
    job_queue = application.job_queue
    if job_queue is None:
        return 0
    for subscription in subscriptions:
        try:
            schedule(job_queue, subscription)
        except (ValueError, ZoneInfoNotFoundError):
            log.warning("skipping daily subscription of chat %s: bad time", subscription.chat_id)
    return len(subscriptions)


async def send_daily(context: QuoteBotContext) -> None:
    """Post the quote of the day in the job's chat (when this replica holds the schedule)."""
    job = context.job
    if job is None or job.chat_id is None or context.job_queue is None:
        return
    chat_id = job.chat_id
    shared = context.services
    if not await holds_schedule(shared.state, shared.lease_seconds):
        return  # another replica sends the daily quotes
    subscription = shared.state.daily(chat_id)
    if subscription is None or subscription != job.data:
        # Changed or removed at another replica: follow the stored subscription, whose
        # quote the leader's sweep sends at its new time.
        follow(context.job_queue, shared.state, chat_id)
        return
    day = dt.datetime.now(ZoneInfo(subscription.timezone)).date().isoformat()
    await deliver_daily(context.bot, shared, context.job_queue, chat_id, day)


async def deliver_daily(
    bot: Bot, shared: Services, job_queue: JobQueue[Any], chat_id: int, day: str
) -> bool:
    """Send the chat's quote of `day` unless it was sent (by any replica); True if sent now.

    The store calls run off the event loop (`state_call`); a claim the store cannot make
    in time raises StateStoreBusy, and the quote is claimed again at the next sweep.
    """
    state = shared.state
    if not await state_call(state.claim_daily, chat_id, day, PROCESS_ID):
        return False
    subscription = await state_call(state.daily, chat_id)
    lang = answer_language(
        (await state_call(state.chat_settings, chat_id)).language,
        subscribed=subscription.language if subscription else None,
    )
    reply = shared.replier.daily_quote(chat_id, lang)
    try:
        await bot.send_message(chat_id, reply.html, reply_markup=markup(reply))
    except Forbidden:
        # Blocked, kicked, or no longer allowed to post: stop trying every day.
        log.info("daily quote refused in chat %s; unsubscribing", chat_id)
        await state_call(state.mark_daily_sent, chat_id, day)
        await state_call(state.remove_daily, chat_id)
        unschedule(job_queue, chat_id)
        return False
    try:
        await state_call(state.mark_daily_sent, chat_id, day)
    except Exception as error:  # noqa: BLE001 - sent; our claim keeps it from going twice
        log.warning("daily quote sent to chat %s but not marked sent: %s",
                    chat_id, type(error).__name__)
    log.info("daily quote sent chat=%s quote=%s", chat_id, reply.quote_id)
    return True
