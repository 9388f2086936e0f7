"""The fault replays of a slow Telegram and of long searches (bench/faults), small: every
answer arrives once, and people the fault does not concern are answered at once."""

from __future__ import annotations

from bench.faults import slow_search, slow_telegram


def test_slow_telegram_replay_makes_no_copies():
    figures = slow_telegram.run(quick=True)
    assert figures["lost"] == 0 and figures["repeated"] == 0, figures
    assert figures["card_photos"] == 1 and figures["card_text_fallbacks"] == 0, figures
    assert figures["unaffected_lost"] == 0 and figures["slowest_unaffected_s"] < 5, figures
    assert figures["tracebacks"] == 0


def test_long_searches_replay_loses_nothing_and_folds_keystrokes():
    figures = slow_search.run(quick=True)
    assert figures["lost"] == 0 and figures["repeated"] == 0, figures
    assert figures["unaffected_lost"] == 0 and figures["slowest_unaffected_s"] < 5, figures
    assert figures["inline_answers"] < figures["inline_queries"], figures
    assert figures["tracebacks"] == 0
