"""`quotebot run`: clear one-line failures, and a real process polling the stand-in until SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web
from click.testing import CliRunner

from bot.cli import cli
from tests.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent


def run_cli(env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, ["run", *args], env=env)


def assert_one_clear_line(result, *words: str) -> None:
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0]


def test_missing_token(quotes_db):
    result = run_cli({"TELEGRAM_BOT_TOKEN": ""}, "--db", str(quotes_db))
    assert_one_clear_line(result, "TELEGRAM_BOT_TOKEN is not set")


def test_malformed_token(quotes_db):
    result = run_cli({"TELEGRAM_BOT_TOKEN": "not a token"}, "--db", str(quotes_db))
    assert_one_clear_line(result, "does not look like a bot token")


def test_missing_database_and_no_seeds(tmp_path):
    env = {"TELEGRAM_BOT_TOKEN": "123456:" + "a" * 35, "QUOTEBOT_SEEDS": str(tmp_path / "none")}
    result = run_cli(env, "--db", str(tmp_path / "missing.db"))
    assert_one_clear_line(result, "no quote database")


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=ROOT, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_unreachable_api_is_one_line(quotes_db, tmp_path):
    env = {
        "TELEGRAM_BOT_TOKEN": "123456:" + "a" * 35,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # the discard port: refused
        "QUOTEBOT_DB": str(quotes_db),
        "QUOTEBOT_STATE_DB": str(tmp_path / "state.db"),
        "QUOTEBOT_HEARTBEAT": str(tmp_path / "heartbeat"),
    }
    process = await start_bot(env)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode != 0
    lines = [line for line in stderr.decode().splitlines() if line.strip()]
    assert "Traceback" not in stderr.decode()
    assert "Cannot reach the Telegram Bot API at 127.0.0.1:9" in lines[-1]


class _MalformedMe(tornado.web.RequestHandler):
    """A server at the API address whose getMe answer is not what the Bot API gives."""

    def initialize(self, body: bytes) -> None:
        self.body = body

    def post(self, *_parts: str) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(self.body)

    get = post


@pytest.mark.parametrize("body", [
    b"<html>502 Bad Gateway</html>",  # not JSON
    b'{"ok": true, "result": "QuoteTestBot"}',  # a result that is not a user
    b'{"ok": true, "result": {"id": 1, "is_bot": true, "first_name": "Bot"}}',  # no username
], ids=["not-json", "not-a-user", "no-username"])
async def test_malformed_get_me_is_one_line(quotes_db, tmp_path, body):
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    server = tornado.httpserver.HTTPServer(
        tornado.web.Application([(r"/bot([^/]+)/(\w+)", _MalformedMe, {"body": body})])
    )
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    env = {
        "TELEGRAM_BOT_TOKEN": "123456:" + "a" * 35,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot",
        "QUOTEBOT_DB": str(quotes_db),
        "QUOTEBOT_STATE_DB": str(tmp_path / "state.db"),
        "QUOTEBOT_HEARTBEAT": str(tmp_path / "heartbeat"),
    }
    process = await start_bot(env)
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        server.stop()
        if process.returncode is None:  # it started after all: do not leave it running
            process.kill()
            await process.wait()
    text = stderr.decode()
    lines = [line for line in text.splitlines() if line.strip()]
    assert process.returncode != 0
    assert "Traceback" not in text
    assert len(lines) == 1, text
    assert "malformed answer to getMe" in lines[0] and f"127.0.0.1:{port}" in lines[0]


def bot_env(api, quotes_db, tmp_path, **extra: str) -> dict[str, str]:
    """The environment of a real `quotebot run` pointed at the stand-in."""
    return {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "QUOTEBOT_DB": str(quotes_db),
        "QUOTEBOT_STATE_DB": str(tmp_path / "state.db"),
        "QUOTEBOT_HEARTBEAT": str(tmp_path / "heartbeat"),
        **extra,
    }


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
async def test_real_process_answers_and_stops_on_sigterm(quotes_db, tmp_path):
    async with FakeBotAPI.running() as api:
        env = bot_env(api, quotes_db, tmp_path, LOG_LEVEL="INFO")
        process = await start_bot(env)
        try:
            await api.wait_for(lambda: api.called("setMyCommands"), timeout=60, what="start-up")
            api.private_text(777, "印刷机")
            [reply] = await api.wait_sent(777)
            assert "印刷机" in reply.text and reply.buttons
            assert (tmp_path / "heartbeat").exists()  # for `quotebot health`
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert "started as @QuoteTestBot" in log
    assert "印刷机" not in log  # message texts are not logged at INFO
    assert api.token not in log  # nor is the token (httpx logs URLs at INFO)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_webhook_mode_takes_updates_with_the_secret(quotes_db, tmp_path):
    port = free_port()
    async with FakeBotAPI.running() as api:
        env = bot_env(
            api, quotes_db, tmp_path,
            WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/hook",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(port),
            WEBHOOK_SECRET="s3cret-Token_1",
        )
        process = await start_bot(env)
        try:
            await api.wait_for(lambda: api.called("setWebhook"), timeout=60, what="setWebhook")
            [registered] = api.called("setWebhook")
            assert registered.params["url"] == env["WEBHOOK_URL"]
            assert registered.params["secret_token"] == env["WEBHOOK_SECRET"]
            update = {"update_id": 1, "message": api.message(778, "开源", 778, kind="private")}
            async with httpx.AsyncClient() as client:
                for _ in range(100):  # the server starts listening just after setWebhook
                    try:
                        refused = await client.post(
                            env["WEBHOOK_URL"], json=update,
                            headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                        )
                        break
                    except httpx.ConnectError:
                        await asyncio.sleep(0.1)
                assert refused.status_code == 403
                accepted = await client.post(
                    env["WEBHOOK_URL"], json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": env["WEBHOOK_SECRET"]},
                )
                assert accepted.status_code == 200
            [reply] = await api.wait_sent(778)
            assert reply.buttons
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
