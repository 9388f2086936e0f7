"""The one normalizer: folding, word form, numbers, segmentation, terms, quotability."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import normalize, terms
from bot.normalize import Segmenter, fold, words
from bot.normalize import normalize as norm

segment = Segmenter().segment


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("反向傳播算法", "反向传播算法"),
        ("係統消息", "系统消息"),
        ("紅隊測試", "红队测试"),
        ("看著", "看着"),  # 著/着: t2s keeps 著, a reader does not
        ("裏面", "里面"),
        ("麵條", "面条"),
        ("什麽", "什么"),
        ("我們開始是一個非盈利組織", "我们开始是一个非盈利组织"),
    ],
)
def test_traditional_folds_to_simplified(traditional, simplified):
    assert norm(traditional) == norm(simplified)


def test_fold_is_nfkc_and_case_insensitive():
    assert norm("ＧＰＴ－４") == norm("gpt-4") == norm("GPT 4") == "gpt4"
    assert fold("Alignment") == "alignment"


def test_punctuation_and_spacing_fold_away():
    assert norm("对齐,\u3000可扩展监督!") == norm("对齐 可扩展监督") == "对齐可扩展监督"
    assert norm("“千里之行,始于足下”") == "千里之行始于足下"


def test_word_form_keeps_latin_word_boundaries_only():
    assert words("Model Internals(对一些)") == "model internals对一些"
    assert words("使用 GPT-4 来解释") == "使用gpt4来解释"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("两万多年", "20000多年"),
        ("22,000年", "22000年"),
        ("2万", "20000"),
        ("1.5亿", "150000000"),
        ("十年", "10年"),
        ("一个人", "一个人"),  # no unit: 一 stays a word
        ("千里之行", "千里之行"),  # no leading digit: an idiom, not a number
    ],
)
def test_numbers_meet_across_notations(text, expected):
    assert norm(text) == expected


def test_chinese_numerals_parse():
    assert normalize.parse_chinese_number("二十二万") == 220000
    assert normalize.parse_chinese_number("一千零一") == 1001
    assert normalize.parse_chinese_number("一二") is None


def test_approximate_number_groups_close_numbers():
    assert terms.approximate_number("22000") == terms.approximate_number("20000") == "2e4"
    assert terms.approximate_number("30000") != terms.approximate_number("20000")
    assert terms.approximate_number("999") is None


def test_segmentation_joins_back_to_the_comparison_form():
    text = "使用GPT-4来解释GPT-2中的神经元"
    assert "".join(segment(text)) == norm(text)
    assert "gpt4" in segment(text)


def test_user_words_are_never_split():
    segmenter = Segmenter(["可扩展监督", "伊利亚·苏茨克维"])
    assert "可扩展监督" in segmenter.segment("其中一个是可扩展监督。")
    assert "伊利亚苏茨克维" in segmenter.segment("伊利亚·苏茨克维说")


def test_latin_words_stay_whole_whatever_the_user_words():
    # `ng` (Andrew Ng) and `agi` are user words; they must not cut English words apart.
    segmenter = Segmenter(["ng", "agi", "对齐"])
    assert segmenter.segment("language training magic") == ["language", "training", "magic"]
    assert segmenter.segment("AGI对齐问题") == ["agi", "对齐", "问题"]


def test_index_terms_hold_words_bigrams_and_number_sizes_not_function_words():
    found = terms.index_terms(segment("装满洗碗机需要22,000年"))
    assert {"洗碗", "碗机", "装满", terms.APPROX_PREFIX + "2e4"} <= found
    assert "的" not in terms.index_terms(segment("我的书"))


def test_private_prefixes_cannot_come_from_user_input():
    assert norm(terms.SPEAKER_PREFIX + "1") == "s1"
    assert norm(terms.APPROX_PREFIX + "2e4") == "n2e4"


def test_quotability_prefers_complete_statements():
    statement = "当一项新技术出现时,我们需要做的是确保它的积极效果最大化,负面效果最小化。"
    question = "你认为会有一个奇点,机器会超过人类在学习和适应速度方面的进步吗?"
    assert terms.quotability(statement) > terms.quotability(question)
    assert terms.quotability(statement) > terms.quotability("是的。")
    assert terms.quotability(statement) > terms.quotability(statement * 12)


def test_search_fields_match_the_index_columns():
    from bot.quotedb import SEARCH_COLUMNS

    assert set(terms.search_fields("一句话。", Segmenter())) == set(SEARCH_COLUMNS)


def test_cache_dir_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setattr(normalize, "_cache_dir", normalize._cache_dir)
    normalize.set_cache_dir(tmp_path)
    assert normalize._cache_dir == tmp_path


# -- properties ---------------------------------------------------------------------

texts = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from("的了是对齐可扩展監督喷气汽两万十百千亿,。!?“”《》 \t\n-_.AaZz09"),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_normalize_never_raises_and_keeps_only_letters_and_digits(text):
    result = norm(text)
    assert all(unicodedata.category(ch)[0] in "LNM" for ch in result)
    assert " " not in result


@settings(max_examples=300, deadline=None)
@given(texts)
def test_normalize_is_idempotent(text):
    assert norm(norm(text)) == norm(text)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_segments_always_join_back(text):
    assert "".join(segment(text)) == norm(text)
