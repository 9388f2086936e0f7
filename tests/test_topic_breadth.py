"""Topic breadth: the words a reader takes as one topic (the glossary's terms under one
English key) find each other below the word itself; an English word with several
Chinese senses means the one the corpus uses most."""

from __future__ import annotations

import pytest

from bot.normalize import normalize
from bot.search import Searcher


@pytest.fixture(scope="module")
def searcher(quotes_db) -> Searcher:
    return Searcher(quotes_db)


def _holds(match, word: str) -> bool:
    return normalize(word) in normalize(match.quote.text)


def test_a_name_with_a_topic_finds_what_they_said_in_the_topics_other_words(searcher):
    # LeCun never says 开源 in the seeds; he speaks of 开放研究.
    found = searcher.search("LeCun 开源", limit=3)
    assert any(_holds(m, "开放研究") for m in found)
    assert {m.quote.speaker for m in found} == {"Yann LeCun"}


def test_a_topic_word_the_corpus_never_uses_finds_its_topics_other_words(searcher):
    found = searcher.search("就业", limit=3)
    assert found and all(_holds(m, "工作") for m in found)


def test_the_word_itself_ranks_above_its_topics_other_words(searcher):
    found = searcher.search("开源", limit=30)
    exact = [m.score for m in found if _holds(m, "开源")]
    related = [m.score for m in found if not _holds(m, "开源")]
    assert exact and _holds(found[0], "开源")
    assert not related or max(related) < max(exact)


def test_in_a_sentence_the_words_are_read_as_typed(searcher):
    # 规模 and 扩展 are one topic (scale), but a typo of 自回归模型 must not turn into it.
    [match] = searcher.search("自回规模型", limit=1)
    assert _holds(match, "自回归模型")


@pytest.mark.parametrize(("word", "sense", "rarer"), [("future", "未来", "将来"), ("cooperation", "合作", "协作")])
def test_an_english_word_means_the_sense_the_corpus_uses_most(searcher, word, sense, rarer):
    found = searcher.search(word, limit=3)
    assert found and _holds(found[0], sense)
    assert sum(_holds(m, sense) for m in found) >= sum(_holds(m, rarer) for m in found)
