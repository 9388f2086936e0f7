"""The picker: postable first, spread over speakers and sources, no repeat until the scope is used up."""

from __future__ import annotations

import random
from collections import Counter

from bot.pick import Candidate, pick_next


def run(candidates, picks, group=None, seed=0, shown=()):
    """`picks` picks in a row in one chat; the ids in order."""
    history = list(shown)
    rng = random.Random(seed)
    for _ in range(picks):
        history.append(pick_next(candidates, history, group, rng).id)
    return history[len(shown):]


SCOPE = [
    Candidate(1, "Sam Altman", "a.txt", True),
    Candidate(2, "Sam Altman", "a.txt", True),
    Candidate(3, "Sam Altman", "b.txt", True),
    Candidate(4, "Lex Fridman", "b.txt", True),
    Candidate(5, "Ilya Sutskever", "c.txt", True),
    Candidate(6, "Sam Altman", "a.txt", False, 0.3),
    Candidate(7, "Lex Fridman", "b.txt", False, 0.1),
]


def test_empty_scope_has_no_pick():
    assert pick_next([], []) is None


def test_only_postable_quotes_and_no_repeat_until_all_were_shown():
    picks = run(SCOPE, 5)
    assert sorted(picks) == [1, 2, 3, 4, 5]


def test_after_the_scope_is_used_up_a_new_round_starts():
    picks = run(SCOPE, 10)
    assert sorted(picks[:5]) == sorted(picks[5:]) == [1, 2, 3, 4, 5]
    assert pick_next(SCOPE, picks[:5], rng=random.Random(1)).new_round
    assert not pick_next(SCOPE, picks[:6], rng=random.Random(1)).new_round


def test_speakers_are_spread_before_one_speaker_repeats():
    picks = run(SCOPE, 3, seed=3)
    speakers = {c.id: c.speaker for c in SCOPE}
    assert {speakers[i] for i in picks} == {"Sam Altman", "Lex Fridman", "Ilya Sutskever"}


def test_sources_are_spread_within_a_speaker():
    sam = [c for c in SCOPE if c.speaker == "Sam Altman" and c.postable]
    first = pick_next(sam, [1], rng=random.Random(0))
    assert first.id == 3  # b.txt before a second quote from a.txt


def test_a_near_duplicate_of_a_shown_quote_counts_as_shown():
    twins = {2: 1}  # quote 2 says the words of quote 1 again

    def group(quote_id):
        return twins.get(quote_id, quote_id)

    picks = run(SCOPE, 4, group=group)
    assert len(set(picks)) == 4 and not {1, 2} <= set(picks)
    # Four picks used the pool up (1 and 2 are one): the fifth starts a new round.
    assert pick_next(SCOPE, picks, group, random.Random(0)).new_round
    assert not pick_next(SCOPE, picks[:3], group, random.Random(0)).new_round


def test_a_scope_with_nothing_postable_answers_with_the_best_and_says_so():
    weak = [c for c in SCOPE if not c.postable]
    pick = pick_next(weak, [])
    assert pick.id == 6 and pick.postable is False


def test_ids_shown_outside_the_scope_do_not_block_it():
    lex = [c for c in SCOPE if c.speaker == "Lex Fridman"]
    assert pick_next(lex, [1, 2, 3, 5]).id == 4


def test_many_picks_stay_fair_over_speakers():
    scope = [Candidate(i, f"s{i % 3}", f"f{i % 2}", True) for i in range(60)]
    counts = Counter(i % 3 for i in run(scope, 60, seed=5))
    assert counts == {0: 20, 1: 20, 2: 20}


def test_quotes_free_of_doubt_come_first_in_a_round():
    from bot.pick import CLEAN_SCORE

    doubtful = Candidate(1, "Lex", "a", True, CLEAN_SCORE - 0.1)
    clean = Candidate(2, "Sam", "a", True, CLEAN_SCORE)
    first = pick_next([doubtful, clean], shown=(), rng=random.Random(0))
    assert first is not None and first.id == 2
    second = pick_next([doubtful, clean], shown=(2,), rng=random.Random(0))
    assert second is not None and second.id == 1 and not second.new_round
