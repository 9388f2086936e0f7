"""How close the served ANN search comes to the exact scan, on a built database.

    .venv/bin/python bench/ann_recall.py --db DIR/synthetic-1000000.db [--queries 60]

For the non-speaker queries of bench/latency.py's mix for that database (DIR/queries-N.json)
or the own-words development set, embeds each query and compares the searcher's nearest
quote (bot.search.semantic, as served: the IVF-PQ shortlist rescored) with an exact scan of
every stored row (its 4-bit code), read in chunks. Prints recall@1 (the same quote, or one scoring the
same) and the score gap to the true best, for a few values of the lists probed (nprobe).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import meaning  # noqa: E402
from bot.quotedb import QuoteDB  # noqa: E402
from bot.search.semantic import MeaningRetriever  # noqa: E402

CHUNK = 200_000  # rows scanned at once


def queries_for(db_path: Path, count: int) -> list[str]:
    """The latency bench's queries for this database (speaker filters left out), or the dev set."""
    size = db_path.stem.rsplit("-", 1)[-1]
    mix = db_path.parent / f"queries-{size}.json"
    if mix.exists():
        lines = [q["query"] for q in json.loads(mix.read_text("utf-8")) if q["kind"] != "speaker"]
    else:
        path = ROOT / "tests" / "data" / "queries_semantic.jsonl"
        lines = [json.loads(line)["query"] for line in path.read_text("utf-8").splitlines()]
    return lines[:count]


def exact_best(db: QuoteDB, owners: np.ndarray, queries: np.ndarray) -> list[tuple[float, int]]:
    """(best score, its quote) for each query, by scanning every stored row."""
    best = [(-9.0, -1)] * len(queries)
    for start in range(0, len(owners), CHUNK):
        rows = np.arange(start, min(len(owners), start + CHUNK))
        scores = queries @ meaning.dequantize(db.sentence_codes(rows)).T
        for i, row in enumerate(np.argmax(scores, axis=1)):
            if scores[i, row] > best[i][0]:
                best[i] = (float(scores[i, row]), int(owners[start + row]))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args(argv)
    embedder = meaning.load_embedder()
    if embedder is None:
        parser.error("the meaning model package is not installed")
    db = QuoteDB(args.db)
    index = MeaningRetriever().index(db)
    if index is None:
        parser.error(f"{args.db} has no sentence vectors of this model")
    texts = queries_for(args.db, args.queries)
    vectors = embedder.embed(texts)
    truth = exact_best(db, index.owners, vectors)  # the float query, as the searcher asks
    print(f"{args.db.name}: {len(index):,} rows, {len(texts)} queries")
    probes = [meaning.PROBED_LISTS // 2, meaning.PROBED_LISTS, meaning.PROBED_LISTS * 2]
    for nprobe in probes if index._ann is not None else [0]:
        if index._ann is not None:
            index._ann.nprobe = nprobe
        started = time.perf_counter()
        found = [index.nearest(vector, 30) for vector in vectors]
        took = (time.perf_counter() - started) / len(texts) * 1000
        gaps = [best - got[1][0] for got, (best, _quote) in zip(found, truth, strict=True)]
        same = sum(got[0][0] == quote or gap < 1e-6 for got, (_b, quote), gap in zip(found, truth, gaps, strict=True))
        print(f"  nprobe {nprobe:>4}: recall@1 {same}/{len(texts)}, score gap median {np.median(gaps):.4f}"
              f" max {max(gaps):.4f}, {sum(g > 0.01 for g in gaps)} over 0.01; {took:.2f} ms a search")
    return 0


if __name__ == "__main__":
    sys.exit(main())
