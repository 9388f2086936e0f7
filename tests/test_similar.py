"""Similar on the same idea: the quote's salient terms weighed with the meaning, quotes that
stand on their own first, never a question, nothing for an unrelated quote, and its bench."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from bot import index, normalize
from bot.extract.model import Document, Passage, QuoteUnit
from bot.metadata import load_speakers
from bot.quotedb import Quote
from bot.records import Source
from bot.search import Searcher, Tuning, rank
from bot.search.types import Candidate
from tests.conftest import ROOT, SEEDS, read_jsonl


@pytest.fixture(scope="module")
def searcher(quotes_db):
    return Searcher(quotes_db)


def quote_saying(searcher: Searcher, snippet: str, speaker: str) -> Quote:
    """The one quote of `speaker` whose text holds `snippet` (compared normalized)."""
    wanted = normalize.normalize(snippet)
    db = searcher._fresh().db
    [found] = [q for q in db.quotes(speaker) if wanted in normalize.normalize(q.text)]
    return found


def says(quote: Quote, *words: str) -> bool:
    norm = normalize.normalize(quote.text)
    return any(normalize.normalize(word) in norm for word in words)


def test_under_the_thought_experiment_on_consciousness_similar_offers_consciousness(searcher):
    # Ilya Sutskever on testing a model for consciousness: the cosine alone offered Andrew
    # Ng on the 1975 Asilomar conference and on AI as a general-purpose technology.
    origin = quote_saying(searcher, "与许多不同的教师互动", "Ilya Sutskever")
    answers = searcher.similar(origin.id, limit=3)
    assert answers and says(answers[0].quote, "意识")
    assert not any(says(m.quote, "阿西洛马", "通用技术") for m in answers)


def test_under_the_tao_te_ching_quote_similar_offers_cooperation(searcher):
    # Sam Altman quoting the Tao Te Ching on international cooperation: the cosine alone
    # offered Lex Fridman on an exciting field of research.
    origin = quote_saying(searcher, "《道德经》教育我们,千里之行", "Sam Altman")
    answers = searcher.similar(origin.id, limit=3)
    assert answers and says(answers[0].quote, "合作", "国际", "共同")
    assert not any(says(m.quote, "激動人心的領域") for m in answers)


def test_similar_never_offers_a_question_even_one_going_on_after_its_question_mark(searcher):
    # Zhang Hongjiang asks whether the method applies to biological neurons, then says why
    # he asks: the stored judgement calls it a question, its last character does not.
    for line in read_jsonl("similar.jsonl"):
        origin = quote_saying(searcher, line["origin"]["text"], line["origin"]["speaker"])
        for match in searcher.similar(origin.id, limit=3):
            assert "question" not in match.quote.postable_why
            assert not match.quote.text.rstrip().endswith(("?", "？"))


def _candidate(quote_id: int, meaning: float, terms: float, postable: float, same: float = 0.0) -> Candidate:
    signals = {"meaning": meaning, "terms": terms, "postable": postable, "same_speaker": same}
    return Candidate(quote_id, f"词{quote_id}", 1.0, signals)


def test_a_quote_that_stands_on_its_own_comes_first_among_equally_similar_ones():
    tuning = Tuning()
    origin = _candidate(1, 1.0, 1.0, 1.0, same=1.0)
    leaning = _candidate(2, 0.6, 0.4, 0.2)  # as similar, but leans on what came before
    alone = _candidate(3, 0.6, 0.4, 1.0)
    nearer = _candidate(4, 0.62, 0.4, 0.2)  # a little nearer: standing alone outweighs it
    ranked = rank.by_similarity([origin, leaning, alone, nearer], 1, tuning)
    assert [c.id for c in ranked] == [1, 3, 4, 2]
    # Standing alone orders the similar quotes; it never makes a quote similar.
    unrelated = _candidate(5, 0.2, 0.0, 1.0)
    assert 5 not in {c.id for c in rank.by_similarity([origin, unrelated], 1, tuning)}


def test_other_speakers_come_first_and_words_alone_make_nothing_similar():
    tuning = Tuning()
    origin = _candidate(1, 1.0, 1.0, 1.0, same=1.0)
    own = _candidate(2, 0.9, 0.9, 1.0, same=1.0)
    other = _candidate(3, 0.5, 0.4, 1.0)
    shared_words = _candidate(4, tuning.min_similar_meaning - 0.05, 1.0, 1.0)  # 意识到 for 意识
    ranked = rank.by_similarity([origin, own, other, shared_words], 1, tuning)
    assert [c.id for c in ranked] == [1, 3, 2]


def _build(path, turns: list[tuple[str, str]]) -> None:
    passages = [Passage(speaker, text, n + 1) for n, (speaker, text) in enumerate(turns)]
    document = Document(Source("tiny.txt", title="Tiny"), passages=passages)
    document.quotes.extend(QuoteUnit(n, text) for n, (_speaker, text) in enumerate(turns))
    index.build([document], load_speakers(SEEDS), path)


TINY = [
    ("Yann LeCun", "我不认为今天的大语言模型有意识,它们只是在根据前面的词预测下一个词。"),
    ("Andrew Ng", "聊天机器人说话很流利,但这不代表它有意识,它只是学会了预测下一个词。"),
    ("Sam Altman", "我很快就意识到火车已经开走了,只好在车站等了一个小时。"),
    ("Ilya Sutskever", "深海潜水艇记录下了鲸鱼的歌声,科学家正在研究它们的含义。"),
    ("Lex Fridman", "这道菜需要先把洋葱炒香,再加入番茄和鸡蛋。"),
    ("Yann LeCun", "火星上的探测车每天走一百米,寻找古代水流的痕迹。"),
]


def test_the_threshold_refuses_unrelated_quotes_and_a_shared_word_of_another_sense(tmp_path):
    path = tmp_path / "tiny.db"
    _build(path, TINY)
    tiny = Searcher(path)
    ids = {text: q.id for text, q in ((q.text, q) for q in tiny._fresh().db.quotes())}
    llm, chatbot, realized = (ids[text] for _speaker, text in TINY[:3])
    assert [m.quote.id for m in tiny.similar(llm, limit=3)] == [chatbot]
    # 意识到 ("realized") holds 意识 ("consciousness") and nothing of the idea.
    assert tiny.similar(realized, limit=3) == []
    for _speaker, text in TINY[3:]:  # whales, cooking, a Mars rover: nothing alike
        assert tiny.similar(ids[text], limit=3) == []


def test_without_the_meaning_similar_is_not_offered(quotes_db, without_model):
    # Shared words alone bring too many quotes off the idea: Similar stays hidden.
    offline = Searcher(quotes_db)
    origin = quote_saying(offline, "与许多不同的教师互动", "Ilya Sutskever")
    assert not offline.matches_meaning() and offline.similar(origin.id) == []


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_similar", ROOT / "bench" / "similar.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_similar"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_bench_scores_the_rule_before_and_after_on_a_tiny_set(quotes_db, tmp_path, capsys):
    pairs = tmp_path / "similar.jsonl"
    lines = read_jsonl("similar.jsonl")[:2]
    pairs.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n")
    assert load_bench().main(["--pairs", str(pairs), "--db", str(quotes_db)]) == 0
    out = capsys.readouterr().out
    assert "2 origins" in out and "good@1" in out and "bad" in out
    # Each row's percentages: answered, good@1, good@3, postable@1, other@1.
    before, after = (
        [float(cell.rstrip("%")) for cell in line.split() if cell.endswith("%")]
        for line in out.splitlines() if line.startswith(("meaning alone", "tuned"))
    )
    assert after[1] >= before[1] and after[2] >= before[2]


def test_the_bench_refuses_an_origin_its_snippet_does_not_name_once(quotes_db, tmp_path):
    pairs = tmp_path / "similar.jsonl"
    line = {"origin": {"text": "AI", "speaker": "Sam Altman"}, "good": [], "bad": [], "note": ""}
    pairs.write_text(json.dumps(line) + "\n")
    with pytest.raises(SystemExit, match="names"):
        load_bench().main(["--pairs", str(pairs), "--db", str(quotes_db)])
