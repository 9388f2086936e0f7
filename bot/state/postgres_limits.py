"""Limits that hold for all replicas together, counted in PostgreSQL: flood control per
sender and Telegram's overall send budget, each a token bucket in one row.

`PostgresStateStore` takes these methods from `SharedLimits`; `bot.telegram.limits_shared`
calls them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any


class SharedLimits(ABC):
    """Token buckets on the server, so every replica draws from the same ones."""

    @abstractmethod
    def _rows(
        self, sql: str, params: Sequence[object] | Mapping[str, object] = ()
    ) -> list[tuple[Any, ...]]:
        """Run one statement on the server; its rows (none for a statement without)."""

    def take_flood_token(self, sender: int, burst: int, per_minute: float) -> str:
        """One token from the sender's bucket: "allow", "warn" (first time dry) or "drop"."""
        refilled = "least(%(burst)s, f.tokens + extract(epoch from now() - f.updated) * %(rate)s)"
        rows = self._rows(
            "INSERT INTO flood AS f (sender, tokens, updated, state) "
            "VALUES (%(sender)s, %(burst)s - 1, now(), 'allow') "
            f"ON CONFLICT (sender) DO UPDATE SET "
            f"tokens = CASE WHEN {refilled} >= 1 THEN {refilled} - 1 ELSE {refilled} END, "
            f"state = CASE WHEN {refilled} >= 1 THEN 'allow' "
            "WHEN f.state = 'allow' THEN 'warn' ELSE 'drop' END, updated = now() "
            "RETURNING state",
            {"sender": sender, "burst": float(burst), "rate": per_minute / 60.0},
        )
        return str(rows[0][0])

    def flood_tokens(self, sender: int, burst: int, per_minute: float) -> float:
        """The tokens in the sender's bucket now, refilled since it was last drawn from
        (a full bucket for a sender never seen), without taking one."""
        rows = self._rows(
            "SELECT least(%(burst)s, tokens + extract(epoch from now() - updated) * %(rate)s) "
            "FROM flood WHERE sender = %(sender)s",
            {"sender": sender, "burst": float(burst), "rate": per_minute / 60.0},
        )
        return float(rows[0][0]) if rows else float(burst)

    def take_send_slot(self, per_second: float, burst: float = 3.0) -> bool:
        """Take one message from the bot's overall budget, a token bucket shared by every
        replica (one row, so concurrent takers queue on its lock); False when it is empty
        (wait a moment and ask again)."""
        refilled = (
            "least(%(burst)s, b.tokens + "
            "extract(epoch from clock_timestamp() - b.updated) * %(rate)s)"
        )
        return bool(
            self._rows(
                "INSERT INTO send_bucket AS b (id, tokens, updated) "
                "VALUES (1, %(burst)s - 1, clock_timestamp()) "
                f"ON CONFLICT (id) DO UPDATE SET tokens = {refilled} - 1, "
                f"updated = clock_timestamp() WHERE {refilled} >= 1 RETURNING 1",
                {"burst": burst, "rate": per_second},
            )
        )
