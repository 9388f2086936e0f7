"""Durable receiving: an update is on disk before Telegram is told it arrived.

Polling confirms updates to Telegram with the next getUpdates (its offset), and the
webhook confirms one by answering 200. Both paths hand every update to
`Application.update_queue.put` first, so `DurableQueue.put` records it in the state
store there, before either confirmation can happen. `DurableApplication` marks it done
once its handlers ran. At start-up `resume_pending` queues what a crash left unanswered;
a redelivered copy of a recorded update is recognised by its id and dropped.

`DurableQueue.put` also waits while `max_ahead` updates are unanswered, which bounds
how far polling fetches ahead of answering (and so how long a SIGTERM drain takes).

When the store cannot record an update (a full disk), nothing is confirmed unrecorded:
with a webhook, `put` raises `UpdatesNotRecorded` and the post is answered 503 (Telegram
sends it again); when polling, `put` tries again, 0.5 s later, then at most every
`RECORD_RETRY_MAX_SECONDS`, until the record is made, so polling pauses and never ends,
and goes on within seconds of space coming back. Until records work again,
`DurableQueue.problem` says why; the health checks (`bot.telegram.health`) report it.

The store's side is four `StateStore` methods, the whole durable interface: any store
that implements them (SQLite here; a shared server for several replicas) gets durable
receiving from this module unchanged.
- `record_updates(updates) -> new ids`: written before it returns; an id seen before
  (pending or done) is a duplicate delivery and is not answered again.
- `mark_updates_done(ids)`: answered, or failed for good; never redone.
- `pending_updates()`: recorded, not done and answered by nobody alive, oldest first
  (what `resume_pending` queues). One process: everything not done, at start-up. A store
  shared by replicas (`StateStore.shared`, PostgreSQL) returns the updates of replicas
  that fell silent, claimed for this one atomically so no two take the same; it is then
  asked every `ADOPT_EVERY_SECONDS`, which is also this replica's sign of life.
- `expire()`: done records are kept `DONE_UPDATE_TTL_SECONDS`, long enough to recognise
  Telegram's late redeliveries, then deleted with the other expired state.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.state import PendingUpdate, StateStore
from bot.telegram.context import QuoteBotApp, QuoteBotContext
from bot.telegram.metrics import (
    ANSWER_SECONDS,
    UPDATES_ANSWERED,
    UPDATES_DUPLICATE,
    UPDATES_RECEIVED,
)
from bot.text import SURROGATES

log = logging.getLogger(__name__)

# Updates received but not answered; polling waits before fetching more.
MAX_AHEAD = 64
# How long a new update waits for its record before it is answered regardless.
RECORD_WAIT_SECONDS = 0.5
# How long polling (and the webhook's 200) waits for such records before confirming the
# updates anyway: a backup holding the lock for 15 s must not hold the next messages up.
# The records go on being tried until the store gives them up (SQLite: 5 s).
CONFIRM_WAIT_SECONDS = 1.0
# Answered updates whose "done" could not be written, kept to write with the next ones.
MAX_UNMARKED = 10_000
# Polling tries a record that failed again after 0.5 s, doubling up to this.
RECORD_RETRY_MAX_SECONDS = 4.0


T = TypeVar("T")
# Threads that wait on the state store for the records: their own pool, so the marks
# "done" do not queue behind other blocking work in asyncio's small default pool.
_RECORDING = ThreadPoolExecutor(max_workers=8, thread_name_prefix="durable")


def _off_loop(call: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    return asyncio.get_running_loop().run_in_executor(_RECORDING, call, *args)


class UpdatesNotRecorded(TelegramError):
    """The state store could not record an update, so it was not taken in: the sender
    (Telegram) keeps it and delivers it again. A `TelegramError` so that, should it ever
    reach python-telegram-bot's polling loop, that loop retries instead of ending."""


