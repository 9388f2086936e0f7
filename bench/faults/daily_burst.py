"""Fault replay: a burst of daily quotes (issue 20, item 4), against the real bot and the stand-in.

1,000 daily subscriptions fall due at the same minute (their jobs run at once, as the
job queue runs them); from 2 s on, five people write every half second. Printed: how long
the slowest person waited, the most messages the bot sent within any one second
(Telegram's budget is 30), and whether every daily quote went out exactly once.

    .venv/bin/python bench/faults/daily_burst.py [--quick]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT, quote_database
from bench.faults import command_line  # noqa: E402

PEOPLE = 5  # write each half second, each time new ones (one person's flood limit is 8)


def run(quick: bool = False) -> dict:
    """Replay the fault; the figures as a dict (see the module docstring)."""
    existing = ROOT / "db" / "quotes.db"
    with quote_database(existing if existing.exists() else None) as quotes_db:
        return asyncio.run(_replay(quotes_db, 200 if quick else 1000))


async def _replay(quotes_db: Path, subscriptions: int) -> dict:
    from tests.fake_bot_api import FakeBotAPI, daily_due_now, running_bot

    chats = [90_000 + n for n in range(subscriptions)]
    waits: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        async with FakeBotAPI.running() as api:
            async with running_bot(api, quotes_db, Path(scratch) / "state.db") as application:
                daily_due_now(application, chats)
                started = time.monotonic()
                await asyncio.sleep(2.0)
                every = set(chats)
                while every - {c.chat_id for c in api.sent()}:
                    if time.monotonic() - started > 20 + subscriptions / 10:
                        break
                    people = range(2700 + len(waits), 2700 + len(waits) + PEOPLE)
                    waits += await asyncio.gather(*(_ask(api, person) for person in people))
                    await asyncio.sleep(0.5)
                await api.wait_for(lambda: {c.chat_id for c in api.sent()} >= every, 30, "quotes")
        daily = [call for call in api.sent() if call.chat_id in every]
    sent = Counter(call.chat_id for call in daily)
    first = min(call.at for call in daily)
    last = max(call.at for call in daily)
    return {
        "fault": f"{subscriptions} daily quotes due at once",
        "lost": len(every - set(sent)),
        "repeated": sum(n - 1 for n in sent.values()),
        "slowest_unaffected_s": round(max(waits), 3),
        "median_unaffected_s": round(statistics.median(waits), 3),
        "people_answers": len(waits),
        "busiest_second": _busiest_second(api.sent()),
        "first_second_daily": sum(1 for call in daily if call.at < first + 1.0),
        "daily_spread_s": round(last - first, 1),
    }


async def _ask(api, person: int) -> float:
    """Seconds from a person's message to the bot's answer."""
    before = len(api.sent(person))
    asked = time.monotonic()
    api.private_text(person, "alignment")
    await api.wait_for(lambda: len(api.sent(person)) > before, 120, f"an answer to {person}")
    return api.sent(person)[before].at - asked


def _busiest_second(calls) -> int:
    """The most messages that arrived within any one second."""
    times = sorted(call.at for call in calls)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


if __name__ == "__main__":
    command_line(run, __doc__, "the small version (seconds)")
