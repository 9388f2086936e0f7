"""Matching by meaning in the product: vectors built with the database, the meaning stage,
the answer-by-meaning decision, its presentation, Similar, and life without the model."""

from __future__ import annotations

import logging
import random

import pytest

from bot import index, meaning
from bot.extract.model import Document, Passage, QuoteUnit
from bot.metadata import load_speakers
from bot.quotedb import QuoteDB
from bot.records import Source
from bot.reply import Notice, Replier
from bot.search import Searcher, semantic
from bot.state import SQLiteStateStore
from tests.conftest import SEEDS

# Said in English, the corpus has it in Chinese (Sam Altman on scalable oversight).
OWN_WORDS = "we could try using AI to assist humans in supervising other AIs"
# The same words as the Chinese has them, word for word: its translated words find it too.
LITERAL_ENGLISH = "we could try using AI systems to assist humans in supervising other AI systems"


def _build(path, sentences: list[str]) -> dict[str, int]:
    passages = [Passage("Yann LeCun", text, n + 1) for n, text in enumerate(sentences)]
    document = Document(Source("tiny.txt", title="Tiny"), passages=passages)
    document.quotes.extend(QuoteUnit(n, text) for n, text in enumerate(sentences))
    return index.build([document], load_speakers(SEEDS), path)


QUOTES = ["火星上的探测车在寻找水。它每天走一百米。", "深海潜水艇记录鲸鱼的歌声。", "经济转型将驱动政治转型。"]


def test_vectors_are_built_tagged_and_only_new_sentences_embedded(tmp_path):
    path = tmp_path / "quotes.db"
    first = _build(path, QUOTES)
    pieces = sum(len(meaning.sentences(text)) for text in QUOTES)
    assert first["sentences"] == first["embedded"] == pieces == 4
    db = QuoteDB(path)
    assert db.vector_tag == meaning.load_embedder().tag
    owners, codes = db.sentence_owners(), db.sentence_codes()
    assert codes.shape == (len(owners), meaning.CODE_BYTES) and list(owners) == sorted(owners)
    db.close()
    assert _build(path, QUOTES)["embedded"] == 0
    assert _build(path, QUOTES[:2] + ["政治转型之后才有经济转型。"])["embedded"] == 1


def test_another_model_version_embeds_everything_again(tmp_path, monkeypatch):
    path = tmp_path / "quotes.db"
    _build(path, QUOTES)
    current = meaning.load_embedder()
    other = meaning.Embedder(current._model, "0.0.0-other")
    monkeypatch.setattr(meaning, "load_embedder", lambda: other)
    assert _build(path, QUOTES)["embedded"] == 4
    assert QuoteDB(path).vector_tag == other.tag


def test_an_answer_in_other_words_is_found_by_meaning(searcher):
    [match] = searcher.search(OWN_WORDS, limit=1)
    assert match.matched_by == "meaning" and match.terms == ()
    assert match.quote.speaker == "Sam Altman" and "监督" in match.quote.text
    [literal] = searcher.search(LITERAL_ENGLISH, limit=1)
    assert literal.quote == match.quote and literal.matched_by == "both" and "监督" in literal.terms


def test_words_below_their_threshold_and_meaning_agreeing_answer_together(searcher):
    # The English original of Sam Altman's words on UBI: its translated words alone are
    # below the words' threshold, its meaning alone below the meaning's; together they answer.
    query = "UBI is a component of something we should pursue, but not a full solution"
    assert searcher.explain_decision(query) is not None  # the words answer nothing
    [match] = searcher.search(query, limit=1)
    assert match.quote.speaker == "Sam Altman" and "UBI" in match.quote.text
    assert match.matched_by == "both" and "ubi" in match.terms and 0 < match.score <= 1


def test_the_decision_by_meaning_lays_out_its_evidence_and_leaves_out_what_it_is_told(searcher):
    assert searcher.explain_decision("可扩展监督") is None  # the words decide
    evidence = searcher.explain_decision(OWN_WORDS)
    assert evidence and {"id", "meaning", "words", "coverage", "question", "tokens"} <= set(evidence[0])
    meanings = [e["meaning"] for e in evidence]
    assert meanings == sorted(meanings, reverse=True)
    best = evidence[0]["id"]
    assert best not in {e["id"] for e in searcher.explain_decision(OWN_WORDS, left_out=[best])}


