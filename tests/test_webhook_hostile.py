"""The webhook port against strangers and forgers (issue 20): a real `quotebot run` in
webhook mode, on SQLite, with the Bot API stand-in behind it.

Strangers (no secret) are refused before their body is read, so a flood of big posts
holds no memory; slow and idle connections are closed and capped, and Telegram's posts
still get in. Forged posts that carry the secret but are not updates Telegram could send
are answered 400, never 500 or 503. /metrics is not open to whoever reaches the port.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx

from tests.hostile_http import (
    SECRET_HEADER,
    big_post,
    closed_by_server,
    forged_bodies,
    genuine_post,
    open_fds,
    rss_mb,
    slow_head,
    start_webhook_bot,
    status_line,
)
from tests.pg import free_port
from tests.replicas import SECRET
from tests.test_bot_run import bot_env

HOST = "127.0.0.1"
MIB = 1 << 20
# What the README promises about the webhook port.
MAX_CONNECTIONS = 256
HEADER_TIMEOUT_SECONDS = 10


async def test_strangers_big_posts_are_refused_unread_and_hold_no_memory(api, quotes_db, tmp_path):
    replica = await start_webhook_bot(bot_env(api, quotes_db, tmp_path))
    pid, path = replica.process.pid, urlsplit(replica.url).path
    try:
        # One stranger declaring 60 MiB has its 403 before it sent a byte of the body.
        held = await big_post(HOST, replica.port, path, send=0, declared=60 * MIB)
        first = await status_line(held, 5)
        held.close()
        async with httpx.AsyncClient(timeout=30) as client:
            warm, _ = await genuine_post(client, replica, api, 900)  # search loaded: RSS settles
            before = rss_mb(pid)
            flood = await asyncio.gather(*(
                big_post(HOST, replica.port, path, send=int(1.1 * MIB), declared=60 * MIB)
                for _ in range(150)
            ))
            await asyncio.sleep(1)
            during = rss_mb(pid)
            status, seconds = await genuine_post(client, replica, api, 901)
            for held in flood:
                held.close()
            await asyncio.sleep(1)
            after = rss_mb(pid)
    finally:
        await replica.stop()
    assert first.startswith(b"HTTP/1.1 403"), first
    assert (warm, status) == (200, 200) and seconds < 5, seconds
    figures = f"RSS {before:.0f} MB before, {during:.0f} during, {after:.0f} after"
    assert during - before < 50, figures
    assert after - before < 50, figures
    assert len(api.sent(901)) == 1
    assert "Traceback" not in replica.log, replica.log


async def test_slow_and_idle_connections_are_capped_and_closed(api, quotes_db, tmp_path):
    replica = await start_webhook_bot(bot_env(api, quotes_db, tmp_path))
    pid, path = replica.process.pid, urlsplit(replica.url).path
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            await genuine_post(client, replica, api, 910)  # the bot's own connections opened
            fds = open_fds(pid)
            slow = [await slow_head(HOST, replica.port, path) for _ in range(MAX_CONNECTIONS + 44)]
            await asyncio.sleep(0.5)
            held_fds = open_fds(pid)
            # Telegram still gets in: a new connection takes the place of a slow one.
            status, seconds = await genuine_post(client, replica, api, 911)
            closed = await asyncio.gather(
                *(closed_by_server(held, HEADER_TIMEOUT_SECONDS + 10) for held in slow)
            )
            later_fds = open_fds(pid)
            for held in slow:
                held.close()
    finally:
        await replica.stop()
    assert held_fds <= fds + MAX_CONNECTIONS + 2, (fds, held_fds)
    assert status == 200 and seconds < 5, (status, seconds)
    assert all(closed), f"{closed.count(False)} slow connections still open"
    assert later_fds <= fds + 5, (fds, later_fds)
    assert "Traceback" not in replica.log, replica.log


async def test_forged_posts_with_the_secret_get_400_and_metrics_are_closed(api, quotes_db, tmp_path):
    replica = await start_webhook_bot(bot_env(api, quotes_db, tmp_path))
    answers = {}
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
            for name, body in forged_bodies().items():
                answers[name] = (await client.post(replica.url, content=body, headers=headers)).status_code
            status, _ = await genuine_post(client, replica, api, 921)
            metrics = await client.get(replica.base + "/metrics")
            await asyncio.sleep(0.5)
    finally:
        await replica.stop()
    assert {name: code for name, code in answers.items() if code != 400} == {}
    assert status == 200
    assert [call.chat_id for call in api.sent()] == [921]  # no forgery was answered
    assert metrics.status_code == 404  # neither QUOTEBOT_METRICS_TOKEN nor _LISTEN is set
    assert "Traceback" not in replica.log, replica.log


async def test_metrics_on_their_own_address_behind_a_token(api, quotes_db, tmp_path):
    port = free_port()
    env = bot_env(api, quotes_db, tmp_path, QUOTEBOT_METRICS_LISTEN=f"{HOST}:{port}",
                  QUOTEBOT_METRICS_TOKEN="metrics-Token_7")
    replica = await start_webhook_bot(env)
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            await genuine_post(client, replica, api, 930)
            on_webhook_port = await client.get(replica.base + "/metrics")
            url = f"http://{HOST}:{port}/metrics"
            bare = await client.get(url)
            wrong = await client.get(url, headers={"Authorization": "Bearer metrics-Token_8"})
            right = await client.get(url, headers={"Authorization": "Bearer metrics-Token_7"})
    finally:
        await replica.stop()
    assert on_webhook_port.status_code == 404
    assert (bare.status_code, wrong.status_code) == (401, 401)
    assert right.status_code == 200 and "quotebot_updates_received_total 1.0" in right.text
    assert "metrics-Token_7" not in replica.log
