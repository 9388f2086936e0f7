"""Telegram's send budgets, kept so that nobody waits for what others asked.

Telegram takes about 30 messages a second from a bot and 20 a minute in one group.
python-telegram-bot's `AIORateLimiter` keeps both in one queue each: a thousand daily
quotes due at once went before a person's answer, and an answer to a group over its
budget waited inside `send_message`, holding one of the handler slots every other chat
needs. `BudgetedRateLimiter` keeps PTB's limiter for what it does well (waiting out 429
retry-after answers, with `RetryingRateLimiter`'s retries) and takes the budgets over:

- `ChatBudgets`: one leaky bucket per group (aiolimiter, as PTB's), which the update
  processor (`bot.telegram.fairness`) reads before starting an update in a group, so an
  update that would only wait for its group's budget waits outside the handler slots;
- `SendBudget`: the overall budget, answers to people first and chats in turn, with no
  burst, so scheduled sends are spread at the rate and no second holds more than 30.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aiolimiter import AsyncLimiter

from bot.telegram.limits import RetryingRateLimiter

# The task answering an update, set in it by the update processor. What that task sends
# goes before what is sent otherwise (the daily quotes, from the job queue). A task, not a
# flag: the job queue's timers copy the context they are set in, a handler's too (/daily).
_ANSWERING: ContextVar[asyncio.Task[Any] | None] = ContextVar("answering", default=None)
# The overall budget runs this much under Telegram's limit: a message leaves some
# milliseconds after its token was taken, and that jitter bunches arrivals up.
BUDGET_MARGIN = 0.9
# Group buckets kept before those of idle groups are forgotten (PTB's threshold).
MAX_GROUP_BUCKETS = 512


def mark_answering() -> None:
    """Say that the current task answers an update: its messages go first."""
    _ANSWERING.set(asyncio.current_task())


def answering() -> bool:
    """True in the task answering an update (not in tasks started from it)."""
    task = asyncio.current_task()
    return task is not None and _ANSWERING.get() is task


class _Hold:
    """The message of a group's budget reserved for the update a task answers."""

    __slots__ = ("group", "held", "task")

    def __init__(self, group: int | str) -> None:
        self.group = group
        self.held = True
        self.task = asyncio.current_task()


_HOLD: ContextVar[_Hold | None] = ContextVar("budget_hold", default=None)


def group_of(chat_id: object) -> int | str | None:
    """The group budget a message to `chat_id` counts against, or None for a private chat.

    Negative ids are groups and channels, and a string is a @channel name, as in PTB."""
    if isinstance(chat_id, int):
        return chat_id if chat_id < 0 else None
    if isinstance(chat_id, str):
        try:
            number = int(chat_id)
        except ValueError:
            return chat_id
        return number if number < 0 else None
    return None


class ChatBudgets:
    """Telegram's budget in each group (20 messages a minute): one leaky bucket per group.

    An update started in a group reserves a message of the group's budget (`reserve`,
    then `holding` around its handler), which its first message to the group spends; so
    `has_room` counts what started updates are about to send, not only what was sent.
    """

    def __init__(self, per_minute: float, period: float = 60.0) -> None:
        self.per_minute = per_minute
        self.period = period
        self._buckets: dict[int | str, AsyncLimiter] = {}
        self._reserved: dict[int | str, int] = {}

    def bucket(self, chat_id: object) -> AsyncLimiter | None:
        """The group's bucket; None for a private chat, or when groups are not limited."""
        group = group_of(chat_id)
        if group is None or self.per_minute <= 0:
            return None
        bucket = self._buckets.get(group)
        if bucket is None:
            self._forget_idle()
            bucket = self._buckets[group] = AsyncLimiter(self.per_minute, self.period)
        return bucket

    def has_room(self, chat_id: object) -> bool:
        """True when one more message, besides those reserved, can be sent now."""
        group, bucket = group_of(chat_id), self.bucket(chat_id)
        if group is None or bucket is None:
            return True
        return bucket.has_capacity(self._reserved.get(group, 0) + 1)

    def reserve(self, group: int | str) -> None:
        """Set a message of the group's budget aside for an update about to start there."""
        self._reserved[group] = self._reserved.get(group, 0) + 1

    def release(self, group: int | str) -> None:
        """Give back a reservation whose update will not run after all."""
        self._unreserve(_Hold(group))

    @contextmanager
    def holding(self, group: int | str) -> Iterator[None]:
        """Around the handler of an update `reserve`d in `group`: its first message to the
        group spends the reservation; one it did not spend is given back at the end."""
        hold = _Hold(group)
        token = _HOLD.set(hold)
        try:
            yield
        finally:
            self._unreserve(hold)
            _HOLD.reset(token)

    async def take(self, chat_id: object) -> None:
        """Wait for, and take, one message of the chat's budget (private chats have none)."""
        bucket = self.bucket(chat_id)
        if bucket is None:
            return
        hold = _HOLD.get()
        if hold is not None and hold.group == group_of(chat_id):
            if hold.task is asyncio.current_task():
                self._unreserve(hold)  # spent now: taken from the bucket below
        await bucket.acquire()

    def _unreserve(self, hold: _Hold) -> None:
        if not hold.held:
            return
        hold.held = False
        left = self._reserved.get(hold.group, 0) - 1
        if left > 0:
            self._reserved[hold.group] = left
        else:
            self._reserved.pop(hold.group, None)

    def _forget_idle(self) -> None:
        """Forget the buckets that refilled completely (the same as new ones), so memory
        stays bounded however many groups the bot is in."""
        if len(self._buckets) < MAX_GROUP_BUCKETS:
            return
        for group, bucket in list(self._buckets.items()):
            if bucket.has_capacity(bucket.max_rate):
                del self._buckets[group]


