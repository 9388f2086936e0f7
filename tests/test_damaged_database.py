"""A damaged quote database is refused: on open, on reload (the old file keeps answering), in the CLI."""

from __future__ import annotations

import logging
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.quotedb import FTS_TABLE, DatabaseError, QuoteDB
from bot.search import Searcher
from bot.search import searcher as searcher_module

DAMAGE_BYTES = 200 * 1024
QUERIES = ["对齐", "开源", "意识", "alignment", "印刷机"]


def damaged_copy(good: Path, path: Path) -> Path:
    """A copy of `good` with 200 KB in the middle overwritten (pages of the full-text index)."""
    shutil.copy(good, path)
    data = bytearray(path.read_bytes())
    start = len(data) // 2 - DAMAGE_BYTES // 2
    data[start : start + DAMAGE_BYTES] = random.Random(10).randbytes(DAMAGE_BYTES)
    path.write_bytes(bytes(data))
    return path


def scrambled_index_copy(good: Path, path: Path) -> Path:
    """A copy whose pages are all sound but whose full-text postings are noise (quick_check passes)."""
    shutil.copy(good, path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE {FTS_TABLE}_data SET block = randomblob(length(block)) WHERE id > 10")
    assert sqlite3.connect(path).execute("PRAGMA quick_check").fetchone() == ("ok",)
    return path


@pytest.fixture
def live_db(quotes_db, tmp_path) -> Path:
    """A real quote database of the seeds in its own folder, which the test may replace."""
    path = tmp_path / "quotes.db"
    shutil.copy(quotes_db, path)
    return path


@pytest.mark.parametrize("damage", [damaged_copy, scrambled_index_copy])
def test_a_damaged_database_is_refused_on_open(quotes_db, tmp_path, damage):
    path = damage(quotes_db, tmp_path / "damaged.db")
    with pytest.raises(DatabaseError, match="is damaged .*rebuild it"):
        QuoteDB(path)


@pytest.mark.parametrize("damage", [damaged_copy, scrambled_index_copy])
def test_a_damaged_rebuild_is_not_switched_to(live_db, tmp_path, monkeypatch, caplog, damage):
    live = Searcher(live_db)
    before = {q: [m.quote.id for m in live.search(q)] for q in QUERIES}
    assert all(before.values())
    os.replace(damage(live_db, tmp_path / "rebuilt.db"), live_db)  # as a rebuild renames
    monkeypatch.setattr(searcher_module, "RELOAD_CHECK_SECONDS", 0.0)
    with caplog.at_level(logging.ERROR, logger=searcher_module.__name__):
        after = {q: [m.quote.id for m in live.search(q)] for q in QUERIES}
    assert after == before
    refusals = [r for r in caplog.records if "not reloading" in r.getMessage()]
    assert len(refusals) == 1  # once per file, not once per search
    assert str(live_db) in refusals[0].getMessage() and "damaged" in refusals[0].getMessage()


def test_a_good_rebuild_after_a_damaged_one_is_switched_to(live_db, tmp_path, monkeypatch):
    live = Searcher(live_db)
    good = tmp_path / "good.db"
    shutil.copy(live_db, good)
    monkeypatch.setattr(searcher_module, "RELOAD_CHECK_SECONDS", 0.0)
    os.replace(damaged_copy(good, tmp_path / "rebuilt.db"), live_db)
    assert live.search("对齐")
    refused = live._opened.db.identity
    os.replace(good, live_db)
    assert live.search("对齐")
    assert live._opened.db.identity != refused
    assert live._opened.db.identity == (live_db.stat().st_ino, live_db.stat().st_mtime_ns)


def assert_one_clear_line(result, *words: str) -> None:
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # click's exit, not an error escaping
    for word in words:
        assert word in lines[0], lines[0]


def test_ask_on_a_damaged_database_is_one_clear_line(quotes_db, tmp_path):
    path = damaged_copy(quotes_db, tmp_path / "damaged.db")
    result = CliRunner().invoke(cli, ["ask", "对齐", "--db", str(path)])
    assert_one_clear_line(result, str(path), "is damaged", "quotebot ingest")


def test_run_on_a_damaged_database_is_one_clear_line(quotes_db, tmp_path):
    path = damaged_copy(quotes_db, tmp_path / "damaged.db")
    env = {
        "TELEGRAM_BOT_TOKEN": "123456:" + "a" * 35,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # never reached: the database comes first
        "QUOTEBOT_STATE_DB": str(tmp_path / "state.db"),
        "QUOTEBOT_HEARTBEAT": str(tmp_path / "heartbeat"),
    }
    result = CliRunner().invoke(cli, ["run", "--db", str(path)], env=env)
    assert_one_clear_line(result, str(path), "is damaged")
