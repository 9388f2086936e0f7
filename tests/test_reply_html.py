"""Every view the bot sends is HTML Telegram accepts: all seed quotes, languages and scripts."""

from __future__ import annotations

import html
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.messages import LANGUAGES
from bot.reply import Replier, fit, in_script, telegram_length
from bot.reply.markup import escape_within
from bot.reply.render import (
    context_html,
    no_match_html,
    quote_html,
    source_html,
    sources_html,
    speakers_html,
    unknown_speaker_html,
)
from bot.search import Searcher
from bot.state import SQLiteStateStore
from tests.fake_bot_api import running_bot
from tests.telegram_html import assert_telegram_html, telegram_html_errors
from tests.test_bot_buttons import ask, press

SCRIPTS = (None, "simplified", "traditional", "hongkong")
NASTY_QUERIES = ("<b>bold</b> & \"quoted\" 'query'", "对齐 " * 40, "😀" * 70, "a &amp; b <i>", "")

SPEAKERS_TOML = """\
[[speaker]]
name = "Lex Fridman"
name_zh = "莱克斯·弗里德曼"
aliases = ["Lex", "莱克斯"]

[[speaker]]
name = "Sam Altman"
name_zh = "山姆·奥特曼"
aliases = ["Sam", "山姆"]
"""

SOURCES_TOML = """\
[source."talk.txt"]
title = "Long <questions> & \\"answers\\""
publisher = "Test & Co"
url = "https://example.com/talk?a=1&b=2"
date = "2024-01-02"
script = "simplified"
"""


def long_question_transcript() -> str:
    """Interview turns whose questions run over many paragraphs, some full of HTML's special characters.

    Each question is long enough to be cut in the Context view; the first one is made
    of quote marks (the model's degenerate output read out), six characters each once
    escaped, so the cut falls among its paragraphs.
    """
    questions = [
        "\n\n".join(("Lex: " if n == 0 else "") + "\"'" * 30 + "\"" for n in range(12))
        + "\n\nWhat do you make of that?",
        "Lex: 我想把几个问题放在一起问。\n\n"
        + "\n\n".join(f"第{n}个问题:模型为什么会在长对话里重复自己?这和上下文窗口有关吗?" for n in range(30)),
        "Lex: Here is the code I ran:\n\n"
        + "\n\n".join(f"if (a{n} < b && b > c) {{ print(\"<done>\" & '{n}'); }}" for n in range(40))
        + "\n\nWhy did it fail?",
        "Lex: I only sent emoji:\n\n" + "\n\n".join("🤖😀🧠" * 20 for _ in range(12))
        + "\n\nWhat did the model make of it?",
    ]
    openings = [
        "I think the model had lost track of the conversation, and that happens when the prompt is too long for it.",
        "我认为模型在长对话里会重复自己,因为它看不到对话是从哪里开始的。",
        "The compiler never saw your program, because the model rewrote the comparison operators on the way.",
        "Emoji are hard for a tokenizer, since one picture can take several tokens to spell out.",
    ]
    parts = "\n\n".join(
        f"Part {n}: we found that a model repeats itself when its context window is full & "
        "nobody tells it where the <end> is, so \"stop\" tokens matter more than people think."
        for n in range(12)
    )
    answers = [f"Sam: {opening}\n\n{parts}\n\nThe fix was to train it on the end of long documents too."
               for opening in openings]
    return "\n\n".join(turn for pair in zip(questions, answers, strict=True) for turn in pair) + "\n"


