"""The Searcher: matching kinds, filters, exclusions, threshold, hostile input, reloading."""

from __future__ import annotations

import os
import random
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import index
from bot.extract.model import Document, Passage, QuoteUnit
from bot.metadata import load_speakers
from bot.normalize import normalize
from bot.records import Source
from bot.search import Match, Searcher, SearchError, quote_fts
from bot.search import searcher as searcher_module
from tests.conftest import SEEDS, read_jsonl


@pytest.fixture(scope="module")
def searcher(quotes_db) -> Searcher:
    return Searcher(quotes_db)


def _hit(line: dict, match: Match) -> bool:
    if line["speaker"] and match.quote.speaker != line["speaker"]:
        return False
    return any(normalize(e) in normalize(match.quote.text) for e in line["expect_any"])


@pytest.mark.parametrize("line", read_jsonl("queries.jsonl"), ids=lambda line: line["query"])
def test_dev_set_top_1(searcher, line):
    found = searcher.search(line["query"])
    if line["expect_any"] is None:
        assert found == []
    else:
        assert found, "no match"
        assert _hit(line, found[0]), [m.quote.text[:40] for m in found]


@pytest.mark.parametrize(
    "query",
    ["今天晚饭吃什么", "pizza recipe", "明天天气怎么样", "how do I bake bread", "123456", "的的的的",
     "我们", "哈哈哈哈哈", "?", "AND OR NOT \"", "Sam Altman pizza", "how old are you"],
)
def test_chatter_gets_no_match(searcher, query):
    assert searcher.search(query) == []


def test_results_carry_the_quote_score_and_terms(searcher):
    [match] = searcher.search("可扩展监督", limit=1)
    assert match.quote.speaker == "Sam Altman"
    assert 0 < match.score <= 1
    assert match.terms and all(isinstance(t, str) for t in match.terms)
    assert match.quote.source.file.endswith(".txt")


def test_english_words_expand_into_chinese(searcher):
    assert any("对齐" in normalize(m.quote.text) for m in searcher.search("alignment"))
    assert any("印刷机" in normalize(m.quote.text) for m in searcher.search("printing press"))
    assert "意识" in normalize(searcher.search("consciousness")[0].quote.text)
    assert "自动驾驶" in normalize(searcher.search("self-driving")[0].quote.text)


def test_glossary_phrases_may_start_with_a_function_word(searcher):
    # "for" is a stop word, but "for-profit" is a hand-kept glossary term.
    found = searcher.search("for-profit")
    assert found and any(term in normalize(found[0].quote.text) for term in ("营利", "盈利"))


def test_two_english_words_find_the_chinese_compound(searcher):
    # CC-CEDICT has data -> 数据 and center -> 中心, not "data center" -> 数据中心.
    found = searcher.search("data centers")
    assert found and "数据中心" in normalize(found[0].quote.text)


def test_typo_homophone_finds_the_right_word(searcher):
    assert "洗碗机" in searcher.search("装满洗晚机")[0].quote.text


@pytest.mark.parametrize(
    ("query", "speaker"),
    [("Yann 监管", "Yann LeCun"), ("伊利亚 开源", "Ilya Sutskever"), ("altman GPT-5", "Sam Altman"),
     ("YANN LECUN 监管", "Yann LeCun"), ("楊立昆 監管", "Yann LeCun")],
)
def test_a_name_in_the_query_filters_by_speaker(searcher, query, speaker):
    found = searcher.search(query)
    assert found and all(m.quote.speaker == speaker for m in found)


def test_a_short_name_inside_a_chinese_word_is_not_a_speaker(searcher):
    # 拉维 (Ravi) inside 莫拉维克悖论 (Moravec's paradox), which only Yann LeCun mentions.
    for query in ("莫拉维克悖论", "莫拉維克悖論"):
        found = searcher.search(query)
        assert found and found[0].quote.speaker == "Yann LeCun"
    assert searcher.search("拉维 奇点")[0].quote.speaker == "Ravi Belani"


def test_a_name_alone_returns_that_speakers_quotes(searcher):
    found = searcher.search("吴恩达", limit=2)
    assert len(found) == 2 and {m.quote.speaker for m in found} == {"Andrew Ng"}


