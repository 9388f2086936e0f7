"""End to end: every wild format ingested into the seed corpus, asked in English and in Chinese.

The fixtures (tests/data/wild/, described in tests/data/README.md) are added to a copy
of the seeds with the speakers and sources entries that folder ships, through
`quotebot ingest` as an operator runs it (bench/wild.py builds it, the same way it
measures it).
"""

from __future__ import annotations

import importlib.util
import json

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.extract.markup import find_markup
from bot.quotedb import QuoteDB
from bot.reply.render import quote_html, source_html
from bot.search import Searcher
from tests.conftest import ROOT, SEEDS


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_wild", ROOT / "bench" / "wild.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = load_bench()
BILINGUAL = ("altman-notes.md", "lecun-blockquote.md", "panel.html", "ng-agents.txt")


@pytest.fixture(scope="module")
def wild(tmp_path_factory):
    """(database, ingest output) of the seeds plus every wild fixture."""
    return BENCH.build_wild(tmp_path_factory.mktemp("wild"))


@pytest.fixture(scope="module")
def quotes(wild):
    return QuoteDB(wild[0]).quotes()


def of(quotes, file):
    return [q for q in quotes if q.source.file == file]


def test_no_quote_holds_markup_and_seed_attribution_is_unchanged(quotes):
    assert not [q.text for q in quotes if find_markup(q.text) or find_markup(q.original or "")]
    seeds = {(q.speaker, q.text) for q in quotes if (SEEDS / q.source.file).exists()}
    assert len(seeds) == 717


@pytest.mark.parametrize("file", BILINGUAL)
def test_every_paragraph_with_an_original_is_one_quote_carrying_it(quotes, file):
    found = of(quotes, file)
    with_original = [q for q in found if q.original]
    assert len(with_original) >= 2
    assert all(q.original_lang == "en" and not q.original.startswith(("<", ">")) for q in with_original)
    originals = {q.original for q in with_original}
    # An original is never a quote of its own.
    assert not any(q.text in originals for q in found)


def test_an_english_sentence_of_an_original_finds_its_quote_first(wild, quotes):
    bilingual = [q for q in quotes if q.original]
    hits, misses = BENCH.first_hits(Searcher(wild[0]), bilingual)
    assert hits + len(misses) >= 20
    assert hits / (hits + len(misses)) >= 0.95, misses


def test_asked_in_chinese_the_answer_carries_the_original(wild):
    result = CliRunner().invoke(cli, ["ask", "算力会成为未来的货币", "--json", "--db", str(wild[0])])
    [first, *_] = json.loads(result.output)
    assert first["speaker"] == "Sam Altman" and first["source"]["file"] == "altman-notes.md"
    assert first["original"].startswith("I think compute is going to be the currency")
    assert first["original_lang"] == "en"
    listed = CliRunner().invoke(cli, ["quotes", "--json", "--db", str(wild[0]), "--speaker", "Andrew Ng"])
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert any(row["original"] and row["source"]["file"] == "ng-agents.txt" for row in rows)


def test_roles_are_played_by_people_or_reported_never_speakers(wild, quotes):
    db, output = wild
    speakers = {q.speaker for q in quotes}
    assert not speakers & {"主持人", "Host", "Q", "A", "观众"}
    # altman-notes.md: its front matter names two people; Sam Altman speaks by name, so
    # the host is the other one.
    asked = [q for q in of(quotes, "altman-notes.md") if "GPT-5 什么时候发布" in q.text]
    assert [q.speaker for q in asked] == ["Alex Kantrowitz"]
    # panel.html names nobody for its host: the host's lines are nobody's, and reported.
    assert {q.speaker for q in of(quotes, "panel.html")} == {"Andrew Ng", "Yann LeCun"}
    assert '[source."panel.html"]\nroles = { "主持人" = "" }' in output
    assert not any("暂停训练比 GPT-4 更强的模型" in q.text for q in quotes)


def test_titles_dates_links_and_publishers_come_from_the_files_own_metadata(wild):
    sources = {row.source.file: row.source for row in QuoteDB(wild[0]).sources()}
    notes = sources["altman-notes.md"]
    assert (notes.title, notes.date, notes.publisher) == (
        "Sam Altman 谈 GPT-5、算力与 AGI｜中英对照笔记", "2024-05-01", "Big Technology Podcast"
    )
    assert notes.url == "https://www.youtube.com/watch?v=altman-notes-example"
    page = sources["panel.html"]
    assert (page.date, page.publisher, page.url) == (
        "2023-04-08", "机器学习前沿", "https://ml-frontier.example.com/posts/ng-lecun-pause"
    )
    assert page.title == "吴恩达、杨立昆对谈：为什么暂停 AI 研究六个月是个坏主意"
    assert sources["lecun-blockquote.md"].date == "2024-03-07"
    # A subtitle file's first line is speech, never its title; sources.toml wins.
    assert sources["panel-captions.srt"].title == "panel-captions.srt"
    assert sources["ilya-talk.srt"].title == "Ilya Sutskever: why prediction is understanding"


def test_subtitles_keep_speakers_and_start_times_and_link_to_the_moment(quotes):
    podcast = of(quotes, "podcast.vtt")
    assert [(q.speaker, q.start) for q in podcast if q.text == "Does that scare you?"] == [("Lex Fridman", 62.25)]
    talk = of(quotes, "ilya-talk.srt")
    assert talk and {q.speaker for q in talk} == {"Ilya Sutskever"}
    assert all(q.start is not None for q in talk) and [q.start for q in talk] == sorted(q.start for q in talk)
    later = talk[-1]
    link = f"t={int(later.start)}s"
    assert link in quote_html(later, "en", None) and link in source_html(later, "en", None, None)
    kaifu = of(quotes, "kaifu-zh.srt")
    assert [q.speaker for q in kaifu] == ["Kai-Fu Lee"]
    assert "BV1xx411c7mD?t=2\"" in source_html(kaifu[0], "zh-Hans", None, None)  # Bilibili's moment
    captions = of(quotes, "panel-captions.srt")
    assert {q.speaker for q in captions} == {"Andrew Ng", "Yann LeCun"}
    assert not any("WHAT WOULD YOU BUILD" in q.text for q in quotes)  # an unnamed voice is nobody's
