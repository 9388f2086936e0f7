"""What refusing a damaged quote database costs: opening with and without the checks.

The searcher checks a file before serving it, at start and at every reload
(`QuoteDB.check_pages`: SQLite's quick_check; `QuoteDB.check_full_text`: a walk
of the whole FTS index). This times each part on a warm file (in the OS cache)
and prints medians and worst of --runs.

    python bench/open_check.py                   # the seeds, built into a temporary folder
    python bench/open_check.py --db /tmp/bench/quotes-100000.db --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import db_help, quote_database  # noqa: E402
from bot.quotedb import QuoteDB  # noqa: E402


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median, worst) milliseconds of `action` over `runs` runs, after one warm-up."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help=db_help())
    parser.add_argument("--runs", type=int, default=9, help="timed runs (default %(default)s)")
    args = parser.parse_args(argv)
    with quote_database(args.db) as path:
        db = QuoteDB(path)
        quotes = len(db.quotes())
        rows = [
            ("open, checks included", timed(lambda: QuoteDB(path).close(), args.runs)),
            ("quick_check", timed(db.check_pages, args.runs)),
            ("full-text walk", timed(db.check_full_text, args.runs)),
        ]
        db.close()
        size_mb = path.stat().st_size / 1e6
    print(f"{path}: {quotes:,} quotes, {size_mb:.1f} MB, {args.runs} runs, warm")
    for name, (median, worst) in rows:
        print(f"  {name:<24} median {median:8.1f} ms   worst {worst:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
