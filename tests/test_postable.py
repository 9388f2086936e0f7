"""The postability judgement: real lines of the seeds, a user's English transcript, and a guard on the sample."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

import pytest

from bot.extract import extract_document
from bot.extract.postable import QuoteContext, find_hosts, judge, judge_document
from bot.metadata import load_sources, load_speakers
from tests.conftest import ROOT, SEEDS

# Measured with `python bench/postable.py` on tests/data/postable.jsonl: precision
# 0.938, recall 0.849 (45 true, 3 false positives, 8 false negatives). The
# floors leave room for a line or two to move.
PRECISION_FLOOR = 0.90
RECALL_FLOOR = 0.78


def verdict(text: str, **context) -> tuple[bool, tuple[str, ...]]:
    judgement = judge(QuoteContext(text, **context))
    return judgement.postable, judgement.reasons


@cache
def seed_document(file: str):
    return extract_document(SEEDS / file, load_speakers(SEEDS), load_sources(SEEDS).get(file))


def judged_in_seed(file: str, start: str):
    """The judgement the extractor's context gives the seed quote starting with `start`."""
    document = seed_document(file)
    for quote, judgement in zip(document.quotes, judge_document(document, load_speakers(SEEDS)), strict=True):
        if quote.text.startswith(start):
            return judgement
    raise AssertionError(f"no quote starts with {start!r}")


LEX = "002_22918ceff47ecff6.txt"
ILYA = "004_aa2697ae0f1d4028.txt"
PAUSE = "001_c3d1f39f6788b6b8.txt"
BAAI = "000_d92ff2301d41232c.txt"


@pytest.mark.parametrize(
    ("file", "start", "reason"),
    [
        (LEX, "在Twitter上,然後可能是其他地方", "too-short"),
        (PAUSE, "让我们先简要概括一下现状", "transition"),
        (LEX, "作為一款AI語言模型,我沒有獨立決定", "reported-model-output"),
        (LEX, "請列舉幾種方法。”最終版本的GPT-4", "starts-inside-quotation"),
        (LEX, "你認為這是一個關鍵時刻嗎", "question"),
        (LEX, "它在努力幫助你", "too-short"),
        (ILYA, "我认为这些事情的不确定性相当大", "dangling-opener"),
        (ILYA, "伊利亚于2022年当选皇家学会院士", "list-of-names"),
        (ILYA, "非常感谢Ilya进行了这样迷人的讨论", "greeting-or-thanks"),
        (ILYA, "大家请给伊利亚一个虚拟的热烈掌声", "host-logistics"),
        (LEX, "所以你沒有感覺到這種壓力", "echoes-other-person"),
        (BAAI, "我想在接下来的发言中重点谈谈", "transition"),
        (ILYA, "伊隆·马斯克等人称,伊利亚是", "talks-about-guest"),
        (ILYA, "随后,谷歌在2013年收购了DNN研究所", "dangling-opener"),
        (PAUSE, "我是DeepLearning.ai的创始人Andrew", "greeting-or-thanks"),
        (ILYA, "有几个部分:开源与闭源的问题", "transition"),
    ],
)
def test_seed_lines_that_do_not_stand_alone(file, start, reason):
    judgement = judged_in_seed(file, start)
    assert not judgement.postable
    assert reason in judgement.reasons


@pytest.mark.parametrize(
    ("file", "start"),
    [
        (LEX, "當俄羅斯國際象棋大師加裏·卡斯帕羅夫"),
        (PAUSE, "显然,我们离人类水平智能还有很远"),
        (ILYA, "深度学习的大部分进展归结为"),
        (BAAI, "真心希望我们都能同意,推进AGI"),
        (LEX, "我肯定相信意識在某種程度上是基礎物質"),
    ],
)
def test_seed_lines_that_stand_alone(file, start):
    judgement = judged_in_seed(file, start)
    assert judgement.postable, judgement.reasons
    assert judgement.score > 0.6


def test_a_quote_cut_inside_a_quotation_is_cut_at_the_end():
    judgement = judged_in_seed(LEX, "關於我們如何訓練這些模型的一個有趣之處是")
    assert judgement.reasons == ("cut-at-end",)


def test_interviewers_are_found_from_the_dialogue():
    assert find_hosts(seed_document(LEX).passages) == {"Lex Fridman"}
    assert find_hosts(seed_document(ILYA).passages) == {"Ravi Belani"}
    assert find_hosts(seed_document(BAAI).passages) == {"Zhang Hongjiang"}
    assert find_hosts(seed_document(PAUSE).passages) == set()  # two guests, nobody interviews


def test_one_judgement_per_quote_in_order():
    document = seed_document(ILYA)
    assert len(judge_document(document)) == len(document.quotes)


