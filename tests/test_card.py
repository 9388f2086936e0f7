"""Quote cards: every seed quote drawable in both scripts, CJK line breaking, glyph
coverage, captions, the stored reference cards, the `card` command and its benchmark.

The reference cards (tests/data/cards/) change only on purpose: after a deliberate
change of the look, rewrite them with `QUOTEBOT_UPDATE_CARDS=1 pytest tests/test_card.py`
and look at the diff.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from functools import cache

import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageStat

from bench.cards import all_quotes
from bot.card import (
    MAX_CAPTION_CHARS,
    THEMES,
    caption_html,
    card_key,
    card_layout,
    card_text,
    parse_theme,
    render_card,
)
from bot.card.fonts import MISSING
from bot.card.layout import NO_LINE_END, NO_LINE_START
from bot.cli import cli
from bot.reply import telegram_length
from bot.reply.language import THEME_NAMES
from bot.search import Quote, Source
from tests.conftest import DATA, ROOT

CARDS = DATA / "cards"
SCRIPTS = {"traditional": "zh-Hant", "simplified": "zh-Hans"}
# Where a line break may never fall: inside a run of Latin letters or digits.
LATIN = re.compile(r"[A-Za-z0-9]")


@cache
def cmap_of(path: str) -> frozenset[int]:
    """The font file's own character map, read here independently of bot.card.fonts."""
    font = TTFont(path, lazy=True)
    try:
        return frozenset(font["cmap"].getBestCmap())
    finally:
        font.close()


@pytest.fixture(scope="module")
def seed_quotes(quotes_db):
    return all_quotes(quotes_db)


def quote(text: str, url: str | None = "https://example.com/talk", title: str = "一次访谈") -> Quote:
    source = Source("x.md", title, "某出版方", url, "2024-05-01", None)
    return Quote(1, text, "Sam Altman", "山姆·奥特曼", "quote", 1, source)


def assert_drawable_and_well_broken(layout, source: str = "") -> None:
    """Every character drawn by a font whose cmap has it; no line breaks against the rules.

    Two Latin characters either side of a break must have had a space between them in
    `source` (the quote as written): a break there falls between words, not inside one.
    """
    source = " ".join(source.split())
    for line in layout.lines:
        for face, text in line.runs:
            missing = [c for c in text if ord(c) not in cmap_of(face.path)]
            assert not missing, f"{missing} drawn with {face.name}: {line.text!r}"
    for block in ("quote", "title", "speaker"):
        lines = layout.block(block)
        for before, after in zip(lines, lines[1:], strict=False):
            assert after[0] not in NO_LINE_START, f"line starts with {after[0]!r}: {lines}"
            assert before[-1] not in NO_LINE_END, f"line ends with {before[-1]!r}: {lines}"
            if LATIN.match(before[-1]) and LATIN.match(after[0]) and block == "quote":
                if f"{before[-6:]} {after[:6]}" in source:
                    continue
                raise AssertionError(f"a word split across lines: {before!r} / {after!r}")


def test_every_seed_quote_lays_out_in_both_scripts(seed_quotes):
    assert len(seed_quotes) > 500
    for q in seed_quotes:
        for script, lang in SCRIPTS.items():
            layout = card_layout(q, lang, script)
            assert layout.block("quote"), q.id
            assert_drawable_and_well_broken(layout, card_text(q, lang, script).quote)
            assert MISSING not in "".join(layout.block("quote")), q.id  # seeds are all drawable


