"""Three webhook replicas on one PostgreSQL: one killed halfway, every update answered once.

Real processes and servers throughout: PostgreSQL on loopback (tests/pg.py), three
`quotebot run` processes in webhook mode, the Bot API stand-in, and a webhook sender
that behaves like Telegram's (tests/webhook_sender.py).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter

import psycopg

from tests.replicas import SECRET, replica_env, start_replicas
from tests.webhook_sender import WebhookSender

UPDATES = 1000
CHATS = 200
ARRIVALS_PER_SECOND = 60  # faster than the send budget, so the shared budget binds
BUDGET = 30  # Telegram's overall limit, messages a second
KILL_WINDOW = 1.0  # seconds before the kill in which a sent answer may not be recorded yet
QUERIES = ["印刷机", "开源", "alignment", "人工智能的风险", "芯片", "AGI", "教育", "hello there"]


def group_updates(api) -> list[dict]:
    """`UPDATES` group messages addressed to the bot, from `CHATS` groups in turn."""
    updates = []
    for n in range(UPDATES):
        chat, user = -1_000_000 - n % CHATS, 50_000 + n % CHATS
        text = f"@QuoteTestBot {QUERIES[n % len(QUERIES)]}"
        message = api.message(chat, text, user, kind="supergroup")
        updates.append({"update_id": 900_000 + n, "message": message})
    return updates


def busiest(times: list[float], seconds: float = 1.0) -> int:
    """The most sends in any window of `seconds`."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


async def test_three_replicas_answer_each_update_once_when_one_is_killed(
    api, quotes_db, pg_url, tmp_path
):
    replicas = await start_replicas(3, replica_env(api, quotes_db, pg_url, tmp_path))
    sender = WebhookSender([replica.url for replica in replicas], SECRET)
    updates = group_updates(api)
    try:
        started = killed_at = time.monotonic()
        deliveries = []
        for n, update in enumerate(updates):
            if n == UPDATES // 2:
                replicas[0].kill()  # halfway, with updates of its own still unanswered
                killed_at = time.monotonic()
            deliveries.append(asyncio.create_task(sender.deliver(update)))
            await asyncio.sleep(max(0.0, started + (n + 1) / ARRIVALS_PER_SECOND - time.monotonic()))
        done = await asyncio.gather(*deliveries)
        assert all(delivery.accepted_by for delivery in done)
        await api.wait_for(lambda: len(api.sent()) >= UPDATES, timeout=120, what="every answer")
        await asyncio.sleep(3)  # anything answered twice would arrive by now
    finally:
        await sender.close()
        await asyncio.gather(*(replica.stop() for replica in replicas))
    sent = api.sent()
    answered = Counter(call.reply_to for call in sent)
    asked = {update["message"]["message_id"] for update in updates}
    assert set(answered) == asked, f"unanswered: {len(asked - set(answered))}"
    twice = {
        m: [round(call.at - killed_at, 2) for call in sent if call.reply_to == m]
        for m, times in answered.items()
        if times > 1
    }
    # Seconds after the kill of each answer, to tell a retried post from an adopted update.
    # Exactly once, except an answer the killed replica got to Telegram in the moment before
    # the kill, before it could record it done (no Bot API call can be made idempotent):
    # its update is adopted and answered again. On these 2 loaded cores that moment has been
    # up to 0.63 s under a full test run; any other repeat fails.
    print(f"answered twice after the kill (seconds from the kill): {twice}")
    # (The first copy may be logged a moment after the kill: it was in flight.)
    unexplained = {
        m: at for m, at in twice.items() if not (len(at) == 2 and -KILL_WINDOW <= at[0] <= 0.1 < 1 < at[1])
    }
    assert unexplained == {}, f"answered more than once: {unexplained}"
    assert len(twice) <= 3, f"answered more than once: {twice}"
    # Three replicas each limited on their own would send about 60 a second here (the
    # arrival rate; 3 x 30 at most). The shared bucket holds the bot to 30 a second over any
    # five; within one second, sends that took their tokens on time can still arrive
    # bunched on a loaded machine (42 seen in a full run), so that bound is looser.
    times = [call.at for call in sent]
    assert busiest(times, 5.0) <= 5 * BUDGET, f"{busiest(times, 5.0)} sends in 5 s"
    assert busiest(times) <= BUDGET * 1.5, f"{busiest(times)} sends in one second"
    with psycopg.connect(pg_url) as conn:
        [(open_updates,)] = conn.execute("SELECT count(*) FROM updates WHERE done_at IS NULL")
    assert open_updates == 0
    for replica in replicas[1:]:
        assert "Traceback" not in replica.log, replica.log[-3000:]
    adopted = sum(
        int(count)
        for replica in replicas[1:]
        for count in re.findall(r"resuming (\d+) update", replica.log)
    )
    elapsed = max(call.at for call in sent) - started
    print(f"\n{UPDATES} updates, 3 replicas, one killed: answered in {elapsed:.1f}s, "
          f"busiest second {busiest(times)}, busiest 5 s {busiest(times, 5.0)}, "
          f"adopted {adopted}")
