"""/daily: a quote every day at a local time in the chat's time zone, on the job queue."""

from __future__ import annotations

import datetime as dt
import logging
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Bot, Update
from telegram.error import Forbidden
from telegram.ext import Application, ContextTypes, Job, JobQueue

from bot.messages import DEFAULT_LANGUAGE, Language, parse_language, say
from bot.reply import Reply
from bot.state import DailySubscription
from bot.telegram.common import (
    SERVICES,
    Services,
    answering,
    language,
    markup,
    may_change_settings,
    send_reply,
    services,
)
from bot.telegram.lease import PROCESS_ID, holds_schedule

log = logging.getLogger(__name__)

DEFAULT_ZONE = "UTC"
_TIME = re.compile(r"(\d{1,2})[:.:](\d{2})")


def job_name(chat_id: int) -> str:
    """The job queue name of a chat's daily job (one per chat)."""
    return f"daily:{chat_id}"


def parse_time(text: str) -> dt.time | None:
    """"08:30" → 08:30; None when it is not a valid 24-hour time."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def parse_zone(text: str) -> ZoneInfo | None:
    """An IANA time zone ("Asia/Shanghai", "UTC"), or None when unknown."""
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def schedule(job_queue: JobQueue, subscription: DailySubscription) -> Job:
    """(Re)schedule a chat's daily job at its local time in its time zone."""
    unschedule(job_queue, subscription.chat_id)
    hour, minute = map(int, subscription.time.split(":"))
    at = dt.time(hour, minute, tzinfo=ZoneInfo(subscription.timezone))
    return job_queue.run_daily(
        send_daily, at, chat_id=subscription.chat_id, name=job_name(subscription.chat_id),
        data=subscription,
    )


def unschedule(job_queue: JobQueue, chat_id: int) -> None:
    """Remove a chat's daily job, if any."""
    for job in job_queue.get_jobs_by_name(job_name(chat_id)):
        job.schedule_removal()


def schedule_all(application: Application) -> int:
    """Schedule every stored subscription (at start-up); returns how many."""
    subscriptions = services_of(application).state.all_daily()
    for subscription in subscriptions:
        try:
            schedule(application.job_queue, subscription)
        except (ValueError, ZoneInfoNotFoundError):
            log.warning("skipping daily subscription of chat %s: bad time", subscription.chat_id)
    return len(subscriptions)


def services_of(application: Application) -> Services:
    """The bot's services from the application (outside a handler)."""
    return application.bot_data[SERVICES]


async def send_daily(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Post the quote of the day in the job's chat (when this replica holds the schedule)."""
    chat_id = context.job.chat_id
    shared = services(context)
    if not await holds_schedule(shared.state):
        return  # another replica sends the daily quotes
    subscription = shared.state.daily(chat_id)
    if subscription != context.job.data:
        # Changed or removed at another replica: follow the stored subscription, whose
        # quote the leader's sweep sends at its new time.
        if subscription is None:
            unschedule(context.job_queue, chat_id)
        else:
            schedule(context.job_queue, subscription)
        return
    zone = ZoneInfo(subscription.timezone)
    day = dt.datetime.now(zone).date().isoformat()
    await deliver_daily(context.bot, shared, context.job_queue, chat_id, day)


async def deliver_daily(
    bot: Bot, shared: Services, job_queue: JobQueue, chat_id: int, day: str
) -> bool:
    """Send the chat's quote of `day` unless it was sent (by any replica); True if sent now."""
    if not shared.state.claim_daily(chat_id, day, PROCESS_ID):
        return False
    subscription = shared.state.daily(chat_id)
    chosen = parse_language(shared.state.chat_settings(chat_id).language or "")
    stored = parse_language(subscription.language or "") if subscription else None
    lang = chosen or stored or DEFAULT_LANGUAGE
    reply = shared.replier.daily_quote(chat_id, lang)
    try:
        await bot.send_message(chat_id, reply.html, reply_markup=markup(reply))
    except Forbidden:
        # Blocked, kicked, or no longer allowed to post: stop trying every day.
        log.info("daily quote refused in chat %s; unsubscribing", chat_id)
        shared.state.mark_daily_sent(chat_id, day)
        shared.state.remove_daily(chat_id)
        unschedule(job_queue, chat_id)
        return False
    shared.state.mark_daily_sent(chat_id, day)
    log.info("daily quote sent chat=%s quote=%s", chat_id, reply.quote_id)
    return True


@answering
async def daily_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show, set (/daily HH:MM [time zone]) or stop (/daily off) this chat's daily quote."""
    chat = update.effective_chat
    lang = language(update, context)
    state = services(context).state
    args = context.args or []
    if not args:
        current = state.daily(chat.id)
        text = (
            say(lang, "daily_status", time=current.time, zone=current.timezone)
            if current
            else say(lang, "daily_none")
        )
        await send_reply(update, context, Reply(text))
        return
    if not await may_change_settings(update, context):
        await send_reply(update, context, Reply(say(lang, "admins_only")))
        return
    if args[0].lower() in ("off", "stop", "关闭", "關閉"):
        state.remove_daily(chat.id)
        unschedule(context.job_queue, chat.id)
        await send_reply(update, context, Reply(say(lang, "daily_off")))
        return
    await send_reply(update, context, subscribe(update, context, args, lang))


def subscribe(
    update: Update, context: ContextTypes.DEFAULT_TYPE, args: list[str], lang: Language
) -> Reply:
    """Validate "/daily HH:MM [zone]", store the subscription and schedule it."""
    at = parse_time(args[0])
    if at is None:
        return Reply(say(lang, "daily_bad_time", value=args[0][:20]))
    zone_name = args[1] if len(args) > 1 else DEFAULT_ZONE
    if parse_zone(zone_name) is None:
        return Reply(say(lang, "daily_bad_zone", value=zone_name[:40]))
    chat = update.effective_chat
    # The daily post has no sender to take a language from: keep the subscriber's.
    subscription = DailySubscription(chat.id, at.strftime("%H:%M"), zone_name, lang)
    services(context).state.set_daily(subscription)
    schedule(context.job_queue, subscription)
    return Reply(say(lang, "daily_set", time=subscription.time, zone=zone_name))
