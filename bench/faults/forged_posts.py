"""Forged posts that carry the webhook secret (issue 20, item 8), replayed against a real
`quotebot run` in webhook mode and the Bot API stand-in; and /metrics asked by a stranger.

Each forgery of tests/hostile_http.py (nesting 100,000 deep, a reply chain 600 deep, a
date of 1e20, 10**15 or NaN, update ids of 2**63, 2**64, -1, true and 5.0, chat and user
ids of 10**23) is posted 10 times (once with --quick), while people write to the bot in
private, one message every 0.25 s. Reported: the answers the forgeries got (every one
should be 400, never 500 or 503, which Telegram retries), whether any was answered in a
chat, whether /metrics answers on the webhook port, and what the people waited.

    .venv/bin/python bench/faults/forged_posts.py [--quick]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import quote_database  # noqa: E402
from bench.faults import command_line  # noqa: E402
from tests.fake_bot_api import FakeBotAPI  # noqa: E402
from tests.hostile_http import (  # noqa: E402
    FORGED_CHATS,
    SECRET_HEADER,
    GenuineUsers,
    forged_bodies,
    start_webhook_bot,
)
from tests.replicas import SECRET  # noqa: E402
from tests.test_bot_run import bot_env  # noqa: E402


async def forge(replica, rounds: int) -> tuple[Counter[int], dict[str, list[int]]]:
    """Post every forgery `rounds` times; the count of each HTTP status, and the statuses
    other than 400 each forgery got."""
    statuses: Counter[int] = Counter()
    wrong: dict[str, set[int]] = {}
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(rounds):
            for name, body in forged_bodies().items():
                status = (await client.post(replica.url, content=body, headers=headers)).status_code
                statuses[status] += 1
                if status != 400:
                    wrong.setdefault(name, set()).add(status)
    return statuses, {name: sorted(codes) for name, codes in wrong.items()}


async def replay(quick: bool) -> dict[str, object]:
    with quote_database(ROOT / "db" / "quotes.db" if (ROOT / "db" / "quotes.db").exists()
                        else None) as quotes_db:
        async with FakeBotAPI.running() as api:
            folder = Path(tempfile.mkdtemp(prefix="fault-forged-posts-"))
            replica = await start_webhook_bot(bot_env(api, quotes_db, folder, LOG_LEVEL="WARNING"))
            users = GenuineUsers(api, replica)
            try:
                await users.warm_up()
                async with users.writing():
                    statuses, wrong = await forge(replica, 1 if quick else 10)
                    async with httpx.AsyncClient(timeout=30) as client:
                        metrics = (await client.get(replica.base + "/metrics")).status_code
                    await asyncio.sleep(3)  # people keep writing a little after the forgeries
                outcome = await users.outcome()
            finally:
                await replica.stop()
            return {
                "fault": "forged posts with the secret",
                **outcome,
                "forged_posts": sum(statuses.values()),
                "answered_400": statuses[400],
                "answered_5xx": sum(n for status, n in statuses.items() if status >= 500),
                "not_400": wrong,
                "forgeries_answered_in_a_chat": sum(len(api.sent(chat)) for chat in FORGED_CHATS),
                "metrics_on_webhook_port": metrics,
                "tracebacks": replica.log.count("Traceback"),
            }


def run(quick: bool = False) -> dict:
    """The fault replayed (`quick`: each forgery once); its figures."""
    return asyncio.run(replay(quick))


if __name__ == "__main__":
    command_line(run, __doc__)
