"""How an answer is written: the language and script of the message, Taiwan and Hong Kong
traditional script, and buttons that keep the writing of the message they are under."""

from __future__ import annotations

import pytest

from bot.card import card_key, card_text
from bot.reply import Notice, Replier, Writing, in_script, parse_payload
from bot.reply.language import answer_language, is_traditional, parse_script

# The seeds' 印刷机 answer is LeCun's, published by 人工智能实验室(AiLab) under a
# simplified title (…对话实录…); its traditional forms as Taiwan writes them:
PRINTING_PRESS, PUBLISHER_TW, TITLE_TW = "印刷机", "人工智能實驗室", "對話實錄"


def quote_text(replier: Replier, quote_id: int) -> str:
    quote = replier.searcher.get(quote_id)
    assert quote is not None
    return quote.text


# -- traditional script: Taiwan by default, Hong Kong on request --------------------------


def test_traditional_is_the_taiwan_standard_and_hongkong_its_own():
    simplified = "为什么里面众人说话"
    assert in_script(simplified, "traditional") == "為什麼裡面眾人說話"  # not 爲/裏/衆
    assert in_script(simplified, "hongkong") == "為什麼裏面眾人説話"
    assert in_script("為什麼裡面", "simplified") == "为什么里面"
    assert in_script(simplified, None) == in_script(simplified, "original") == simplified


@pytest.mark.parametrize(("typed", "script"), [
    ("traditional", "traditional"), ("Taiwan", "traditional"), ("繁體", "traditional"),
    ("hongkong", "hongkong"), ("Hong Kong", "hongkong"), ("hk", "hongkong"), ("香港", "hongkong"),
    ("simplified", "simplified"), ("简体", "simplified"), ("original", "original"),
    ("off", "original"), ("klingon", None),
])
def test_script_names_a_person_may_type(typed, script):
    assert parse_script(typed) == script


def test_a_stored_traditional_setting_now_means_taiwan(replier):
    replier.state.set_script(1, "traditional")  # as chats chose it before Hong Kong existed
    reply = replier.answer(1, "zh-Hans", PRINTING_PRESS)
    assert in_script(quote_text(replier, reply.quote_id), "traditional") in reply.html
    assert "爲" not in reply.html and "衆" not in reply.html and "裏" not in reply.html


def test_hongkong_script_converts_quote_title_publisher_and_buttons(replier):
    assert "香港" in replier.set_script(2, "zh-Hans", "hongkong").html
    reply = replier.answer(2, "zh-Hans", PRINTING_PRESS)
    assert in_script(quote_text(replier, reply.quote_id), "hongkong") in reply.html
    assert PUBLISHER_TW in reply.html and TITLE_TW in reply.html
    assert [b.label for b in reply.buttons] == ["換一句", "上下文", "出處", "卡片", "相似"]
    source = replier.press(2, "zh-Hans", reply.buttons[2].payload)
    assert PUBLISHER_TW in source.html and TITLE_TW in source.html
    assert [b.label for b in source.buttons][2] == "引語"
    card = replier.press(2, "zh-Hans", reply.buttons[3].payload).card
    assert card is not None and card.script == "hongkong"
    drawn = card_text(card.quote, card.lang, card.script)
    assert PUBLISHER_TW in drawn.details and TITLE_TW in drawn.title


def test_cards_drawn_before_taiwan_script_are_not_reused():
    assert card_key(7, "zh-Hant", "traditional", "dark") == "card:7:zh-Hant:s2tw:dark"
    assert card_key(7, "zh-Hant", "hongkong", "dark") == "card:7:zh-Hant:s2hk:dark"


# -- the message's language and script -----------------------------------------------------


def test_traditional_characters_are_recognised():
    assert is_traditional("對齊是什麼") and is_traditional("為什麼裡面")
    assert not is_traditional("对齐是什么")
    assert not is_traditional("你好")  # the same in both scripts
    assert not is_traditional("對齐")  # a mixture
    assert not is_traditional("alignment")


