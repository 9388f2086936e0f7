"""Picks without a query: the picker's next quote for a chat, or a speaker's most quotable ones."""

from __future__ import annotations

import itertools
from collections.abc import Sequence, Set
from typing import Any

from bot.pick import Candidate, Pick, pick_next
from bot.quotedb import Pickable, QuoteDB

# A scope with up to this many postable quotes is given to the picker whole; a bigger
# one is sampled: PICK_SAMPLE postable quotes from random places, none shown before.
# (A chat's seen-list keeps its latest 500 picks, so a bigger pool gains nothing, and
# each pick reads the pool: a few milliseconds per thousand quotes.)
PICK_POOL_LIMIT = 1_000
PICK_SAMPLE = 200
PICK_RUN = 20  # consecutive postable quotes read at each random place
# A name alone reads this many of the speaker's best quotes per answer wanted.
SPEAKER_POOL = 20


def pick(db: QuoteDB, speaker_id: int | None, shown: Sequence[int], rng: Any) -> Pick | None:
    """The picker's choice (`bot.pick`) among the quotes of the scope (all, or one speaker's),
    with the stored judgements and near-duplicate groups; `shown` oldest first.

    The picker sees the postable quotes, or the best-scored ones when there are none.
    """
    scope = db.postable_from(0, speaker_id, PICK_POOL_LIMIT + 1)
    if len(scope) > PICK_POOL_LIMIT:
        scope = _sampled(db, speaker_id, shown, rng)
    elif not scope:
        scope = db.best_scored(speaker_id, PICK_SAMPLE)
    groups = {row.id: row.twin_group for row in scope}
    groups.update((row.id, row.twin_group) for row in db.pickables_by_id(set(shown) - set(groups)))
    candidates = [
        Candidate(row.id, str(row.speaker_id), str(row.source_id), bool(row.postable), row.score)
        for row in scope
    ]
    return pick_next(candidates, shown, lambda quote_id: groups.get(quote_id, quote_id), rng)


def _sampled(db: QuoteDB, speaker_id: int | None, shown: Sequence[int], rng: Any) -> list[Pickable]:
    """Postable quotes of a big scope from random places, with the shown ones (for the spread).

    The shown ones and their near-duplicates are left out of the sample, so the picker
    chooses among fresh quotes; a scope where no place holds a postable quote gives
    its best-scored ones.
    """
    before = db.pickables_by_id(shown)
    shown_groups = {row.twin_group for row in before}
    low, high = db.id_range()
    found: dict[int, Pickable] = {}
    for _ in range(PICK_SAMPLE // PICK_RUN):
        start = rng.randint(low or 0, high or 0)
        # (from the start again when nothing postable lies after the random place)
        run = db.postable_from(start, speaker_id, PICK_RUN) or db.postable_from(0, speaker_id, PICK_RUN)
        for row in run:
            if row.twin_group not in shown_groups:
                found[row.id] = row
    fresh = list(found.values()) or db.best_scored(speaker_id, PICK_SAMPLE)
    return fresh + [row for row in before if row.id not in found]


def speaker_best(db: QuoteDB, speaker_id: int, limit: int, excluded: Set[int]) -> list[Pickable]:
    """`limit` of a speaker's quotes that best stand on their own, never one shown
    (`excluded`) or a near-duplicate of one, spread over their sources: each source's
    best in turn, the best source first."""
    rows = db.speaker_best(speaker_id, SPEAKER_POOL * limit + len(excluded))
    shown_groups = {row.twin_group for row in rows if row.id in excluded}
    shown_groups.update(row.twin_group for row in db.pickables_by_id(set(excluded) - {r.id for r in rows}))
    by_source: dict[int, list[Pickable]] = {}
    for row in rows:
        if row.twin_group not in shown_groups:
            shown_groups.add(row.twin_group)  # a quote published twice is offered once
            by_source.setdefault(row.source_id, []).append(row)
    rounds = itertools.zip_longest(*by_source.values())
    return [row for turn in rounds for row in turn if row is not None][:limit]
