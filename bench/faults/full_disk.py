"""Fault replay: the state folder on a full disk (issue 20, item 1), against the real bot
and the Bot API stand-in.

The state database lives on an 8 MB tmpfs of its own. After a first answer the disk is
filled; people write throughout the outage; then space comes back and a few more people
write. Printed: what the heartbeat file and /healthz said during the outage and after,
how long after space came back every message of the outage was answered (polling waits
meanwhile, trying the record again every few seconds), how long the people writing
afterwards waited, and whether any message was lost or answered twice. Needs root (to
mount the tmpfs).

    .venv/bin/python bench/faults/full_disk.py [--quick]
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

FAULT = "state folder on a full disk"


def run(quick: bool = False) -> dict:
    """Replay the fault; the figures as a dict (see the module docstring)."""
    existing = ROOT / "db" / "quotes.db"
    with quote_database(existing if existing.exists() else None) as quotes_db:
        return asyncio.run(_replay(quotes_db, outage=6.0 if quick else 30.0))


async def _replay(quotes_db: Path, outage: float) -> dict:
    from tests.disk import DiskUnavailable, small_disk

    with tempfile.TemporaryDirectory() as scratch:
        try:
            with small_disk(Path(scratch) / "disk") as disk:
                return await _with_disk(quotes_db, disk, Path(scratch), outage)
        except DiskUnavailable as error:
            return {"fault": FAULT, "lost": 0, "repeated": 0,
                    "slowest_unaffected_s": float("nan"), "skipped": str(error)}


async def _with_disk(quotes_db: Path, disk, scratch: Path, outage: float) -> dict:
    import httpx

    from bot.heartbeat import check_health
    from tests.fake_bot_api import FakeBotAPI, running_bot
    from tests.test_durable import beat, health_endpoint

    heartbeat = scratch / "heartbeat"
    asked: dict[int, float] = {}  # chat → when it wrote (one message per chat)
    async with FakeBotAPI.running() as api:
        async with running_bot(api, quotes_db, disk.folder / "state.db", heartbeat=heartbeat) \
                as bot, health_endpoint(bot) as health, httpx.AsyncClient() as client:
            api.private_text(1, "warm up")
            await api.wait_sent(1)
            disk.fill()
            filled = time.monotonic()
            polls_before = polls(api)
            chat = 30_000
            while time.monotonic() - filled < outage:  # one person a second writes
                asked[chat] = time.monotonic()
                api.private_text(chat, "印刷机")
                chat += 1
                await asyncio.sleep(1.0)
            polls_during = polls(api) - polls_before
            await beat(bot)
            said_during = check_health(heartbeat, max_age=120)[1]
            healthz_during = (await client.get(health + "/healthz")).status_code
            answered_during = sum(bool(api.sent(c)) for c in asked)
            disk.free()
            freed = time.monotonic()
            during = set(asked)
            await api.wait_for(lambda: all(api.sent(c) for c in during), timeout=60,
                               what="the outage's messages")
            resumed = time.monotonic() - freed
            after = []
            for chat in range(40_000, 40_005):  # unaffected: they write once space is back
                asked[chat] = time.monotonic()
                after.append(chat)
                api.private_text(chat, "alignment")
                await asyncio.sleep(0.5)
            await api.wait_for(lambda: all(api.sent(c) for c in after), timeout=30,
                               what="the later messages")
            await asyncio.sleep(1.0)  # time for any repeat to show up
            await beat(bot)
            said_after = check_health(heartbeat, max_age=120)[1]
            healthz_after = (await client.get(health + "/healthz")).status_code
    answers = Counter(call.chat_id for call in api.sent() if call.chat_id in asked)
    waits = [min(c.at for c in api.sent(chat)) - asked[chat] for chat in after]
    return {
        "fault": FAULT,
        "lost": len(set(asked) - set(answers)),
        "repeated": sum(n - 1 for n in answers.values()),
        "slowest_unaffected_s": round(max(waits), 3),
        "outage_s": outage,
        "messages_during_outage": len(during),
        "answered_during_outage": answered_during,
        "getupdates_during_outage": polls_during,
        "heartbeat_during": said_during,
        "healthz_during": healthz_during,
        "all_answered_after_space_back_s": round(resumed, 2),
        "heartbeat_after": said_after,
        "healthz_after": healthz_after,
    }


def polls(api) -> int:
    """getUpdates calls so far (polling pauses while a record cannot be made)."""
    return len([call for call in api.attempts if call.method == "getUpdates"])


if __name__ == "__main__":
    command_line(run, __doc__, "a 6 s outage instead of 30 s")
