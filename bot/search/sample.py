"""Picks without a query: a random quotable quote, or a speaker's most quotable ones."""

from __future__ import annotations

import random as random_module
from collections.abc import Set
from typing import Any

from bot.quotedb import QuoteDB

# A random pick is drawn among quotes at least this quotable (when any is left).
RANDOM_MIN_QUALITY = 0.5
RANDOM_PROBES = 20


def random_id(
    db: QuoteDB, speaker_id: int | None, excluded: Set[int], rng: Any
) -> int | None:
    """A random quotable quote id: probe random ids, fall back to a scan of what is left.

    `rng` is a `random.Random` or the `random` module itself.
    """
    low, high = db.id_range()
    if low is None or high is None:
        return None
    for _ in range(RANDOM_PROBES):
        found = db.next_quotable(rng.randint(low, high), RANDOM_MIN_QUALITY, speaker_id)
        if found is not None and found not in excluded:
            return found
    left = [qid for qid in db.quote_ids(speaker_id) if qid not in excluded]
    return rng.choice(left) if left else None


def speaker_best(
    db: QuoteDB, speaker_id: int, limit: int, excluded: Set[int]
) -> list[tuple[int, float]]:
    """(id, quality) of `limit` of a speaker's most quotable quotes: any of the best first."""
    rows = db.best_quality(speaker_id, limit * 20 + len(excluded))
    rows = [r for r in rows if r[0] not in excluded]
    top = [r for r in rows if r[1] >= rows[0][1]] if rows else []
    random_module.shuffle(top)  # any of the best-quality quotes, not always the first
    return (top + [r for r in rows if r not in top])[:limit]
