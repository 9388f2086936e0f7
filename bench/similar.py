"""Similar on the hand-labelled quote pairs: good at rank 1, good among the top 3, bad given.

    .venv/bin/python bench/similar.py [--pairs tests/data/similar.jsonl] [--db db/quotes.db]
                                      [--show] [--sweep]

Each line of the set names an origin quote and quotes that are good (same idea) or bad
(off-topic) answers under it, by a verbatim snippet and the speaker (tests/data/README.md).
`Searcher.similar(origin, limit=3)` is graded: good@1 (its first answer is a good one),
good@3 (a good one among the three), bad (labelled bad answers among the three, and the
origins that got one), answered (origins with any answer), postable@1 (first answers
that stand on their own), other@1 (first answers by another speaker).

Two rows are printed, comparable before and after a change of the rule:
- "meaning alone": the cosine rule Similar had before issue 18 (the nearest quotes down
  to 0.45, other speakers first), as today's code with the words' and postability's
  weights at 0, no search by words and no floor. One thing differs from the old code:
  a question is now also what the stored judgement calls one, which alone takes the
  old code's 22% good at rank 1 on this set to 30%;
- "tuned": the values in bot/search/tuning.py.
--sweep grades every combination of SWEEP and prints the best, ranked by the objective
(good@1 + good@3 - 2 x bad) averaged with the thresholds one step either side: its first
row is the calibration behind Tuning's values. Without --db the database is built from
seeds/ into a temporary folder.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, db_help, quote_database  # noqa: E402
from bot import normalize  # noqa: E402
from bot.quotedb import QuoteDB  # noqa: E402
from bot.search import Searcher, Tuning  # noqa: E402

DEFAULT_PAIRS = ROOT / "tests" / "data" / "similar.jsonl"
TOP = 3
# The grid --sweep tries (every combination), around the values in Tuning.
SWEEP = {
    "similar_terms_weight": (1.0, 1.5, 2.0),
    "similar_topic_boost": (1.0, 2.0, 3.0),
    "similar_terms": (12, 16),
    "similar_postable_weight": (0.1, 0.2, 0.3),
    "min_similar_meaning": (0.0, 0.25, 0.3, 0.35),
    "min_similar": (0.75, 0.8, 0.85, 0.9, 0.95),
}


@dataclass(frozen=True)
class Labelled:
    """One line of the set, its snippets resolved to quote ids."""

    origin: int
    good: frozenset[int]
    bad: frozenset[int]
    note: str


@dataclass(frozen=True)
class Figures:
    origins: int
    answered: int
    good_at_1: int
    good_at_3: int
    bad_given: int
    origins_with_bad: int
    postable_at_1: int
    other_at_1: int

    def objective(self) -> float:
        """What the sweep maximizes: good answers first, a bad answer costs as much as a good one gains."""
        return self.good_at_1 + self.good_at_3 - 2 * self.bad_given


def read_pairs(path: Path) -> list[dict]:
    """The set's lines (see tests/data/README.md)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def resolve(lines: list[dict], db: QuoteDB) -> list[Labelled]:
    """Each line with its snippets as quote ids: a snippet names every quote of that speaker
    whose normalized text holds it, and their stored near-duplicates (the same words
    published twice); the origin must be one quote."""
    norms = [(quote, normalize.normalize(quote.text)) for quote in db.quotes()]
    pickables = db.pickables_by_id(q.id for q, _norm in norms)
    twins: dict[int, set[int]] = {}
    for pickable in pickables:
        twins.setdefault(pickable.twin_group, set()).add(pickable.id)
    group_of = {p.id: twins[p.twin_group] for p in pickables}

    def ids(snippet: dict) -> frozenset[int]:
        wanted = normalize.normalize(snippet["text"])
        return frozenset(q.id for q, norm in norms if wanted in norm and q.speaker == snippet["speaker"])

    def with_twins(snippets: list[dict]) -> frozenset[int]:
        named = set().union(*(ids(s) for s in snippets)) if snippets else set()
        return frozenset(twin for quote_id in named for twin in group_of.get(quote_id, {quote_id}))

    labelled = []
    for line in lines:
        origin = ids(line["origin"])
        if len(origin) != 1:
            raise SystemExit(f"the origin {line['origin']} names {len(origin)} quotes, not one")
        labelled.append(
            Labelled(next(iter(origin)), with_twins(line["good"]), with_twins(line.get("bad", [])), line.get("note", ""))
        )
    return labelled