def test_a_sample_renders_in_both_themes(seed_quotes):
    for q in seed_quotes[:: max(len(seed_quotes) // 12, 1)]:
        for theme in ("light", "dark"):
            image = Image.open(io.BytesIO(render_card(q, "zh-Hans", "simplified", theme)))
            assert image.width == 1080 and 600 < image.height < 2400


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation():
    text = "「人工智能」（AI）的发展，是一个长期的过程。《人类简史》说：“我们需要耐心！”" * 6
    layout = card_layout(quote(text), "zh-Hans")
    assert len(layout.block("quote")) > 3
    assert_drawable_and_well_broken(layout)


def test_latin_words_and_numbers_inside_chinese_never_split():
    text = "我们在GPT-4.5和Transformer架构上花了3,000,000美元，" * 8 + "结果很好。"
    layout = card_layout(quote(text), "zh-Hans")
    drawn = "".join(layout.block("quote"))
    assert_drawable_and_well_broken(layout, text)
    for word in ("GPT-4.5", "Transformer", "3,000,000"):
        assert drawn.count(word) == text.count(word) or layout.shortened
    assert_drawable_and_well_broken(layout)


def test_a_long_quote_is_shortened_at_a_sentence_end():
    sentences = [f"这是第{n}句话，它讲的是人工智能的未来和我们每个人的责任。" for n in range(40)]
    layout = card_layout(quote("".join(sentences)), "zh-Hans")
    drawn = "".join(layout.block("quote"))
    assert layout.shortened and drawn.endswith("。……")
    assert "".join(sentences).startswith(drawn.removesuffix("……"))


def test_english_is_shortened_at_a_sentence_end_too():
    text = " ".join(f"Sentence number {n} talks about the future of intelligence." for n in range(60))
    drawn = " ".join(card_layout(quote(text)).block("quote"))
    assert drawn.endswith("intelligence. …")


def test_a_character_no_font_has_is_replaced_never_boxed():
    layout = card_layout(quote("AI 很有趣\U0010fffd真的\U000e0001。"), "zh-Hans")
    drawn = "".join(layout.block("quote"))
    assert drawn == "AI 很有趣" + MISSING + "真的" + MISSING + "。"
    assert_drawable_and_well_broken(layout)


def test_emoji_are_drawn_in_colour_as_whole_sequences():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    layout = card_layout(quote(f"AI 很有趣 🙂👍🏽{family}❤️ 真的。"), "zh-Hans")
    emoji_runs = [text for line in layout.lines for face, text in line.runs if face.name == "emoji"]
    assert emoji_runs == [f"🙂👍🏽{family}❤️"]
    assert layout.has_colour and MISSING not in "".join(layout.block("quote"))
    long = card_layout(quote("It works 👍🏽 — really, it does. " * 12))
    assert_drawable_and_well_broken(long, "It works 👍🏽 — really, it does. " * 12)
    assert_drawable_and_well_broken(layout)
    image = Image.open(io.BytesIO(render_card(quote(f"{family} 🙂"), theme="dark"))).convert("RGB")
    yellow = [c for _, c in image.getcolors(1 << 20) if c[0] > 200 and c[1] > 150 and c[2] < 80]
    assert yellow, "the smiley is drawn in its own colours"


def test_chinese_interface_names_the_speaker_in_chinese():
    assert card_layout(quote("你好。"), "zh-Hant", "traditional").block("speaker") == ["山姆·奧特曼"]
    assert card_layout(quote("Hello."), "en").block("speaker") == ["Sam Altman"]


def test_qr_code_only_with_a_url():
    assert card_layout(quote("你好。")).qr_at
    assert card_layout(quote("你好。", url=None)).qr_at is None
    assert card_layout(quote("你好。", url="javascript:alert(1)")).qr_at is None


def test_captions_fit_telegram_and_keep_the_source(seed_quotes):
    for q in seed_quotes:
        for lang in ("en", "zh-Hans"):
            caption = caption_html(q, lang)
            assert telegram_length(caption) <= MAX_CAPTION_CHARS
            assert (q.speaker_zh if lang != "en" and q.speaker_zh else q.speaker) in caption


def test_a_long_caption_is_cut_at_a_sentence_and_escaped():
    text = "<b>Risky</b> & true. " + " ".join(f"Sentence {n} is here." for n in range(200))
    caption = caption_html(quote(text))
    assert telegram_length(caption) <= MAX_CAPTION_CHARS
    assert caption.startswith("“&lt;b&gt;Risky&lt;/b&gt; &amp; true.")
    assert "is here. …”" in caption and "— Sam Altman" in caption


def test_theme_and_cache_key():
    assert parse_theme(" Dark ") == "dark" and parse_theme("blue") is None
    assert tuple(THEMES) == THEME_NAMES  # what /theme accepts is what the renderer draws
    assert card_key(7, "zh-Hant", None, "dark") == "card:7:zh-Hant:original:dark"
    with pytest.raises(ValueError):
        render_card(quote("你好。"), theme="blue")


REFERENCE = quote(
    "我们在做的事情，本质上是把“智能”变成一种像电一样的基础设施。GPT-4 只是开始；"
    "to be honest, nobody knows what 2030 looks like.",
)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_card_matches_its_stored_reference(theme):
    image = Image.open(io.BytesIO(render_card(REFERENCE, "zh-Hans", None, theme))).convert("RGB")
    path = CARDS / f"reference-{theme}.png"
    if os.environ.get("QUOTEBOT_UPDATE_CARDS"):
        image.save(path)
    reference = Image.open(path).convert("RGB")
    assert image.size == reference.size
    difference = ImageStat.Stat(ImageChops.difference(image, reference)).mean
    assert max(difference) < 1.0, f"the {theme} card looks different from {path}: {difference}"


def test_cli_writes_the_card(quotes_db, tmp_path):
    out = tmp_path / "card.png"
    result = CliRunner().invoke(cli, ["card", "对齐", "-o", str(out), "--theme", "dark",
                                      "--script", "traditional", "--db", str(quotes_db)])
    assert result.exit_code == 0, result.output
    assert Image.open(out).width == 1080 and str(out) in result.output


def test_cli_no_match_is_one_clear_line(quotes_db, tmp_path):
    result = CliRunner().invoke(cli, ["card", "qqxzzv", "-o", str(tmp_path / "c.png"),
                                      "--db", str(quotes_db)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["Error: no quote matches 'qqxzzv'"]


def test_cli_unwritable_path_is_one_clear_line(quotes_db, tmp_path):
    result = CliRunner().invoke(cli, ["card", "对齐", "-o", str(tmp_path / "no" / "c.png"),
                                      "--db", str(quotes_db)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "cannot write" in result.output


def test_tiny_benchmark_reports_every_figure(quotes_db, tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cards.py"), "--db", str(quotes_db), "--limit", "3",
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=True,
    )
    assert "p50" in result.stdout and "QuotLy" in result.stdout
    assert (tmp_path / "cards.json").exists()
