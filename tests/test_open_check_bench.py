"""bench/open_check.py, run small so it cannot rot."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_open_check_times_each_check(quotes_db):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "open_check.py"), "--runs", "1", "--db", str(quotes_db)],
        capture_output=True, text=True, check=True,
    )
    lines = result.stdout.splitlines()
    assert " quotes, " in lines[0]
    assert [line.split("median")[0].strip() for line in lines[1:]] == [
        "open, checks included", "quick_check", "full-text walk"
    ]
