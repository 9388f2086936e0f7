"""Which replica sends the daily quotes: the one holding the "daily" lease in the state store.

The leader renews the lease every few seconds; when it dies, the lease runs out and the
next replica to ask takes over, so the schedule moves within the lease
(QUOTEBOT_SCHEDULE_LEASE_SECONDS, 15 s) plus one sweep. With SQLite there is one
process, which always holds it.
"""

from __future__ import annotations

import logging
import uuid

from bot.state import StateStore
from bot.telegram.state_calls import state_call

log = logging.getLogger(__name__)

# Who this process is, in leases and daily-quote claims.
PROCESS_ID = uuid.uuid4().hex
DAILY_LEASE = "daily"
LEASE_SECONDS = 15.0
# The leader renews at every sweep (2 s): a shorter lease would pass to another replica
# whenever one renewal is a little late.
MIN_LEASE_SECONDS = 6.0


def lease_length(configured: float) -> float:
    """The lease length to use: the configured one, but never under `MIN_LEASE_SECONDS`."""
    return max(configured, MIN_LEASE_SECONDS)


async def holds_schedule(state: StateStore, seconds: float = LEASE_SECONDS) -> bool:
    """Take or renew the daily lease; True while this process is the scheduler.

    When the store cannot be reached this process cannot know, so it does not send.
    """
    try:
        return await state_call(state.hold_lease, DAILY_LEASE, PROCESS_ID, seconds)
    except Exception as error:  # any storage failure: not the scheduler for now
        log.warning("cannot renew the daily schedule: %s", type(error).__name__)
        return False


async def give_up_schedule(state: StateStore) -> None:
    """Release the lease on a clean stop, so another replica takes over at once."""
    try:
        await state_call(state.release_lease, DAILY_LEASE, PROCESS_ID)
    except Exception as error:  # the lease then simply runs out
        log.warning("cannot release the daily schedule: %s", type(error).__name__)
