"""Flood control: a token bucket per sender, in this process or shared by every replica.

`Throttle` holds the buckets in memory; `SharedThrottle` keeps them in the PostgreSQL
state store, so a person (or a web client) writing to three replicas gets the same
allowance as writing to one. `retry_after` says when a sender held back may send again.
The Telegram layer keys senders by their user id, the web by its client's address.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.state.postgres import PostgresStateStore

# What a sender whose bucket never refills (a rate of 0) is told to wait, in seconds.
NO_REFILL_SECONDS = 3600.0


def seconds_to_token(tokens: float, rate: float) -> float:
    """How long a bucket holding `tokens`, refilled at `rate` a second, takes to hold one."""
    if tokens >= 1:
        return 0.0
    return (1 - tokens) / rate if rate > 0 else NO_REFILL_SECONDS


class Verdict(Enum):
    """What to do with a message from a sender: answer it, warn once, or drop it."""

    ALLOW = "allow"
    WARN = "warn"
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class Throttle:
    """A token bucket per sender: `burst` messages at once, refilled at `per_minute`."""

    def __init__(
        self, burst: int = 8, per_minute: float = 20, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[object, _Bucket] = {}

    def check(self, sender: object) -> Verdict:
        """Take one token for `sender`; WARN only the first time they run dry in a row."""
        now = self.clock()
        bucket = self._buckets.get(sender)
        if bucket is None:
            bucket = self._buckets[sender] = _Bucket(tokens=float(self.burst), updated=now)
            self._forget_idle(now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def retry_after(self, sender: object) -> float:
        """Seconds until `sender` has a token again (0 when they have one now)."""
        bucket = self._buckets.get(sender)
        if bucket is None:
            return 0.0
        tokens = min(self.burst, bucket.tokens + (self.clock() - bucket.updated) * self.rate)
        return seconds_to_token(tokens, self.rate)

    def _forget_idle(self, now: float) -> None:
        """Drop buckets that have refilled completely, so memory stays bounded."""
        if len(self._buckets) < 10_000:
            return
        full_after = self.burst / self.rate if self.rate else float("inf")
        for key in [k for k, b in self._buckets.items() if now - b.updated > full_after]:
            del self._buckets[key]


class SharedThrottle(Throttle):
    """Flood control per sender, counted in the shared store instead of this process."""

    def __init__(self, store: PostgresStateStore, burst: int, per_minute: float) -> None:
        super().__init__(burst=burst, per_minute=per_minute)
        self.store = store
        self.per_minute = per_minute

    def check(self, sender: object) -> Verdict:
        """Take one token for `sender` from the bucket shared by every replica."""
        return Verdict(self.store.take_flood_token(int(str(sender)), self.burst, self.per_minute))

    def retry_after(self, sender: object) -> float:
        """Seconds until `sender` has a token again in the bucket shared by every replica."""
        tokens = self.store.flood_tokens(int(str(sender)), self.burst, self.per_minute)
        return seconds_to_token(tokens, self.per_minute / 60.0)