def test_speaker_argument_alone_returns_that_speakers_quotes(searcher):
    found = searcher.search("", speaker="Lex", limit=2, exclude=[1])
    assert len(found) == 2 and {m.quote.speaker for m in found} == {"Lex Fridman"}


def test_speaker_argument_takes_any_alias(searcher):
    assert {m.quote.speaker for m in searcher.search("开源", speaker="伊利亚", limit=3)} == {
        "Ilya Sutskever"
    }
    assert searcher.search("开源", speaker="Nobody Atall") == []


def test_exclude_gives_another_quote(searcher):
    first = searcher.search("印刷机", limit=1)[0]
    second = searcher.search("印刷机", limit=1, exclude=[first.quote.id])[0]
    assert second.quote.id != first.quote.id and "印刷机" in second.quote.text


def test_no_near_duplicates_in_one_list(searcher):
    for query in ["可解释性", "使用GPT-4来解释GPT-2中的神经元", "AGI安全", "千里之行"]:
        norms = [normalize(m.quote.text) for m in searcher.search(query, limit=10)]
        for i, a in enumerate(norms):
            for b in norms[i + 1 :]:
                assert a != b and not (a in b and len(a) > 0.6 * len(b))


def test_limit_is_respected(searcher):
    assert len(searcher.search("中国", limit=1)) == 1
    assert searcher.search("中国", limit=0) == []


@pytest.mark.parametrize(
    "query",
    ["", " ", "\x00\x01\x1f", "😀🎉🔥", "?!。,、", "x" * 100_000, "对齐" * 50_000,
     "'; DROP TABLE quotes; --", '"', '""', "NEAR(对齐 监督, 2)", "terms: 对齐", "对齐*",
     "-对齐", "^对齐", "{terms}: x", "AND", "OR NOT", "对齐 AND 监督", "\ue000s1", "\ue000n2e4",
     "مرحبا Привет 안녕하세요 こんにちは 对齐", "\ud7ff\U0010ffff", "\ud800 对齐 \udfff"],
)
def test_hostile_input_never_raises(searcher, query):
    found = searcher.search(query)
    assert isinstance(found, list)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(
        alphabet=st.one_of(st.characters(), st.sampled_from("对齐开源监督意识AND OR\"*():^-")),
        max_size=60,
    ),
    st.integers(min_value=1, max_value=5),
)
def test_any_text_gives_a_valid_answer(searcher, query, limit):
    found = searcher.search(query, limit=limit)
    assert len(found) <= limit
    assert all(0 <= m.score <= 1 for m in found)
    assert len({m.quote.id for m in found}) == len(found)


def test_quote_fts_makes_every_input_a_string_literal():
    assert quote_fts('a"b') == '"a""b"'
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='ascii')")
    conn.execute("INSERT INTO t VALUES ('near and or')")
    for term in ["NEAR(", "AND", "x:", '"', "*", "-"]:
        conn.execute("SELECT * FROM t WHERE t MATCH ?", (quote_fts(term),)).fetchall()


def test_random_get_context(searcher):
    rng = random.Random(0)
    quote = searcher.random(speaker="Yann", rng=rng)
    assert quote is not None and quote.speaker == "Yann LeCun"
    assert searcher.get(quote.id) == quote
    assert searcher.get(10**9) is None
    assert searcher.random(exclude=[quote.id], rng=rng).id != quote.id
    context = searcher.context(quote.id)
    assert normalize(quote.text) in normalize(context.passage)
    assert searcher.context(10**9) is None


def test_context_gives_the_question_before_an_answer(searcher):
    quote = searcher.search("我们需要一些非常不同的架构")[0].quote
    context = searcher.context(quote.id)
    assert context.previous and context.previous_speaker not in (None, quote.speaker)


def test_listings_and_speaker_names(searcher):
    speakers = searcher.speakers()
    assert speakers[0][0] == "Sam Altman" and speakers[0][2] >= speakers[-1][2]
    assert sum(n for *_names, n in speakers) == sum(n for _s, n in searcher.sources())
    assert searcher.resolve_speaker("楊立昆") == "Yann LeCun"
    assert searcher.resolve_speaker("SAMA") == "Sam Altman"
    assert searcher.resolve_speaker("山姆·奥特曼") == "Sam Altman"
    assert searcher.resolve_speaker("nobody") is None
    suggestions = searcher.suggestions(4)
    assert len(suggestions) == 4 and all(searcher.search(s) for s in suggestions)


