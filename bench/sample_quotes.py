"""Print a reproducible random sample of quotes beside the source lines they came from.

For checking attribution by eye beyond the dev set: each quote is shown with its
speaker and the raw lines of the page where its turn starts (the label), so a
wrong speaker stands out.

    python bench/sample_quotes.py --n 50 --seed 20261126
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SEEDS, db_help, quote_database  # noqa: E402


def sample(db_path: Path, n: int, seed: int) -> list[tuple]:
    """(speaker, kind, file, line, quote text) of `n` quotes drawn with `seed`."""
    from bot.quotedb import QuoteDB

    db = QuoteDB(db_path)
    lines = db.passage_lines()
    rows = [
        (q.speaker, q.kind, q.source.file, lines[q.passage_id], q.text) for q in db.quotes()
    ]
    db.close()
    return random.Random(seed).sample(rows, min(n, len(rows)))


def source_lines(file: str, line: int, count: int = 2) -> str:
    """The page's raw lines from `line` on, joined, where the turn's label stands."""
    lines = (SEEDS / file).read_text(encoding="utf-8").splitlines()
    return " ⏎ ".join(lines[line - 1 : line - 1 + count])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--db", type=Path, help=db_help())
    args = parser.parse_args()
    with quote_database(args.db) as db_path:
        for number, (speaker, kind, file, line, text) in enumerate(sample(db_path, args.n, args.seed), 1):
            print(f"{number:2}. {speaker} ({kind}) {file}:{line}")
            print(f"    quote: {text[:90]}")
            print(f"    page:  {source_lines(file, line)[:90]}")


if __name__ == "__main__":
    main()
