"""Searching under a flood of long queries (issue 20, item 6), replayed against a real
`quotebot run` (long polling) and the Bot API stand-in.

40 people each send, all at once, 8 inline queries of 256 characters and 8 `/similar` of
300 characters (Chinese and Latin mixed, different every time); meanwhile a bystander
writes an ordinary message every 0.25 s from a chat of their own. Telegram's overall
budget of 30 messages a second is lifted for the loopback stand-in (`QUOTEBOT_SEND_PER_SECOND`),
so what is measured is the searching, not the sending: 320 answers at 30 a second take
11 s whatever the bot does (sharing the budget fairly is items 2 and 4).

Reported: what the bystander waited, the CPU the bot spent, whether any `/similar` went
unanswered or was answered twice (one held back by flood control gets the notice saying
when to send it again, which counts as its answer), how many inline answers were sent
for the 320 inline queries typed, and the longest any `/similar` waited.

    .venv/bin/python bench/faults/slow_search.py [--quick]
"""

from __future__ import annotations

import asyncio
import random
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import quote_database  # noqa: E402
from bench.faults import command_line  # noqa: E402
from bench.faults._polling import QUOTES_DB, Bystanders, PollingBot  # noqa: E402
from tests.fake_bot_api import FakeBotAPI  # noqa: E402

FIRST_USER = 500_000
HAN = [chr(code) for code in range(0x4E00, 0x9FA5)]


def hostile_text(rng: random.Random, length: int) -> str:
    """`length` characters of Chinese and Latin words, as no question ever reads."""
    parts: list[str] = []
    while sum(map(len, parts)) < length:
        if rng.random() < 0.5:
            parts.append("".join(rng.choice(HAN) for _ in range(rng.randint(2, 12))))
        else:
            parts.append("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9))))
    return " ".join(parts)[:length]


async def replay(quick: bool) -> dict[str, object]:
    users, each = (8, 4) if quick else (40, 8)
    rng = random.Random(20)
    with quote_database(QUOTES_DB if QUOTES_DB.exists() else None) as quotes_db:
        async with FakeBotAPI.running() as api:
            folder = Path(tempfile.mkdtemp(prefix="fault-slow-search-"))
            bot = await PollingBot.start(api, quotes_db, folder,
                                         QUOTEBOT_SEND_PER_SECOND="100000")
            bystanders = Bystanders(api)
            try:
                api.private_text(FIRST_USER - 1, "alignment")  # one answer before the flood
                await api.wait_sent(FIRST_USER - 1)
                cpu_before = bot.cpu_seconds()
                bystanders.start()
                await asyncio.sleep(1.0)
                started = time.monotonic()
                people = [FIRST_USER + n for n in range(users)]
                asked: dict[int, list[float]] = {user: [] for user in people}
                for _ in range(each):
                    for user in people:
                        api.inline_query(user, hostile_text(rng, 256))
                        api.private_text(user, "/similar " + hostile_text(rng, 300))
                        asked[user].append(time.monotonic())
                await api.wait_for(
                    lambda: all(len(api.sent(user)) >= each for user in people),
                    timeout=600, what="every /similar answered",
                )
                flood_s = time.monotonic() - started
                cpu = bot.cpu_seconds() - cpu_before
                await asyncio.sleep(2.0)  # people go on writing; copies would show now
                await bystanders.stop()
            finally:
                await bot.stop()
            answers = {user: api.sent(user) for user in people}
            last_wait = max(
                answers[user][min(len(answers[user]), each) - 1].at - asked[user][-1]
                for user in people
            )
            return {
                "fault": f"long searches from {users} people at once",
                "lost": sum(max(0, each - len(sent)) for sent in answers.values()),
                "repeated": sum(max(0, len(sent) - each) for sent in answers.values()),
                **bystanders.outcome(),
                "bot_cpu_s": round(cpu, 2),
                "flood_answered_in_s": round(flood_s, 2),
                "slowest_similar_after_its_last_s": round(last_wait, 2),
                "inline_queries": users * each,
                "inline_answers": len(api.called("answerInlineQuery")),
                "similar_commands": users * each,
                "held_back_notices": sum(
                    "faster than" in call.text
                    for sent in answers.values() for call in sent
                ),
                "tracebacks": bot.log.count("Traceback"),
            }


def run(quick: bool = False) -> dict:
    """The fault replayed (`quick`: 8 people, 4 of each); its figures."""
    return asyncio.run(replay(quick))


if __name__ == "__main__":
    command_line(run, __doc__)
