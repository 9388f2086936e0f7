"""bench/web_load.py at a tiny size against the real server, so the benchmark cannot rot.

No timing is asserted. Skips without Debian's wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

BENCH = ROOT / "bench" / "web_load.py"


def test_tiny_load_reports_every_endpoint(tmp_path, quotes_db):
    if shutil.which("wrk") is None:
        pytest.skip("no wrk: `apt-get install wrk` (Debian's package) runs this benchmark")
    result = subprocess.run(
        [sys.executable, str(BENCH), "--size", "300", "--duration", "1", "--warmup", "0",
         "--connections", "4", "--seeds-db", str(quotes_db), "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    for header in ("req/s", "p50 ms", "p99 ms", "server CPU %", "req/s seeds / large"):
        assert header in result.stdout

    report = json.loads((tmp_path / "web_load.json").read_text(encoding="utf-8"))
    assert report["connections"] == 4 and report["machine"]["cpus"]
    large, seeds = report["corpora"]
    assert large["quotes"] == 300 and seeds["corpus"] == "seeds"
    for corpus in (large, seeds):
        assert corpus["after"]["peak_rss_mb"] > 0
        assert set(corpus["endpoints"]) == {
            "search", "random", "quote", "page", "card", "card-cached"
        }
        for endpoint, figures in corpus["endpoints"].items():
            assert figures["requests"] > 0, endpoint
            assert figures["socket_errors"] == 0, endpoint
            # Every URL of the mix exists: each answer is a success (none rate limited).
            assert set(figures["codes"]) == {200}, (endpoint, figures["codes"])
            assert 0 < figures["p50_ms"] <= figures["p99_ms"], endpoint
    assert set(report["ratios"]) == set(large["endpoints"])
