"""Reply building: formats per language and script, escaping, limits, buttons, the conversation."""

from __future__ import annotations

import html

from bot.messages import _TEXTS, LANGUAGES, language_from_code, say
from bot.reply import DESCRIPTIONS as COMMANDS
from bot.reply import (
    MAX_MESSAGE_CHARS,
    SCRIPTS,
    Notice,
    Reply,
    Writing,
    context_html,
    parse_payload,
    payload,
    quote_html,
    source_html,
    telegram_length,
)
from bot.search import Context, Quote, Source

SOURCE = Source("a.txt", "Title <i>x</i> & co", "Pub", "https://example.com/a?b=1&c=2",
                "2023-06-10", "Event")
QUOTE = Quote(7, "AI <script>alert('x')</script> & 对齐", "Sam Altman", "山姆·奥特曼", "answer",
              3, SOURCE)


def test_english_format_escapes_every_piece():
    text = quote_html(QUOTE, "en", None)
    assert text.startswith("AI &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; 对齐\n")
    assert "\n— Sam Altman\n" in text
    assert '<a href="https://example.com/a?b=1&amp;c=2">Title &lt;i&gt;x&lt;/i&gt; &amp; co</a>' in text
    assert text.endswith("Pub · 2023-06-10")


def test_chinese_format_is_hitokoto_style():
    text = quote_html(QUOTE, "zh-Hans", None)
    first, second, third = text.split("\n")
    assert first.startswith("「") and first.endswith("」")
    assert second.startswith("——山姆·奥特曼《<a href=") and second.endswith("</a>》")
    assert third == "Pub · 2023-06-10"
    assert "——山姆·奧特曼" in quote_html(QUOTE, "zh-Hant", None)


def test_script_conversion_applies_to_quotes_only_when_chosen():
    quote = Quote(8, "对齐问题很难", "Sam Altman", "山姆·奥特曼", "answer", 3, SOURCE)
    assert "對齊問題很難" in quote_html(quote, "en", "traditional")
    assert "对齐问题很难" in quote_html(quote, "zh-Hant", None)  # verbatim by default
    traditional = Quote(9, "對齊問題很難", "Sam Altman", "", "answer", 3, SOURCE)
    assert "对齐问题很难" in quote_html(traditional, "en", "simplified")


def test_unsafe_urls_are_not_linked():
    source = Source("a.txt", "T", None, "javascript:alert(1)", None, None)
    quote = Quote(1, "q", "S", "", "answer", 1, source)
    assert "href" not in quote_html(quote, "en", None)
    assert "javascript" not in source_html(quote, "en", None, None)


def test_huge_quote_and_context_stay_within_telegram_limit():
    huge = Quote(1, "<&>" * 5000, "Sam Altman", "山姆·奥特曼", "answer", 1, SOURCE)
    for lang in LANGUAGES:
        text = quote_html(huge, lang, None)
        assert telegram_length(text) <= MAX_MESSAGE_CHARS
        assert "Sam Altman" in text or "山姆" in text  # the attribution is never cut
        assert "&am…" not in text and html.unescape(text)  # never cut inside an entity
    context = Context(huge, "问" * 3000 + huge.text + "答" * 3000, "Lex Fridman", "为什么?" * 900)
    assert telegram_length(context_html(context, "en", None)) <= MAX_MESSAGE_CHARS


def test_context_shows_question_and_bold_quote():
    context = Context(QUOTE, "before. " + QUOTE.text + " after.", "Lex Fridman", "Why is that?")
    text = context_html(context, "en", None)
    assert "<b>Asked by Lex Fridman:</b>" in text and "<i>Why is that?</i>" in text
    assert "<b>" + html.escape(QUOTE.text, quote=True) + "</b>" in text


def test_context_names_both_speakers_the_chinese_way_in_chinese_chats():
    context = Context(QUOTE, QUOTE.text, "Lex Fridman", "為什麼?", "莱克斯·弗里德曼")
    text = context_html(context, "zh-Hans", None)
    assert "莱克斯·弗里德曼" in text and "Lex Fridman" not in text
    assert "山姆·奥特曼" in text
    assert "萊克斯" in context_html(context, "zh-Hant", None)


def test_payloads_are_ids_and_a_writing_tag_within_64_bytes():
    longest = Writing("zh-Hant", "hongkong")
    data = payload("c", 10**16 - 1, 10**16 - 1, writing=longest)
    assert len(data.encode()) <= 64
    assert parse_payload(data) == ("c", (10**16 - 1, 10**16 - 1), longest)
    for lang in LANGUAGES:
        for script in (None, *SCRIPTS):
            tagged = parse_payload(payload("a", 5, writing=Writing(lang, script)))
            assert tagged == ("a", (5,), Writing(lang, script))
    for bad in (None, "", "x:1", "a:", "a:x", "c:1", "a:1:2", "c:1:2:3", "c:1:2:zz", "a:eo",
                "c:1:2:eo:eo"):
        assert parse_payload(bad) is None


def test_payloads_from_before_the_writing_tag_still_parse():
    assert parse_payload("c:1234:56") == ("c", (1234, 56), None)
    assert parse_payload("a:56") == ("a", (56,), None)


