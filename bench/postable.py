"""How well the postability judgement and the picker do on the seeds.

- precision and recall of `bot.extract.postable` on the hand-labelled sample
  (tests/data/postable.jsonl);
- the share of quotes judged postable, per document and per speaker;
- 200 picks in a row in a fresh chat (bot.pick over the whole corpus, with the
  judge's flags and near-duplicates counted as shown): the share postable by
  the judge, and by the sample's labels for the picks that are labelled;
- the first 20 picks as a reader would see them.

    python bench/postable.py [--picks 200] [--seed 13] [--show 20] [--chats 10]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
LABELS = ROOT / "tests" / "data" / "postable.jsonl"
sys.path.insert(0, str(ROOT))

from bot.extract import extract_document, find_documents  # noqa: E402
from bot.extract.postable import Judgement, judge_document  # noqa: E402
from bot.metadata import load_sources, load_speakers  # noqa: E402
from bot.pick import Candidate, pick_next  # noqa: E402

# Two quotes are the same words twice (the BAAI talk is on its page as a summary
# and in full) when one holds most of the other, or they are nearly equal.
NEAR_DUPLICATE_RATIO = 90
CONTAINED_SHARE = 0.6


@dataclass(frozen=True)
class JudgedQuote:
    id: int
    file: str
    title: str
    speaker: str
    text: str
    judgement: Judgement


def judged_quotes(seeds: Path = SEEDS) -> list[JudgedQuote]:
    """Every quote of the seed documents with its judgement, as ingest would make it."""
    speakers, sources = load_speakers(seeds), load_sources(seeds)
    result: list[JudgedQuote] = []
    for path in find_documents([seeds]):
        document = extract_document(path, speakers, sources.get(path.name))
        for quote, judgement in zip(document.quotes, judge_document(document, speakers), strict=True):
            speaker = document.passages[quote.passage].speaker
            title = document.source.title or document.source.file
            result.append(JudgedQuote(len(result) + 1, document.source.file, title, speaker, quote.text, judgement))
    return result


def read_labels(path: Path = LABELS) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def precision_recall(labels: list[dict], quotes: list[JudgedQuote]) -> dict:
    """The judgement against the labels: counts, precision and recall of `postable`."""
    verdict = {(q.file, q.text): q.judgement.postable for q in quotes}
    missing = [label["text"][:30] for label in labels if (label["file"], label["text"]) not in verdict]
    if missing:
        raise SystemExit(f"labelled quotes no longer extracted (relabel them): {missing}")
    pairs = [(verdict[(label["file"], label["text"])], label["postable"]) for label in labels]
    tp = sum(judged and truth for judged, truth in pairs)
    fp = sum(judged and not truth for judged, truth in pairs)
    fn = sum(truth and not judged for judged, truth in pairs)
    return {
        "labelled": len(pairs), "labelled_postable": tp + fn, "judged_postable": tp + fp,
        "true_positive": tp, "false_positive": fp, "false_negative": fn,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
    }


def shares(quotes: list[JudgedQuote], key) -> list[tuple[str, int, int]]:
    """(group, postable, all) for every group of quotes under `key`."""
    total, good = Counter(), Counter()
    for quote in quotes:
        total[key(quote)] += 1
        good[key(quote)] += quote.judgement.postable
    return [(group, good[group], total[group]) for group in sorted(total)]


def comparable(text: str) -> str:
    """Letters and digits only, simplified script, lower case: what near-duplicates share."""
    from bot.text import to_simplified

    return "".join(ch for ch in to_simplified(text).lower() if ch.isalnum())


def near_duplicates(quotes: list[JudgedQuote]) -> dict[int, set[int]]:
    """For each quote id, the ids of the other quotes that say the same words."""
    from rapidfuzz import fuzz

    forms = [(q.id, comparable(q.text)) for q in quotes]
    twins: dict[int, set[int]] = {}
    for index, (a_id, a) in enumerate(forms):
        for b_id, b in forms[index + 1:]:
            shorter, longer = sorted((a, b), key=len)
            contained = bool(shorter) and shorter in longer and len(shorter) >= CONTAINED_SHARE * len(longer)
            if contained or fuzz.ratio(a, b, score_cutoff=NEAR_DUPLICATE_RATIO):
                twins.setdefault(a_id, set()).add(b_id)
                twins.setdefault(b_id, set()).add(a_id)
    return twins


def simulate(
    quotes: list[JudgedQuote], picks: int, seed: int, twins: dict[int, set[int]] | None = None
) -> list[JudgedQuote]:
    """`picks` picks in a row in one fresh chat, over the whole corpus."""
    twins = near_duplicates(quotes) if twins is None else twins
    by_id = {q.id: q for q in quotes}
    candidates = [
        Candidate(q.id, q.speaker, q.file, q.judgement.postable, q.judgement.score) for q in quotes
    ]
    rng = random.Random(seed)
    shown: list[int] = []
    for _ in range(picks):
        pick = pick_next(candidates, shown, lambda a, b: b in twins.get(a, ()), rng)
        shown.append(pick.id)
    return [by_id[i] for i in shown]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--picks", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", type=int, default=20, help="picks to print as a reader sees them")
    parser.add_argument("--chats", type=int, default=10, help="fresh chats (seeds from --seed on) for the pooled share")
    args = parser.parse_args()

    quotes = judged_quotes()
    labels = read_labels()
    figures = precision_recall(labels, quotes)
    print(f"judgement on the labelled sample ({LABELS.relative_to(ROOT)}):")
    print(
        f"  {figures['labelled']} labelled, {figures['labelled_postable']} postable by the labels,"
        f" {figures['judged_postable']} by the judge"
    )
    print(
        f"  precision {figures['precision']:.3f}  recall {figures['recall']:.3f}"
        f"  (tp {figures['true_positive']}, fp {figures['false_positive']}, fn {figures['false_negative']})"
    )
    good = sum(q.judgement.postable for q in quotes)
    print(f"\npostable quotes: {good} of {len(quotes)} ({good / len(quotes):.0%})")
    print("  per document:")
    for group, n_good, n_all in shares(quotes, lambda q: q.file):
        print(f"    {group:28} {n_good:4} of {n_all:4} ({n_good / n_all:.0%})")
    print("  per speaker:")
    for group, n_good, n_all in shares(quotes, lambda q: q.speaker):
        print(f"    {group:28} {n_good:4} of {n_all:4} ({n_good / n_all:.0%})")

    twins = near_duplicates(quotes)
    picked = simulate(quotes, args.picks, args.seed, twins)
    label_of = {(label["file"], label["text"]): label["postable"] for label in labels}
    labelled = [label_of[(q.file, q.text)] for q in picked if (q.file, q.text) in label_of]
    by_judge = sum(q.judgement.postable for q in picked)
    print(f"\n{len(picked)} picks in a row in a fresh chat (seed {args.seed}):")
    print(f"  postable by the judge: {by_judge} ({by_judge / len(picked):.1%})")
    if labelled:
        share = sum(labelled) / len(labelled)
        print(f"  postable by the sample's labels: {sum(labelled)} of the {len(labelled)} labelled picks ({share:.1%})")
    print(f"  distinct quotes: {len({q.id for q in picked})}, speakers: {dict(Counter(q.speaker for q in picked))}")
    if args.chats > 1:
        pooled = [
            label_of[(q.file, q.text)]
            for chat in range(args.chats)
            for q in simulate(quotes, args.picks, args.seed + chat, twins)
            if (q.file, q.text) in label_of
        ]
        print(
            f"  over {args.chats} fresh chats (seeds {args.seed}..{args.seed + args.chats - 1}): postable by the"
            f" sample's labels {sum(pooled)} of {len(pooled)} labelled picks ({sum(pooled) / max(len(pooled), 1):.1%})"
        )
    print(f"\nthe first {args.show} picks as a reader sees them:")
    for number, quote in enumerate(picked[: args.show], 1):
        print(f"{number:2}. {quote.text}\n    — {quote.speaker}, {quote.title}")


if __name__ == "__main__":
    main()