class DurableQueue(asyncio.Queue[object]):
    """The Application's update queue, recording each update before accepting it."""

    def __init__(self, max_ahead: int = MAX_AHEAD) -> None:
        super().__init__()
        self.state: StateStore | None = None  # set by `attach`, before any update arrives
        self.max_ahead = max_ahead
        self.unanswered = 0
        self._answered = asyncio.Condition()
        # Records still being written, of updates already taken in, by update id.
        self._recording: dict[int, asyncio.Future[list[int]]] = {}
        self._unmarked: set[int] = set()  # answered; "done" still to be written
        self._failing: dict[str, str] = {}  # "record" / "mark" → why, while it fails
        self.last_poll: float | None = None  # when polling last asked for updates
        # Polling: a record that failed is tried again until made (set by `attach`);
        # webhook: the post is refused and Telegram sends it again.
        self.retry_records = False

    @property
    def problem(self) -> str | None:
        """Why updates cannot be recorded (or marked done) right now, or None."""
        if not self._failing:
            return None
        return "updates cannot be recorded in the state store: " + "; ".join(
            f"{what}: {why}" for what, why in sorted(self._failing.items())
        )

    def _works(self, what: str) -> None:
        if self._failing.pop(what, None) is not None:
            log.warning("state store %ss updates again", what)

    def _fails(self, what: str, error: BaseException) -> None:
        self._failing[what] = f"{type(error).__name__}: {error}"[:300]

    async def put(self, item: object) -> None:
        if not isinstance(item, Update) or self.state is None:
            await super().put(item)
            return
        async with self._answered:
            await self._answered.wait_for(lambda: self.unanswered < self.max_ahead)
            self.unanswered += 1
        item, record = recordable(item)
        recording = _off_loop(self.state.record_updates, [record])
        # While an earlier record is still waiting for the lock, do not wait again. On a
        # store shared by replicas, always wait: another replica may be recording the same
        # update (a retried post), and only the one whose record is new may answer it.
        wait = None if self.state.shared else 0.0 if self._recording else RECORD_WAIT_SECONDS
        finished, _ = await asyncio.wait([recording], timeout=wait)
        if not finished:
            # The state database is locked: answer now, and let `recorded()` (awaited
            # before the next getUpdates, and before the webhook's 200) wait a little.
            log.warning("update %d answered before it could be recorded", item.update_id)
            self._recording[item.update_id] = recording
            recording.add_done_callback(functools.partial(self._recorded_late, item.update_id))
            await super().put(item)
            return
        try:
            new = recording.result()
        except Exception as error:
            self._fails("record", error)
            if not self.retry_records:
                await self.answered()  # not taken in: the sender delivers it again
                raise UpdatesNotRecorded(
                    f"update {item.update_id} not recorded ({type(error).__name__}: {error})"
                ) from error
            new = await self._until_recorded(record, error)
        self._works("record")
        if not new:
            await self.answered()
            UPDATES_DUPLICATE.inc()
            log.info("duplicate delivery of update %d ignored", item.update_id)
            return
        await super().put(item)

    async def _until_recorded(self, record: PendingUpdate, error: Exception) -> list[int]:
        """Polling: try the record again, backing off, until it is made (the next
        getUpdates waits meanwhile, so Telegram keeps this update and those after it)."""
        log.error("update %d cannot be recorded (%s: %s); polling waits and tries again",
                  record.update_id, type(error).__name__, error)
        assert self.state is not None
        delay = 0.5
        try:
            while True:
                await asyncio.sleep(delay)
                delay = min(2 * delay, RECORD_RETRY_MAX_SECONDS)
                try:
                    new = await _off_loop(self.state.record_updates, [record])
                except Exception as again:  # noqa: BLE001 - the same fault, most likely
                    self._fails("record", again)
                    continue
                log.warning("update %d recorded after all; polling goes on", record.update_id)
                return new
        except BaseException:  # stopping: not taken in, Telegram keeps it
            await self.answered()
            raise

    def _recorded_late(self, update_id: int, recording: asyncio.Future[list[int]]) -> None:
        """A record that outlived `RECORD_WAIT_SECONDS` has landed, or failed for good."""
        self._recording.pop(update_id, None)
        if recording.cancelled():
            return
        error = recording.exception()
        if error is None:
            self._works("record")
            return
        # Taken in and answered, but not on disk: confirmed all the same (Telegram would
        # deliver it again, to be answered twice). Said loudly, and health reports it.
        self._fails("record", error)
        log.error("update %d answered but not recorded: %s", update_id, type(error).__name__)

    async def recorded(self, timeout: float = CONFIRM_WAIT_SECONDS) -> None:
        """Before confirming the updates taken in so far: wait until they are on disk, but
        at most `timeout` seconds. Those still being written were answered already; only a
        crash before their answer, in the moments until their record lands, can lose one."""
        if self._recording:
            await asyncio.wait(list(self._recording.values()), timeout=timeout)

    async def mark_done(self, update_id: int) -> None:
        """Write that the update was handled, after its record (if still being written).
        A failure is logged, and the id written with the next ones."""
        if (recording := self._recording.get(update_id)) is not None:
            await asyncio.gather(recording, return_exceptions=True)
        assert self.state is not None
        ids = [update_id, *self._unmarked]
        try:
            await _off_loop(self.state.mark_updates_done, ids)
        except Exception as error:  # noqa: BLE001 - answered already; say, go on
            self._fails("mark", error)
            if len(self._unmarked) < MAX_UNMARKED:
                self._unmarked.add(update_id)
            # Not the handler's error: the chat must not get an error message.
            log.error("could not mark update %d done: %r", update_id, error)
            return
        self._unmarked.difference_update(ids)
        self._works("mark")

    async def resume(self, update: Update) -> None:
        """Queue an update already recorded (left pending by an earlier run)."""
        async with self._answered:
            self.unanswered += 1
        await super().put(update)

    async def answered(self) -> None:
        async with self._answered:
            self.unanswered -= 1
            self._answered.notify_all()


