"""The answer worth giving: the first answer stands on its own, an interviewer's question
gives its place to its answer, interviewers' lines come first only when named, and a name
alone gives the person's best quotes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import index
from bot.extract.model import Document, Passage, QuoteUnit
from bot.metadata import load_speakers
from bot.search import Searcher
from tests.conftest import SEEDS, read_jsonl


@pytest.fixture(scope="module")
def searcher(quotes_db) -> Searcher:
    return Searcher(quotes_db)


# The issue's own examples: each answered first by a question, a greeting, a remark or a
# one-line reply before a quote's worth entered the ranking.
TOPICS = ["开源", "開源", "alignment", "open source", "机器会有意识吗"]
NAMES = {"杨立昆": "Yann LeCun", "Andrew": "Andrew Ng", "Ilya": "Ilya Sutskever", "山姆": "Sam Altman"}


@pytest.mark.parametrize("query", TOPICS)
def test_the_first_answer_to_a_topic_stands_on_its_own(searcher, query):
    first = searcher.search(query, limit=1)[0].quote
    assert first.postable, first.text


def test_without_the_worth_feature_a_topic_is_answered_by_a_quote_that_does_not_stand_alone(quotes_db):
    # The feature is what makes the difference: ranked by the words alone, some first
    # answers are questions, remarks or fragments.
    bare = Searcher(quotes_db)
    bare.tuning = replace(bare.tuning, worth_weight=0.0, host_penalty=0.0)
    assert not all(bare.search(query, limit=1)[0].quote.postable for query in TOPICS)


@pytest.mark.parametrize(("query", "speaker"), NAMES.items())
def test_a_name_alone_gives_the_persons_best_quotes(searcher, query, speaker):
    found = searcher.search(query, limit=3)
    assert len(found) == 3 and {m.quote.speaker for m in found} == {speaker}
    assert all(m.quote.postable for m in found)


def test_a_names_best_quotes_are_spread_over_their_sources_and_never_repeated(searcher):
    sources = {q.source.file for q in searcher._fresh().db.quotes("Sam Altman") if q.postable}
    assert len(sources) >= 2
    first = searcher.search("Sam Altman", limit=len(sources))
    assert {m.quote.source.file for m in first} == sources  # each source's best in turn
    shown = [m.quote.id for m in first]
    more = searcher.search("Sam Altman", limit=3, exclude=shown)
    assert more and not {m.quote.id for m in more} & set(shown)


def test_a_quote_only_a_question_matches_is_still_an_answer(searcher):
    # The worth orders the answers; it never decides whether there is one.
    [line] = [q for q in read_jsonl("queries.jsonl") if q["query"] == "奇点"]
    [match] = searcher.search(line["query"], limit=1)
    assert not match.quote.postable and match.quote.speaker == line["speaker"]


def test_an_interviewers_own_lines_come_first_only_when_the_query_names_them(searcher):
    assert searcher.search("alignment", limit=1)[0].quote.speaker != "Lex Fridman"
    assert searcher.search("Lex alignment", limit=1)[0].quote.speaker == "Lex Fridman"


# A tiny interview: the host asks three questions, the guest answers each.
DIALOGUE = [
    ("Lex Fridman", "你怎么看开源大模型的风险?"),
    ("Sam Altman", "开源大模型的风险是真实的,但开放研究让更多人能够检查这些系统。"),
    ("Lex Fridman", "你最喜欢哪本书?"),
    ("Sam Altman", "我最喜欢的书讲的是长期思考。"),
    ("Lex Fridman", "火星上会有城市吗?"),
    ("Sam Altman", "我认为总有一天会有。"),
]


@pytest.fixture(scope="module")
def interview(tmp_path_factory) -> Searcher:
    passages = [Passage(speaker, text, n + 1) for n, (speaker, text) in enumerate(DIALOGUE)]
    document = Document(Source_("interview.txt"), passages=passages)
    document.quotes.extend(QuoteUnit(n, text) for n, (_speaker, text) in enumerate(DIALOGUE))
    path = tmp_path_factory.mktemp("interview") / "quotes.db"
    index.build([document], load_speakers(SEEDS), path)
    return Searcher(path)


def Source_(file: str):  # noqa: N802 - a record, as the extractor makes it
    from bot.records import Source

    return Source(file, title="An interview")


def test_an_interviewers_question_gives_its_place_to_its_answer(interview):
    [match] = interview.search("开源", limit=1)
    assert match.quote.speaker == "Sam Altman" and match.quote.text.startswith("开源大模型")
    context = interview.context(match.quote.id)
    assert context is not None and context.previous == DIALOGUE[0][1]  # Context shows the question


def test_a_question_whose_answer_does_not_speak_of_it_stays_the_answer(interview):
    # "火星" is only in the question: the answer ("我认为总有一天会有。") says nothing of it.
    [match] = interview.search("火星", limit=1)
    assert match.quote.speaker == "Lex Fridman"


def test_a_question_named_speaker_keeps_it(interview):
    [match] = interview.search("Lex 开源", limit=1)
    assert match.quote.speaker == "Lex Fridman"


def test_by_meaning_a_question_near_the_query_lends_its_nearness_to_its_answer(interview):
    from bot.search import answers, retrieve

    db = interview._fresh().db
    question = next(q for q in db.quotes("Lex Fridman") if "开源" in q.text)
    [cand] = retrieve.merge(db, [{question.id: {"meaning": 0.8, "question": 1.0}}])
    weighed = answers.lend_nearness(db, [cand], None)
    [answer] = [c for c in weighed if c.id != question.id]
    assert db.quote(answer.id).text.startswith("开源大模型") and answer.signals["meaning"] == 0.8
    assert not answer.signals["question"]
    # With a speaker filter, only that speaker's answer is lent the nearness.
    assert answers.lend_nearness(db, [cand], 999) == [cand]


def test_a_name_with_a_topic_they_never_spoke_about_is_offered_the_topic_by_someone_else(searcher):
    assert searcher.search("Ilya 自动驾驶") == []  # Ilya never speaks of self-driving here
    other = searcher.elsewhere("Ilya 自动驾驶")
    assert other is not None and other.speaker == "Ilya Sutskever" and not other.by_them
    [match] = other.matches
    assert match.quote.speaker != "Ilya Sutskever" and "自动驾驶" in match.quote.text


def test_elsewhere_is_only_for_a_name_with_a_topic(searcher):
    assert searcher.elsewhere("自动驾驶") is None  # no name
    assert searcher.elsewhere("Ilya") is None  # no topic
    assert searcher.elsewhere("LeCun 天气") is None  # nobody speaks of the weather


@pytest.mark.parametrize(("lang", "said"), [("en", "never spoke of this here"), ("zh-Hans", "没有谈过这个话题")])
def test_a_chat_is_told_in_one_line_and_offered_the_topic_by_someone_else(searcher, replier, lang, said):
    reply = replier.answer(1, lang, "Ilya 自动驾驶")
    first_line = reply.html.splitlines()[0]
    assert said in first_line and reply.quote_id is not None
    assert searcher.get(reply.quote_id).speaker != "Ilya Sutskever"
    assert "自动驾驶" in searcher.get(reply.quote_id).text


def test_inline_mode_says_so_too(searcher, replier):
    offered = replier.inline(2, "en", "Ilya 自动驾驶", limit=3)
    assert offered and all(o.description.startswith("Ilya Sutskever never spoke of this here") for o in offered)
    assert all(searcher.get(o.quote_id).speaker != "Ilya Sutskever" for o in offered)
