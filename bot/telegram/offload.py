"""Searches and card drawing run off the event loop, in one small pool, one at a time per person.

A search costs milliseconds of CPU (tens for a long hostile query before its terms were
bounded) and a card about 40 ms; run on the event loop, every other chat, the webhook and
/metrics wait for it. Here they run in `WORKERS` threads instead. The pool is bounded, so
a burst cannot start hundreds of threads; and each person has one turn at a time in it
(`off_loop(..., who=...)`), so someone sending many queries at once queues behind their
own, and the pool's queue holds at most one job per person: anybody else's query waits
for at most one job of each other person.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

# Searches share one lock in the Searcher (and Python's GIL): more threads than this only
# help drawing cards and waiting on the state store, not searching.
WORKERS = 4
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="answer")

# One lock per person with work in the pool or waiting for it; gone when nobody holds it.
_TURNS: weakref.WeakValueDictionary[object, asyncio.Lock] = weakref.WeakValueDictionary()


async def off_loop(call: Callable[..., T], *args: Any, who: object = None) -> T:
    """`call(*args)` in the bounded pool; with `who`, after that person's earlier work there."""
    loop = asyncio.get_running_loop()
    job = functools.partial(call, *args)
    if who is None:
        return await loop.run_in_executor(_POOL, job)
    turn = _TURNS.get(who)
    if turn is None:
        turn = _TURNS[who] = asyncio.Lock()
    async with turn:
        return await loop.run_in_executor(_POOL, job)
