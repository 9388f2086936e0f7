"""The daily-quote sweep: every few seconds the replica holding the schedule sends each
daily quote that fell due since the last sweep.

The per-chat jobs in `daily.py` send on the minute; the sweep is what makes the schedule
survive a replica: it covers subscriptions made at another replica and the quotes that
fell due while the old leader was dying. Where the last sweep stopped (the watermark) is
kept with the lease, and each chat's quote is claimed per local day, so a takeover
neither skips a quote nor sends one twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.state import DailySubscription
from bot.telegram.context import QuoteBotApp, QuoteBotContext
from bot.telegram.daily import deliver_daily
from bot.telegram.lease import DAILY_LEASE, PROCESS_ID, holds_schedule

log = logging.getLogger(__name__)

SWEEP_SECONDS = 2.0
# After a long outage, quotes older than this are not sent late.
MAX_CATCH_UP_SECONDS = 6 * 3600.0
# Quotes sent at once in a sweep; the rate limiter spreads them over time.
SWEEP_BATCH = 30
LEADING = "daily-leader"  # bot_data key: whether this process held the schedule last sweep


def due_days(subscription: DailySubscription, since: float, until: float) -> list[str]:
    """The local days ("YYYY-MM-DD") whose daily time falls in (since, until], epoch seconds."""
    zone = ZoneInfo(subscription.timezone)
    hour, minute = map(int, subscription.time.split(":"))
    day = dt.datetime.fromtimestamp(since, zone).date()
    last = dt.datetime.fromtimestamp(until, zone).date()
    days = []
    while day <= last:
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).timestamp()
        if since < moment <= until:
            days.append(day.isoformat())
        day += dt.timedelta(days=1)
    return days


def schedule_sweep(application: QuoteBotApp, every: float = SWEEP_SECONDS) -> None:
    """Run the sweep on the job queue from now on."""
    if application.job_queue is not None:
        application.job_queue.run_repeating(sweep, interval=every, first=0.5, name="daily-sweep")


async def sweep(context: QuoteBotContext) -> None:
    """If this replica holds the schedule, send what fell due since the last sweep."""
    shared = context.services
    state = shared.state
    job_queue = context.job_queue
    if job_queue is None:
        return
    leading = await holds_schedule(state, shared.lease_seconds)
    if leading != context.bot_data.get(LEADING, False):
        context.bot_data[LEADING] = leading
        log.info("%s the daily schedule (holder %s)", "took" if leading else "lost", PROCESS_ID)
    if not leading:
        return
    now = time.time()
    since = await asyncio.to_thread(state.watermark, DAILY_LEASE)
    since = max(now if since is None else since, now - MAX_CATCH_UP_SECONDS)
    due: list[tuple[int, str]] = []
    for subscription in await asyncio.to_thread(state.all_daily):
        try:
            due.extend((subscription.chat_id, day) for day in due_days(subscription, since, now))
        except (ValueError, ZoneInfoNotFoundError):
            continue  # logged when scheduled
    renewed = time.monotonic()
    for start in range(0, len(due), SWEEP_BATCH):
        if time.monotonic() - renewed > shared.lease_seconds / 3:
            if not await holds_schedule(state, shared.lease_seconds):
                log.warning("lost the daily schedule mid-sweep; the new holder continues")
                return
            renewed = time.monotonic()
        await asyncio.gather(
            *(
                deliver_daily(context.bot, shared, job_queue, chat_id, day)
                for chat_id, day in due[start : start + SWEEP_BATCH]
            )
        )
    await asyncio.to_thread(state.set_watermark, DAILY_LEASE, PROCESS_ID, now)
