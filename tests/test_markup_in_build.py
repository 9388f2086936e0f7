"""The build checks every quote for markup: such a quote is left out and reported; --strict fails."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import cli
from bot.quotedb import QuoteDB
from tests.conftest import metadata_seeds

TEXT = (
    "Sam Altman: 我认为对齐是我们这个时代最重要的技术问题之一。\n\n"
    "Lex Fridman: 你怎么看<span class=\"hl\">开源</span>的风险?\n\n"
    "Sam Altman: 开源让更多的人能够检查这些系统,这对安全是有好处的。\n"
)


def ingest(seeds, db, *options):
    return CliRunner().invoke(cli, ["ingest", "--seeds", str(seeds), "--db", str(db), *options])


def test_a_quote_with_markup_is_left_out_and_reported(tmp_path):
    seeds = metadata_seeds(tmp_path / "seeds")
    (seeds / "talk.txt").write_text(TEXT, encoding="utf-8")
    result = ingest(seeds, tmp_path / "q.db")
    assert result.exit_code == 0, result.output
    assert "talk.txt:3: markup left out of a quote: <span class=\"hl\">" in result.output
    texts = [q.text for q in QuoteDB(tmp_path / "q.db").quotes()]
    assert len(texts) == 2 and not any("<" in t for t in texts)


def test_strict_fails_on_markup_and_leaves_the_database(tmp_path):
    seeds = metadata_seeds(tmp_path / "seeds")
    (seeds / "talk.txt").write_text(TEXT, encoding="utf-8")
    result = ingest(seeds, tmp_path / "q.db", "--strict")
    assert result.exit_code == 1
    assert "1 quote(s) with markup" in result.output
    assert not (tmp_path / "q.db").exists()
