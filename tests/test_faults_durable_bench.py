"""bench/faults/full_disk.py and locked_daily.py in their quick versions, so the replays
cannot rot. What they report must hold: nothing lost or sent twice, health red during a
full disk and green after. Their timing figures are printed by the bench, not asserted.
"""

from __future__ import annotations

import pytest

from bench.faults import full_disk, locked_daily

FIGURES = {"fault", "lost", "repeated", "slowest_unaffected_s"}


def test_full_disk_replay_reports_no_loss_no_repeat_and_red_health_meanwhile():
    figures = full_disk.run(quick=True)
    if "skipped" in figures:
        pytest.skip(figures["skipped"])
    assert FIGURES <= figures.keys()
    assert (figures["lost"], figures["repeated"]) == (0, 0), figures
    assert figures["all_answered_after_space_back_s"] < 8, figures  # polling never ended
    assert (figures["healthz_during"], figures["healthz_after"]) == (503, 200), figures
    assert figures["heartbeat_during"].startswith("unhealthy"), figures


def test_locked_daily_replay_reports_no_loss_and_no_repeat():
    figures = locked_daily.run(quick=True)
    assert FIGURES <= figures.keys()
    assert (figures["lost"], figures["repeated"]) == (0, 0), figures
    assert figures["daily_quotes_sent"] == 150, figures