def test_a_message_in_traditional_script_is_answered_in_it(replier):
    assert replier.language(3, None, "印刷機是什麼") == "zh-Hant"
    assert replier.language(3, "zh", "印刷機是什麼") == "zh-Hant"  # a plain "zh" client
    assert replier.language(3, "zh", "印刷机是什么") == "zh-Hans"
    reply = replier.answer(3, "zh-Hant", "印刷機是什麼")
    assert in_script(quote_text(replier, reply.quote_id), "traditional") in reply.html
    assert PUBLISHER_TW in reply.html
    assert reply.buttons[0].label == "換一句"
    # An English client writing traditional characters: English words, traditional quotes.
    english = replier.answer(4, "en", "印刷機是什麼")
    assert english.buttons[0].label == "Another"
    assert in_script(quote_text(replier, english.quote_id), "traditional") in english.html


def test_an_explicit_script_choice_wins_over_the_message(replier):
    replier.set_script(5, "zh-Hant", "original")
    reply = replier.answer(5, "zh-Hant", "印刷機是什麼")
    assert quote_text(replier, reply.quote_id) in reply.html  # as published: simplified
    replier.set_script(5, "zh-Hant", "simplified")
    assert "人工智能实验室" in replier.answer(5, "zh-Hant", "印刷機是什麼").html


def test_answer_language_from_the_text_alone():
    assert answer_language(text="對齊") == "zh-Hant"
    assert answer_language(text="对齐") == "zh-Hans"
    assert answer_language(text="alignment") == "en"
    assert answer_language("en", text="對齊") == "en"  # the chat's /lang choice wins


# -- buttons keep the writing of their message -----------------------------------------------


def test_every_button_carries_the_writing_of_its_message(replier):
    reply = replier.answer(6, "zh-Hant", "印刷機")
    for button in reply.buttons:
        parsed = parse_payload(button.payload)
        assert parsed is not None and parsed.writing == Writing("zh-Hant", "traditional")
        assert len(button.payload.encode()) <= 64


@pytest.mark.parametrize("button", range(5))
def test_a_press_answers_in_the_language_of_the_message_not_the_pressers(replier, button):
    chinese = replier.answer(7, "zh-Hans", PRINTING_PRESS)
    # The presser's Telegram gave no language (so "en" is all the caller knows).
    result = replier.press(7, "en", chinese.buttons[button].payload)
    assert not isinstance(result, Notice), result
    assert "「" in result.html or "上下文" in result.html or "出处" in result.html
    assert [b.label for b in result.buttons][0] == "换一句"
    if result.card is not None:
        assert (result.card.lang, result.card.script) == ("zh-Hans", None)


def test_a_press_under_an_english_answer_keeps_english_and_its_script(replier):
    english = replier.answer(8, "en", "印刷機是什麼")  # English words, traditional quote
    pressed = replier.press(8, "zh-Hans", english.buttons[1].payload)  # a Chinese presser
    assert pressed.html.startswith("<b>Context</b>")
    assert in_script(quote_text(replier, english.quote_id), "traditional") in pressed.html
    card = replier.press(8, "zh-Hans", english.buttons[3].payload).card
    assert (card.lang, card.script) == ("en", "traditional")


def test_the_chats_own_choices_still_win_over_the_message(replier):
    chinese = replier.answer(9, "zh-Hans", PRINTING_PRESS)
    replier.set_language(9, "zh-Hans", "en")
    replier.set_script(9, "en", "hongkong")
    pressed = replier.press(9, "en", chinese.buttons[1].payload)
    assert pressed.html.startswith("<b>Context</b>")
    assert in_script(quote_text(replier, chinese.quote_id), "hongkong") in pressed.html


def test_buttons_from_before_the_writing_tag_still_work(replier):
    reply = replier.answer(10, "zh-Hans", PRINTING_PRESS)
    old = f"c:{reply.quote_id}:{parse_payload(reply.buttons[1].payload).ids[1]}"
    pressed = replier.press(10, "zh-Hans", old)
    assert pressed.html.startswith("<b>上下文</b>")
    # Pressed by someone without a language: the message's button labels tell its language.
    labels = ["换一句", "上下文", "出处", "卡片", "相似"]
    assert replier.press(10, "en", old, labels).html.startswith("<b>上下文</b>")
    assert replier.press(10, "en", old).html.startswith("<b>Context</b>")  # nothing tells