def test_language_codes():
    assert language_from_code("zh-hans") == "zh-Hans"
    assert language_from_code("zh") == "zh-Hans"
    assert language_from_code("zh-TW") == "zh-Hant"
    assert language_from_code("zh-hk") == "zh-Hant"
    assert language_from_code("en-US") == "en"
    assert language_from_code("de") is None and language_from_code(None) is None


def test_every_text_exists_in_every_language():
    for key, texts in {**_TEXTS, **COMMANDS}.items():
        assert set(texts) == set(LANGUAGES), key
    assert "&lt;b&gt;" in say("en", "no_match", query="<b>", topics="", speakers="")


def test_plain_text_for_the_terminal():
    reply = Reply('a &amp; <b>b</b>\n<a href="https://x.org/?a=1&amp;b=2">T</a>')
    assert reply.plain() == "a & b\nT <https://x.org/?a=1&b=2>"


def test_language_falls_back_to_the_text(replier):
    assert replier.language(1, None, "对齐") == "zh-Hans"
    assert replier.language(1, None, "alignment") == "en"
    assert replier.language(1, "zh-tw", "alignment") == "zh-Hant"
    replier.set_language(1, "en", "en")
    assert replier.language(1, "zh-tw", "对齐") == "en"


def test_answer_no_match_and_random(replier):
    reply = replier.answer(1, "en", "alignment")
    assert reply.quote_id and len(reply.buttons) == 5
    no_match = replier.answer(1, "zh-Hans", "明天天气怎么样")
    assert no_match.quote_id is None and not no_match.buttons
    assert "明天天气怎么样" in no_match.html
    assert replier.answer(1, "en", "   ").quote_id  # nothing to match: a random quote
    unknown = replier.random_quote(1, "en", "Nobody Atall")
    assert unknown.quote_id is None and "Nobody Atall" in unknown.html
    assert replier.random_quote(1, "en", "Ilya").quote_id


def test_another_walks_the_matches_then_says_so(replier, searcher):
    first = replier.answer(2, "en", "印刷机")
    total = len(searcher.search("印刷机", limit=100))
    shown = {first.quote_id}
    result = first
    for _ in range(total + 1):
        result = replier.press(2, "en", first.buttons[0].payload)
        if isinstance(result, Notice):
            break
        assert result.quote_id not in shown
        shown.add(result.quote_id)
    assert isinstance(result, Notice) and "every quote" in result.text
    assert len(shown) == total


def test_views_keep_a_way_back(replier):
    first = replier.answer(3, "zh-Hans", "开源")
    context = replier.press(3, "zh-Hans", first.buttons[1].payload)
    assert [b.label for b in context.buttons] == ["换一句", "引语", "出处", "卡片", "相似"]
    back = replier.press(3, "zh-Hans", context.buttons[1].payload)
    assert back.html == first.html
    source = replier.press(3, "zh-Hans", first.buttons[2].payload)
    assert "https://t.me/QuoteTestBot?start=q" in source.html
    assert replier.start(3, "zh-Hans", f"q{first.quote_id}").html == first.html
    assert isinstance(replier.press(3, "en", "s:999999999:1"), Notice)


def test_inline_results(replier):
    results = replier.inline(9, "en", "alignment")
    assert 1 <= len(results) <= 10
    assert all(r.title and r.description and r.reply.buttons for r in results)
    assert len(replier.inline(9, "en", "")) == 10
    assert replier.inline(9, "en", "how do I bake bread") == []


def test_card_of_the_last_quote_a_replied_quote_or_a_query(replier):
    assert replier.card(10, "en").html == say("en", "card_nothing")
    shown = replier.answer(10, "en", "alignment")
    card = replier.card(10, "en")
    assert card.card is not None and card.card.quote.id == shown.quote_id
    assert (card.card.lang, card.card.script, card.card.theme) == ("en", None, "light")
    assert card.html == shown.html and card.buttons  # the text, should the picture fail
    pressed = replier.press(10, "en", shown.buttons[3].payload)
    assert pressed.card == card.card
    other = replier.answer(11, "en", "印刷机")
    assert replier.card_of(10, "en", other.quote_id).card.quote.id == other.quote_id
    assert replier.card(10, "en", "印刷机").card.quote.id == other.quote_id
    assert replier.card_of(10, "en", 999999999).html == say("en", "card_nothing")
    assert replier.card_of(10, "en", None).html == say("en", "card_nothing")
    assert replier.card(10, "en", "how do I bake bread").card is None  # a no-match answer


def test_theme_is_a_chat_setting_the_card_follows(replier):
    assert replier.set_theme(12, "en", "blue").html == say("en", "theme_usage")
    assert "深色" in replier.set_theme(12, "zh-Hans", " Dark ").html
    replier.set_script(12, "en", "traditional")
    replier.answer(12, "en", "alignment")
    card = replier.card(12, "en").card
    assert (card.script, card.theme) == ("traditional", "dark")
    assert all(item.card.theme == "dark" for item in replier.inline(12, "en", "alignment"))
