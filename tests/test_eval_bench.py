"""A tiny run of bench/eval.py, so the benchmark cannot rot."""

from __future__ import annotations

import importlib.util
import json

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
    assert bench.grade(positive, [("AI對齊很難", "Sam Altman")]) == (True, True)
    assert bench.grade(positive, [("AI对齐很难", "Lex Fridman")]) == (False, False)
    assert bench.grade(positive, [("别的", "Sam Altman"), ("对齐", "Sam Altman")]) == (False, True)
    negative = {"expect_any": None, "speaker": None, "kind": "negative"}
    assert bench.grade(negative, []) == (True, True)
    assert bench.grade(negative, [("x", "y")]) == (False, False)
