"""The postability judgement and near-duplicate groups, made at ingest and stored with each quote."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from bot import terms
from bot.cli import cli
from bot.extract import extract_document, find_documents
from bot.extract.postable import WEIGHTS, judge_document
from bot.index import twin_groups
from bot.metadata import load_sources, load_speakers
from tests.conftest import SEEDS


def quotes_json(db) -> list[dict]:
    result = CliRunner().invoke(cli, ["quotes", "--json", "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_a_fresh_build_has_the_judgement_columns(quotes_db):
    conn = sqlite3.connect(quotes_db)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(quotes)")}
    flags = dict(conn.execute("SELECT postable, COUNT(*) FROM quotes GROUP BY postable").fetchall())
    conn.close()
    assert {"postable", "postable_score", "postable_why", "twin_group"} <= columns
    assert set(flags) == {0, 1}  # both verdicts occur, nothing left unjudged (NULL)


def test_quotes_json_shows_the_judgement_of_every_quote(quotes_db):
    rows = quotes_json(quotes_db)
    for row in rows:
        assert isinstance(row["postable"], bool)
        assert isinstance(row["postable_why"], list)
        assert set(row["postable_why"]) <= set(WEIGHTS)
        if not row["postable"]:
            assert row["postable_why"]  # a quote kept out of picks says why
    assert 0.2 < sum(row["postable"] for row in rows) / len(rows) < 0.8


def test_the_stored_judgement_is_the_judges(quotes_db):
    speakers, facts = load_speakers(SEEDS), load_sources(SEEDS)
    judged: dict[tuple[str, str], tuple[bool, list[str]]] = {}
    for path in find_documents([SEEDS]):
        document = extract_document(path, speakers, facts.get(path.name))
        for quote, judgement in zip(document.quotes, judge_document(document, speakers), strict=True):
            judged.setdefault((path.name, quote.text), (judgement.postable, list(judgement.reasons)))
    for row in quotes_json(quotes_db):
        assert judged[(row["source"]["file"], row["text"])] == (row["postable"], row["postable_why"])


def test_near_duplicates_share_a_group(quotes_db):
    conn = sqlite3.connect(quotes_db)
    rows = conn.execute("SELECT id, tokens, twin_group FROM quotes ORDER BY id").fetchall()
    conn.close()
    stored = {qid: group for qid, _tokens, group in rows}
    # The BAAI talk is on its page twice (a summary and the full text).
    baai = [qid for qid, tokens, _g in rows if tokens.replace(" ", "").startswith(("真心希望我们都能同意", "我真心希望我们都能同意"))]
    assert len(baai) == 2 and stored[baai[0]] == stored[baai[1]] == min(baai)
    # The build's groups are the rule applied to every pair of quotes, chained.
    forms = [(qid, tokens.replace(" ", "")) for qid, tokens, _g in rows]
    parent: dict[int, int] = {}

    def root(qid):
        while parent.get(qid, qid) != qid:
            qid = parent[qid]
        return qid

    for index, (a, form_a) in enumerate(forms):
        for b, form_b in forms[:index]:
            if root(a) != root(b) and terms.near_duplicate(form_a, form_b):
                low, high = sorted((root(a), root(b)))
                parent[high] = low
    assert {qid: root(qid) for qid in stored} == stored


def test_twin_groups_find_a_longer_quote_that_holds_an_earlier_one():
    forms = [
        (1, "我们需要找到共同利益的最重要领域之一"),
        (2, "完全无关的一句话讲的是别的事情"),
        (3, "真心希望我们都能同意我们需要找到共同利益的最重要领域之一"),
        (4, "完全无关的一句话讲的是别的事清"),  # one character typed wrong
    ]
    assert twin_groups(forms) == {3: 1, 4: 2}