@pytest.mark.parametrize(
    ("text", "context", "reason"),
    [
        ("Thank you all so much for coming tonight, it is a real pleasure to be here with you.", {}, "greeting-or-thanks"),
        ("Do you think that a system like this could ever be conscious in the way we are?", {}, "question"),
        ("It does that because of the training data we gave it, which is mostly the public web.", {}, "dangling-opener"),
        ("But that is exactly the part that nobody in the field wants to talk about openly today.", {}, "dangling-opener"),
        ("As an AI language model, I cannot form opinions about elections or candidates at all.", {}, "reported-model-output"),
        ("The most important thing about deploying these systems early is that society gets", {}, "cut-at-end"),
        ("Yes.", {}, "too-short"),
        ("No, I don't think so, and I have never said that in any of the interviews I gave.", {}, "dangling-opener"),
        ("Let's turn to alignment now.", {"by_host": True}, "transition"),
        ("There are three parts to your question, about money, people and time. Let me start with money.", {}, "transition"),
    ],
)
def test_english_lines_of_a_users_transcript(text, context, reason):
    postable, reasons = verdict(text, **context)
    assert not postable and reason in reasons


def test_a_complete_english_thought_stands_alone():
    postable, reasons = verdict(
        "The most important thing about deploying these systems early is that society gets time to adapt "
        "and to tell us what it wants from them."
    )
    assert postable and reasons == ()


def test_traditional_and_simplified_are_judged_alike():
    simplified = "我认为这些事情的不确定性相当大,因为这些进步可能需要相当长的时间,也可能在某些年内出现。"
    traditional = "我認為這些事情的不確定性相當大,因為這些進步可能需要相當長的時間,也可能在某些年內出現。"
    assert verdict(simplified) == verdict(traditional)
    assert verdict(simplified) == (False, ("brief", "dangling-opener"))


def test_a_statement_by_the_interviewer_needs_to_be_clean():
    line = "我認為從心理層麵上講,很多人對這項技術的恐懼,其實是對變化速度的恐懼,而不是對技術本身的恐懼,我們需要時間去適應。"
    assert verdict(line)[0]
    assert verdict(line, by_host=True) == (True, ("interviewer-remark",))
    assert not verdict(line + "你同意嗎?我很好奇你怎麼看。", by_host=True)[0]


def test_a_quote_starting_after_a_cut_clause_starts_mid_sentence():
    quote = "讓每個人都知道這樣的係統能做什麼、不能做什麼,是部署中非常重要的一部分,也是我們一直在學的事情。"
    turn = "我們從中學到了很多東西,包括如何部署,\n" + quote
    postable, reasons = verdict(quote, turn_text=turn)
    assert postable, reasons  # a new paragraph starts a new sentence
    postable, reasons = verdict(quote, turn_text=turn.replace("\n", ""))
    assert not postable and "starts-mid-sentence" in reasons


@cache
def _bench():
    spec = importlib.util.spec_from_file_location("bench_postable", Path(ROOT) / "bench" / "postable.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_precision_and_recall_on_the_labelled_sample_stay_above_the_floor():
    bench = _bench()
    figures = bench.precision_recall(bench.read_labels(), bench.judged_quotes(SEEDS))
    assert figures["labelled"] >= 150
    assert figures["precision"] >= PRECISION_FLOOR, figures
    assert figures["recall"] >= RECALL_FLOOR, figures


def test_the_bench_reports_picks_and_shares(capsys, quotes_db):
    argv = sys.argv
    sys.argv = ["postable.py", "--picks", "30", "--show", "3", "--chats", "1", "--db", str(quotes_db)]
    try:
        _bench().main()
    finally:
        sys.argv = argv
    out = capsys.readouterr().out
    assert "precision" in out and "per document" in out and "per speaker" in out
    assert "30 /random picks in a row" in out and "30 /daily picks in a row" in out
    assert out.count("postable by the stored judgement: 30 (100.0%)") == 2


def test_a_speaker_with_nothing_postable_still_gets_an_honest_pick():
    from bot.pick import Candidate, pick_next

    document = seed_document(BAAI)
    judged = zip(document.quotes, judge_document(document), strict=True)
    zhang = [
        Candidate(number, document.passages[q.passage].speaker, document.source.file, j.postable, j.score)
        for number, (q, j) in enumerate(judged)
        if document.passages[q.passage].speaker == "Zhang Hongjiang"
    ]
    assert zhang and not any(c.postable for c in zhang)  # the host only asks
    pick = pick_next(zhang, [])
    assert pick.postable is False
    assert pick.id in {c.id for c in zhang if c.score == max(c.score for c in zhang)}
