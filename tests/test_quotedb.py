"""The quote database's owner: version check, one error type, the read queries."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from bot.quotedb import SCHEMA_VERSION, DatabaseError, QuoteDB
from bot.search import Searcher, SearchError, Tuning


def test_one_error_type_for_every_unreadable_database(tmp_path):
    assert SearchError is DatabaseError
    with pytest.raises(DatabaseError, match="no quote database"):
        QuoteDB(tmp_path / "missing.db")


def test_a_database_of_another_schema_version_must_be_rebuilt(quotes_db, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(quotes_db, old)
    with sqlite3.connect(old) as conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
    with pytest.raises(DatabaseError, match="rebuild it"):
        QuoteDB(old)
    with pytest.raises(SearchError, match="rebuild it"):
        Searcher(old)


def test_reads_agree_with_each_other(quotes_db):
    db = QuoteDB(quotes_db)
    everything = db.quotes()
    assert [q.id for q in everything] == sorted(q.id for q in everything)
    assert sum(s.quotes for s in db.speakers()) == len(everything)
    assert sum(s.quotes for s in db.sources()) == len(everything)
    yann = db.quotes("Yann LeCun")
    assert yann and {q.speaker for q in yann} == {"Yann LeCun"}
    assert db.quote(yann[0].id) == yann[0]
    assert db.quote(10**9) is None
    assert db.context(yann[0].id).quote == yann[0]
    db.close()


def test_the_tuning_is_passed_in(quotes_db):
    assert Searcher(quotes_db).search("可扩展监督")
    assert Searcher(quotes_db, tuning=Tuning(min_coverage=1.01)).search("可扩展监督") == []


def test_the_id_range_is_read_from_the_ends_of_the_key_not_by_a_scan(quotes_db):
    """A random draw (the web's /api/v1/random, the bot's samples) asks it every time."""
    db = QuoteDB(quotes_db)
    steps = []
    db.conn.set_progress_handler(lambda: steps.append(1), 100)  # every 100 VM instructions
    low, high = db.id_range()
    db.conn.set_progress_handler(None, 0)
    ids = [q.id for q in db.quotes()]
    assert (low, high) == (min(ids), max(ids)) and len(ids) > 500
    assert len(steps) <= 2, "a scan of every quote takes thousands of instructions"
