"""A tiny run of bench/eval.py, so the benchmark cannot rot."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.conftest import ROOT, read_jsonl


def load_eval():
    spec = importlib.util.spec_from_file_location("bench_eval", ROOT / "bench" / "eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_eval_prints_hit_rates_for_engine_and_baseline(quotes_db, tmp_path, capsys):
    lines = read_jsonl("queries.jsonl")
    sample = [next(line for line in lines if line["kind"] == kind) for kind in
              ("exact", "typo", "english", "negative")]
    queries = tmp_path / "queries.jsonl"
    queries.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in sample) + "\n")
    assert load_eval().main(["--queries", str(queries), "--db", str(quotes_db)]) == 0
    out = capsys.readouterr().out
    for word in ("exact", "typo", "english", "negative", "overall", "baseline", "median"):
        assert word in out
    overall = next(line for line in out.splitlines() if line.startswith("overall"))
    engine_top1, _e3, base_top1, _b3 = overall.split()[2:6]
    assert float(engine_top1.rstrip("%")) >= float(base_top1.rstrip("%"))


def test_grading_rules():
    bench = load_eval()
    positive = {"expect_any": ["对齐"], "speaker": "Sam Altman", "kind": "keyword"}
    assert bench.grade(positive, [("AI對齊很難", "Sam Altman", True)]) == (True, True)
    assert bench.grade(positive, [("AI对齐很难", "Lex Fridman", True)]) == (False, False)
    assert bench.grade(positive, [("别的", "Sam Altman", True), ("对齐", "Sam Altman", False)]) == (False, True)
    negative = {"expect_any": None, "speaker": None, "kind": "negative"}
    assert bench.grade(negative, []) == (True, True)
    assert bench.grade(negative, [("x", "y", True)]) == (False, False)


def test_a_topics_answer_is_good_when_it_stands_on_its_own_on_the_topic_by_the_person_named():
    bench = load_eval()
    topic = {"query": "对齐", "kind": "zh-topic", "on_topic_any": ["对齐"], "speaker": None}
    assert bench.grade(topic, [("AI對齊很難。", "Sam Altman", True)]) == (1.0, 1.0)
    assert bench.grade(topic, [("你怎么看对齐?", "Lex Fridman", False)]) == (0.0, 0.0)
    off_topic_first = [("别的话题。", "Sam Altman", True), ("对齐很难。", "Ilya Sutskever", True)]
    assert bench.grade(topic, off_topic_first) == (0.0, 0.5)
    named = {"query": "Ilya", "kind": "name", "on_topic_any": None, "speaker": "Ilya Sutskever"}
    assert bench.grade(named, [("对齐很难。", "Sam Altman", True)]) == (0.0, 0.0)
    assert bench.grade(named, [("对齐很难。", "Ilya Sutskever", True)]) == (1.0, 1.0)
    assert bench.grade(topic, []) == (0.0, 0.0)


def test_a_tuning_value_can_be_set_to_compare():
    bench = load_eval()
    assert bench.tuned(["worth_weight=0", "candidates=50"]).worth_weight == 0.0
    assert bench.tuned(["candidates=50"]).candidates == 50
    with pytest.raises(SystemExit):
        bench.tuned(["no_such_value=1"])
