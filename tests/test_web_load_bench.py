"""bench/web_load.py at a tiny size against the real server, so the benchmark cannot rot.

No timing is asserted. The run skips without Debian's wrk (`apt-get install wrk`; .ci/run
installs it), and goes through nginx too when it is installed; the seeds' comparison is left
out of it (one more server start) and its arithmetic checked alone.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BENCH = ROOT / "bench" / "web_load.py"
ENDPOINTS = {"search", "random", "quote", "page", "card", "card-cached"}


def bench_module():
    """bench/web_load.py imported (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("web_load", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["web_load"] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def test_tiny_load_reports_every_endpoint(tmp_path):
    if shutil.which("wrk") is None:
        pytest.skip("no wrk: `apt-get install wrk` (Debian's package) runs this benchmark")
    result = subprocess.run(
        [sys.executable, str(BENCH), "--size", "300", "--duration", "1", "--warmup", "0",
         "--connections", "4", "--no-seeds", "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    for header in ("req/s", "p50 ms", "p99 ms", "server CPU %", "peak"):
        assert header in result.stdout

    report = json.loads((tmp_path / "web_load.json").read_text(encoding="utf-8"))
    assert report["connections"] == 4 and report["machine"]["cpus"]
    (corpus,) = report["corpora"]
    assert corpus["quotes"] == 300 and corpus["after"]["peak_rss_mb"] > 0
    assert set(corpus["endpoints"]) == ENDPOINTS
    through_nginx = corpus.get("nginx", {})
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        assert set(through_nginx) == {"popular-page via nginx", "popular-card via nginx"}
    for endpoint, figures in {**corpus["endpoints"], **through_nginx}.items():
        assert figures["requests"] > 0 and figures["socket_errors"] == 0, endpoint
        # Every URL of the mix exists, and no reader is rate limited: all answers succeed.
        assert {int(code) for code in figures["codes"]} == {200}, (endpoint, figures["codes"])
        assert 0 < figures["p50_ms"] <= figures["p99_ms"], endpoint


def test_the_seeds_are_compared_endpoint_by_endpoint():
    bench = bench_module()
    large = {"endpoints": {"search": {"rps": 100.0, "p50_ms": 20.0, "p99_ms": 90.0},
                           "card": {"rps": 50.0, "p50_ms": 0.0, "p99_ms": 1.0}}}
    seeds = {"endpoints": {"search": {"rps": 300.0, "p50_ms": 10.0, "p99_ms": 30.0},
                           "card": {"rps": 50.0, "p50_ms": 0.0, "p99_ms": 1.0}}}
    ratios = bench.ratios(large, seeds)
    assert ratios["search"] == {
        "rps_seeds_over_large": 3.0, "p50_large_over_seeds": 2.0, "p99_large_over_seeds": 3.0
    }
    assert ratios["card"]["p50_large_over_seeds"] is None  # no division by zero


def test_every_endpoint_has_a_url_mix_and_the_lua_script_lists_them():
    bench = bench_module()
    assert set(bench.ENDPOINTS) == ENDPOINTS
    script = bench.lua_script(["/api/v1/search?q=%E5%AF%B9%E9%BD%90", '/q/1"'])
    assert '"/api/v1/search?q=%E5%AF%B9%E9%BD%90"' in script and '"/q/1\\""' in script
    assert "X-Forwarded-For" in script and "function done(" in script
