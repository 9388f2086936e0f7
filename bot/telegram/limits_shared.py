"""Limits that hold for all replicas together, counted in the shared PostgreSQL store.

`SharedThrottle` (`bot.throttle`) is flood control per sender in the database. `SharedBudgetLimiter`
takes a slot of Telegram's overall budget (about 30 messages a second) from the database
before each message to a chat, on top of the per-process budgets (`bot.telegram.budgets`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.state.postgres import PostgresStateStore
from bot.telegram.budgets import BUDGET_MARGIN, BudgetedRateLimiter
from bot.throttle import SharedThrottle

__all__ = ["SharedBudgetLimiter", "SharedThrottle"]

# How long to wait before asking again when the budget is used up.
BUDGET_POLL_SECONDS = 0.02
# The shared budget runs BUDGET_MARGIN under Telegram's limit, as the local one does.
# And it lends no burst beyond one message, so no window of a second holds more than
# 28 tokens (27 a second plus one) and arrival jitter has room below Telegram's 30.
BUDGET_BURST = 1.0


class SharedBudgetLimiter(BudgetedRateLimiter):
    """`BudgetedRateLimiter` that also keeps every replica together within `per_second`."""

    def __init__(self, store: PostgresStateStore, per_second: float, **kwargs: Any) -> None:
        super().__init__(overall_per_second=per_second, **kwargs)
        self.store = store
        self.per_second = per_second * BUDGET_MARGIN

    async def before_request(self, data: dict[str, Any]) -> None:
        # This process's budgets first (answers before scheduled sends), then the shared one.
        await super().before_request(data)
        if data.get("chat_id") is not None:  # what Telegram counts against the budget
            while not await asyncio.to_thread(
                self.store.take_send_slot, self.per_second, BUDGET_BURST
            ):
                await asyncio.sleep(BUDGET_POLL_SECONDS)
