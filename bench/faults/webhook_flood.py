"""Strangers flooding the webhook port (issue 20, item 7), replayed against a real
`quotebot run` in webhook mode and the Bot API stand-in.

First 300 connections without the secret each send 1.1 MiB of a declared 60 MiB and hold
on; then 1,500 connections send half a request line and nothing more. Meanwhile people
write to the bot in private (Telegram's posts, with the secret), one message every
0.25 s. Reported: the bot's memory before, at its peak and after the big posts, its file
descriptors before, at their peak and after the slow connections, how long until the
server had closed every slow connection, and what the people waited.

    .venv/bin/python bench/faults/webhook_flood.py [--quick]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import quote_database  # noqa: E402
from bench.faults import command_line  # noqa: E402
from tests.fake_bot_api import FakeBotAPI  # noqa: E402
from tests.hostile_http import (  # noqa: E402
    GenuineUsers,
    big_post,
    open_fds,
    rss_mb,
    seconds_until_closed,
    slow_head,
    start_webhook_bot,
)
from tests.test_bot_run import bot_env  # noqa: E402

HOST = "127.0.0.1"
MIB = 1 << 20


class Peaks:
    """The highest RSS (MB) and file-descriptor count of a process, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.rss = rss_mb(pid)
        self.fds = open_fds(pid)
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            self.rss = max(self.rss, rss_mb(self.pid))
            self.fds = max(self.fds, open_fds(self.pid))
            await asyncio.sleep(0.1)

    def stop(self) -> None:
        self._task.cancel()


async def big_posts(replica, pid: int, count: int) -> dict[str, float | int]:
    """`count` strangers' 1.1 MiB of a declared 60 MiB, held open, then closed."""
    path = urlsplit(replica.url).path
    before = rss_mb(pid)
    peaks = Peaks(pid)
    flood = await asyncio.gather(*(
        big_post(HOST, replica.port, path, send=int(1.1 * MIB), declared=60 * MIB)
        for _ in range(count)
    ))
    await asyncio.sleep(2)
    refused = sum(1 for held in flood if held.cut) + sum(
        1 for seconds in await asyncio.gather(
            *(seconds_until_closed(held, 0.5) for held in flood if not held.cut)
        ) if seconds is not None
    )
    for held in flood:
        held.close()
    await asyncio.sleep(2)
    peaks.stop()
    return {
        "big_posts": count,
        "big_posts_refused": refused,
        "big_sent_mb": round(sum(held.sent for held in flood) / MIB),
        "rss_before_mb": round(before),
        "rss_peak_mb": round(peaks.rss),
        "rss_after_mb": round(rss_mb(pid)),
    }


async def slow_connections(replica, pid: int, count: int) -> dict[str, float | int | None]:
    """`count` connections that send half a request line and wait; how long they last."""
    path = urlsplit(replica.url).path
    before = open_fds(pid)
    peaks = Peaks(pid)
    slow = [await slow_head(HOST, replica.port, path) for _ in range(count)]
    lasted = await asyncio.gather(*(seconds_until_closed(held, 70) for held in slow))
    for held in slow:
        held.close()
    await asyncio.sleep(1)
    peaks.stop()
    still_open = sum(1 for seconds in lasted if seconds is None)
    return {
        "slow_connections": count,
        "slow_still_open_after_70s": still_open,
        "slow_all_closed_after_s": None if still_open else round(max(lasted), 1),
        "fds_before": before,
        "fds_peak": peaks.fds,
        "fds_after": open_fds(pid),
    }


async def replay(quick: bool) -> dict[str, object]:
    with quote_database(ROOT / "db" / "quotes.db" if (ROOT / "db" / "quotes.db").exists()
                        else None) as quotes_db:
        async with FakeBotAPI.running() as api:
            folder = Path(tempfile.mkdtemp(prefix="fault-webhook-flood-"))
            replica = await start_webhook_bot(bot_env(api, quotes_db, folder, LOG_LEVEL="WARNING"))
            pid = replica.process.pid
            users = GenuineUsers(api, replica)
            try:
                await users.warm_up()
                async with users.writing():
                    report: dict[str, object] = {"fault": "webhook flood by strangers"}
                    report |= await big_posts(replica, pid, 30 if quick else 300)
                    report |= await slow_connections(replica, pid, 100 if quick else 1500)
                outcome = await users.outcome()
            finally:
                await replica.stop()
            report |= outcome
            report["tracebacks"] = replica.log.count("Traceback")
            return report


def run(quick: bool = False) -> dict:
    """The fault replayed (`quick`: 30 big posts and 100 slow connections); its figures."""
    return asyncio.run(replay(quick))


if __name__ == "__main__":
    command_line(run, __doc__)