class SendBudget:
    """Telegram's overall budget (about 30 messages a second): answers to people first,
    and among them, chats in turn.

    One bucket with room for a single message, refilled at 90% of the rate: no second
    holds more than the budget (PTB's bucket of 30 let 60 through in the first second).
    While messages wait for it, one task hands each turn to the best waiting: answers
    before scheduled sends (the daily quotes), then a chat's first waiting message before
    any chat's second, then first come. So a thousand daily quotes due at once go out at
    the rate after whatever people ask meanwhile, and a private answer never queues
    behind the twenty answers a group was just given.
    """

    def __init__(self, per_second: float) -> None:
        rate = per_second * BUDGET_MARGIN
        self._bucket = AsyncLimiter(1, 1 / rate) if rate > 0 else None
        # (0 for an answer, 1 for a scheduled send; the chat's waiting before it; order)
        self._queue: list[tuple[int, int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._waiting: Counter[object] = Counter()  # messages waiting, by chat
        self._handing: asyncio.Task[None] | None = None

    async def take(self, chat_id: object, answer: bool) -> None:
        """Wait for, and take, one message of the overall budget."""
        if self._bucket is None:
            return
        if not self._queue and self._bucket.has_capacity():
            await self._bucket.acquire()  # nobody waits and there is room: no wait at all
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(
            self._queue, (0 if answer else 1, self._waiting[chat_id], next(self._order), turn)
        )
        self._waiting[chat_id] += 1
        if self._handing is None or self._handing.done():
            self._handing = asyncio.get_running_loop().create_task(
                self._hand_out(self._bucket), name="send-budget"
            )
        try:
            await turn
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                del self._waiting[chat_id]

    async def _hand_out(self, bucket: AsyncLimiter) -> None:
        """Give each message of the budget, as it comes, to the best one waiting."""
        while self._queue:
            await bucket.acquire()
            while self._queue:
                *_, turn = heapq.heappop(self._queue)
                if not turn.done():  # else its sender gave up (cancelled) meanwhile
                    turn.set_result(None)
                    break


class BudgetedRateLimiter(RetryingRateLimiter):
    """`RetryingRateLimiter` with the budgets above instead of PTB's queues."""

    def __init__(self, *, overall_per_second: float, budgets: ChatBudgets, **kwargs: Any) -> None:
        # PTB's own buckets off (a rate of 0): it keeps waiting out 429 retry-after answers.
        super().__init__(overall_max_rate=0, group_max_rate=0, **kwargs)
        self.budgets = budgets
        self.overall = SendBudget(overall_per_second)

    async def before_request(self, data: dict[str, Any]) -> None:
        """A message to a chat takes its group's budget (waiting, if need be, for as long
        as Telegram requires), then its turn in the overall budget."""
        chat_id = (data or {}).get("chat_id")
        if chat_id is not None:  # what Telegram counts against its budgets
            await self.budgets.take(chat_id)
            await self.overall.take(chat_id, answer=answering())
