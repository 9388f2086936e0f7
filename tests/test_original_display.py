"""A translated quote shows the speaker's own words: first in English chats, one tap away in Chinese."""

from __future__ import annotations

import pytest

from bot.card import caption_html, card_text
from bot.records import Source
from bot.reply.render import quote_html
from bot.search import Quote
from tests.telegram_html import assert_telegram_html

ZH = "我认为对齐是我们这个时代最重要的技术问题之一。"
EN = "I think alignment is one of the most important technical problems of our time."


def bilingual(text: str = ZH, original: str = EN) -> Quote:
    return Quote(1, text, "Sam Altman", "萨姆·奥尔特曼", "speech", 1,
                 Source("notes.md", title="对话 Sam Altman"), original=original, original_lang="en")


def test_english_chats_see_the_original_first_and_the_translation_under_it():
    html = quote_html(bilingual(), "en", None)
    assert html.index(EN) < html.index(ZH) < html.index("Sam Altman")
    assert f"<i>{ZH}</i>" in html
    assert_telegram_html(html)


@pytest.mark.parametrize(("lang", "script", "shown"), [
    ("zh-Hans", None, ZH), ("zh-Hant", "traditional", "我認為對齊是我們這個時代最重要的技術問題之一。"),
])
def test_chinese_chats_see_the_translation_with_the_original_in_an_expandable_block(lang, script, shown):
    html = quote_html(bilingual(), lang, script)
    assert html.startswith(f"「{shown}」")
    assert f"<blockquote expandable>{EN}</blockquote>" in html
    assert_telegram_html(html)


def test_a_long_pair_still_fits_one_message_with_both_sides_cut():
    html = quote_html(bilingual(ZH * 150, EN * 60), "en", None)
    assert_telegram_html(html)
    assert "…" in html and "<i>" in html and "Sam Altman" in html


def test_the_card_and_caption_speak_the_chats_language():
    assert card_text(bilingual(), "en", None).quote == EN
    assert card_text(bilingual(), "zh-Hans", None).quote == ZH
    assert EN in caption_html(bilingual(), "en", None) and ZH not in caption_html(bilingual(), "en", None)


def test_a_quote_without_an_original_reads_as_before():
    plain = Quote(2, ZH, "Sam Altman", "萨姆·奥尔特曼", "speech", 1, Source("a.txt"))
    assert "blockquote" not in quote_html(plain, "zh-Hans", None)
    assert "<i>" not in quote_html(plain, "en", None)


def test_a_quote_from_a_video_links_its_title_and_source_view_to_the_moment():
    from bot.reply.render import source_html

    source = Source("talk.srt", title="Ilya at Stanford", url="https://www.youtube.com/watch?v=abc123XYZ00")
    quote = Quote(3, "Learning is compression.", "Ilya Sutskever", "", "speech", 1, source, start=754.2)
    html = quote_html(quote, "en", None)
    assert 'href="https://www.youtube.com/watch?v=abc123XYZ00&amp;t=754s"' in html
    view = source_html(quote, "en", None, None)
    assert "Said at: <a href=\"https://www.youtube.com/watch?v=abc123XYZ00&amp;t=754s\">12:34</a>" in view
    assert_telegram_html(view)
    elsewhere = Quote(4, "x y z", "Ilya Sutskever", "", "speech", 1, Source("a.srt", url="https://example.com/talk"),
                      start=61.0)
    assert "Said at: 1:01" in source_html(elsewhere, "en", None, None)  # no player link to make