def test_word_answers_say_words_or_both(searcher):
    # The first of these is near the query in meaning too; the others only share its words.
    labels = [m.matched_by for m in searcher.search("AGI治理", limit=3, label_both=True)]
    assert labels[0] == "both" and "words" in labels[1:]
    # Unasked (the chat replies show no such label), the query the words answer is not embedded.
    assert {m.matched_by for m in searcher.search("AGI治理", limit=3)} == {"words"}


def test_words_that_answer_spare_the_search_by_meaning(searcher, monkeypatch):
    from bot.search import searcher as searcher_module

    asked: list[str] = []
    search_by_meaning = searcher_module.MEANING.retrieve

    def counted(db, analysis, *args):
        asked.append(analysis.text)
        return search_by_meaning(db, analysis, *args)

    monkeypatch.setattr(searcher_module.MEANING, "retrieve", counted)
    embedded: list[str] = []
    embed = semantic._query_vector
    monkeypatch.setattr(semantic, "_query_vector", lambda text: embedded.append(text) or embed(text))
    assert len(searcher.search("对齐", limit=3)) == 3 and asked == [] and embedded == []
    searcher.search("对齐", limit=3, label_both=True)
    assert asked == [] and embedded  # labelling embeds the query, and searches nothing more
    searcher.search("对齐", limit=3, exclude=range(10_000))  # every word answer shown already
    assert asked == ["对齐"]
    asked.clear()
    assert searcher.search(OWN_WORDS, limit=1)[0].matched_by == "meaning" and asked


def test_short_chatter_and_emoji_are_not_asked_by_meaning(searcher):
    for chatter in ("谢谢你", "嗯嗯", "😀😀😀", "收到"):
        assert searcher.search(chatter) == []


def test_similar_quotes_put_other_speakers_first_and_never_the_quote_itself(searcher):
    origin = searcher.search("可扩展监督", limit=1)[0].quote
    similar = searcher.similar(origin.id, limit=6)
    assert similar and origin.id not in {m.quote.id for m in similar}
    same = [m.quote.speaker == origin.speaker for m in similar]
    assert same == sorted(same)  # every other speaker's quote before the speaker's own
    assert all(m.matched_by == "meaning" for m in similar)
    assert searcher.similar(10**12) == [] and searcher.similar("x") == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "intro"),
    [("en", "No quote uses these words"), ("zh-Hans", "没有引语用到这些词"),
     ("zh-Hant", "沒有引語用到這些詞")],
)
def test_an_answer_by_meaning_is_introduced_as_such(replier, lang, intro):
    reply = replier.answer(1, lang, OWN_WORDS)
    assert intro in reply.html and intro in reply.plain()
    [result] = [r for r in replier.inline(2, lang, OWN_WORDS) if r.quote_id == reply.quote_id]
    assert intro in result.reply.html and intro in result.description
    words = replier.answer(3, lang, "可扩展监督")
    assert intro not in words.html


def test_another_continues_by_meaning_and_never_repeats(replier, searcher):
    query = "全球合作应对人工智能的风险"
    by_words = searcher.search(query, limit=10)
    assert by_words and {m.matched_by for m in by_words} <= {"words", "both"}  # no meaning yet
    first = replier.answer(5, "en", query)
    shown = [first.quote_id]
    another = first.buttons[0].payload
    for _ in range(40):
        reply = replier.press(5, "en", another)
        if isinstance(reply, Notice):
            break
        shown.append(reply.quote_id)
    assert len(shown) == len(set(shown)) > len(by_words)  # on by meaning, never a repeat
    assert shown[: len(by_words)] == [m.quote.id for m in by_words]
    after = searcher.search(query, limit=10, exclude=[m.quote.id for m in by_words])
    assert after and all(m.matched_by == "meaning" for m in after)
    assert shown[len(by_words) :] == [m.quote.id for m in after]


def test_the_similar_button_is_under_a_quote_when_meaning_is_on(replier, searcher):
    assert searcher.matches_meaning()
    assert any("Similar" in b.label for b in replier.answer(4, "en", "可扩展监督").buttons)


def test_similar_button_and_command(replier):
    first = replier.answer(6, "en", "可扩展监督")
    similar_button = first.buttons[-1]
    assert similar_button.label == "Similar"
    near = replier.press(6, "en", similar_button.payload)
    assert near.quote_id not in (None, first.quote_id)
    assert "Closest in meaning" in near.html
    again = replier.press(6, "en", near.buttons[0].payload)  # Another: the next nearest
    assert again.quote_id not in (first.quote_id, near.quote_id)
    assert replier.similar_of(6, "en", first.quote_id).quote_id not in (None, first.quote_id)
    assert "reply /similar" in replier.similar_of(6, "en", None).html
    assert replier.similar(7, "en", "").html == replier.similar_of(7, "en", None).html


