"""Three webhook replicas on one PostgreSQL: an admin publishes at one, all three answer from it.

Real processes and servers: PostgreSQL on loopback, three `quotebot run` processes in
webhook mode each with its own quote database (as containers have), the Bot API stand-in.
"""

from __future__ import annotations

import asyncio
import shutil
import time

from tests.conftest import ROOT, SEEDS
from tests.replicas import SECRET, Replica, replica_env
from tests.webhook_sender import WebhookSender

ADMIN = 601
POLL_SECONDS = 1
# From the publish, a replica answers from the new document within this long: its poll,
# then its own build (an added document: a few seconds on this machine, under load more).
WITHIN_SECONDS = 60
NOTE = ROOT / "tests" / "data" / "wild" / "altman-notes.md"


async def test_a_publish_at_one_replica_reaches_every_replica(api, quotes_db, pg_url, tmp_path):
    env = replica_env(api, quotes_db, pg_url, tmp_path, QUOTEBOT_ADMINS=str(ADMIN), QUOTEBOT_SEEDS=str(SEEDS),
                      QUOTEBOT_CORPUS_POLL_SECONDS=str(POLL_SECONDS))
    replicas = []
    for n in range(3):
        db = tmp_path / f"replica{n}" / "quotes.db"
        db.parent.mkdir()
        shutil.copy(quotes_db, db)
        replicas.append(Replica({**env, "QUOTEBOT_DB": str(db)}))
    senders = [WebhookSender([replica.url], SECRET) for replica in replicas]
    try:
        for replica in replicas:
            await replica.start()
        await asyncio.gather(*(replica.wait_ready() for replica in replicas))
        await senders[0].deliver(api.pushed[api.private_document(ADMIN, "altman-notes.md", NOTE.read_bytes())])
        [draft] = await api.wait_sent(ADMIN)
        assert "Draft #1" in draft.text
        publish = next(b for b in draft.buttons if b["text"] == "Publish")
        await senders[0].deliver(api.pushed[api.press(api.bot_message(draft), publish["callback_data"], ADMIN)])
        await api.wait_for(lambda: any("Published altman-notes.md" in c.text for c in api.sent(ADMIN)),
                           timeout=120, what="the publish")
        published_at = time.monotonic()
        reached = await asyncio.gather(*(answers_from_new_document(api, sender, n) for n, sender in enumerate(senders)))
    finally:
        await asyncio.gather(*(sender.close() for sender in senders))
        await asyncio.gather(*(replica.stop() for replica in replicas))
    delays = [round(at - published_at, 1) for at in reached]
    print(f"seconds from the publish until each replica answered from the new document: {delays}")
    assert all(delay <= WITHIN_SECONDS for delay in delays), delays
    for replica in replicas:
        assert "Traceback" not in replica.log, replica.log[-3000:]


async def answers_from_new_document(api, sender: WebhookSender, replica: int) -> float:
    """Ask one replica until its answer comes from the published note; when it did."""
    deadline = time.monotonic() + WITHIN_SECONDS + 30
    for attempt in range(10_000):
        reader = 70_000 + replica * 1000 + attempt
        await sender.deliver(api.pushed[api.private_text(reader, "算力会成为未来的货币")])
        [answer] = await api.wait_sent(reader)
        if "Big Technology Podcast" in answer.text:
            return answer.at
        if time.monotonic() > deadline:
            raise AssertionError(f"replica {replica} never answered from the new document: {answer.text[:200]}")
        await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


async def test_sigkill_during_the_publish_build_keeps_the_draft_and_the_old_corpus(api, quotes_db, tmp_path):
    """Killed mid-build: the old database is whole and served, the draft is stored; the
    restarted process resumes the admin's unfinished press (crash-safe receiving) and
    publishes it, once."""
    from bot.quotedb import QuoteDB
    from bot.state.corpus import SQLiteCorpusStore

    db = tmp_path / "quotes.db"
    shutil.copy(quotes_db, db)
    seeds = {p.name for p in SEEDS.glob("*.txt")}
    env = {
        "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url, "QUOTEBOT_DB": str(db),
        "QUOTEBOT_STATE_DB": str(tmp_path / "state.db"), "QUOTEBOT_HEARTBEAT": str(tmp_path / "heartbeat"),
        "QUOTEBOT_ADMINS": str(ADMIN), "QUOTEBOT_SEEDS": str(SEEDS), "QUOTEBOT_STATE_URL": "",
    }
    replica = await Replica(env).start()
    sender = WebhookSender([replica.url], SECRET)
    try:
        await replica.wait_ready()
        # Long enough that its build (extracting and embedding every sentence) takes seconds.
        talk = "\n\n".join(f"Sam Altman: 第{n}个观点:人工智能的第{n}种用途会改变第{n % 17}个行业。" for n in range(6000))
        await sender.deliver(api.pushed[api.private_document(ADMIN, "long-talk.txt", talk.encode())])
        [draft] = await api.wait_sent(ADMIN)
        publish = next(b for b in draft.buttons if b["text"] == "Publish")
        await sender.deliver(api.pushed[api.press(api.bot_message(draft), publish["callback_data"], ADMIN)])
        await api.wait_for(lambda: any("Publishing" in c.text for c in api.sent(ADMIN)), what="the build")
        replica.kill()  # mid-build
        await replica.stop()
        assert not any("Published" in c.text for c in api.sent(ADMIN)), "killed too late to test anything"
        store = SQLiteCorpusStore(tmp_path / "state.db")
        assert store.get(1).status == "draft" and store.published() == []
        assert {s.source.file for s in QuoteDB(db).sources()} == seeds  # the old corpus, whole
        again = await Replica(env).start()
        try:
            await again.wait_ready()
            await api.wait_for(lambda: any("Published long-talk.txt" in c.text for c in api.sent(ADMIN)),
                               timeout=120, what="the resumed publish")
            await asyncio.sleep(2 * POLL_SECONDS + 1)
        finally:
            await again.stop()
    finally:
        await sender.close()
        await replica.stop()
    assert sum("Published long-talk.txt" in c.text for c in api.sent(ADMIN)) == 1
    assert [f.name for f in store.published()] == ["long-talk.txt"]
    assert [e.action for e in store.log()].count("publish") == 1
    assert {s.source.file for s in QuoteDB(db).sources()} == seeds | {"long-talk.txt"}
