"""How well the postability judgement and the picker do on the seeds.

- precision and recall of `bot.extract.postable` on the hand-labelled sample
  (tests/data/postable.jsonl);
- the share of quotes judged postable, per document and per speaker;
- 200 `/random` picks in a row in a fresh chat, and as many `/daily` picks,
  through the real path: a quote database built from the seeds (or --db), the
  Searcher, the Replier and an in-memory state store. The share postable by the
  stored flags, and by the sample's labels for the picks that are labelled;
- the first 20 picks as a reader would see them (the reply's text).

    python bench/postable.py [--picks 200] [--seed 13] [--show 20] [--chats 10] [--db PATH]
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

from bench.common import db_help, quote_database  # noqa: E402
from bot.extract import extract_document, find_documents  # noqa: E402
from bot.extract.postable import Judgement, judge_document  # noqa: E402
from bot.metadata import load_sources, load_speakers  # noqa: E402
from bot.reply import Replier  # noqa: E402
from bot.reply.markup import Reply  # noqa: E402
from bot.search import Quote, Searcher  # noqa: E402
from bot.state import SQLiteStateStore  # noqa: E402


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


@dataclass(frozen=True)
class Picked:
    reply: Reply
    quote: Quote


def reader_picks(searcher: Searcher, picks: int, seed: int, daily: bool = False) -> list[Picked]:
    """`picks` picks in a row in one fresh chat, as the bot makes them (/random or /daily)."""
    replier = Replier(searcher, SQLiteStateStore(":memory:"), None, random.Random(seed))
    result = []
    for _ in range(picks):
        reply = replier.daily_quote(1, "en") if daily else replier.random_quote(1, "en")
        quote = searcher.get(reply.quote_id) if reply.quote_id is not None else None
        if quote is None:
            raise SystemExit(f"no quote picked: {reply.plain()}")
        result.append(Picked(reply, quote))
    return result


def describe(name: str, picked: list[Picked], label_of: dict) -> None:
    """The share of picks postable by the stored flags and by the sample's labels."""
    stored = sum(p.quote.postable for p in picked)
    labelled = [label_of[(p.quote.source.file, p.quote.text)] for p in picked
                if (p.quote.source.file, p.quote.text) in label_of]
    print(f"\n{len(picked)} {name} picks in a row in a fresh chat:")
    print(f"  postable by the stored judgement: {stored} ({stored / len(picked):.1%})")
    if labelled:
        share = sum(labelled) / len(labelled)
        print(f"  postable by the sample's labels: {sum(labelled)} of the {len(labelled)} labelled picks ({share:.1%})")
    speakers = dict(Counter(p.quote.speaker for p in picked))
    print(f"  distinct quotes: {len({p.quote.id for p in picked})}, speakers: {speakers}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--picks", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", type=int, default=20, help="picks to print as a reader sees them")
    parser.add_argument("--chats", type=int, default=10, help="fresh chats (seeds from --seed on) for the pooled share")
    parser.add_argument("--db", type=Path, default=None, help=db_help())
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

    label_of = {(label["file"], label["text"]): label["postable"] for label in labels}
    with quote_database(args.db) as db_path:
        searcher = Searcher(db_path)
        picked = reader_picks(searcher, args.picks, args.seed)
        describe("/random", picked, label_of)
        describe("/daily", reader_picks(searcher, args.picks, args.seed + 1, daily=True), label_of)
        if args.chats > 1:
            pooled = [
                label_of[(p.quote.source.file, p.quote.text)]
                for chat in range(args.chats)
                for p in reader_picks(searcher, args.picks, args.seed + chat)
                if (p.quote.source.file, p.quote.text) in label_of
            ]
            print(
                f"\nover {args.chats} fresh chats of /random (seeds {args.seed}..{args.seed + args.chats - 1}):"
                f" postable by the sample's labels {sum(pooled)} of {len(pooled)} labelled picks"
                f" ({sum(pooled) / max(len(pooled), 1):.1%})"
            )
        print(f"\nthe first {args.show} /random picks as a reader sees them:")
        for number, pick in enumerate(picked[: args.show], 1):
            print(f"{number:2}. " + pick.reply.plain().replace("\n", "\n    "))
        searcher.close()


if __name__ == "__main__":
    main()