def grade(searcher: Searcher, labelled: list[Labelled], show: bool = False) -> Figures:
    """Searcher.similar under every origin, tallied (each answer printed with --show)."""
    counts = dict.fromkeys(Figures.__dataclass_fields__, 0)
    for line in labelled:
        origin = searcher.get(line.origin)
        answers = searcher.similar(line.origin, limit=TOP)
        ids = [m.quote.id for m in answers]
        counts["origins"] += 1
        counts["answered"] += bool(ids)
        counts["good_at_1"] += bool(ids) and ids[0] in line.good
        counts["good_at_3"] += any(i in line.good for i in ids)
        bad = sum(i in line.bad for i in ids)
        counts["bad_given"] += bad
        counts["origins_with_bad"] += bool(bad)
        counts["postable_at_1"] += bool(answers) and answers[0].quote.postable
        counts["other_at_1"] += bool(answers) and origin is not None and answers[0].quote.speaker != origin.speaker
        if show:
            print(f"\n{line.note} [{line.origin}]")
            for match in answers:
                mark = "good" if match.quote.id in line.good else "BAD " if match.quote.id in line.bad else "  - "
                print(f"  {mark} {match.score:.3f} {match.quote.speaker:<15} {match.quote.text[:60]}")
    return Figures(**counts)


def meaning_alone(tuning: Tuning) -> Tuning:
    """The rule before issue 18: cosine alone, down to 0.45, no search by words."""
    return replace(
        tuning, similar_terms_weight=0.0, similar_postable_weight=0.0, similar_term_candidates=0,
        min_similar=0.45, min_similar_meaning=0.0,
    )


def row(name: str, figures: Figures) -> str:
    n = figures.origins
    return (
        f"{name:<16}{n:>4}  {percent(figures.answered, n):>9}{percent(figures.good_at_1, n):>9}"
        f"{percent(figures.good_at_3, n):>9}{figures.bad_given:>6}{figures.origins_with_bad:>7}"
        f"{percent(figures.postable_at_1, n):>11}{percent(figures.other_at_1, n):>9}"
    )


HEADER = (
    f"{'rule':<16}{'n':>4}  {'answered':>9}{'good@1':>9}{'good@3':>9}{'bad':>6}{'(lines)':>7}"
    f"{'postable@1':>11}{'other@1':>9}"
)


def percent(numerator: int, denominator: int) -> str:
    return f"{100 * numerator / denominator:5.1f}%" if denominator else "    -"


def sweep(searcher: Searcher, labelled: list[Labelled], base: Tuning, best: int = 10) -> list[str]:
    """Every combination of SWEEP, the `best` first: by the objective averaged with the
    settings one threshold step either side (a setting whose neighbours fail too is luck,
    not a calibration), then by its own objective."""
    names = list(SWEEP)
    figures: dict[tuple, Figures] = {}
    for values in itertools.product(*SWEEP.values()):
        searcher.tuning = replace(base, **dict(zip(names, values, strict=True)))
        figures[values] = grade(searcher, labelled)
    searcher.tuning = base
    thresholds = list(SWEEP["min_similar"])
    at = names.index("min_similar")

    def steady(values: tuple) -> float:
        step = thresholds.index(values[at])
        near = [values[:at] + (t,) + values[at + 1 :] for t in thresholds[max(0, step - 1) : step + 2]]
        return sum(figures[v].objective() for v in near) / len(near)

    ranked = sorted(figures, key=lambda v: (-steady(v), -figures[v].objective()))
    lines = [HEADER.replace("rule", "    ", 1) + "  steady  settings"]
    for values in ranked[:best]:
        shown = " ".join(f"{k.removeprefix('similar_')}={v}" for k, v in zip(names, values, strict=True))
        lines.append(f"{row('', figures[values])}  {steady(values):6.1f}  {shown}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="a labelled set (JSONL)")
    parser.add_argument("--db", type=Path, help=db_help())
    parser.add_argument("--show", action="store_true", help="print every origin's answers, marked")
    parser.add_argument("--sweep", action="store_true", help="try the grid of weights (slow)")
    args = parser.parse_args(argv)
    lines = read_pairs(args.pairs)
    with quote_database(args.db) as db_path:
        db = QuoteDB(db_path)
        labelled = resolve(lines, db)
        db.close()
        searcher = Searcher(db_path)
        if not searcher.matches_meaning():
            print("note: this database has no sentence vectors (or the model is missing): Similar answers nothing")
        tuned = searcher.tuning
        print(f"{args.pairs} ({len(labelled)} origins), database {args.db or 'built from seeds/'}")
        searcher.tuning = meaning_alone(tuned)
        before = grade(searcher, labelled)
        searcher.tuning = tuned
        after = grade(searcher, labelled, show=args.show)
        print(HEADER)
        print(row("meaning alone", before))
        print(row("tuned", after))
        if args.sweep:
            print("\n".join(["", "sweep (best first):", *sweep(searcher, labelled, tuned)]))
        searcher.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