def test_without_the_model_the_build_and_the_bot_run_on_words(tmp_path, without_model, caplog):
    path = tmp_path / "quotes.db"
    with caplog.at_level(logging.WARNING, logger="bot.meaning"):
        counts = _build(path, QUOTES)
    assert "sentences" not in counts
    assert sum("meaning is off" in r.getMessage() for r in caplog.records) == 1
    assert QuoteDB(path).vector_tag is None
    words = Searcher(path)
    assert words.search("火星探测车")[0].matched_by == "words"
    assert words.search("Mars rover is looking for water on the red planet") == []
    assert words.similar(words.search("火星探测车")[0].quote.id) == []
    assert not words.matches_meaning()
    replier = Replier(words, SQLiteStateStore(":memory:"), "QuoteTestBot", random.Random(1))
    labels = [button.label for button in replier.answer(1, "en", "火星探测车").buttons]
    assert "Card" in " ".join(labels) and not any("Similar" in label for label in labels)


def test_a_database_with_vectors_is_searched_by_words_when_the_model_is_missing(
    quotes_db, without_model
):
    offline = Searcher(quotes_db)
    assert offline.search(OWN_WORDS) == []
    assert offline.search("可扩展监督")[0].matched_by == "words"


def test_a_rebuilt_database_brings_its_own_vectors(tmp_path, monkeypatch):
    from bot.search import searcher as searcher_module

    path = tmp_path / "quotes.db"
    _build(path, QUOTES[:1])
    live = Searcher(path)

    def nearest_texts() -> set[str]:
        return {live.get(n["id"]).text for n in live.explain_meaning("whales singing at sea", 5)}

    assert nearest_texts() == set(QUOTES[:1])
    _build(path, QUOTES[1:])  # built aside, renamed into place
    monkeypatch.setattr(searcher_module, "RELOAD_CHECK_SECONDS", 0.0)
    assert nearest_texts() == set(QUOTES[1:])


def test_a_big_corpus_stores_its_ann_graph_and_the_searcher_uses_it(tmp_path, monkeypatch):
    monkeypatch.setattr(meaning, "ANN_THRESHOLD", 3)  # the 4 sentences of QUOTES count as big
    path = tmp_path / "quotes.db"
    _build(path, QUOTES)
    assert QuoteDB(path).vector_graph()
    live = Searcher(path)
    nearest = live.explain_meaning("whales singing at sea", 3)
    assert live.get(nearest[0]["id"]).text == QUOTES[1]
    db = live._fresh().db
    from bot.search.searcher import MEANING

    served = MEANING.index(db)
    assert served._ann is not None and served.codes is None  # attached from the file, codes left on disk


def test_the_margin_by_meaning_is_over_the_next_other_quote_not_its_twin():
    from bot.search import rank
    from bot.search.tuning import DEFAULT
    from bot.search.types import Analysis, Candidate

    def candidate(qid: int, tokens: str, meaning: float) -> Candidate:
        return Candidate(qid, tokens, 0.5, {"meaning": meaning, "words": 0.0, "question": 0.0})

    said = "我们 可以 尝试 使用 人工智能 系统 来 协助 人类 监督 其他 人工智能 系统"
    analysis = Analysis(None, "机器帮人看住机器", [], [], text="机器帮人看住机器")
    twin, other = f"{said} 。", "火星 上 的 探测车 在 寻找 水"
    best = DEFAULT.min_meaning + 0.05
    clear = [candidate(1, said, best), candidate(2, twin, best), candidate(3, other, 0.3)]
    assert [c.id for c in rank.by_meaning(analysis, clear, [], DEFAULT)][:1] == [1]
    close = [candidate(1, said, best), candidate(3, other, best - 0.01)]
    assert rank.by_meaning(analysis, close, [], DEFAULT) == []


def test_warm_up_reads_the_vectors_and_loads_the_model(quotes_db):
    from bot.search import searcher as searcher_module

    fresh = Searcher(quotes_db)
    semantic._embedded.cache_clear()
    fresh.warm_up()
    assert semantic._embedded.cache_info().currsize == 1  # a probe embedded: the weights are in
    assert fresh._fresh().db in searcher_module.MEANING._indexes
