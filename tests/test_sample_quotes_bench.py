"""bench/sample_quotes.py, run small so it cannot rot."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_sample_shows_each_quote_beside_its_source_line(quotes_db):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sample_quotes.py"), "--n", "3", "--seed", "1",
         "--db", str(quotes_db)],
        capture_output=True, text=True, check=True,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 9
    assert [line.split(". ")[0].strip() for line in lines[::3]] == ["1", "2", "3"]
    assert all(line.startswith("    quote: ") for line in lines[1::3])
    assert all(line.startswith("    page:  ") and len(line) > 12 for line in lines[2::3])
