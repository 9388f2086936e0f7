"""bench/faults/busy_group.py and daily_burst.py in their quick versions, so the replays cannot rot.

They run the real bot against the stand-in; what they report must hold: nothing lost or
sent twice. Their timing figures are printed by the bench, not asserted here.
"""

from __future__ import annotations

from bench.faults import busy_group, daily_burst

FIGURES = {"fault", "lost", "repeated", "slowest_unaffected_s"}


def test_busy_group_replay_reports_no_loss_and_no_repeat():
    figures = busy_group.run(quick=True)
    assert FIGURES <= figures.keys()
    assert (figures["lost"], figures["repeated"]) == (0, 0), figures
    assert figures["group_answered"] + figures["group_left_for_next_start"] == 96, figures


def test_daily_burst_replay_reports_no_loss_and_no_repeat():
    figures = daily_burst.run(quick=True)
    assert FIGURES <= figures.keys()
    assert (figures["lost"], figures["repeated"]) == (0, 0), figures
