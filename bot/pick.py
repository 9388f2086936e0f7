"""The next quote the bot chooses for a reader (/random, /daily, an empty inline query, /start).

Pure: no database, no clock. The caller gives the quotes of the scope (all, or
one speaker's), the ids already shown in the chat (oldest first) and a
quote's near-duplicate group; `pick_next` answers with one id.

- Only postable quotes while the scope has any; a scope with none answers with
  the best available (highest score) and says so (`Pick.postable` is False).
- Never a repeat until every postable quote of the scope was shown, then a new
  round starts (`Pick.new_round`). A near-duplicate of a shown quote (the same
  words on the page twice) counts as shown.
- Within a round, quotes with no reason against them at all (score at least
  CLEAN_SCORE) come first; those postable despite a light doubt (a brief
  answer, a reply's opening) only once the clean ones of the round are shown.
- Spread: the speaker shown least recently first, then the source shown least
  recently, then chance.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

# A quote id -> its near-duplicate group: quotes saying the same words share one.
Group = Callable[[int], Hashable]

# The judgement's score of a quote with no doubt but its length (bot/extract/postable.py
# weighs a light doubt 0.3, a long quote 0.2): on the labelled sample every quote at or
# above it was postable by the labels, against 45 of 48 of all judged postable.
CLEAN_SCORE = 0.8


@dataclass(frozen=True)
class Candidate:
    """A quote the picker may choose, with what the picker needs to know of it."""

    id: int
    speaker: str
    source: str
    postable: bool
    score: float = 1.0


@dataclass(frozen=True)
class Pick:
    """The chosen quote, and whether the answer is honest about what it is."""

    id: int
    postable: bool  # False: nothing in the scope is postable; this is the best available
    new_round: bool = False  # every quote of the pool had been shown: this pick starts the rotation over


def _alone(quote_id: int) -> Hashable:
    return quote_id


def pick_next(
    candidates: Iterable[Candidate],
    shown: Sequence[int] = (),
    group: Group | None = None,
    rng: random.Random | None = None,
) -> Pick | None:
    """The next quote to show, or None when the scope is empty.

    `group` gives a quote id's near-duplicate group (default: every quote alone).
    """
    scope = list(candidates)
    if not scope:
        return None
    group = group or _alone
    rng = rng or random.Random()
    postable = [c for c in scope if c.postable]
    pool = postable or _best_available(scope)
    round_shown, round_ended = _current_round(pool, shown, group)
    new_round = round_ended and not round_shown
    fresh = [c for c in pool if group(c.id) not in round_shown]
    fresh = [c for c in fresh if c.score >= CLEAN_SCORE] or fresh
    chosen = _least_recent(fresh, scope, shown, rng)
    return Pick(chosen.id, chosen.postable, new_round)


def _best_available(scope: list[Candidate]) -> list[Candidate]:
    """With nothing postable: the quotes with the best score (to 0.1), so the answer is the least bad."""
    top = max(round(c.score, 1) for c in scope)
    return [c for c in scope if round(c.score, 1) >= top]


def _current_round(
    pool: list[Candidate], shown: Sequence[int], group: Group
) -> tuple[set[Hashable], bool]:
    """The groups shown in the current round, and whether an earlier round was completed.

    Stateless: replaying the chat's history from the oldest pick, a round ends
    at the pick that leaves no group of the pool unshown.
    """
    pool_groups = {group(c.id) for c in pool}
    round_shown: set[Hashable] = set()
    unshown = set(pool_groups)
    ended = False
    for quote_id in shown:
        round_shown.add(group(quote_id))
        unshown.discard(group(quote_id))
        if not unshown:
            round_shown, unshown, ended = set(), set(pool_groups), True
    return round_shown, ended


def _least_recent(
    fresh: list[Candidate], scope: list[Candidate], shown: Sequence[int], rng: random.Random
) -> Candidate:
    """The least recently shown speaker, then source; chance among what ties."""
    by_id = {c.id: c for c in scope}
    speaker_at: dict[str, int] = {}
    source_at: dict[str, int] = {}
    for position, quote_id in enumerate(shown):
        if quote_id in by_id:
            speaker_at[by_id[quote_id].speaker] = position
            source_at[by_id[quote_id].source] = position

    def recency(c: Candidate) -> tuple[int, int]:
        return speaker_at.get(c.speaker, -1), source_at.get(c.source, -1)

    best = min(recency(c) for c in fresh)
    return rng.choice([c for c in fresh if recency(c) == best])
