"""Bilingual transcripts: a paragraph and the speaker's own words are one quote with its original."""

from __future__ import annotations

from bot.extract.bilingual import language_of
from tests.extract_helpers import extract_text, speaker_of

ZH_1 = "我认为对齐是我们这个时代最重要的技术问题之一。"
EN_1 = "I think alignment is one of the most important technical problems of our time."
ZH_2 = "我们必须在模型变得更强大之前学会如何监督它们。"
EN_2 = "We have to learn how to supervise these models before they become much more powerful."
ZH_3 = "开源让更多的人能够检查这些系统,这对安全是有好处的。"
EN_3 = "Open source lets many more people inspect these systems, and that is good for safety."


def originals(document):
    """(text, original, original_lang) of every quote."""
    return [(q.text, q.original, q.original_lang) for q in document.quotes]


def test_language_of_counts_han_characters_against_latin_words():
    assert language_of(ZH_1) == "zh"
    assert language_of(EN_1) == "en"
    assert language_of("我认为GPT-4在transformer上很强。") == "zh"
    assert language_of("……") is None


def test_alternating_lines_pair_each_translation_with_its_original(tmp_path):
    text = f"Sam Altman: {ZH_1}\n{EN_1}\n{ZH_2}\n{EN_2}\n\nLex Fridman: 你怎么看开源?\n\nSam Altman: {ZH_3}\n{EN_3}\n"
    document = extract_text(tmp_path, text)
    assert originals(document) == [
        (ZH_1, EN_1, "en"), (ZH_2, EN_2, "en"), ("你怎么看开源?", None, None), (ZH_3, EN_3, "en"),
    ]
    assert speaker_of(document, ZH_2) == ["Sam Altman"]
    assert not any(EN_1 in q.text for q in document.quotes)  # never a quote of its own


def test_alternating_paragraphs_pair_when_the_whole_document_alternates(tmp_path):
    text = (
        f"Sam Altman: {ZH_1}\n\n{EN_1}\n\n{ZH_2}\n\n{EN_2}\n\n"
        f"Lex Fridman: 你怎么看开源呢?\n\nWhat do you think about open source?\n\n"
        f"Sam Altman: {ZH_3}\n\n{EN_3}\n"
    )
    document = extract_text(tmp_path, text)
    assert [q.original for q in document.quotes] == [EN_1, EN_2, "What do you think about open source?", EN_3]
    assert speaker_of(document, "你怎么看开源") == ["Lex Fridman"]


def test_original_first_then_translation_keeps_the_label_on_the_published_side(tmp_path):
    text = f"Sam Altman: {EN_1}\n{ZH_1}\n\nSam Altman: {EN_2}\n{ZH_2}\n"
    document = extract_text(tmp_path, text)
    assert originals(document) == [(ZH_1, EN_1, "en"), (ZH_2, EN_2, "en")]
    assert speaker_of(document, ZH_1) == ["Sam Altman"]


def test_an_english_paragraph_now_and_then_is_not_a_bilingual_layout(tmp_path):
    # Chinese notes quote a line in English once: it stays its own words, not an "original".
    text = f"Sam Altman: {ZH_1}\n\n{EN_1}\n\n{ZH_2}\n\n{ZH_3}\n\nLex Fridman: 好的。下一个问题是关于开源的。\n"
    document = extract_text(tmp_path, text)
    assert all(q.original is None for q in document.quotes)


def test_hard_wrapped_lines_of_one_language_are_not_alternation(tmp_path):
    text = "Sam Altman: 我认为对齐是我们这个时代最\n重要的技术问题之一,\nand the field calls it alignment\n我们必须认真对待。\n"
    document = extract_text(tmp_path, text)
    assert all(q.original is None for q in document.quotes)
