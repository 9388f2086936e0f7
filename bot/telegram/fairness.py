"""Fair update processing: a group over its send budget waits in its own line, holding nothing.

python-telegram-bot runs `concurrent_updates` handlers at once (the slots). An answer to
a group that used its 20 messages of the minute waited inside `send_message`, in its slot,
and counted against polling's look-ahead (`DurableQueue.max_ahead`): one busy group held
every slot, polling stopped, and a private chat waited two minutes.

`FairUpdateProcessor` (PTB's `BaseUpdateProcessor`) starts an update in a group only
while the group's budget (`ChatBudgets`) has room for it and for the group's updates
already running. The others wait in the group's own line, first come first served,
outside the slots and outside the look-ahead, and start as the budget refills. Other
chats never wait for them.

A line is bounded: a group far over its budget (more waiting than `backlog` allows, by
default five minutes of its budget) has its newest messages dropped, logged and counted
(marked done: an answer that late is no answer). When the bot stops, the updates still
waiting are left unanswered in the state store and answered after the next start, so a
stop never waits minutes for a group's budget.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.budgets import ChatBudgets, group_of, mark_answering
from bot.telegram.context import QuoteBotApp
from bot.telegram.durable import DurableQueue
from bot.telegram.metrics import UPDATES_DROPPED, UPDATES_WAITING

log = logging.getLogger(__name__)

# How often the waiting lines look at their budgets (and at whether the bot stops).
LOOK_SECONDS = 0.25
# Updates waiting in all lines together; beyond it, new ones that would wait are dropped.
MAX_WAITING = 5000


@dataclass
class _Line:
    """One group's updates: those running, and those waiting for the group's budget."""

    running: int = 0  # started (each with a message of the budget reserved), not finished
    waiting: deque[asyncio.Future[bool]] = field(default_factory=deque)
    dropping: bool = False  # said once per overflow, not once per message


class FairUpdateProcessor(BaseUpdateProcessor):
    """At most `slots` handlers at once; a group's update starts when its budget has room."""

    def __init__(
        self, slots: int, budgets: ChatBudgets, backlog: int, max_waiting: int = MAX_WAITING
    ) -> None:
        # PTB's own count covers the updates waiting in lines too: they hold no slot here.
        super().__init__(slots + max_waiting)
        self.slots = slots
        self.budgets = budgets
        self.backlog = backlog
        self.max_waiting = max_waiting
        self._slots = asyncio.Semaphore(slots)
        self._lines: dict[int | str, _Line] = {}
        self._waiting = 0
        self._looking: asyncio.Task[None] | None = None
        self._application: QuoteBotApp | None = None

    def attach(self, application: QuoteBotApp) -> None:
        """Know the application: whether it runs, its update queue and state store."""
        self._application = application

    async def initialize(self) -> None:
        """Nothing to set up: lines are made as groups need them."""

    async def shutdown(self) -> None:
        """Leave whatever still waits unanswered (the next start answers it)."""
        self._release_all()

    @property
    def waiting(self) -> int:
        """Updates waiting for their group's budget now."""
        return self._waiting

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        group = _group_of_update(update)
        if group is None:
            await self._run(coroutine)
            return
        line = self._lines.setdefault(group, _Line())
        if line.waiting or not self.budgets.has_room(group):
            if not await self._wait_in_line(update, group, line):
                _close(coroutine)
                self._forget_if_idle(group, line)
                return
        else:
            self.budgets.reserve(group)
        line.running += 1
        try:
            with self.budgets.holding(group):
                await self._run(coroutine)
        finally:
            line.running -= 1
            self._let_in(group, line)
            self._forget_if_idle(group, line)

    async def _run(self, coroutine: Awaitable[Any]) -> None:
        """Handle an update in a slot; what it sends is an answer, before scheduled sends."""
        async with self._slots:
            mark_answering()  # this task is the update's own (PTB made it for the update)
            await coroutine

    async def _wait_in_line(self, update: object, group: int | str, line: _Line) -> bool:
        """Wait for the group's budget outside the slots; True when it is this update's turn,
        False when it was dropped or the bot stops (then it is left for the next start)."""
        if len(line.waiting) >= self.backlog or self._waiting >= self.max_waiting:
            await self._drop(update, group, line)
            return False
        turn: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        line.waiting.append(turn)
        self._waiting += 1
        UPDATES_WAITING.inc()
        await self._set_aside(update)
        self._look_at_lines()
        try:
            go = await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled() and turn.result():
                self.budgets.release(group)  # let in, then cancelled before it could start
            raise
        finally:
            self._waiting -= 1
            UPDATES_WAITING.dec()
        if go:
            self._take_back(update)
        return go

    def _let_in(self, group: int | str, line: _Line) -> None:
        """Start the group's waiting updates, first come first, while its budget has room."""
        while line.waiting and self.budgets.has_room(group):
            turn = line.waiting.popleft()
            if not turn.done():
                self.budgets.reserve(group)
                turn.set_result(True)
        if not line.waiting:
            line.dropping = False

    def _look_at_lines(self) -> None:
        """Make sure one task looks at the waiting lines until they are empty."""
        if self._looking is None or self._looking.done():
            self._looking = asyncio.get_running_loop().create_task(
                self._look(), name="fair-update-lines"
            )

    async def _look(self) -> None:
        """While updates wait: let them in as budgets refill; release them all at a stop."""
        while self._waiting:
            await asyncio.sleep(LOOK_SECONDS)
            application = self._application
            if application is not None and not application.running:
                self._release_all()
                return
            for group, line in list(self._lines.items()):
                self._let_in(group, line)

    def _release_all(self) -> None:
        """The bot stops: what waits is not started (it stays pending in the state store)."""
        left = 0
        for line in self._lines.values():
            while line.waiting:
                turn = line.waiting.popleft()
                if not turn.done():
                    turn.set_result(False)
                    left += 1
        if left:
            log.info("stopping: %d update(s) waiting for their group's budget are left "
                     "for the next start", left)

    def _forget_if_idle(self, group: int | str, line: _Line) -> None:
        if not line.running and not line.waiting and self._lines.get(group) is line:
            del self._lines[group]

    def _queue(self, update: object) -> DurableQueue | None:
        """The durable update queue that counted `update` as unanswered, if any."""
        queue = self._application.update_queue if self._application else None
        if isinstance(update, Update) and isinstance(queue, DurableQueue) and queue.state:
            return queue
        return None

    async def _set_aside(self, update: object) -> None:
        """While it waits, the update does not hold polling back (the look-ahead)."""
        queue = self._queue(update)
        if queue is not None:
            await queue.answered()

    def _take_back(self, update: object) -> None:
        """Count it again as unanswered: `DurableApplication` counts it off when done."""
        queue = self._queue(update)
        if queue is not None:
            queue.unanswered += 1

    async def _drop(self, update: object, group: int | str, line: _Line) -> None:
        """Not answered: the group is too far over its budget. Marked done, so it is not
        answered later either, and counted off the look-ahead."""
        UPDATES_DROPPED.labels("group_backlog").inc()
        update_id = update.update_id if isinstance(update, Update) else None
        if not line.dropping:
            line.dropping = True
            log.warning(
                "chat %s is far over its send budget (%d waiting): dropping its newest "
                "messages until the line shortens", group, len(line.waiting),
            )
        log.info("dropped update %s of chat %s (over its send budget)", update_id, group)
        queue = self._queue(update)
        if queue is None or queue.state is None or update_id is None:
            return
        try:
            await asyncio.to_thread(queue.state.mark_updates_done, [update_id])
        except Exception as error:  # noqa: BLE001 - then it is answered after a restart
            log.error("could not mark dropped update %s done: %r", update_id, error)
        await queue.answered()


def _group_of_update(update: object) -> int | str | None:
    """The group whose budget answering `update` spends; None for private chats and
    updates without a chat (inline queries)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return group_of(update.effective_chat.id)
    return None


def _close(coroutine: Awaitable[Any]) -> None:
    """Discard a handler coroutine that will not run (no "never awaited" warning)."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
