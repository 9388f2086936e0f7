"""Whether the running bot is well: for its heartbeat file (`quotebot health`) and /healthz.

Both report unhealthy while updates cannot be recorded (a full disk:
`DurableQueue.problem`), since the bot then takes no new updates. The heartbeat also
does when polling has not asked Telegram for updates for `POLL_SILENCE_SECONDS` (its
task ended, or it is stuck). /healthz also checks that the quote database and the state
store answer, each within `CHECK_TIMEOUT_SECONDS`: a frozen PostgreSQL holds a query for
ever, so each check runs in a thread of its own, is waited for a bounded time, and
while one is still stuck the next request waits for it instead of starting another.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bot.telegram.context import QuoteBotApp, services
from bot.telegram.durable import DurableQueue

# Polling asks at least every long poll (30 s) plus its back-off after errors (30 s at most).
POLL_SILENCE_SECONDS = 120.0
# A load balancer's health check must get its answer well within its own time-out.
CHECK_TIMEOUT_SECONDS = 1.5

# One thread per check at most (each check keeps at most one run in flight).
_CHECKS = ThreadPoolExecutor(max_workers=3, thread_name_prefix="health")


def problem(application: QuoteBotApp) -> str | None:
    """Why the bot cannot take updates now, or None (what the heartbeat file reports)."""
    queue = application.update_queue
    if not isinstance(queue, DurableQueue):
        return None
    if queue.problem is not None:
        return queue.problem
    updater = application.updater
    if updater is not None and updater.running and queue.last_poll is not None:
        silent = time.monotonic() - queue.last_poll
        if silent > POLL_SILENCE_SECONDS:
            return f"polling has not asked Telegram for updates for {silent:.0f}s"
    return None


class BoundedCheck:
    """A blocking check run off the event loop, answered `late` (False unless told) when it
    takes too long or fails."""

    def __init__(self, check: Callable[[], bool], late: bool = False) -> None:
        self._check = check
        self._late = late
        self._running: asyncio.Future[bool] | None = None

    async def __call__(self, timeout: float = CHECK_TIMEOUT_SECONDS) -> bool:
        if self._running is None or self._running.done():
            self._running = asyncio.get_running_loop().run_in_executor(_CHECKS, self._safely)
        try:
            # Shielded: a check that outlives this request is not cancelled (its thread
            # could not be), and the next request waits for it instead of starting another.
            return await asyncio.wait_for(asyncio.shield(self._running), timeout)
        except TimeoutError:
            return self._late

    def _safely(self) -> bool:
        try:
            return bool(self._check())
        except Exception:  # noqa: BLE001 - any failure to answer means not ready
            return self._late


class HealthChecks:
    """What GET /healthz reports: {"quotes": ..., "state": ...} and, where admins grow the
    corpus, "corpus" (this process serves the version they published); each True when well."""

    def __init__(self, application: QuoteBotApp) -> None:
        self.application = application
        self._quotes = BoundedCheck(lambda: bool(services(application).replier.searcher.speakers()))
        self._state = BoundedCheck(lambda: services(application).state.ping())
        # The corpus version is read from the state store: when that does not answer, the
        # state check says so, and this one is not to blame (as `serves_current` itself).
        self._corpus = BoundedCheck(self._serves_current, late=True)

    def _serves_current(self) -> bool:
        corpus = services(self.application).corpus
        return corpus is None or corpus.serves_current()

    async def __call__(self) -> dict[str, bool]:
        quotes, state, corpus = await asyncio.gather(self._quotes(), self._state(), self._corpus())
        queue = self.application.update_queue
        recording = not (isinstance(queue, DurableQueue) and queue.problem is not None)
        checks = {"quotes": quotes, "state": state and recording}
        if services(self.application).corpus is not None:
            checks["corpus"] = corpus
        return checks
