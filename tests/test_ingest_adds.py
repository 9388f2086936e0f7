"""Issue 19, item 5: `quotebot ingest PATH…` adds to the corpus (seeds plus added documents),
`--replace` starts over, `documents` lists the corpus and `remove FILE` takes one out."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.conftest import metadata_seeds
from tests.test_ingest_cli import DIALOGUE

TALK = (
    "Sam Altman: We will keep shipping models that people can actually use every day.\n\n"
    "Ilya Sutskever: Scaling still teaches us something new about learning.\n"
)


@pytest.fixture
def seeds(tmp_path):
    """A seeds folder with the real metadata and one small seed document."""
    folder = metadata_seeds(tmp_path / "seeds")
    (folder / "one.txt").write_text(DIALOGUE, encoding="utf-8")
    return folder


@pytest.fixture
def talk(tmp_path):
    """An operator's transcript outside the seeds."""
    path = tmp_path / "mine" / "talk.txt"
    path.parent.mkdir()
    path.write_text(TALK, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path, seeds):
    """The database built from the seeds alone, as `make db` builds it."""
    path = tmp_path / "q.db"
    assert run("ingest", "--seeds", seeds, "--db", path).exit_code == 0
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def speakers_of(db) -> list[str]:
    lines = run("quotes", "--json", "--db", db).output.splitlines()
    return sorted(json.loads(line)["speaker"] for line in lines)


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


SEED_SPEAKERS = ["Andrew Ng", "Yann LeCun"]
WITH_TALK = sorted([*SEED_SPEAKERS, "Ilya Sutskever", "Sam Altman"])


def test_ingesting_a_file_keeps_the_seed_quotes_and_adds_its_own(db, seeds, talk):
    result = run("ingest", talk, "--seeds", seeds, "--db", db)
    assert result.exit_code == 0, result.output
    assert last_line(result).startswith(f"added 1 document(s) (talk.txt) to {db}: 2 documents")
    assert speakers_of(db) == WITH_TALK
    assert (db.with_name("q.added") / "talk.txt").read_text(encoding="utf-8") == TALK


def test_a_later_plain_build_keeps_the_added_document(db, seeds, talk):
    run("ingest", talk, "--seeds", seeds, "--db", db)
    talk.unlink()  # the copy is kept: the operator's file may move or go
    for extra in ([], ["--full"]):  # as `make db` runs it, and a build from scratch
        result = run("ingest", "--seeds", seeds, "--db", db, *extra)
        assert result.exit_code == 0, result.output
        assert speakers_of(db) == WITH_TALK


def test_ingesting_the_same_file_again_changes_nothing(db, seeds, talk):
    run("ingest", talk, "--seeds", seeds, "--db", db)
    again = run("ingest", talk, "--seeds", seeds, "--db", db)
    assert again.exit_code == 0, again.output
    assert last_line(again).startswith(f"{db} holds these documents already; talk.txt in it already")


def test_documents_lists_the_seeds_and_the_added_documents(db, seeds, talk):
    run("ingest", talk, "--seeds", seeds, "--db", db)
    table = run("documents", "--seeds", seeds, "--db", db).output
    assert "2 documents in the corpus" in table and "1 seeds, 1 added" in table
    rows = [json.loads(line) for line in run("documents", "--json", "--seeds", seeds, "--db", db).output.splitlines()]
    assert [(r["file"], r["origin"], r["quotes"]) for r in rows] == [("one.txt", "seed", 2), ("talk.txt", "added", 2)]


