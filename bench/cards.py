"""Card rendering speed and size over every quote in the quote database, both themes.

Each card is drawn from scratch (layout, drawing, PNG encoding: what a Telegram request
for an uncached card costs), once per quote and theme, in the quote's own script and
the language its text suggests. Prints p50/p99 render time and the PNG sizes beside
the targets and QuotLy's published 500-2,000 ms per image, and writes them to
`--out/cards.json`. Nothing here asserts a time; tests/test_card.py runs a tiny version.

    python bench/cards.py                 # every quote in db/quotes.db
    python bench/cards.py --limit 20 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.card import render_card  # noqa: E402
from bot.search import Searcher  # noqa: E402
from bot.text import has_han  # noqa: E402

TARGET_P50_MS = 40
TARGET_P99_MS = 100
TARGET_PNG_KB = 300
QUOTLY_MS = (500, 2000)  # QuotLy's own design notes: per image


def all_quotes(db_path: Path, limit: int | None = None) -> list:
    """Every quote in the database (or the first `limit`), by id."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM quotes ORDER BY id")]
    searcher = Searcher(db_path)
    return [searcher.get(quote_id) for quote_id in ids[:limit]]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(quotes: list) -> dict:
    times_ms: list[float] = []
    cpu_ms: list[float] = []  # this process's own CPU time: what other users' load does not inflate
    sizes: list[int] = []
    render_card(quotes[0])  # fonts opened and character maps read once, as in a running bot
    for theme in ("light", "dark"):
        for quote in quotes:
            lang = "zh-Hans" if has_han(quote.text) else "en"
            start, start_cpu = time.perf_counter(), time.process_time()
            png = render_card(quote, lang, None, theme)
            times_ms.append((time.perf_counter() - start) * 1000)
            cpu_ms.append((time.process_time() - start_cpu) * 1000)
            sizes.append(len(png))
    return {
        "cards": len(times_ms),
        "p50_ms": round(statistics.median(times_ms), 1),
        "p99_ms": round(percentile(times_ms, 0.99), 1),
        "max_ms": round(max(times_ms), 1),
        "cpu_p50_ms": round(statistics.median(cpu_ms), 1),
        "cpu_p99_ms": round(percentile(cpu_ms, 0.99), 1),
        "load_average": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "png_median_kb": round(statistics.median(sizes) / 1024, 1),
        "png_max_kb": round(max(sizes) / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "db" / "quotes.db")
    parser.add_argument("--limit", type=int, help="only the first N quotes")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    figures = measure(all_quotes(args.db, args.limit))
    ok = (figures["p50_ms"] <= TARGET_P50_MS and figures["p99_ms"] <= TARGET_P99_MS
          and figures["png_max_kb"] <= TARGET_PNG_KB)
    print(f"Cards: {figures['cards']} renders (every quote x light, dark)")
    print(f"  render p50 {figures['p50_ms']} ms (target <= {TARGET_P50_MS}), "
          f"p99 {figures['p99_ms']} ms (target <= {TARGET_P99_MS}), max {figures['max_ms']} ms")
    print(f"  CPU time of this process per card: p50 {figures['cpu_p50_ms']} ms, "
          f"p99 {figures['cpu_p99_ms']} ms (load average {figures['load_average']} on "
          f"{figures['cpus']} CPUs: wall time above it is other processes' share)")
    print(f"  PNG median {figures['png_median_kb']} KB, max {figures['png_max_kb']} KB "
          f"(target <= {TARGET_PNG_KB})")
    print(f"  QuotLy (published): {QUOTLY_MS[0]}-{QUOTLY_MS[1]} ms per image; ours p50 is "
          f"{QUOTLY_MS[0] / figures['p50_ms']:.0f}-{QUOTLY_MS[1] / figures['p50_ms']:.0f}x faster")
    print("  targets met" if ok else "  TARGETS MISSED")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cards.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
