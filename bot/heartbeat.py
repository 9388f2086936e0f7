"""A heartbeat file the running bot refreshes, so a health check can tell it is alive.

A polling bot opens no port, so "is the process up" says little: the event loop
may be stuck or the updater may have stopped. The bot's job queue touches a file
every `HEARTBEAT_INTERVAL` seconds while its updater runs; `quotebot health`
(the Docker health check) fails when the file is older than `--max-age`.
Only the file's modification time matters; its content is a readable timestamp
for people looking at it.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

# How often the bot touches the file; the health check's max age should be several of these.
HEARTBEAT_INTERVAL = 30.0
DEFAULT_MAX_AGE = 120.0
JOB_NAME = "heartbeat"


def touch_heartbeat(path: Path | str) -> None:
    """Create or refresh the heartbeat file at `path` (its folder is created if missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    now = time.time()
    stamp = dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="seconds")
    path.write_text(stamp + "\n", encoding="utf-8")
    # Set the time explicitly: some filesystems keep coarse mtimes on write alone.
    os.utime(path, (now, now))


def heartbeat_age(path: Path | str, now: float | None = None) -> float | None:
    """Seconds since the heartbeat file was last touched, or None when there is none."""
    try:
        modified = Path(path).stat().st_mtime
    except OSError:
        return None
    return max(0.0, (time.time() if now is None else now) - modified)


def check_health(
    path: Path | str, max_age: float = DEFAULT_MAX_AGE, now: float | None = None
) -> tuple[bool, str]:
    """(healthy, one line saying why): healthy when `path` was touched within `max_age` seconds."""
    age = heartbeat_age(path, now)
    if age is None:
        return False, f"unhealthy: no heartbeat file at {path} (is the bot running?)"
    if age > max_age:
        return False, f"unhealthy: heartbeat {path} is {age:.0f}s old (max {max_age:.0f}s)"
    return True, f"healthy: heartbeat {path} is {age:.0f}s old"


async def heartbeat_job(context: Any) -> None:
    """Job-queue callback: touch the file named in `context.job.data` while updates still flow.

    When the application's updater exists but has stopped (polling or the webhook
    server died), the file is left to age so the health check reports it.
    """
    updater = getattr(getattr(context, "application", None), "updater", None)
    if updater is not None and not updater.running:
        return
    touch_heartbeat(context.job.data)


def schedule_heartbeat(
    job_queue: Any, path: Path | str, interval: float = HEARTBEAT_INTERVAL
) -> Any:
    """Touch `path` now and every `interval` seconds on a python-telegram-bot `JobQueue`.

    The first touch happens here rather than as a job with `first=0`: APScheduler
    counts an interval from a start time already past, so that job would first run
    only after a whole interval, and a health check in between would fail.
    """
    touch_heartbeat(path)
    return job_queue.run_repeating(
        heartbeat_job, interval=interval, first=interval, data=Path(path), name=JOB_NAME
    )
