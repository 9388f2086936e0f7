"""Faults replayed against the real bot and the Bot API stand-in: what each costs the users.

    .venv/bin/python bench/chaos.py [--quick] [--only NAME ...] [--json FILE]

Each module in bench/faults/ replays one fault of issue 20 (a full disk, a busy group, a
locked state database, a burst of daily quotes, a slow Telegram, costly searches, a
flood of strangers on the webhook port, forged posts) and reports, for it:
answers lost, answers repeated, and the slowest answer of a chat the fault does not
concern (targets: 0 lost; no repeats; the unaffected chat answered within 1 s, p99,
except during a full disk, and within 5 s of space coming back), plus figures of its
own (memory after the flood, sends per second...). --quick runs the small versions.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tabulate import tabulate  # noqa: E402

import bench.faults  # noqa: E402

COMMON = ("fault", "lost", "repeated", "slowest_unaffected_s")


def fault_modules(only: list[str] | None = None) -> list[str]:
    """The names of the fault modules in bench/faults/, in name order."""
    # A module named _like_this is a helper the replays share, not a replay.
    names = sorted(info.name for info in pkgutil.iter_modules(bench.faults.__path__) if not info.name.startswith("_"))
    return [name for name in names if not only or name in only]


def run_all(names: list[str], quick: bool) -> list[dict[str, object]]:
    """Each fault's report (a fault that fails to run is reported as such, not skipped)."""
    reports = []
    for name in names:
        module = importlib.import_module(f"bench.faults.{name}")
        started = time.monotonic()
        try:
            report = dict(module.run(quick=quick))
        except Exception as error:  # one broken replay must not hide the others' figures
            report = {"fault": name, "error": f"{type(error).__name__}: {error}"}
        report["seconds"] = round(time.monotonic() - started, 1)
        reports.append(report)
    return reports


def table(reports: list[dict[str, object]]) -> str:
    """One row per fault: the common figures, then the rest as key=value."""
    rows = []
    for report in reports:
        extra = ", ".join(f"{k}={v}" for k, v in report.items() if k not in COMMON)
        rows.append([report.get(k, "-") for k in COMMON] + [extra])
    return tabulate(rows, [*COMMON, "other"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small version of each fault")
    parser.add_argument("--only", nargs="*", help="run only these fault modules")
    parser.add_argument("--json", type=Path, help="also write the reports to this file")
    args = parser.parse_args()
    reports = run_all(fault_modules(args.only), args.quick)
    print(table(reports))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
