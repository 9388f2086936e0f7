"""What the fault replays of a polling bot share: a real `quotebot run` against the Bot API
stand-in, people writing to it meanwhile, and what its process spent.

Not a fault itself (no `run`): `slow_telegram.py` and `slow_search.py` use it.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import FakeBotAPI  # noqa: E402
from tests.test_bot_run import bot_env, start_bot  # noqa: E402

QUOTES_DB = ROOT / "db" / "quotes.db"


class PollingBot:
    """`quotebot run` (long polling) pointed at the stand-in; its log kept as it is written."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.log = ""
        self._reading = asyncio.create_task(self._read_log())

    @classmethod
    async def start(cls, api: FakeBotAPI, quotes_db: Path, folder: Path, **env: str) -> PollingBot:
        """Start the process and wait until it is polling (its commands registered)."""
        process = await start_bot(bot_env(api, quotes_db, folder, LOG_LEVEL="WARNING", **env))
        bot = cls(process)
        await api.wait_for(lambda: api.called("setMyCommands"), timeout=120, what="start-up")
        return bot

    async def _read_log(self) -> None:
        # Read as it comes, so a full pipe never blocks the bot.
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.log += line.decode(errors="replace")

    def cpu_seconds(self) -> float:
        """User and system CPU time the bot's process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        self.process.terminate()
        await asyncio.wait_for(self.process.wait(), 60)
        await self._reading


class Bystanders:
    """People who have nothing to do with the fault: one writes a message every
    `every` seconds from a chat of their own; `outcome` tells how long each waited."""

    def __init__(self, api: FakeBotAPI, first_chat: int = 990_000, every: float = 0.25) -> None:
        self.api = api
        self.every = every
        self.asked: dict[int, float] = {}  # chat -> when they wrote (the stand-in's clock)
        self._next = first_chat
        self._task: asyncio.Task[None] | None = None

    async def _write(self) -> None:
        while True:
            chat = self._next
            self._next += 1
            self.asked[chat] = time.monotonic()
            self.api.private_text(chat, "alignment")
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self._task = asyncio.create_task(self._write())

    async def stop(self, settle: float = 15.0) -> None:
        """Stop writing; give the last ones `settle` seconds to be answered."""
        if self._task is not None:
            self._task.cancel()
        answered = lambda: all(self.api.sent(chat) for chat in self.asked)  # noqa: E731
        deadline = time.monotonic() + settle
        while not answered() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    def outcome(self) -> dict[str, float | int]:
        """How many wrote, how many got no answer or more than one, and their waits."""
        waits = []
        lost = repeated = 0
        for chat, asked in self.asked.items():
            answers = self.api.sent(chat)
            lost += not answers
            repeated += max(0, len(answers) - 1)
            if answers:
                waits.append(answers[0].at - asked)
        return {
            "unaffected_wrote": len(self.asked),
            "unaffected_lost": lost,
            "unaffected_repeated": repeated,
            "slowest_unaffected_s": round(max(waits, default=0.0), 2),
            "median_unaffected_s": round(statistics.median(waits), 2) if waits else 0.0,
        }
