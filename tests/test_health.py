"""Health checks answer in time, whatever the state store does (issue 20, item 11): /healthz
with PostgreSQL stopped or frozen says 503 within 2 s instead of waiting for the pool."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import started_postgres
from tests.test_durable import health_endpoint


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of this test's own, to stop and freeze."""
    server = started_postgres()
    yield server
    if server.folder.exists():  # unless the test stopped it
        server.stop()


def server_processes(server) -> list[int]:
    """The postmaster (first line of postmaster.pid) and its children, each a session of
    its own, so each is signalled by itself."""
    import subprocess

    main = int((Path(server.data) / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(main)], capture_output=True, text=True
    ).stdout.split()
    return [main, *map(int, children)]


def signal_all(pids: list[int], signum: int) -> None:
    for pid in pids:
        os.kill(pid, signum)


async def timed_health(client: httpx.AsyncClient, base: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        answer = await client.get(base + "/healthz", timeout=10)
    except httpx.TimeoutException:
        return 0, time.monotonic() - started
    return answer.status_code, time.monotonic() - started


async def test_healthz_answers_within_2s_when_postgres_is_frozen_or_stopped(
    own_postgres, quotes_db
):
    from bot.config import Settings
    from bot.search import Searcher
    from bot.state.postgres import PostgresStateStore
    from bot.telegram import build_application
    from tests.fake_bot_api import TOKEN

    url = own_postgres.new_database()
    store = PostgresStateStore(url)
    settings = Settings(token=TOKEN, api_base_url="http://127.0.0.1:9/bot", db_path=quotes_db)
    application = build_application(settings, Searcher(quotes_db), store, webhook=True)
    try:
        async with health_endpoint(application) as base, httpx.AsyncClient() as client:
            assert (await timed_health(client, base))[0] == 200
            processes = server_processes(own_postgres)
            signal_all(processes, signal.SIGSTOP)  # frozen: connections hang
            try:
                frozen = [await timed_health(client, base) for _ in range(3)]
            finally:
                signal_all(processes, signal.SIGCONT)
            thawed = await timed_health(client, base)
            own_postgres.stop()  # stopped: nothing listens any more
            stopped = [await timed_health(client, base) for _ in range(8)]
    finally:
        store.close()
    print(f"frozen {frozen}, thawed {thawed}, stopped {stopped}")
    assert all(status == 503 and took < 2 for status, took in frozen), frozen
    assert thawed[0] == 200, thawed
    assert all(status == 503 and took < 2 for status, took in stopped), stopped