@pytest.fixture(scope="module")
def long_question_db(tmp_path_factory) -> Path:
    """A quote database built by `quotebot ingest` from the long-question transcript."""
    folder = tmp_path_factory.mktemp("long_questions")
    seeds = folder / "seeds"
    seeds.mkdir()
    (seeds / "speakers.toml").write_text(SPEAKERS_TOML, encoding="utf-8")
    (seeds / "sources.toml").write_text(SOURCES_TOML, encoding="utf-8")
    (seeds / "talk.txt").write_text(long_question_transcript(), encoding="utf-8")
    db = folder / "quotes.db"
    result = CliRunner().invoke(cli, ["ingest", "--seeds", str(seeds), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def quote_ids(db: Path) -> list[int]:
    """Every quote in the database."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM quotes ORDER BY id")]


def every_view(db: Path) -> Iterator[tuple[str, str]]:
    """(what, HTML) for each view of each quote in each language and script, and the lists."""
    searcher = Searcher(db)
    replier = Replier(searcher, SQLiteStateStore(":memory:"), "QuoteTestBot", random.Random(1))
    speakers, sources, topics = searcher.speakers(), searcher.sources(), searcher.suggestions(6)
    for quote_id in quote_ids(db):
        quote, context = searcher.get(quote_id), searcher.context(quote_id)
        assert quote is not None and context is not None
        share = replier.share_link(quote_id)
        for lang in LANGUAGES:
            for script in SCRIPTS:
                where = f"quote {quote_id} {lang} {script}"
                yield f"{where} quote", quote_html(quote, lang, script)
                yield f"{where} context", context_html(context, lang, script)
                yield f"{where} source", source_html(quote, lang, script, share)
    for lang in LANGUAGES:
        for query in NASTY_QUERIES:
            yield f"no match {lang} {query[:20]!r}", no_match_html(query, lang, topics, speakers)
            yield f"unknown speaker {lang} {query[:20]!r}", unknown_speaker_html(query, lang, speakers)
        yield f"speakers {lang}", speakers_html(speakers, lang)
        yield f"sources {lang}", sources_html(sources, lang)


def invalid_views(db: Path) -> tuple[int, list[str]]:
    """How many views were rendered, and a line for each one Telegram would refuse."""
    count, invalid = 0, []
    for what, text in every_view(db):
        count += 1
        errors = telegram_html_errors(text)
        if errors:
            invalid.append(f"{what}: {errors}")
    return count, invalid


def test_the_checker_refuses_what_telegram_refuses():
    assert telegram_html_errors("<b>Context</b>\n<i>a &amp; b &lt;c&gt; &quot;d&quot; &#x27;e&#x27;</i>") == []
    assert telegram_html_errors('<a href="https://x.org/?a=1&amp;b=2">T</a> <span class="tg-spoiler">s</span>') == []
    for bad in ("<i>open\nnever closed", "<b><i>x</b></i>", "a & b", "a &nbsp; b", "1 < 2", "2 > 1",
                "<br>", "<span>x</span>", "<a>no href</a>", "<code><b>x</b></code>", "</b>", "x" * 4097,
                "😀" * 2049, "<b/>", "<div>x</div>"):
        assert telegram_html_errors(bad), bad
    assert telegram_html_errors("&amp;" * 4096) == []  # the limit counts parsed characters
    assert telegram_html_errors("x" * 1025, 1024) and not telegram_html_errors("x" * 1024, 1024)  # captions


def test_context_of_long_multi_paragraph_questions_is_valid_html(long_question_db):
    count, invalid = invalid_views(long_question_db)
    assert count > 100 and not invalid, "\n".join(invalid[:10])


def test_context_of_a_long_question_shows_the_quote_and_the_question(long_question_db):
    searcher = Searcher(long_question_db)
    checked = 0
    for quote_id in quote_ids(long_question_db):
        context = searcher.context(quote_id)
        assert context is not None
        if not context.previous or len(context.previous) < 700:
            continue
        for lang in LANGUAGES:
            for script in SCRIPTS:
                text = context_html(context, lang, script)
                assert_telegram_html(text)
                shown = html.escape(in_script(context.quote.text, script), quote=True)
                assert f"<b>{shown}</b>" in text, (quote_id, lang, script)
                question_start = html.escape(in_script(context.previous, script)[:300], quote=True)
                assert f"<i>{question_start}" in text, (quote_id, lang, script)
        checked += 1
    assert checked >= 4  # every answer follows a long question


def test_every_view_of_every_seed_quote_is_valid_telegram_html(quotes_db):
    count, invalid = invalid_views(quotes_db)
    assert count >= 27 * len(quote_ids(quotes_db)) and not invalid, "\n".join(invalid[:10])


async def test_the_context_button_works_after_a_long_question(api, long_question_db, tmp_path):
    # Telegram refuses an edit whose HTML it cannot parse: the button would do nothing.
    async with running_bot(api, long_question_db, tmp_path / "state.db"):
        _, message = await ask(api, 401, "lost track of the conversation")
        assert "lost track of the conversation" in message["text"]
        await press(api, message, "Context", 1)
    assert message["text"].startswith("<b>Context</b>")
    assert "<b>I think the model had lost track of the conversation" in message["text"]
    assert_telegram_html(message["text"])


def test_a_cut_keeps_as_much_text_as_fits_never_an_entity():
    dense = "\"'" * 500  # six characters each once escaped
    cut = escape_within(dense, 601)
    assert telegram_length(cut) == 601 and cut.endswith("…") and html.unescape(cut[:-1]) == dense[:100]
    assert escape_within("before the quote", 10, keep_end=True) == "…the quote"
    assert escape_within("a & b", 2) == "a…" and escape_within("abc", 0) == ""


def test_the_last_guard_closes_the_tags_it_cuts():
    long_view = "<b>Title</b>\n<i>" + "\n".join(f"line {n} " + "x" * 90 for n in range(80)) + "</i>\nend"
    cut = fit(long_view)
    assert_telegram_html(cut)
    assert cut.endswith("</i>\n…") and "line 30" in cut
