"""Hostile HTTP clients for the webhook port, and what they cost the bot's process.

Raw sockets rather than an HTTP client, because the point is to do what no polite client
does: declare a huge body and send part of it, stop in the middle of the headers, hold
connections open. Used by tests/test_webhook_hostile.py and bench/faults/webhook.py.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass

import httpx

from tests.replicas import SECRET, Replica

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHUNK = b"x" * 65536


def rss_mb(pid: int) -> float:
    """The resident memory of process `pid`, in MB (Linux /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def open_fds(pid: int) -> int:
    """How many file descriptors process `pid` holds (sockets included)."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def post_head(path: str, declared: int, secret: str | None = None) -> bytes:
    """The request line and headers of a JSON post declaring a body of `declared` bytes."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             f"Content-Length: {declared}"]
    if secret is not None:
        lines.append(f"{SECRET_HEADER}: {secret}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@dataclass
class Held:
    """One hostile connection: how much of its body went out, and how it ended."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    sent: int = 0
    cut: bool = False  # the server closed or reset it while we were still sending

    def close(self) -> None:
        self.writer.close()


async def big_post(host: str, port: int, path: str, send: int, declared: int) -> Held:
    """Open a connection, declare `declared` bytes without the secret, send `send` of them
    (or until the server cuts us off) and keep the connection open."""
    reader, writer = await asyncio.open_connection(host, port)
    held = Held(reader, writer)
    try:
        writer.write(post_head(path, declared))
        while held.sent < send:
            writer.write(CHUNK[: send - held.sent])
            await asyncio.wait_for(writer.drain(), 30)
            held.sent += min(len(CHUNK), send - held.sent)
    except (ConnectionError, TimeoutError):
        held.cut = True
    return held


async def slow_head(host: str, port: int, path: str) -> Held:
    """Open a connection and send only the first line of a request, as a slow client."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
    await writer.drain()
    return Held(reader, writer)


async def closed_by_server(held: Held, timeout: float) -> bool:
    """Whether the server closes `held` (end of stream or reset) within `timeout` seconds,
    reading and dropping whatever answer it sends first."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            data = await asyncio.wait_for(held.reader.read(65536), deadline - time.monotonic())
            if not data:
                return True
    except ConnectionError:
        return True
    except TimeoutError:
        return False
    return False


async def status_line(held: Held, timeout: float) -> bytes:
    """The first line the server answers on `held`, or b"" when it closes without one."""
    try:
        return await asyncio.wait_for(held.reader.readline(), timeout)
    except (ConnectionError, TimeoutError):
        return b""


async def start_webhook_bot(env: dict[str, str]) -> Replica:
    """A real `quotebot run` in webhook mode (the replicas' harness, with `env`), serving."""
    replica = await Replica(env).start()
    try:
        await replica.wait_ready()
    except BaseException:
        await replica.stop()
        raise
    return replica


async def genuine_post(
    client: httpx.AsyncClient, replica: Replica, api, chat_id: int, text: str = "开源",
    update_id: int | None = None,
) -> tuple[int, float]:
    """Post a real update with the secret and wait for its answer: (HTTP status, seconds
    from the post to the answer reaching the stand-in)."""
    started = time.monotonic()
    update = {"update_id": update_id or chat_id,
              "message": api.message(chat_id, text, chat_id, kind="private")}
    answer = await client.post(replica.url, json=update, headers={SECRET_HEADER: SECRET})
    if answer.status_code == 200:
        await api.wait_sent(chat_id)
    return answer.status_code, time.monotonic() - started
