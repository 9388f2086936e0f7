"""Hostile metadata and files get one clear line each: never a traceback, a hang or gigabytes."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.extract.decode import MAX_DOCUMENT_BYTES
from bot.metadata import MetadataError, load_sources, load_speakers
from bot.quotedb import QuoteDB
from tests.conftest import metadata_seeds

DIALOGUE = "Sam Altman: 我认为对齐是我们这个时代最重要的技术问题之一。\n\nLex Fridman: 你怎么看开源?\n"


def ingest(seeds, db, *paths):
    return CliRunner().invoke(cli, ["ingest", "--seeds", str(seeds), "--db", str(db), *map(str, paths)])


def speakers_toml(tmp_path, text):
    folder = tmp_path / "meta"
    folder.mkdir(exist_ok=True)
    (folder / "speakers.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("toml", "message"), [
    ('[[speaker]]\nname = "Sam Altman"\naliases = "Sam"\n', "aliases must be a list of strings"),
    ('[[speaker]]\nname = 5\n', "name must be a string"),
    ('speaker = 5\n', "must be tables written [[speaker]]"),
    ('[[speaker]]\nname = "Sam Altman"\n[[speaker]]\nname = "Sam Altman"\n', "has two entries"),
    ('[[speaker]]\nname = "Sam Altman"\naliases = ["Sam"]\n[[speaker]]\nname = "Sam Harris"\naliases = ["sam"]\n',
     "'sam' is given for both 'Sam Altman' and 'Sam Harris'"),
    (f'[[speaker]]\nname = "{"长" * 10_000}"\n', "the most is 64"),
    ('[[speaker]]\nname = "Sam Altman"\nname_zh = ["萨姆"]\n', "name_zh must be a string"),
    ('[[speaker]]\naliases = ["x"]\n', "name is missing"),
])
def test_a_malformed_speakers_toml_is_one_line(tmp_path, toml, message):
    with pytest.raises(MetadataError, match="speakers.toml") as raised:
        load_speakers(speakers_toml(tmp_path, toml))
    assert message in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize(("toml", "message"), [
    ('[source."a.txt"]\ntitle = 5\n', "title must be a string"),
    ('[source."a.txt"]\ndate = "5 May"\n', "date must be YYYY-MM-DD"),
    ('[source."a.txt"]\nscript = "klingon"\n', "script must be one of"),
    ('[source."a.txt"]\nroles = "Lex"\n', "roles must be a table"),
    ('[source."a.txt"]\nmonologue = 3\n', "must be tables"),
    ('source = 3\n', "source must be tables"),
])
def test_a_malformed_sources_toml_is_one_line(tmp_path, toml, message):
    folder = tmp_path / "meta"
    folder.mkdir()
    (folder / "sources.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(MetadataError, match=message):
        load_sources(folder)


def test_an_unquoted_toml_date_is_read_as_the_day(tmp_path):
    folder = tmp_path / "meta"
    folder.mkdir()
    (folder / "sources.toml").write_text('[source."a.txt"]\ndate = 2024-05-01\n', encoding="utf-8")
    assert load_sources(folder)["a.txt"].source.date == "2024-05-01"


def test_ingest_says_the_speakers_toml_problem_in_one_line(tmp_path):
    seeds = metadata_seeds(tmp_path / "seeds")
    (seeds / "speakers.toml").write_text('[[speaker]]\nname = "Sam Altman"\naliases = "Sam"\n', encoding="utf-8")
    (seeds / "talk.txt").write_text(DIALOGUE, encoding="utf-8")
    result = ingest(seeds, tmp_path / "q.db")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "aliases must be a list of strings" in result.output


def test_a_device_or_a_fifo_in_the_corpus_is_skipped_without_reading_it(tmp_path):
    seeds = metadata_seeds(tmp_path / "seeds")
    (seeds / "talk.txt").write_text(DIALOGUE, encoding="utf-8")
    os.symlink("/dev/zero", seeds / "zero.txt")  # would read until memory runs out
    os.mkfifo(seeds / "pipe.txt")  # would block for ever
    result = ingest(seeds, tmp_path / "q.db")
    assert result.exit_code == 0, result.output
    assert "zero.txt: not a regular file" in result.output
    assert "pipe.txt: not a regular file" in result.output
    assert len(QuoteDB(tmp_path / "q.db").quotes()) == 2


def test_adding_a_fifo_or_a_huge_file_is_refused_in_one_line(tmp_path):
    seeds = metadata_seeds(tmp_path / "seeds")
    os.mkfifo(tmp_path / "pipe.txt")
    result = ingest(seeds, tmp_path / "q.db", tmp_path / "pipe.txt")
    assert result.exit_code == 1 and "is not a regular file" in result.output
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: no disk or time spent
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    result = ingest(seeds, tmp_path / "q.db", huge)
    assert result.exit_code == 1 and "over the 20 MB a transcript may be" in result.output


def test_a_huge_seed_is_skipped_unread(tmp_path):
    seeds = metadata_seeds(tmp_path / "seeds")
    (seeds / "talk.txt").write_text(DIALOGUE, encoding="utf-8")
    with (seeds / "huge.txt").open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    result = ingest(seeds, tmp_path / "q.db")
    assert result.exit_code == 0 and "huge.txt: over 20 MB, too big for a transcript: skipped" in result.output


@pytest.mark.parametrize("offset", [10, 70_000])
def test_a_stray_nul_byte_is_dropped_wherever_it_is(tmp_path, offset):
    seeds = metadata_seeds(tmp_path / "seeds")
    padding = "Lex Fridman: " + "这是一段很长的开场白,介绍今天的嘉宾。" * (offset // 50 + 1) + "\n\n"
    text = (padding + DIALOGUE).encode()
    data = text[:offset] + b"\x00" + text[offset:]
    (seeds / "talk.txt").write_bytes(data)
    result = ingest(seeds, tmp_path / "q.db")
    assert result.exit_code == 0, result.output
    assert "talk.txt: 1 stray NUL byte(s) dropped" in result.output
    quotes = QuoteDB(tmp_path / "q.db").quotes()
    assert quotes and not any("\x00" in q.text for q in quotes)
    assert any("对齐" in q.text for q in quotes)