def test_remove_takes_an_added_document_out(db, seeds, talk):
    run("ingest", talk, "--seeds", seeds, "--db", db)
    result = run("remove", "talk.txt", "--seeds", seeds, "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == last_line(result)  # one line
    assert last_line(result).startswith(f"removed talk.txt from {db}: 1 documents")
    assert speakers_of(db) == SEED_SPEAKERS
    assert "talk.txt" not in run("documents", "--seeds", seeds, "--db", db).output


def test_a_seed_cannot_be_removed(db, seeds):
    result = run("remove", "one.txt", "--seeds", seeds, "--db", db)
    assert result.exit_code != 0
    assert "one.txt is a seed document" in result.output
    assert (seeds / "one.txt").exists() and speakers_of(db) == SEED_SPEAKERS


def test_removing_an_unknown_document_is_one_clear_line(db, seeds):
    result = run("remove", "nothing.txt", "--seeds", seeds, "--db", db)
    assert result.exit_code != 0
    assert result.output.strip() == f"Error: nothing.txt is not an added document of {db} (see quotebot documents)"


def test_replace_starts_over_from_the_seeds_and_the_given_paths(db, seeds, talk, tmp_path):
    run("ingest", talk, "--seeds", seeds, "--db", db)
    other = tmp_path / "other.txt"
    other.write_text("Lex: What gives you hope about the future of machine learning?\n", encoding="utf-8")
    result = run("ingest", "--replace", other, "--seeds", seeds, "--db", db)
    assert result.exit_code == 0, result.output
    assert last_line(result).startswith(
        f"replaced the corpus of {db}: dropped 1 added document(s), added 1 (other.txt): 2 documents"
    )
    assert speakers_of(db) == sorted([*SEED_SPEAKERS, "Lex Fridman"])
    alone = run("ingest", "--replace", "--seeds", seeds, "--db", db)
    assert last_line(alone).startswith(f"replaced the corpus of {db}: dropped 1 added document(s), added 0: 1 documents")
    assert speakers_of(db) == SEED_SPEAKERS


def test_a_missing_file_is_one_clear_line_and_changes_nothing(db, seeds):
    result = run("ingest", db.with_name("nothing.txt"), "--seeds", seeds, "--db", db)
    assert result.exit_code != 0
    assert result.output.strip() == f"Error: no such file or folder: {db.with_name('nothing.txt')}"
    assert speakers_of(db) == SEED_SPEAKERS


def test_a_name_taken_by_a_seed_with_other_content_is_refused(db, seeds, tmp_path):
    impostor = tmp_path / "one.txt"
    impostor.write_text(TALK, encoding="utf-8")
    result = run("ingest", impostor, "--seeds", seeds, "--db", db)
    assert result.exit_code != 0
    assert "one.txt is taken by a different seed" in result.output
    assert not (db.with_name("q.added") / "one.txt").exists()


def test_a_failed_build_takes_the_new_copy_back(db, seeds, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("Yann:好的。\n\nElon Musk:我不在名单上。\n", encoding="utf-8")
    result = run("ingest", "--strict", bad, "--seeds", seeds, "--db", db)
    assert result.exit_code != 0
    assert not (db.with_name("q.added") / "bad.txt").exists()
    assert speakers_of(db) == SEED_SPEAKERS


def test_a_first_run_builds_the_added_documents_too(db, seeds, talk):
    """`quotebot run` (and `chat`) build a missing database from the whole corpus."""
    from bot.cli import _build_missing_database
    from bot.config import Settings

    run("ingest", talk, "--seeds", seeds, "--db", db)
    db.unlink()
    _build_missing_database(Settings(db_path=db, seeds_dir=seeds))
    assert speakers_of(db) == WITH_TALK


def test_a_failed_replace_keeps_the_added_documents(db, seeds, talk, tmp_path):
    run("ingest", talk, "--seeds", seeds, "--db", db)
    bad = tmp_path / "bad.txt"
    bad.write_text("Yann:好的。\n\nElon Musk:我不在名单上。\n", encoding="utf-8")
    result = run("ingest", "--replace", "--strict", bad, "--seeds", seeds, "--db", db)
    assert result.exit_code != 0
    assert sorted(p.name for p in db.with_name("q.added").iterdir()) == ["talk.txt"]
    assert speakers_of(db) == WITH_TALK
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # nothing left aside
