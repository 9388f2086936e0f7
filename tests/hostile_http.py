"""Hostile HTTP clients for the webhook port, and what they cost the bot's process.

Raw sockets rather than an HTTP client, because the point is to do what no polite client
does: declare a huge body and send part of it, stop in the middle of the headers, hold
connections open. Used by tests/test_webhook_hostile.py and bench/faults/webhook.py.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx

from tests.replicas import SECRET, Replica
from tests.webhook_sender import WebhookSender

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


async def seconds_until_closed(held: Held, timeout: float) -> float | None:
    """Seconds until the server closes `held` (end of stream or reset), reading and
    dropping whatever answer it sends first; None when it is still open after `timeout`."""
    started = time.monotonic()
    deadline = started + timeout
    try:
        while time.monotonic() < deadline:
            data = await asyncio.wait_for(held.reader.read(65536), deadline - time.monotonic())
            if not data:
                return time.monotonic() - started
    except ConnectionError:
        return time.monotonic() - started
    except TimeoutError:
        return None
    return None


async def closed_by_server(held: Held, timeout: float) -> bool:
    """Whether the server closes `held` within `timeout` seconds."""
    return await seconds_until_closed(held, timeout) is not None


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


def _message(chat_id: int, user_id: int, date: object = 1_700_000_000, **extra) -> dict:
    chat = {"id": chat_id, "type": "private", "first_name": "F"}
    sender = {"id": user_id, "is_bot": False, "first_name": "F"}
    return {"message_id": 1, "date": date, "chat": chat, "from": sender, "text": "开源", **extra}


def _reply_chain(depth: int) -> dict:
    message = _message(920, 920)
    for _ in range(depth):
        message = _message(920, 920, reply_to_message=message)
    return message


FORGED_CHATS = (920, 10**23)  # the chats the forged posts below claim to come from


def forged_bodies() -> dict[str, bytes]:
    """Posts that carry the secret but are nothing Telegram sends, by what is wrong."""
    def update(update_id: object = 30, **message) -> bytes:
        return json.dumps({"update_id": update_id, "message": _message(920, 920, **message)}).encode()

    nested = b"[" * 100_000 + b"]" * 100_000
    return {
        "nesting 100,000 deep": b'{"update_id": 31, "message": ' + nested + b"}",
        "a reply chain 600 deep": json.dumps({"update_id": 32, "message": _reply_chain(600)}).encode(),
        "date 1e20": update(date=1e20),
        "date 10**15": update(date=10**15),
        "date NaN": update().replace(b"1700000000", b"NaN"),
        "update_id 2**63": update(2**63),
        "update_id 2**64": update(2**64),
        "update_id -1": update(-1),
        "update_id true": update(True),
        "update_id 5.0": update(5.0),
        "chat id 10**23": json.dumps({"update_id": 33, "message": _message(10**23, 920)}).encode(),
        "user id -10**23": json.dumps({"update_id": 34, "message": _message(920, -(10**23))}).encode(),
    }


@dataclass
class GenuineUsers:
    """People writing to the bot in private while a fault goes on, delivered as Telegram
    does (retried until answered 200): what the fault costs those it does not concern."""

    api: object
    replica: Replica
    every: float = 0.25  # seconds between two new messages
    chats: itertools.count = field(default_factory=lambda: itertools.count(70_000))
    posted: dict[int, float] = field(default_factory=dict)  # chat id: when first posted
    _deliveries: set[asyncio.Task] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.sender = WebhookSender([self.replica.url], SECRET, timeout=10, give_up_after=60)

    async def warm_up(self) -> None:
        """One message answered before the fault, not counted (the search loads its data)."""
        chat = next(self.chats)
        update = {"update_id": chat, "message": self.api.message(chat, "开源", chat, kind="private")}
        await self.sender.deliver(update)
        await self.api.wait_sent(chat)

    def post(self) -> asyncio.Task:
        chat = next(self.chats)
        update = {"update_id": chat, "message": self.api.message(chat, "开源", chat, kind="private")}
        self.posted[chat] = time.monotonic()
        task = asyncio.create_task(self.sender.deliver(update))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)
        return task

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        """Post a new message every `every` seconds for the duration of the block."""
        async def keep_posting() -> None:
            while True:
                self.post()
                await asyncio.sleep(self.every)

        poster = asyncio.create_task(keep_posting())
        try:
            yield
        finally:
            poster.cancel()

    async def outcome(self, wait: float = 60) -> dict[str, float | int]:
        """Once every message is answered (or `wait` seconds passed): how many were posted,
        lost (never answered), repeated (answered more than once), and the slowest answer."""
        await asyncio.gather(*self._deliveries, return_exceptions=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and any(not self.api.sent(c) for c in self.posted):
            await asyncio.sleep(0.1)
        await self.sender.close()
        answers = {chat: self.api.sent(chat) for chat in self.posted}
        delays = [calls[0].at - self.posted[chat] for chat, calls in answers.items() if calls]
        return {
            "posted": len(self.posted),
            "lost": sum(1 for calls in answers.values() if not calls),
            "repeated": sum(1 for calls in answers.values() if len(calls) > 1),
            "slowest_unaffected_s": round(max(delays, default=0.0), 2),
        }
