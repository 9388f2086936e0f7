"""Real `quotebot run` processes in webhook mode on loopback ports, for the replica tests."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import httpx

from tests.pg import free_port

ROOT = Path(__file__).resolve().parent.parent
SECRET = "replica-Secret_1"


class Replica:
    """One `quotebot run` webhook process; its log lines are collected as they come."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.env = {
            **os.environ, **env,
            "WEBHOOK_URL": f"http://127.0.0.1:{self.port}/telegram/hook",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(self.port),
            "WEBHOOK_SECRET": SECRET,
            "QUOTEBOT_SET_WEBHOOK": "false",
        }
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self._reader: asyncio.Task | None = None

    @property
    def url(self) -> str:
        return self.env["WEBHOOK_URL"]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    async def start(self) -> Replica:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=self.env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.process and self.process.stderr
        async for line in self.process.stderr:
            self.lines.append(line.decode(errors="replace").rstrip())

    async def wait_ready(self, timeout: float = 90) -> None:
        """Until /healthz answers 200 (the process is serving)."""
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.process and self.process.returncode is not None:
                    raise AssertionError(f"replica exited:\n{self.log[-3000:]}")
                try:
                    if (await client.get(self.base + "/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"replica not ready after {timeout}s:\n{self.log[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as in an out-of-memory kill."""
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self._reader:
            await self._reader
        return self.process.returncode


def replica_env(api, quotes_db: Path, state_url: str, tmp_path: Path, **extra: str) -> dict:
    """The environment every replica shares: the stand-in API, the quotes, PostgreSQL."""
    return {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "QUOTEBOT_DB": str(quotes_db),
        "QUOTEBOT_STATE_URL": state_url,
        "QUOTEBOT_HEARTBEAT": str(tmp_path / "heartbeat"),
        "LOG_LEVEL": "INFO",
        **extra,
    }


async def start_replicas(count: int, env: dict[str, str]) -> list[Replica]:
    """`count` replicas started together, returned once every one is serving."""
    replicas = [Replica(env) for _ in range(count)]
    for replica in replicas:
        await replica.start()
    await asyncio.gather(*(replica.wait_ready() for replica in replicas))
    return replicas
