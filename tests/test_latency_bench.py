"""bench/latency.py at a tiny size, so the benchmark cannot rot. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

BENCH = ROOT / "bench" / "latency.py"


def test_tiny_benchmark_reports_every_figure(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--sizes",
            "300",
            "--queries",
            "20",
            "--baseline-sample",
            "10",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for header in (
        "build s",
        "DB MB",
        "search RSS MB",
        "warm start s",
        "engine p50/p99 ms",
        "scan p50/p99 ms",
        "ratio p50/p99",
    ):
        assert header in result.stdout

    report = json.loads((tmp_path / "latency.json").read_text(encoding="utf-8"))
    assert report["queries"] == 20
    (size,) = report["sizes"]
    assert size["size"] == 300
    assert size["quotes"] == 300  # every synthetic quote is distinct, so none is deduplicated
    for field in ("build_s", "db_mb", "ratio_p50", "ratio_p99"):
        assert size[field] > 0
    serving = size["searching_process"]
    assert serving["peak_rss_mb"] > 0 and serving["warm_start_s"] > 0
    assert size["engine"]["n"] == 20 and size["baseline"]["n"] == 10
    for figures in (size["engine"], size["baseline"]):
        assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert {"exact", "typo", "traditional", "speaker", "negative"} <= set(size["engine_by_kind"])


def test_the_synthetic_corpus_is_deterministic_and_distinct():
    sys.path.insert(0, str(BENCH.parent))
    try:
        import latency
    finally:
        sys.path.remove(str(BENCH.parent))

    seed = latency.read_seed_corpus()
    first = latency.synthetic_documents(1200, seed)
    again = latency.synthetic_documents(1200, seed)
    texts = [unit.text for document in first for unit in document.quotes]
    assert texts == [unit.text for document in again for unit in document.quotes]
    assert len(texts) == len(set(texts)) == 1200
    assert len(first) == 3  # documents of QUOTES_PER_DOCUMENT quotes
    for document in first:
        assert all(0 <= unit.passage < len(document.passages) for unit in document.quotes)
