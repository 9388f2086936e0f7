"""`quotebot ingest` on transcripts whose speakers are not (all) in speakers.toml: a speakers.toml to paste."""

from __future__ import annotations

import tomllib

from click.testing import CliRunner

from bot.cli import cli
from bot.quotedb import QuoteDB
from tests.conftest import SEEDS

ENGLISH = """Jane Doe: I think alignment is the hardest problem in the field today.

Bob Smith: Why do you think it is the hardest one?

Jane Doe: Because the models get stronger every single year and we must keep up with them.

Bob Smith: Thank you for joining us.
"""
CHINESE = """张三：我认为开源模型会改变整个行业的格局。

李四·王：你为什么这么认为？

张三：因为每个人都可以在开源模型上面继续建设自己的产品。

主持人：谢谢两位嘉宾。
"""


def transcripts(folder, speakers_toml: str | None = None):
    folder.mkdir()
    (folder / "interview-en.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "interview-zh.txt").write_text(CHINESE, encoding="utf-8")
    if speakers_toml is not None:
        (folder / "speakers.toml").write_text(speakers_toml, encoding="utf-8")
    return folder


def ingest(folder, db_path):
    return CliRunner().invoke(cli, ["ingest", "--seeds", str(folder), "--db", str(db_path)])


def snippet(output: str) -> dict:
    """The speakers.toml entries printed, parsed as TOML (so it pastes as it is)."""
    return tomllib.loads(output[output.index("# Labels"):] if "# Labels" in output else "")


def test_without_speakers_toml_one_line_and_a_speakers_toml_to_start_from(tmp_path):
    folder = transcripts(tmp_path / "mine")
    db_path = tmp_path / "quotes.db"
    result = ingest(folder, db_path)
    assert result.exit_code != 0
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and str(folder / "speakers.toml") in errors[0], result.stderr
    entries = {e["name"]: e for e in tomllib.loads(result.stdout)["speaker"]}
    assert set(entries) == {"Jane Doe", "Bob Smith", "张三", "李四·王"}
    assert entries["张三"]["name_zh"] == "张三" and "name_zh" not in entries["Jane Doe"]
    assert "# Jane Doe: 2 labels in interview-en.txt" in result.stdout
    assert "# 李四·王: 1 label in interview-zh.txt" in result.stdout
    assert "主持人" in result.stdout and "主持人" not in entries  # a role, not a person
    assert not db_path.exists()


def test_the_printed_speakers_toml_attributes_the_quotes(tmp_path):
    first = ingest(transcripts(tmp_path / "mine"), tmp_path / "unused.db")
    folder = transcripts(tmp_path / "again", speakers_toml=first.stdout)
    db_path = tmp_path / "quotes.db"
    result = ingest(folder, db_path)
    assert result.exit_code == 0, result.output
    speakers = {q.speaker for q in QuoteDB(db_path).quotes()}
    assert {"Jane Doe", "张三"} <= speakers
    assert "[[speaker]]" not in result.stdout  # nobody left unknown but the host's role
    assert "主持人: 1 label" in result.stdout


def test_labels_missing_from_speakers_toml_are_listed_with_counts(tmp_path):
    known = '[[speaker]]\nname = "Jane Doe"\naliases = ["Jane"]\n'
    folder = transcripts(tmp_path / "mine", speakers_toml=known)
    result = ingest(folder, tmp_path / "quotes.db")
    assert result.exit_code == 0, result.output
    entries = {e["name"] for e in snippet(result.stdout)["speaker"]}
    assert entries == {"Bob Smith", "张三", "李四·王"}
    assert "# Bob Smith: 2 labels in interview-en.txt" in result.stdout


def test_a_monologue_of_someone_not_in_speakers_toml_is_one_clear_line(tmp_path):
    folder = transcripts(tmp_path / "mine", speakers_toml='[[speaker]]\nname = "Jane Doe"\n')
    talk = "Opening talk\n\nWelcome everyone, today I want to talk about why alignment matters.\n"
    (folder / "talk.txt").write_text(talk, encoding="utf-8")
    (folder / "sources.toml").write_text(
        '[[source."talk.txt".monologue]]\nspeaker = "Sam Altman"\nafter = "Opening talk"\n',
        encoding="utf-8",
    )
    result = ingest(folder, tmp_path / "quotes.db")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert "Sam Altman" in result.stderr and "speakers.toml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_repository_seeds_leave_no_label_unknown(tmp_path):
    result = ingest(SEEDS, tmp_path / "quotes.db")
    assert result.exit_code == 0
    assert "[[speaker]]" not in result.stdout
