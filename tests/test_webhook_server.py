"""The webhook server of a replica: /healthz, /metrics, registration by one process only,
duplicate posts, and malformed posts."""

from __future__ import annotations

import asyncio
import os
import sys

import httpx
import psycopg

from tests.replicas import ROOT, SECRET, Replica, replica_env

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
METRICS_TOKEN = "metrics-Token_1"
METRICS_AUTH = {"Authorization": f"Bearer {METRICS_TOKEN}"}


async def test_replica_serves_health_and_metrics_and_answers_a_duplicate_once(
    api, quotes_db, postgres, tmp_path
):
    url = postgres.new_database()
    env = replica_env(api, quotes_db, url, tmp_path, QUOTEBOT_METRICS_TOKEN=METRICS_TOKEN)
    replica = await Replica(env).start()
    try:
        await replica.wait_ready()
        assert api.called("setWebhook") == []  # QUOTEBOT_SET_WEBHOOK=false: left to one process
        assert (tmp_path / "heartbeat").exists()  # `quotebot health` works in webhook mode
        update = {"update_id": 5, "message": api.message(31, "印刷机", 31, kind="private")}
        async with httpx.AsyncClient() as client:
            health = await client.get(replica.base + "/healthz")
            assert health.status_code == 200 and health.json() == {"quotes": True, "state": True}
            for _ in range(3):  # delivered three times: answered once
                assert (await client.post(replica.url, json=update, headers=HEADERS)).status_code == 200
            await api.wait_sent(31)
            bad = await client.post(replica.url, content=b"{not json", headers=HEADERS)
            assert bad.status_code == 400
            forged = await client.post(replica.url, json=update, headers={})
            assert forged.status_code == 403
            # With the secret, but nothing PostgreSQL could record: refused, not retried.
            for payload in (
                {"update_id": 6, "message": api.message(31, "a\x00b", 31, kind="private")},
                {"update_id": 2**63, "message": api.message(31, "印刷机", 31, kind="private")},
            ):
                assert (await client.post(replica.url, json=payload, headers=HEADERS)).status_code == 400
            await asyncio.sleep(0.5)
            assert (await client.get(replica.base + "/metrics")).status_code == 401
            metrics = (await client.get(replica.base + "/metrics", headers=METRICS_AUTH)).text
            assert "quotebot_updates_received_total 1.0" in metrics
            assert "quotebot_updates_duplicate_total 2.0" in metrics
            assert "quotebot_updates_answered_total 1.0" in metrics
            assert 'quotebot_queries_total{result="match"} 1.0' in metrics
            assert "quotebot_answer_seconds_count 1.0" in metrics
            # The state server goes away: the replica says it is not ready.
            with psycopg.connect(postgres.url(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
            health = await client.get(replica.base + "/healthz")
            assert health.status_code == 503 and health.json()["state"] is False
    finally:
        await replica.stop()
    assert len(api.sent(31)) == 1
    assert "Traceback" not in replica.log, replica.log


async def test_webhook_set_registers_once(api, tmp_path):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "WEBHOOK_URL": "https://bot.example.org/telegram/hook",
        "WEBHOOK_SECRET": SECRET,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "webhook", "set", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert out.decode().strip() == "webhook set: https://bot.example.org/telegram/hook"
    [call] = api.called("setWebhook")
    assert call.params["url"] == env["WEBHOOK_URL"] and call.params["secret_token"] == SECRET
    assert "message" in call.params["allowed_updates"]


async def test_without_a_shared_secret_replicas_and_webhook_set_refuse_to_start(
    api, quotes_db, tmp_path
):
    """A random secret works only for the process that gives it to setWebhook."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "WEBHOOK_URL": "https://bot.example.org/telegram/hook",
        "QUOTEBOT_SET_WEBHOOK": "false",
        "QUOTEBOT_DB": str(quotes_db),
        "QUOTEBOT_STATE_DB": str(tmp_path / "state.db"),
        "QUOTEBOT_HEARTBEAT": str(tmp_path / "heartbeat"),
    }
    env.pop("WEBHOOK_SECRET", None)
    for command in (("run",), ("webhook", "set")):
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *command, cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode != 0, command
        assert "WEBHOOK_SECRET is required" in err.decode() and "Traceback" not in err.decode()
    assert api.called("setWebhook") == []
