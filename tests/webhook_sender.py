"""A stand-in for Telegram's webhook sender in front of several replicas.

Like Telegram behind a load balancer, it posts each update to one replica (round robin)
with the secret header, and when a post fails, times out or is not answered 200, it
posts the same update again at the next replica, until one takes it. Updates go out
concurrently (Telegram keeps up to `max_connections`, 40 by default, posts in flight).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

import httpx


@dataclass
class Delivery:
    """What happened to one update: where it was accepted, and after how many attempts."""

    update_id: int
    accepted_by: str | None = None
    attempts: list[str] = field(default_factory=list)


class WebhookSender:
    """Posts updates to a list of webhook URLs, moving on to another when one fails."""

    def __init__(
        self, urls: list[str], secret: str, max_connections: int = 40, timeout: float = 5.0,
        give_up_after: float = 60.0,
    ) -> None:
        self.urls = list(urls)
        self.secret = secret
        self.timeout = timeout
        self.give_up_after = give_up_after
        self._next = itertools.cycle(range(len(self.urls)))
        self._slots = asyncio.Semaphore(max_connections)
        self.deliveries: dict[int, Delivery] = {}
        self._client = httpx.AsyncClient(
            timeout=timeout, limits=httpx.Limits(max_connections=max_connections)
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def deliver(self, update: dict) -> Delivery:
        """Post `update` until a replica answers 200; retried at the next replica on failure."""
        delivery = self.deliveries.setdefault(update["update_id"], Delivery(update["update_id"]))
        deadline = time.monotonic() + self.give_up_after
        index = next(self._next)
        async with self._slots:
            while time.monotonic() < deadline:
                url = self.urls[index]
                delivery.attempts.append(url)
                try:
                    answer = await self._client.post(
                        url, json=update,
                        headers={"X-Telegram-Bot-Api-Secret-Token": self.secret},
                    )
                    if answer.status_code == 200:
                        delivery.accepted_by = url
                        return delivery
                except httpx.TransportError:
                    pass  # refused, reset or timed out: as Telegram, try elsewhere
                index = (index + 1) % len(self.urls)
                await asyncio.sleep(0.05)
        return delivery
