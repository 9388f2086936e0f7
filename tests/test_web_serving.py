"""Where the web is served: beside the webhook on the same port (QUOTEBOT_WEB), with
its per-client limits shared by every replica on PostgreSQL; alone (`quotebot web`),
with /healthz and /metrics; and beside long polling."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import httpx

from bot.throttle import Throttle
from bot.web.http import client_address
from bot.web.site import client_key, trusted_networks
from tests.pg import free_port
from tests.replicas import ROOT, Replica, replica_env
from tests.web import running_web


async def test_replicas_serve_the_web_and_share_each_clients_limit(api, quotes_db, postgres, tmp_path):
    env = replica_env(api, quotes_db, postgres.new_database(), tmp_path,
                      QUOTEBOT_WEB="1", QUOTEBOT_WEB_PER_MINUTE="6", QUOTEBOT_METRICS_TOKEN="m-token")
    replicas = [Replica(env), Replica(env)]
    try:
        await asyncio.gather(*(r.start() for r in replicas))
        await asyncio.gather(*(r.wait_ready() for r in replicas))
        async with httpx.AsyncClient(timeout=30) as client:
            answers = []
            for turn in range(70):  # the burst (60) spread over both replicas, then more
                replica = replicas[turn % 2]
                answers.append(await client.get(replica.base + "/api/v1/speakers"))
            statuses = [a.status_code for a in answers]
            assert statuses[:60] == [200] * 60 and set(statuses[60:]) == {429}
            refused = answers[-1]
            assert int(refused.headers["retry-after"]) >= 1
            assert refused.headers["content-type"] == "application/problem+json"
            # The webhook and its health check are untouched by the web's limits.
            assert (await client.get(replicas[0].base + "/healthz")).status_code == 200
            page = await client.get(replicas[1].base + "/q/1")
            assert page.status_code == 429
            metrics = (await client.get(replicas[0].base + "/metrics",
                                        headers={"Authorization": "Bearer m-token"})).text
            assert 'quotebot_web_requests_total{route="api_speakers",status="200"}' in metrics
            assert 'quotebot_web_requests_total{route="api_speakers",status="429"}' in metrics
            assert "quotebot_web_request_seconds_bucket" in metrics
    finally:
        await asyncio.gather(*(r.stop() for r in replicas))


def test_quotebot_web_serves_alone_with_health_and_metrics(quotes_db, tmp_path):
    port = free_port()
    env = {**os.environ, "QUOTEBOT_DB": str(quotes_db), "QUOTEBOT_STATE_DB": str(tmp_path / "state.db"),
           "QUOTEBOT_METRICS_TOKEN": "m-token", "QUOTEBOT_WEB_LISTEN": "127.0.0.1",
           "TELEGRAM_BOT_TOKEN": ""}
    process = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)],
                               cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        health = wait_for(base + "/healthz", process)
        assert health.json() == {"quotes": True, "state": True}
        found = httpx.get(base + "/api/v1/search", params={"q": "开源"}).json()
        assert found["results"] and found["results"][0]["url"] == f"{base}/q/{found['results'][0]['id']}"
        assert httpx.get(base + "/metrics").status_code == 401
        metrics = httpx.get(base + "/metrics", headers={"Authorization": "Bearer m-token"}).text
        assert 'quotebot_web_requests_total{route="api_search",status="200"} 1.0' in metrics
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, process.stderr.read()[-2000:] if process.stderr else ""


def test_quotebot_web_says_in_one_line_when_the_port_is_taken(quotes_db, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "QUOTEBOT_DB": str(quotes_db), "QUOTEBOT_STATE_DB": str(tmp_path / "s.db"),
               "QUOTEBOT_WEB_LISTEN": "127.0.0.1"}
        done = subprocess.run([sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "cannot serve the web" in done.stderr and "Traceback" not in done.stderr


async def test_the_web_beside_long_polling(api, quotes_db, tmp_path):
    from tests.fake_bot_api import running_bot

    port = free_port()
    async with running_bot(api, quotes_db, tmp_path / "state.db", web=True, web_port=port,
                           web_listen="127.0.0.1") as application:
        from bot.telegram.context import services

        assert services(application).stop_web is not None
        async with httpx.AsyncClient() as client:
            answer = await client.get(f"http://127.0.0.1:{port}/api/v1/speakers")
        assert answer.status_code == 200 and answer.json()["speakers"]


def test_behind_a_trusted_proxy_the_forwarded_client_counts():
    proxies = trusted_networks("10.0.0.0/8, 127.0.0.1")
    assert client_address("10.1.2.3", "203.0.113.9", proxies) == "203.0.113.9"
    assert client_address("10.1.2.3", "198.51.100.1, 203.0.113.9, 10.0.0.7", proxies) == "203.0.113.9"
    # An untrusted peer cannot choose its own bucket by sending the header.
    assert client_address("198.51.100.5", "203.0.113.9", proxies) == "198.51.100.5"
    assert client_key("203.0.113.9") < -(10**13) and client_key("a") != client_key("b")


def test_the_in_process_limit_answers_429(searcher):
    with running_web(searcher, per_minute=1) as base:
        statuses = [httpx.get(base + "/api/v1/sources").status_code for _ in range(62)]
    assert statuses[:60] == [200] * 60 and statuses[-1] == 429
    throttle = Throttle(2, 60)
    assert throttle.check("x").value == "allow"


def wait_for(url: str, process: subprocess.Popen, timeout: float = 90) -> httpx.Response:
    """GET `url` until it answers 200 (the server is up), or fail with its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read() if process.stderr else "exited")
        try:
            response = httpx.get(url)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not up after {timeout}s")
