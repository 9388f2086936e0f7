"""Fault replay: daily quotes falling due while the state database is locked (issue 20,
item 3), against the real bot and the Bot API stand-in.

1,000 daily subscriptions fall due in the same minute; once their quotes are going out,
another connection holds the SQLite write lock for 15 s, as a backup does. Meanwhile a
new person writes every half second and /metrics is fetched every half second.
Printed: how long the slowest person and the slowest /metrics waited, the longest the
event loop was late, and whether every daily quote went out exactly once after all.

    .venv/bin/python bench/faults/locked_daily.py [--quick]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT, quote_database
from bench.faults import command_line  # noqa: E402


def run(quick: bool = False) -> dict:
    """Replay the fault; the figures as a dict (see the module docstring)."""
    existing = ROOT / "db" / "quotes.db"
    with quote_database(existing if existing.exists() else None) as quotes_db:
        subscriptions, lock = (150, 6.0) if quick else (1000, 15.0)
        return asyncio.run(_replay(quotes_db, subscriptions, lock))


async def _replay(quotes_db: Path, subscriptions: int, lock: float) -> dict:
    import httpx

    from tests.fake_bot_api import FakeBotAPI, running_bot
    from tests.test_durable import (
        METRICS_TOKEN,
        LoopLag,
        WriteLock,
        health_endpoint,
        subscribe_due_now,
    )

    chats = [70_000 + n for n in range(subscriptions)]
    asked: dict[int, float] = {}  # a new person each time → when they wrote
    metrics: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        state_db = Path(scratch) / "state.db"
        async with FakeBotAPI.running() as api:
            async with running_bot(api, quotes_db, state_db) as bot, \
                    health_endpoint(bot) as base, httpx.AsyncClient() as client:
                api.private_text(1, "warm up")
                await api.wait_sent(1)
                with LoopLag() as lag:
                    await asyncio.sleep(0.2)
                    await subscribe_due_now(bot, state_db, chats)
                    await api.wait_for(lambda: sum(bool(api.sent(c)) for c in chats) >= 10,
                                       timeout=60, what="the daily quotes start")
                    async with WriteLock(state_db, lock):
                        person = 60_000
                        locked = time.monotonic()
                        while time.monotonic() - locked < lock - 0.5:
                            asked[person] = time.monotonic()
                            api.private_text(person, "alignment")
                            person += 1
                            started = time.monotonic()
                            answer = await client.get(
                                base + "/metrics", timeout=60,
                                headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
                            )
                            assert answer.status_code == 200, answer.status_code
                            metrics.append(time.monotonic() - started)
                            await asyncio.sleep(max(0.0, 0.5 - metrics[-1]))
                    await api.wait_for(lambda: all(api.sent(p) for p in asked), timeout=60,
                                       what="the people")
                    await api.wait_for(lambda: all(api.sent(c) for c in chats),
                                       timeout=60 + subscriptions / 10, what="the daily quotes")
                    await asyncio.sleep(1.0)  # time for any repeat to show up
    daily = Counter(call.chat_id for call in api.sent() if call.chat_id in set(chats))
    people = Counter(call.chat_id for call in api.sent() if call.chat_id in asked)
    waits = [min(c.at for c in api.sent(p)) - asked[p] for p in asked]
    return {
        "fault": f"{subscriptions} daily quotes due during a {lock:.0f} s state write lock",
        "lost": len(set(chats) - set(daily)) + len(set(asked) - set(people)),
        "repeated": sum(n - 1 for n in daily.values()) + sum(n - 1 for n in people.values()),
        "slowest_unaffected_s": round(max(waits), 3),
        "people_during_lock": len(asked),
        "slowest_metrics_s": round(max(metrics), 3),
        "worst_loop_lag_s": round(lag.worst, 3),
        "daily_quotes_sent": len(daily),
    }


if __name__ == "__main__":
    command_line(run, __doc__, "150 subscriptions and a 6 s lock instead of 1,000 and 15 s")
