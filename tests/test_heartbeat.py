"""The heartbeat file and `quotebot health`: what the Docker health check relies on."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

from click.testing import CliRunner

from bot.cli import cli
from bot.config import Settings
from bot.heartbeat import (
    JOB_NAME,
    Beat,
    check_health,
    heartbeat_age,
    heartbeat_job,
    schedule_heartbeat,
    touch_heartbeat,
)


def _age(path: Path, seconds: float) -> None:
    """Make `path` look as if it was last touched `seconds` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_touch_creates_the_file_and_its_folder(tmp_path):
    path = tmp_path / "data" / "heartbeat"
    touch_heartbeat(path)
    assert path.is_file()
    assert heartbeat_age(path) < 5


def test_touch_refreshes_an_old_file(tmp_path):
    path = tmp_path / "heartbeat"
    touch_heartbeat(path)
    _age(path, 3600)
    touch_heartbeat(path)
    assert heartbeat_age(path) < 5


def test_missing_file_has_no_age_and_is_unhealthy(tmp_path):
    path = tmp_path / "nothing"
    assert heartbeat_age(path) is None
    healthy, line = check_health(path, 120)
    assert not healthy
    assert "no heartbeat file" in line and str(path) in line


def test_health_depends_on_the_age(tmp_path):
    path = tmp_path / "heartbeat"
    touch_heartbeat(path)
    assert check_health(path, 120)[0]
    _age(path, 300)
    healthy, line = check_health(path, 120)
    assert not healthy
    assert "300s old" in line and "max 120s" in line
    assert check_health(path, 600)[0]


def test_health_command_exit_codes(tmp_path):
    path = tmp_path / "heartbeat"
    runner = CliRunner()

    missing = runner.invoke(cli, ["health", "--file", str(path)])
    assert missing.exit_code == 1
    assert missing.output.count("\n") == 1  # one clear line

    touch_heartbeat(path)
    fresh = runner.invoke(cli, ["health", "--file", str(path), "--max-age", "120"])
    assert fresh.exit_code == 0, fresh.output
    assert fresh.output.startswith("healthy")

    _age(path, 200)
    stale = runner.invoke(cli, ["health", "--file", str(path), "--max-age", "120"])
    assert stale.exit_code == 1
    assert stale.output.startswith("unhealthy") and "200s old" in stale.output


def test_heartbeat_path_comes_from_the_environment():
    assert Settings.from_env({}).heartbeat_path == Path("db/heartbeat")
    settings = Settings.from_env({"QUOTEBOT_HEARTBEAT": "/data/heartbeat"})
    assert settings.heartbeat_path == Path("/data/heartbeat")


def _context(path: Path, updater_running: bool | None, problem=lambda: None):
    """A stand-in for python-telegram-bot's CallbackContext with just what the job reads."""
    updater = None if updater_running is None else SimpleNamespace(running=updater_running)
    return SimpleNamespace(
        job=SimpleNamespace(data=Beat(path, problem)), application=SimpleNamespace(updater=updater)
    )


async def test_job_touches_while_the_updater_runs(tmp_path):
    path = tmp_path / "heartbeat"
    await heartbeat_job(_context(path, updater_running=True))
    assert heartbeat_age(path) < 5


async def test_job_lets_the_file_age_when_the_updater_stopped(tmp_path):
    path = tmp_path / "heartbeat"
    touch_heartbeat(path)
    _age(path, 600)
    await heartbeat_job(_context(path, updater_running=False))
    assert heartbeat_age(path) > 500
    assert not check_health(path, 120)[0]


async def test_job_touches_without_an_updater(tmp_path):
    path = tmp_path / "heartbeat"
    await heartbeat_job(_context(path, updater_running=None))
    assert path.is_file()


async def test_scheduled_on_a_real_job_queue(tmp_path):
    """Touched at once when scheduled, then again by python-telegram-bot's JobQueue."""
    import asyncio

    from telegram.ext import ApplicationBuilder

    path = tmp_path / "heartbeat"
    # Only the job queue is started: initialize() would call Telegram's getMe.
    application = ApplicationBuilder().token("123:TEST").updater(None).build()
    await application.job_queue.start()
    try:
        job = schedule_heartbeat(application.job_queue, path, interval=0.2)
        assert job.name == JOB_NAME
        assert heartbeat_age(path) < 5
        _age(path, 600)
        for _ in range(50):
            await asyncio.sleep(0.05)
            if heartbeat_age(path) < 5:
                break
        assert heartbeat_age(path) < 5, "the repeating job did not refresh the file"
    finally:
        await application.job_queue.stop(wait=False)


async def test_a_bot_that_cannot_take_updates_says_so_and_is_unhealthy_at_once(tmp_path):
    """Issue 20, item 1: up, polling, but its updates cannot be recorded (a full disk)."""
    path = tmp_path / "heartbeat"
    problem = "updates cannot be recorded in the state store: record: database or disk is full"
    await heartbeat_job(_context(path, updater_running=True, problem=lambda: problem))
    healthy, line = check_health(path, 120)
    assert not healthy and line.startswith("unhealthy: updates cannot be recorded"), line
    result = CliRunner().invoke(cli, ["health", "--file", str(path)])
    assert result.exit_code == 1 and "disk is full" in result.output
    await heartbeat_job(_context(path, updater_running=True))  # recording works again
    assert check_health(path, 120)[0]


async def test_a_heartbeat_that_cannot_be_written_is_logged_and_ages(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the heartbeat's folder should be")
    await heartbeat_job(_context(blocked / "heartbeat", updater_running=True))
    assert any("cannot write the heartbeat" in r.getMessage() for r in caplog.records)
