"""State-store calls off the event loop, in a small pool of threads of their own.

A store call may block: SQLite waits for a lock (a backup holds it; at most the store's
write time-out), PostgreSQL for the network. The event loop must not, so the jobs
(daily quotes, the schedule lease) await their store calls here. The pool is neither
asyncio's default one nor the answers' (`bot.telegram.offload`): a burst of daily claims
meeting a locked database then holds up only the daily quotes, never a person's answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

# Enough for the network round trips of a shared store; SQLite writes queue in its one
# writer thread anyway.
STATE_THREADS = 4
_STATE_CALLS = ThreadPoolExecutor(max_workers=STATE_THREADS, thread_name_prefix="state-call")


async def state_call(call: Callable[..., T], *args: Any) -> T:
    """`call(*args)` in the state pool, awaited without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_STATE_CALLS, call, *args)
