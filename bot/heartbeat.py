"""A heartbeat file the running bot refreshes, so a health check can tell it is alive.

A polling bot opens no port, so "is the process up" says little: the event loop
may be stuck or the updater may have stopped. The bot's job queue touches a file
every `HEARTBEAT_INTERVAL` seconds while its updater runs; `quotebot health`
(the Docker health check) fails when the file is older than `--max-age`.
The file holds a readable timestamp and, while the bot is up but cannot take updates
(a full disk keeps it from recording them), a line "unhealthy: why": the health check
then fails at once. A heartbeat that cannot be written at all just ages.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# How often the bot touches the file; the health check's max age should be several of these.
HEARTBEAT_INTERVAL = 30.0
DEFAULT_MAX_AGE = 120.0
JOB_NAME = "heartbeat"
UNHEALTHY = "unhealthy:"


def well() -> str | None:
    """No problem: what a heartbeat reports when nothing else is asked."""
    return None


@dataclass(frozen=True)
class Beat:
    """The heartbeat job's data: the file, and what says why the bot is unwell (or None)."""

    path: Path
    problem: Callable[[], str | None] = well


def touch_heartbeat(path: Path | str, problem: str | None = None) -> None:
    """Create or refresh the heartbeat file at `path` (its folder is created if missing);
    with `problem`, the file says the bot is unhealthy and why."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    now = time.time()
    stamp = dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="seconds")
    said = f"{UNHEALTHY} {' '.join(problem.split())}\n" if problem else ""
    path.write_text(stamp + "\n" + said, encoding="utf-8")
    # Set the time explicitly: some filesystems keep coarse mtimes on write alone.
    os.utime(path, (now, now))


def reported_problem(path: Path | str) -> str | None:
    """The "unhealthy: why" line of the heartbeat file, or None."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return next((line for line in lines if line.startswith(UNHEALTHY)), None)


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
    """(healthy, one line saying why): healthy when `path` was touched within `max_age`
    seconds and does not say the bot is unhealthy."""
    age = heartbeat_age(path, now)
    if age is None:
        return False, f"unhealthy: no heartbeat file at {path} (is the bot running?)"
    if age > max_age:
        return False, f"unhealthy: heartbeat {path} is {age:.0f}s old (max {max_age:.0f}s)"
    if said := reported_problem(path):
        return False, f"{said} (heartbeat {path}, {age:.0f}s old)"
    return True, f"healthy: heartbeat {path} is {age:.0f}s old"


async def heartbeat_job(context: Any) -> None:
    """Job-queue callback: refresh the heartbeat of `context.job.data` (a `Beat`), saying
    whether the bot is well.

    When the application's updater exists but has stopped (polling or the webhook
    server died), the file is left to age so the health check reports it; so it is when
    the file cannot be written (a full disk).
    """
    beat: Beat = context.job.data
    updater = getattr(getattr(context, "application", None), "updater", None)
    if updater is not None and not updater.running:
        return
    try:
        touch_heartbeat(beat.path, beat.problem())
    except OSError as error:
        log.warning("cannot write the heartbeat %s (%s); it ages", beat.path, error.strerror)


def schedule_heartbeat(
    job_queue: Any,
    path: Path | str,
    interval: float = HEARTBEAT_INTERVAL,
    problem: Callable[[], str | None] = well,
) -> Any:
    """Touch `path` now and every `interval` seconds on a python-telegram-bot `JobQueue`,
    writing what `problem()` says is wrong (None: nothing).

    The first touch happens here rather than as a job with `first=0`: APScheduler
    counts an interval from a start time already past, so that job would first run
    only after a whole interval, and a health check in between would fail.
    """
    beat = Beat(Path(path), problem)
    touch_heartbeat(beat.path, beat.problem())
    return job_queue.run_repeating(
        heartbeat_job, interval=interval, first=interval, data=beat, name=JOB_NAME
    )
