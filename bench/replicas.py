"""Updates per second answered by 1, 2 and 3 webhook replicas sharing one PostgreSQL.

Everything is real and on this machine: PostgreSQL from Debian's package (tests/pg.py),
N `quotebot run` processes in webhook mode, the Bot API stand-in (tests/fake_bot_api.py)
and a Telegram-like webhook sender (tests/webhook_sender.py) posting as fast as 40
connections allow. Telegram's 30 messages a second would cap every run at 30, so the
send budget is lifted (QUOTEBOT_SEND_PER_SECOND) to measure the replicas themselves.
The rate is updates answered per second, from the first post to the last answer.

    python bench/replicas.py                    # 1, 2 and 3 replicas, 1 000 updates each
    python bench/replicas.py --replicas 1 3 --updates 300
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.index import build_from_paths  # noqa: E402
from tests.fake_bot_api import FakeBotAPI  # noqa: E402
from tests.pg import PostgresServer  # noqa: E402
from tests.replicas import SECRET, replica_env, start_replicas  # noqa: E402
from tests.test_cluster import group_updates  # noqa: E402
from tests.webhook_sender import WebhookSender  # noqa: E402


async def measure(count: int, updates: int, quotes_db: Path, server: PostgresServer) -> float:
    """Updates answered per second by `count` replicas."""
    async with FakeBotAPI.running() as api:
        folder = Path(tempfile.mkdtemp())
        env = replica_env(
            api, quotes_db, server.new_database(), folder, LOG_LEVEL="WARNING",
            QUOTEBOT_SEND_PER_SECOND="100000",
        )
        replicas = await start_replicas(count, env)
        sender = WebhookSender([replica.url for replica in replicas], SECRET)
        batch = group_updates(api)[:updates]
        try:
            started = time.monotonic()
            await asyncio.gather(*(sender.deliver(update) for update in batch))
            await api.wait_for(lambda: len(api.sent()) >= len(batch), 600, "every answer")
            elapsed = max(call.at for call in api.sent()) - started
        finally:
            await sender.close()
            for replica in replicas:
                await replica.stop()
        return len(batch) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--updates", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    quotes_db = folder / "quotes.db"
    build_from_paths([ROOT / "seeds"], ROOT / "seeds", quotes_db)
    server = PostgresServer().start()
    try:
        print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print("| Replicas | Updates | Answered per second |")
        print("|---:|---:|---:|")
        for count in args.replicas:
            rate = asyncio.run(measure(count, args.updates, quotes_db, server))
            print(f"| {count} | {args.updates} | {rate:.0f} |", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
