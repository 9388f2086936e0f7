"""Shared fixtures: the repository's seeds and dev sets, and a quote database built from them once."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def read_jsonl(name: str) -> list[dict]:
    """A dev set from tests/data (kept in sync by hand with ../shared/dev)."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def metadata_seeds(folder: Path) -> Path:
    """A new seeds folder holding the real metadata (speakers, sources, glossary) and no documents."""
    folder.mkdir()
    for name in ("speakers.toml", "sources.toml", "glossary.toml"):
        if (SEEDS / name).exists():
            shutil.copy(SEEDS / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def quotes_db(tmp_path_factory) -> Path:
    """The quote database built from seeds/, once per test session."""
    from bot.index import build_from_paths

    path = tmp_path_factory.mktemp("db") / "quotes.db"
    build_from_paths([SEEDS], SEEDS, path)
    return path


@pytest.fixture(scope="module")
def searcher(quotes_db):
    """A searcher over the seeds' database, shared by a test module."""
    from bot.search import Searcher

    return Searcher(quotes_db)


@pytest.fixture
def replier(searcher):
    """What the bot answers (Telegram's and the terminal's), with a fresh state of its own."""
    import random

    from bot.reply import Replier
    from bot.state import SQLiteStateStore

    return Replier(searcher, SQLiteStateStore(":memory:"), "QuoteTestBot", random.Random(1))


@pytest.fixture
def without_model(monkeypatch):
    """The bot as it runs without the meaning model package (the import fails)."""
    import sys

    from bot import meaning

    monkeypatch.setitem(sys.modules, meaning.MODEL_PACKAGE, None)
    meaning.load_embedder.cache_clear()
    yield
    monkeypatch.undo()
    meaning.load_embedder.cache_clear()


@pytest.fixture
async def api():
    """A Bot API stand-in on loopback, with updates queued by the test."""
    from tests.fake_bot_api import FakeBotAPI

    async with FakeBotAPI.running() as fake:
        yield fake


@pytest.fixture
async def bot(api, quotes_db, tmp_path):
    """The real Application, with its real HTTP stack, pointed at the stand-in."""
    from tests.fake_bot_api import running_bot

    async with running_bot(api, quotes_db, tmp_path / "state.db") as application:
        yield application


def started_postgres():
    """A PostgreSQL server started on loopback; skip without one, but fail in CI (CI=true),
    where `.ci/run` installs it."""
    from tests.pg import PostgresServer, PostgresUnavailable

    try:
        return PostgresServer().start()
    except PostgresUnavailable as error:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is required in CI: {error}")
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server on loopback for the whole session (tests/pg.py).

    Without PostgreSQL installed the tests that need it skip on a developer's machine,
    but fail in CI (CI=true), where `.ci/run` installs it.
    """
    server = started_postgres()
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres) -> str:
    """The URL of an empty database of this test's own on the session's server."""
    return postgres.new_database()
