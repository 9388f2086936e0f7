"""bench/meaning.py's scoring helpers, so the measurement of matching by meaning cannot rot."""

from __future__ import annotations

import importlib.util

import numpy as np

from tests.conftest import ROOT


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_meaning", ROOT / "bench" / "meaning.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_quote_scores_by_its_best_sentence():
    bench = load_bench()
    scores = np.array([[0.1, 0.9, 0.3], [0.5, 0.2, 0.4]], dtype=np.float32)
    owners = np.array([0, 0, 1])  # rows 0 and 1 are sentences of quote 0
    assert bench.pooled(scores, owners, 2).tolist() == [[np.float32(0.9), np.float32(0.3)],
                                                       [np.float32(0.5), np.float32(0.4)]]


def test_ranks_follow_the_eval_hit_rule_and_keep_negatives_apart():
    bench = load_bench()
    quotes = [{"text": "对齐很难", "speaker": "Sam Altman"}, {"text": "對齊很難", "speaker": "Lex Fridman"},
              {"text": "别的", "speaker": "Sam Altman"}]
    lines = [{"query": "q", "expect_any": ["对齐"], "speaker": "Sam Altman", "kind": "en-gist"},
             {"query": "n", "expect_any": None, "speaker": None, "kind": "hard-negative"}]
    scores = np.array([[0.2, 0.9, 0.5], [0.3, 0.1, 0.2]])
    graded = bench.ranks(lines, quotes, scores)
    assert graded[0]["rank"] == 3  # the traditional copy is Lex's, not Sam's
    assert graded[1]["rank"] is None and abs(graded[1]["margin"] - 0.1) < 1e-9
    text = bench.table("t", graded)
    assert "en-gist" in text and "@1  0" in text and "hard-negative: [0.3]" in text


def test_ann_recall_compares_the_served_search_with_the_exact_scan(tmp_path, monkeypatch, capsys):
    from bench import ann_recall
    from bot import meaning
    from tests.test_meaning_search import QUOTES, _build

    monkeypatch.setattr(meaning, "ANN_THRESHOLD", 3)  # the 4 sentences of QUOTES count as big
    path = tmp_path / "quotes.db"
    _build(path, QUOTES)
    assert ann_recall.main(["--db", str(path), "--queries", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "4 rows, 5 queries" in lines[0]
    assert all("recall@1 5/5" in line for line in lines[1:]) and len(lines) == 4