class DurableApplication(QuoteBotApp):
    """An Application that marks each recorded update done after its handlers ran, and
    counts and times it for /metrics."""

    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        if isinstance(update, Update):
            UPDATES_RECEIVED.inc()
        try:
            await super().process_update(update)
        finally:
            if isinstance(update, Update):
                ANSWER_SECONDS.observe(time.perf_counter() - started)
                UPDATES_ANSWERED.inc()
            queue = self.update_queue
            if isinstance(update, Update) and isinstance(queue, DurableQueue) and queue.state:
                await queue.mark_done(update.update_id)
                await queue.answered()


class RecordedFirst:
    """The updater's view of the bot: getUpdates (which confirms every update before its
    offset) waits until the updates fetched so far are recorded."""

    def __init__(self, bot: ExtBot[int], queue: DurableQueue) -> None:
        self._bot = bot
        self._queue = queue

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        await self._queue.recorded()
        self._queue.last_poll = time.monotonic()  # polling is alive (`bot.telegram.health`)
        return await self._bot.get_updates(*args, **kwargs)


def recordable(update: Update) -> tuple[Update, PendingUpdate]:
    """The update as it is recorded and answered: its JSON, without lone surrogates."""
    payload = json.dumps(update.to_dict(), ensure_ascii=False)
    if SURROGATES.search(payload):
        # Real Telegram never sends lone surrogates, but a forged or broken update may;
        # they cannot be written as UTF-8 (to the database, to a reply): removed here.
        payload = SURROGATES.sub("", payload)
        update = Update.de_json(json.loads(payload), update.get_bot())
    return update, PendingUpdate(update.update_id, payload)


def attach(application: QuoteBotApp, state: StateStore) -> None:
    """Let the application's DurableQueue record into `state`, before any confirmation."""
    queue = application.update_queue
    if isinstance(queue, DurableQueue):
        queue.state = state
        if application.updater is not None:
            queue.retry_records = True  # polling: Telegram keeps what is not confirmed
            # The updater only calls get_updates and reads attributes: the proxy has both.
            application.updater.bot = cast(ExtBot[int], RecordedFirst(application.bot, queue))


async def resume_pending(application: QuoteBotApp, state: StateStore) -> int:
    """Queue the updates an earlier run recorded but did not finish; returns how many."""
    queue = application.update_queue
    pending = await _off_loop(state.pending_updates)
    for record in pending:
        update = Update.de_json(json.loads(record.payload), application.bot)
        await queue.resume(update) if isinstance(queue, DurableQueue) else await queue.put(update)
    if pending:
        log.info("resuming %d update(s) left unanswered (by the last run or a dead replica)",
                 len(pending))
    return len(pending)


ADOPT_EVERY_SECONDS = 2.0


def schedule_adoption(application: QuoteBotApp, state: StateStore) -> None:
    """On a store shared by replicas, keep taking over what replicas that died left
    unanswered (and so keep saying this one is alive)."""

    async def adopt(_context: QuoteBotContext) -> None:
        try:
            await resume_pending(application, state)
        except Exception as error:  # noqa: BLE001 - the store is away: try at the next round
            log.warning("cannot look for pending updates: %s", type(error).__name__)

    if state.shared and application.job_queue is not None:
        application.job_queue.run_repeating(
            adopt, interval=ADOPT_EVERY_SECONDS, first=ADOPT_EVERY_SECONDS, name="adopt-pending"
        )


EXPIRY_INTERVAL_SECONDS = 3600


def schedule_expiry(application: QuoteBotApp, state: StateStore) -> None:
    """Every hour, delete stored queries, seen-lists and update records past their time."""

    async def expire(_context: QuoteBotContext) -> None:
        deleted = await asyncio.to_thread(state.expire)
        log.info("state expiry: %d row(s) deleted", deleted)

    if application.job_queue is not None:
        application.job_queue.run_repeating(
            expire, interval=EXPIRY_INTERVAL_SECONDS, first=60, name="state-expiry"
        )
