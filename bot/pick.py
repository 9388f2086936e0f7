"""The next quote the bot chooses for a reader (/random, /daily, an empty inline query, /start).

Pure: no database, no clock. The caller gives the quotes of the scope (all, or
one speaker's), the ids already shown in the chat (oldest first) and a
near-duplicate predicate; `pick_next` answers with one id.

- Only postable quotes while the scope has any; a scope with none answers with
  the best available (highest score) and says so (`Pick.postable` is False).
- Never a repeat until every postable quote of the scope was shown, then a new
  round starts (`Pick.new_round`). A near-duplicate of a shown quote (the same
  words on the page twice) counts as shown.
- Spread: the speaker shown least recently first, then the source shown least
  recently, then chance.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

Same = Callable[[int, int], bool]


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


def _never_same(a: int, b: int) -> bool:
    return False


def pick_next(
    candidates: Iterable[Candidate],
    shown: Sequence[int] = (),
    same: Same | None = None,
    rng: random.Random | None = None,
) -> Pick | None:
    """The next quote to show, or None when the scope is empty."""
    scope = list(candidates)
    if not scope:
        return None
    same = same or _never_same
    rng = rng or random.Random()
    postable = [c for c in scope if c.postable]
    pool = postable or _best_available(scope)
    round_shown, round_ended = _current_round(pool, shown, same)
    new_round = round_ended and not round_shown
    fresh = [c for c in pool if not _covered(c, round_shown, same)]
    if not fresh:  # near-duplicates cover the pool on their own: start over
        fresh, new_round = pool, True
    chosen = _least_recent(fresh, scope, shown, rng)
    return Pick(chosen.id, chosen.postable, new_round)


def _best_available(scope: list[Candidate]) -> list[Candidate]:
    """With nothing postable: the quotes with the best score (to 0.1), so the answer is the least bad."""
    top = max(round(c.score, 1) for c in scope)
    return [c for c in scope if round(c.score, 1) >= top]


def _covered(candidate: Candidate, shown: set[int], same: Same) -> bool:
    return candidate.id in shown or any(same(candidate.id, other) for other in shown)


def _current_round(pool: list[Candidate], shown: Sequence[int], same: Same) -> tuple[set[int], bool]:
    """The ids shown in the current round, and whether an earlier round was completed.

    Stateless: replaying the chat's history from the oldest pick, a round ends
    at the pick that leaves no quote of the pool uncovered.
    """
    round_shown: set[int] = set()
    uncovered = {c.id for c in pool}
    ended = False
    for quote_id in shown:
        uncovered -= {i for i in uncovered if i == quote_id or same(i, quote_id)}
        round_shown.add(quote_id)
        if not uncovered:
            round_shown, uncovered, ended = set(), {c.id for c in pool}, True
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
