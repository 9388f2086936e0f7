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

from bot.telegram.context import QuoteBotApp, services
from bot.telegram.durable import DurableQueue
from bot.web.ops import BoundedCheck

# Polling asks at least every long poll (30 s) plus its back-off after errors (30 s at most).
POLL_SILENCE_SECONDS = 120.0


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
