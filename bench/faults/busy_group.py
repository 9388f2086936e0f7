"""Fault replay: one busy group (issue 20, item 2), against the real bot and the Bot API stand-in.

12 members send 8 /quote each at once (each within their own allowance; 96 answers,
Telegram allows the group 20 a minute), while five people write in private every half second.
The full run then keeps 3 members writing every 3.1 s for three minutes, far over the
group's budget. Printed: how long the slowest private answer took, and what became of
the group's messages: answered, left pending for the next start, or dropped on purpose.

    .venv/bin/python bench/faults/busy_group.py [--quick]
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

GROUP = -1_002_000
MEMBERS = [3000 + n for n in range(12)]
PEOPLE = 5  # write in private every half second, each time new ones (one person's flood limit is 8)
WAIT_SECONDS = 60.0  # for the last private answer, before it is reported as this long


def run(quick: bool = False) -> dict:
    """Replay the fault; the figures as a dict (see the module docstring)."""
    existing = ROOT / "db" / "quotes.db"
    with quote_database(existing if existing.exists() else None) as quotes_db:
        return asyncio.run(_replay(quotes_db, quick))


async def _replay(quotes_db: Path, quick: bool) -> dict:
    from bot.state import SQLiteStateStore
    from tests.fake_bot_api import FakeBotAPI, running_bot

    sustained = 0.0 if quick else 180.0
    with tempfile.TemporaryDirectory() as scratch:
        state = Path(scratch) / "state.db"
        async with FakeBotAPI.running() as api:
            asked: dict[int, float] = {}  # private update id -> when it was sent
            async with running_bot(api, quotes_db, state):
                for n in range(8):
                    for member in MEMBERS:
                        api.group_text(GROUP, member, f"/quote alignment {n}")
                started = time.monotonic()
                next_group = started
                while time.monotonic() - started < max(4.0, sustained):
                    for _ in range(PEOPLE):
                        asked[api.private_text(2600 + len(asked), "alignment")] = time.monotonic()
                    if sustained and time.monotonic() >= next_group:
                        for member in MEMBERS[:3]:
                            api.group_text(GROUP, member, "/quote open source")
                        next_group += 3.1
                    await asyncio.sleep(0.5)
                try:
                    await api.wait_for(
                        lambda: len(api.sent()) - len(api.sent(GROUP)) >= len(asked),
                        WAIT_SECONDS, "every private answer",
                    )
                except AssertionError:
                    pass  # reported: the unanswered ones count as waiting WAIT_SECONDS
                seconds = _private_waits(api, asked)
            store = SQLiteStateStore(state)
            pending = {record.update_id for record in store.pending_updates()}
            store.close()
        group_updates = [u for u, p in api.pushed.items() if _chat(p) == GROUP]
        answered = Counter(call.reply_to for call in api.sent(GROUP))
        unanswered = len(group_updates) - len(answered) - len(pending & set(group_updates))
    # Answered at all (late ones too, while the bot stopped), or left for the next start.
    private_answered = len(_private_waits(api, asked))
    private_pending = len(pending & set(asked))
    return {
        "fault": "one busy group: 96 /quote at once" + ("" if quick else ", then 3 every 3.1 s"),
        "lost": unanswered + len(asked) - private_answered - private_pending,
        "repeated": sum(n - 1 for n in answered.values()) + _private_repeats(api),
        "slowest_unaffected_s": round(max(seconds, default=0) if len(seconds) == len(asked)
                                      else WAIT_SECONDS, 3),
        "median_unaffected_s": round(statistics.median(seconds or [WAIT_SECONDS]), 3),
        "private_messages": len(asked),
        "private_answered_in_time": len(seconds),
        "group_messages": len(group_updates),
        "group_answered": len(answered),
        "group_left_for_next_start": len(pending & set(group_updates)),
        "group_dropped_over_budget": unanswered,
    }


def _chat(payload: dict) -> int | None:
    message = payload.get("message") or {}
    return (message.get("chat") or {}).get("id")


def _private_waits(api, asked: dict[int, float]) -> list[float]:
    """Seconds from each private message to its answer (one message per person)."""
    answered = {call.chat_id: call.at for call in reversed(api.sent())}  # the first answer
    chats = {update: _chat(api.pushed[update]) for update in asked}
    return [answered[chats[u]] - at for u, at in asked.items() if chats[u] in answered]


def _private_repeats(api) -> int:
    counts = Counter(call.chat_id for call in api.sent() if call.chat_id != GROUP)
    return sum(n - 1 for n in counts.values())


if __name__ == "__main__":
    command_line(run, __doc__, "the small version (seconds)")
