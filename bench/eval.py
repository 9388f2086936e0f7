"""Matching quality on the dev set: top-1 and top-3 hit rates per kind, engine vs baseline.

    .venv/bin/python bench/eval.py [--queries tests/data/queries.jsonl] [--db db/quotes.db]
                                   [--set worth_weight=0 ...]

A hit at rank k: the k-th result's text contains one of `expect_any` (compared in
normalized form) and, when the line names a speaker, the result is that speaker's.
A negative (`expect_any: null`) is right only when the answer is empty.

A topics line (`on_topic_any`, tests/data/topics.jsonl) has no single right quote: an
answer is good when it stands on its own (the quote's stored `postable` judgement), holds
one of `on_topic_any` (null: any topic) and is by `speaker` when one is given. Its figures
are good at rank 1 and the share of good answers among the top 3, as
../shared/dev/score_topics.py counts them.

The baseline, run in the same process over the same database: rapidfuzz
`process.extract` with `partial_ratio` over every normalized quote, answering
nothing below BASELINE_CUTOFF. Without --db the database is built from seeds/ into
a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process  # noqa: E402

from bench.common import ROOT, db_help, quote_database  # noqa: E402
from bot import normalize  # noqa: E402
from bot.quotedb import QuoteDB  # noqa: E402
from bot.search import Searcher, Tuning  # noqa: E402
from bot.search.tuning import DEFAULT  # noqa: E402

DEFAULT_QUERIES = ROOT / "tests" / "data" / "queries.jsonl"
# The baseline answers nothing when its best partial_ratio is below this.
BASELINE_CUTOFF = 60
TOP = 3


def read_queries(path: Path) -> list[dict]:
    """The dev set's lines (see tests/data/README.md)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class Baseline:
    """A linear scan: the quotes whose normalized text best contains the normalized query."""

    def __init__(self, db_path: Path) -> None:
        db = QuoteDB(db_path)
        self.rows = [(quote.text, quote.speaker, quote.postable) for quote in db.quotes()]
        db.close()
        self.norms = [normalize.normalize(text) for text, _speaker, _postable in self.rows]

    def search(self, query: str, limit: int = TOP) -> list[Result]:
        """(text, speaker, postable) of the best `limit` quotes, or [] below the cutoff."""
        found = process.extract(
            normalize.normalize(query),
            self.norms,
            scorer=fuzz.partial_ratio,
            processor=None,
            limit=limit,
            score_cutoff=BASELINE_CUTOFF,
        )
        return [self.rows[index] for _choice, _score, index in found]


# One answer as graded: (text, speaker, stands on its own).
Result = tuple[str, str, bool]


def is_hit(line: dict, text: str, speaker: str) -> bool:
    """Whether one result answers the line."""
    if line["speaker"] and speaker != line["speaker"]:
        return False
    norm = normalize.normalize(text)
    return any(normalize.normalize(expected) in norm for expected in line["expect_any"])


def is_good(line: dict, result: Result) -> bool:
    """Whether one result is a good answer to a topics line (stands on its own, on the
    topic, by the person named)."""
    text, speaker, postable = result
    if line["speaker"] and speaker != line["speaker"]:
        return False
    topics = line["on_topic_any"]
    norm = normalize.normalize(text)
    return postable and (topics is None or any(normalize.normalize(t) in norm for t in topics))


def is_topic_line(line: dict) -> bool:
    return "on_topic_any" in line


def grade(line: dict, results: list[Result]) -> tuple[float, float]:
    """(top-1 right, top-3 right) for one line's results; for a topics line, (good at
    rank 1, the share of the top 3 that is good)."""
    if is_topic_line(line):
        goods = [is_good(line, result) for result in results[:TOP]]
        return float(bool(goods and goods[0])), sum(goods) / (len(goods) or 1)
    if line["expect_any"] is None:
        return float(not results), float(not results)
    hits = [is_hit(line, text, speaker) for text, speaker, _postable in results[:TOP]]
    return float(bool(hits and hits[0])), float(any(hits))


