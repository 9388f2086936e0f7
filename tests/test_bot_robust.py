"""The rough edges of issue 10 in real `quotebot run` processes against the stand-in:
secrets and texts kept out of logs, a webhook that is never open, a second poller."""

from __future__ import annotations

import asyncio
import signal

import httpx

from tests.fake_bot_api import FakeBotAPI
from tests.test_bot_run import bot_env, free_port, start_bot

SECRET_TEXT = "绝密口令xyzzy"


async def post_when_listening(client: httpx.AsyncClient, url: str, **kwargs) -> httpx.Response:
    for _ in range(200):  # the server starts listening just before setWebhook
        try:
            return await client.post(url, **kwargs)
        except httpx.ConnectError:
            await asyncio.sleep(0.05)
    raise AssertionError("the webhook server never listened")


async def stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    return stderr.decode()


async def test_debug_log_has_no_token_secret_or_text_and_no_huge_record(quotes_db, tmp_path):
    port = free_port()
    async with FakeBotAPI.running() as api:
        url = f"http://127.0.0.1:{port}/telegram/hook"
        env = bot_env(
            api, quotes_db, tmp_path, LOG_LEVEL="DEBUG", WEBHOOK_URL=url,
            WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port), WEBHOOK_SECRET="s3cret-Token_1",
        )
        process = await start_bot(env)
        try:
            await api.wait_for(lambda: api.called("setWebhook"), timeout=60, what="setWebhook")
            header = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
            update = {"update_id": 1, "message": api.message(779, SECRET_TEXT, 779, "private")}
            async with httpx.AsyncClient() as client:
                ok = await post_when_listening(client, url, json=update, headers=header)
                huge = {"update_id": 2, "message": api.message(779, "长" * 500_000, 779,
                                                               "private")}
                too_big = await client.post(url, json=huge, headers=header)
            assert ok.status_code == 200
            assert too_big.status_code in (400, 413)
            await api.wait_sent(779)
        finally:
            log = await stop(process)
    assert "s3cret-Token_1" not in log
    assert api.token not in log and api.token.split(":")[1] not in log
    assert SECRET_TEXT not in log
    assert "setWebhook" in log  # DEBUG really was on
    assert max(len(line) for line in log.splitlines()) < 25_000


async def test_webhook_without_secret_refuses_forgeries_and_answers_bad_bodies_400(
    quotes_db, tmp_path
):
    port = free_port()
    async with FakeBotAPI.running() as api:
        url = f"http://127.0.0.1:{port}/hook"
        env = bot_env(api, quotes_db, tmp_path, WEBHOOK_URL=url, WEBHOOK_LISTEN="127.0.0.1",
                      WEBHOOK_PORT=str(port))
        process = await start_bot(env)
        try:
            await api.wait_for(lambda: api.called("setWebhook"), timeout=60, what="setWebhook")
            secret = api.called("setWebhook")[0].params.get("secret_token")
            assert secret and len(secret) >= 32  # generated, since none was configured
            update = {"update_id": 5, "message": api.message(780, "开源", 780, "private")}
            async with httpx.AsyncClient() as client:
                bare = await post_when_listening(client, url, json=update)
                wrong = await client.post(url, json=update,
                                          headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
                empty = await client.post(url, json=update,
                                          headers={"X-Telegram-Bot-Api-Secret-Token": ""})
                header = {"X-Telegram-Bot-Api-Secret-Token": secret,
                          "Content-Type": "application/json"}
                malformed = await client.post(url, content=b"{not json", headers=header)
                not_update = await client.post(url, content=b"[1, 2]", headers=header)
                big = await client.post(url, content=b" " * (2 << 20), headers=header)
                good = await client.post(url, json=update, headers=header)
            assert (bare.status_code, wrong.status_code, empty.status_code) == (403, 403, 403)
            assert (malformed.status_code, not_update.status_code) == (400, 400)
            assert big.status_code in (400, 413)
            assert good.status_code == 200
            [reply] = await api.wait_sent(780)
        finally:
            log = await stop(process)
    assert len(api.sent()) == 1  # the forgeries were not answered
    assert "Traceback" not in log


async def test_second_poller_says_so_once_and_exits_non_zero(quotes_db, tmp_path):
    async with FakeBotAPI.running() as api:
        api.fail_next("409", n=10_000, methods=("getUpdates",))
        process = await start_bot(bot_env(api, quotes_db, tmp_path))
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    log = stderr.decode()
    assert process.returncode != 0
    assert log.count("another instance is polling with this token") == 2  # warned, then exit
    assert "Traceback" not in log
