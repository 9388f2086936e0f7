"""Typos: Latin words the corpus does not know corrected to ones it does, Chinese
homophones and near-homophones from a pinyin keyboard, names typed wrong."""

from __future__ import annotations

import pytest

from bot.normalize import normalize
from bot.quotedb import QuoteDB
from bot.search import Searcher, spelling
from bot.search.sounds import Sounds, fold


@pytest.fixture(scope="module")
def searcher(quotes_db) -> Searcher:
    return Searcher(quotes_db)


@pytest.fixture(scope="module")
def db(quotes_db):
    opened = QuoteDB(quotes_db)
    yield opened
    opened.close()


def _holds(match, word: str) -> bool:
    return normalize(word) in normalize(match.quote.text)


# The examples: each found nothing before.
LATIN = {"alignmnet": "对齐", "regulaton": "监管", "conciousness": "意识", "saftey": "安全"}


@pytest.mark.parametrize(("typed", "topic"), LATIN.items())
def test_a_misspelt_english_topic_finds_the_topic(searcher, typed, topic):
    [first] = searcher.search(typed, limit=1)
    assert _holds(first, topic) and first.quote.postable


def test_a_corrected_word_weighs_a_little_less_than_the_word_itself(searcher):
    [right] = searcher.search("alignment", limit=1)
    wrong = {m.quote.id: m.score for m in searcher.search("alignmnet", limit=10)}
    assert right.quote.id in wrong and wrong[right.quote.id] < right.score


NAMES = {
    "LeCunn": "Yann LeCun", "Altmann": "Sam Altman", "Sutskevar": "Ilya Sutskever",
    "Sam Altmn": "Sam Altman", "Illya": "Ilya Sutskever", "Yan LeCun": "Yann LeCun",
    "奥特慢": "Sam Altman", "杨立坤": "Yann LeCun", "伊利雅": "Ilya Sutskever", "吴恩大": "Andrew Ng",
}


@pytest.mark.parametrize(("typed", "speaker"), NAMES.items())
def test_a_misspelt_name_is_the_speaker(searcher, typed, speaker):
    found = searcher.search(typed, limit=3)
    assert found and {m.quote.speaker for m in found} == {speaker}


def test_a_misspelt_name_with_a_topic_keeps_both(searcher):
    found = searcher.search("LeCunn 监管", limit=3)
    assert found and all(m.quote.speaker == "Yann LeCun" and _holds(m, "监管") for m in found)


def test_a_chinese_name_with_any_one_character_wrong_where_no_word_stands(searcher):
    assert searcher.search("吴恩哈", limit=1)[0].quote.speaker == "Andrew Ng"
    # 澳大利亚 is one character from 伊利亚 too, but it is a word of its own.
    assert all(m.quote.speaker != "Ilya Sutskever" for m in searcher.search("澳大利亚", limit=3))


CHINESE = {"开原": "开源", "对其问题": "对齐", "合做": "合作", "驯练": "训练", "书据": "数据", "空制": "控制"}


@pytest.mark.parametrize(("typed", "topic"), CHINESE.items())
def test_a_chinese_homophone_typo_finds_the_topic(searcher, typed, topic):
    found = searcher.search(typed, limit=3)
    assert found and all(_holds(m, topic) for m in found)


def test_a_common_word_is_meant_as_typed_not_as_a_typo(searcher):
    assert searcher.search("天气怎么样") == []


def test_the_speller_corrects_to_the_nearest_then_the_most_common_known_word(db):
    assert spelling.correct(db, "goverment") == "government"
    assert spelling.correct(db, "reserch") == "research"
    assert spelling.correct(db, "qzxv") is None  # nothing near
    assert spelling.correct(db, "gtp") is None  # too short to correct
    assert spelling.max_edits("saftey") == 1 and spelling.max_edits("conciousness") == 2


def test_pinyin_keyboard_confusions_fold_together():
    assert fold("nan") == fold("lang") == "lan"
    assert fold("zhong") == fold("zong") and fold("shi") == fold("si") and fold("qing") == fold("qin")
    assert fold("yuan") == "yuan"


def test_sounds_alike_and_nearly_alike(db):
    sounds = Sounds(db)
    assert "源" in sounds.alike("原")  # yuan, tones aside
    assert sounds.sound_alike("奥", "澳") and not sounds.sound_alike("大", "伊")
    near = sounds.alike("能", near=True)  # neng ~ leng ~ len...
    assert sounds.alike("能") <= near


@pytest.mark.parametrize("word", ["bread", "rain", "wine"])
def test_a_real_english_word_the_corpus_never_uses_is_meant_as_typed(searcher, db, word):
    # One letter from dread, train and wide, which the corpus does use: still no answer.
    assert spelling.correct(db, word) is None
    assert searcher.search(word) == []
