"""A rebuild after adding 1% new quotes: how long it takes and how much it embeds again.

    .venv/bin/python bench/rebuild.py --size 100000 --out DIR [--reuse]

Builds bench/latency.py's synthetic corpus of `--size` quotes into DIR (or reuses the
database an earlier run, or `bench/latency.py --out DIR`, left there), then builds the
corpus of 1% more quotes into the same file, as `quotebot ingest` does after new
documents arrive. The synthetic corpora are prefix-stable (the same seed, one document
after another), so the second build holds every quote of the first plus 1% new ones:
it adds only those (bot/index/append.py). `--full` then also times building the grown
corpus from scratch into another file (reusing the stored sentence vectors, as
`quotebot ingest --full` does), the way every rebuild went before. Prints and writes
DIR/rebuild-SIZE.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import QUOTES_PER_DOCUMENT, SEEDS, read_seed_corpus, synthetic_documents  # noqa: E402
from bot.index import build  # noqa: E402
from bot.metadata import load_speakers  # noqa: E402

GROWTH = 0.01  # the share of new quotes


def timed_build(size: int, db_path: Path, full: bool = False) -> dict:
    """Build the synthetic corpus of `size` quotes into `db_path`: seconds and counts."""
    documents = synthetic_documents(size, read_seed_corpus())
    started = time.perf_counter()
    counts = build(documents, load_speakers(SEEDS), db_path, full=full)
    return {"quotes": counts["quotes"], "seconds": round(time.perf_counter() - started, 1),
            "sentences": counts.get("sentences", 0), "embedded": counts.get("embedded", 0),
            "added_documents": counts.get("added")}


def described(figures: dict) -> str:
    """One build's figures as a line."""
    how = (f"added {figures['added_documents']} documents" if figures["added_documents"] is not None
           else "built from scratch")
    return (f"{figures['quotes']:,} quotes in {figures['seconds']} s ({how}),"
            f" {figures['embedded']:,} of {figures['sentences']:,} sentences embedded")


def differing_groups(one: Path, other: Path) -> int:
    """How many quotes have another near-duplicate group in `other` than in `one`."""
    read = "SELECT id, twin_group FROM quotes"
    groups = [dict(sqlite3.connect(path).execute(read).fetchall()) for path in (one, other)]
    return sum(groups[0].get(quote) != group for quote, group in groups[1].items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="quotes before the 1%% more")
    parser.add_argument("--out", type=Path, required=True, help="where the database goes")
    parser.add_argument("--reuse", action="store_true",
                        help="start from the database of this size already in --out")
    parser.add_argument("--full", action="store_true",
                        help="also build the grown corpus from scratch, to compare")
    args = parser.parse_args(argv)
    if args.size % QUOTES_PER_DOCUMENT:
        parser.error(f"--size must be a multiple of {QUOTES_PER_DOCUMENT} (whole documents)")
    args.out.mkdir(parents=True, exist_ok=True)
    db_path = args.out / f"synthetic-{args.size}.db"
    first = None
    if not (args.reuse and db_path.exists()):
        first = timed_build(args.size, db_path)
    # 1% more, in whole documents (at least one: a tiny corpus grows by more).
    grown = args.size + max(1, round(args.size * GROWTH / QUOTES_PER_DOCUMENT)) * QUOTES_PER_DOCUMENT
    second = timed_build(grown, db_path)
    figures = {"size": args.size, "first_build": first, "rebuild_with_1_percent_more": second}
    if first:
        print(f"first build: {described(first)}")
    print(f"rebuild with 1% more: {described(second)}")
    if args.full:
        # From a copy of the grown file (its vectors reused), as `quotebot ingest --full` would.
        scratch = args.out / f"synthetic-{grown}-full.db"
        shutil.copyfile(db_path, scratch)
        figures["full_rebuild_with_1_percent_more"] = timed_build(grown, scratch, full=True)
        figures["twin_groups_differing"] = differing_groups(db_path, scratch)
        scratch.unlink()
        print(f"the same from scratch: {described(figures['full_rebuild_with_1_percent_more'])}")
        print(f"near-duplicate groups: {figures['twin_groups_differing']:,} of {grown:,} quotes"
              " differ between the two")
    (args.out / f"rebuild-{args.size}.json").write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
