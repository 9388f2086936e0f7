"""`quotebot ask`: one query or many from standard input, JSON or readable."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import cli
from tests.test_meaning_search import OWN_WORDS


def ask(*args, input=None):
    return CliRunner().invoke(cli, ["ask", *map(str, args)], input=input)


def test_json_answer_has_the_contract_fields(quotes_db):
    result = ask("可扩展监督", "--json", "--db", quotes_db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    found = json.loads(lines[0])
    assert 1 <= len(found) <= 3
    first = found[0]
    assert set(first) == {"id", "speaker", "text", "original", "original_lang", "start", "score", "source", "matched_by"}
    assert first["original"] is None  # the seeds give no originals
    assert set(first["source"]) == {"file", "title", "publisher", "url", "date"}
    assert first["speaker"] == "Sam Altman" and "可扩展监督" in first["text"]
    assert first["matched_by"] in ("words", "both")


def test_an_answer_in_other_words_is_matched_by_meaning(quotes_db):
    result = ask(OWN_WORDS, "--json", "--db", quotes_db)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found and found[0]["matched_by"] == "meaning"
    assert found[0]["speaker"] == "Sam Altman" and "可扩展监督" in found[0]["text"]


def test_no_match_is_an_empty_array(quotes_db):
    result = ask("今天晚饭吃什么", "--json", "--db", quotes_db)
    assert result.exit_code == 0 and result.output == "[]\n"


def test_standard_input_answers_each_line_on_its_own_line(quotes_db):
    queries = ["对齐", "pizza recipe", "", "杨立昆 印刷机", "\"*:^ AND OR"]
    result = ask("--json", "--limit", 2, "--db", quotes_db, input="\n".join(queries) + "\n")
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert len(answers) == len(queries)
    assert answers[1] == [] and answers[2] == [] and answers[4] == []
    assert all(len(a) <= 2 for a in answers)
    assert {m["speaker"] for m in answers[3]} == {"Yann LeCun"}


def test_readable_output_names_speaker_and_source(quotes_db):
    result = ask("印刷机", "--limit", 1, "--db", quotes_db)
    assert result.exit_code == 0
    assert "Yann LeCun" in result.output and "印刷机" in result.output and "—" in result.output


def test_readable_no_match_suggests_topics(quotes_db):
    result = ask("pizza recipe", "--db", quotes_db)
    assert result.exit_code == 0 and "No quote matches" in result.output and "Try:" in result.output


def test_speaker_option_filters(quotes_db):
    result = ask("开源", "--json", "--speaker", "伊利亚", "--db", quotes_db)
    assert {m["speaker"] for m in json.loads(result.output)} == {"Ilya Sutskever"}


def test_missing_database_is_one_clear_error(tmp_path):
    result = ask("对齐", "--db", tmp_path / "none.db")
    assert result.exit_code != 0 and "no quote database" in result.output