def run(name: str, answer, lines: list[dict]) -> dict:
    """Answer every line; tally hits per kind and the time per query."""
    tally: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    times, misses = [], []
    for line in lines:
        started = time.perf_counter()
        results = answer(line["query"])
        times.append((time.perf_counter() - started) * 1000)
        top1, top3 = grade(line, results)
        for kind in (line["kind"], "overall"):
            tally[kind][0] += 1
            tally[kind][1] += top1
            tally[kind][2] += top3
        if not top1:
            misses.append(line)
    return {"name": name, "tally": dict(tally), "times": times, "misses": misses}


def engine_answer(searcher: Searcher):
    def answer(query: str) -> list[Result]:
        return [
            (m.quote.text, m.quote.speaker, m.quote.postable)
            for m in searcher.search(query, limit=TOP)
        ]

    return answer


def percent(numerator: float, denominator: float) -> str:
    return f"{100 * numerator / denominator:5.1f}%" if denominator else "    -"


def table(engine: dict, baseline: dict) -> str:
    """Hit rates per kind, engine beside baseline; then negatives and time per query."""
    kinds = sorted(k for k in engine["tally"] if k != "overall") + ["overall"]
    out = [f"{'kind':<26}{'n':>4}  {'engine@1':>9}{'engine@3':>9}  {'base@1':>8}{'base@3':>8}"]
    for kind in kinds:
        n, e1, e3 = engine["tally"][kind]
        _n, b1, b3 = baseline["tally"].get(kind, [n, 0, 0])
        out.append(
            f"{kind:<26}{n:>4}  {percent(e1, n):>9}{percent(e3, n):>9}  "
            f"{percent(b1, n):>8}{percent(b3, n):>8}"
        )
    negatives = engine["tally"].get("negative", [0, 0, 0])
    base_negatives = baseline["tally"].get("negative", [0, 0, 0])
    out.append(
        f"negatives answered with nothing: engine {percent(negatives[1], negatives[0]).strip()}, "
        f"baseline {percent(base_negatives[1], base_negatives[0]).strip()}"
    )
    e_med, b_med = statistics.median(engine["times"]), statistics.median(baseline["times"])
    out.append(
        f"time per query (ms): engine median {e_med:.2f} p99 {p99(engine['times']):.2f}; "
        f"baseline median {b_med:.2f} p99 {p99(baseline['times']):.2f}; "
        f"baseline/engine median {b_med / e_med if e_med else float('inf'):.1f}x"
    )
    return "\n".join(out)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def evaluate(db_path: Path, lines: list[dict], tuning: Tuning = DEFAULT) -> tuple[dict, dict]:
    """Engine and baseline results over `lines`, in one process, over one database."""
    searcher = Searcher(db_path, tuning)
    searcher.warm_up()  # load the segmenter and the model before timing
    engine = run("engine", engine_answer(searcher), lines)
    baseline_index = Baseline(db_path)
    baseline = run("baseline", baseline_index.search, lines)
    return engine, baseline


def tuned(settings: list[str]) -> Tuning:
    """The shipped tuning with NAME=VALUE settings replaced (each a number of Tuning's)."""
    values: dict[str, float] = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        if name not in Tuning.__dataclass_fields__ or not value:
            raise SystemExit(f"--set {setting}: not NAME=VALUE with NAME one of Tuning's fields")
        kind = type(getattr(DEFAULT, name))
        values[name] = kind(float(value)) if kind is int else float(value)
    return replace(DEFAULT, **values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES, help="a dev set (JSONL)")
    parser.add_argument("--db", type=Path, help=db_help())
    parser.add_argument("--misses", action="store_true", help="list the engine's top-1 misses")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a Tuning value other than the shipped one (e.g. worth_weight=0), to compare",
    )
    args = parser.parse_args(argv)
    lines = read_queries(args.queries)
    tuning = tuned(args.set)
    with quote_database(args.db) as db_path:
        engine, baseline = evaluate(db_path, lines, tuning)
    print(f"{args.queries} ({len(lines)} queries), database {args.db or 'built from seeds/'}")
    print(table(engine, baseline))
    if any(is_topic_line(line) for line in lines):
        print("topics: @1 = good at rank 1, @3 = the share of good answers among the top 3")
    if args.misses:
        for line in engine["misses"]:
            print(f"miss: [{line['kind']}] {line['query']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
