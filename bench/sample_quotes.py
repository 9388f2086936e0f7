"""Print a reproducible random sample of quotes beside the source lines they came from.

For checking attribution by eye beyond the dev set: each quote is shown with its
speaker and the raw lines of the page where its turn starts (the label), so a
wrong speaker stands out.

    python bench/sample_quotes.py --n 50 --seed 20261126
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT))


def sample(db_path: Path, n: int, seed: int) -> list[tuple]:
    """(speaker, kind, file, line, quote text) of `n` quotes drawn with `seed`."""
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        """SELECT sp.name, q.kind, s.file, p.line, q.text FROM quotes q
           JOIN speakers sp ON sp.id = q.speaker_id JOIN sources s ON s.id = q.source_id
           JOIN passages p ON p.id = q.passage_id ORDER BY q.id"""
    ).fetchall()
    conn.close()
    return random.Random(seed).sample(rows, min(n, len(rows)))


def source_lines(file: str, line: int, count: int = 2) -> str:
    """The page's raw lines from `line` on, joined, where the turn's label stands."""
    lines = (SEEDS / file).read_text(encoding="utf-8").splitlines()
    return " ⏎ ".join(lines[line - 1 : line - 1 + count])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--db", type=Path, help="the quote database (default: built from seeds/)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db
        if db_path is None:
            from bot.index import build_from_paths

            db_path = Path(tmp) / "quotes.db"
            build_from_paths([SEEDS], SEEDS, db_path)
        for number, (speaker, kind, file, line, text) in enumerate(sample(db_path, args.n, args.seed), 1):
            print(f"{number:2}. {speaker} ({kind}) {file}:{line}")
            print(f"    quote: {text[:90]}")
            print(f"    page:  {source_lines(file, line)[:90]}")


if __name__ == "__main__":
    main()
