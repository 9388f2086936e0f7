"""Load: 1,000 updates from 200 chats through the real bot; every one answered exactly once.

Run with `pytest -s tests/test_bot_load.py` to see the throughput. The overall rate
limit is lifted for the loopback stand-in (Telegram itself would cap the bot at about
30 messages a second); everything else, including the limiter, is the production path.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from tests.fake_bot_api import fast_options, running_bot

CHATS = 200
PER_CHAT = 5
QUERIES = [
    "alignment", "对齐", "印刷机", "Ilya 意识", "开源", "明天天气怎么样", "how do I bake bread",
    "/random", "/random Sam Altman", "AGI 安全", "/speakers", "监管", "GPT-4",
]


async def test_thousand_updates_from_two_hundred_chats(api, quotes_db, tmp_path):
    options = fast_options(overall_per_second=100_000)
    async with running_bot(api, quotes_db, tmp_path / "state.db", options):
        chats = [10_000 + n for n in range(CHATS)]
        started = time.perf_counter()
        for round_ in range(PER_CHAT):
            for n, chat_id in enumerate(chats):
                api.private_text(chat_id, QUERIES[(n + round_) % len(QUERIES)])
        total = CHATS * PER_CHAT
        await api.wait_for(lambda: len(api.sent()) >= total, timeout=120, what="all answers")
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.2)  # let any duplicate show itself before counting
        per_chat = Counter(call.chat_id for call in api.sent())
    assert len(api.sent()) == total
    assert set(per_chat) == set(chats)
    assert set(per_chat.values()) == {PER_CHAT}
    print(f"\nload: {total} updates from {CHATS} chats answered in {elapsed:.2f}s "
          f"= {total / elapsed:.0f} updates/s (exactly one answer each)")