def test_missing_or_foreign_database_is_a_search_error(tmp_path):
    with pytest.raises(SearchError, match="no quote database"):
        Searcher(tmp_path / "missing.db")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(SearchError, match="not a quote database"):
        Searcher(other)
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(SearchError):
        Searcher(tmp_path / "junk.db")


def test_the_database_is_opened_read_only(searcher):
    with pytest.raises(sqlite3.OperationalError):
        searcher._conn.execute("DELETE FROM quotes")


def _tiny_db(path, sentence: str) -> None:
    speakers = load_speakers(SEEDS)
    passages = [Passage("Yann LeCun", sentence, 1)]
    document = Document(Source("tiny.txt", title="Tiny"), passages=passages)
    document.quotes.append(QuoteUnit(0, sentence))
    index.build([document], speakers, path)


def test_a_rebuilt_database_is_picked_up_without_restart(tmp_path, monkeypatch):
    path = tmp_path / "quotes.db"
    _tiny_db(path, "火星上的探测车在寻找水。")
    live = Searcher(path)
    assert live.search("火星探测车") and not live.search("深海潜水艇")
    _tiny_db(path, "深海潜水艇记录鲸鱼的歌声。")  # built aside, renamed into place
    monkeypatch.setattr(searcher_module, "RELOAD_CHECK_SECONDS", 0.0)
    assert live.search("深海潜水艇") and not live.search("火星探测车")


def test_a_half_built_file_is_never_served(tmp_path, monkeypatch):
    path = tmp_path / "quotes.db"
    _tiny_db(path, "火星上的探测车在寻找水。")
    live = Searcher(path)
    monkeypatch.setattr(searcher_module, "RELOAD_CHECK_SECONDS", 0.0)
    os.replace(tmp_path / "quotes.db", tmp_path / "moved.db")  # the name is briefly missing
    (tmp_path / "quotes.db").write_bytes(b"garbage")  # and then not a database
    assert live.search("火星探测车")  # the open file keeps answering


def test_shared_across_threads(searcher):
    queries = ["对齐", "开源", "印刷机", "Ilya 意识", "装满洗晚机", "今天晚饭吃什么"] * 10
    expected = [[m.quote.id for m in searcher.search(q)] for q in queries]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda q: [m.quote.id for m in searcher.search(q)], queries))
    assert got == expected


async def test_shared_across_asyncio_tasks(searcher):
    import asyncio

    results = await asyncio.gather(
        *(asyncio.to_thread(searcher.search, q) for q in ["对齐", "开源", "意识"] * 5)
    )
    assert all(results)
    assert threading.active_count() >= 1


def test_a_big_build_segments_in_worker_processes_alike(tmp_path, monkeypatch):
    sentences = ["火星上的探测车在寻找水。", "深海潜水艇记录鲸鱼的歌声。", "可扩展监督需要新的方法。"]
    serial, parallel = tmp_path / "serial.db", tmp_path / "parallel.db"
    _tiny_db(serial, "".join(sentences))
    monkeypatch.setattr(index.rows, "PARALLEL_BUILD_QUOTES", 1)
    _tiny_db(parallel, "".join(sentences))
    read = "SELECT tokens FROM quotes ORDER BY id"
    assert sqlite3.connect(serial).execute(read).fetchall() == sqlite3.connect(parallel).execute(
        read
    ).fetchall()
    assert Searcher(parallel).search("鲸鱼的歌声")


@pytest.mark.parametrize("query", ["alignment", "开源", "意识"])
def test_another_one_walks_exactly_the_matches_once(searcher, query):
    everything = [m.quote.id for m in searcher.search(query, limit=100)]
    shown: list[int] = []
    while found := searcher.search(query, limit=1, exclude=shown):
        shown.append(found[0].quote.id)
        assert len(shown) <= len(everything)
    assert shown == everything
