"""bench/faults/webhook_flood.py and forged_posts.py, in their quick versions: strangers
and forgers cost the people writing to the bot nothing, and the bot holds nothing for them."""

from __future__ import annotations

from bench.faults import forged_posts, webhook_flood

COMMON = {"fault", "lost", "repeated", "slowest_unaffected_s"}


def test_webhook_flood_replay_reports_memory_and_connections_given_back():
    report = webhook_flood.run(quick=True)
    assert COMMON <= set(report)
    assert (report["lost"], report["repeated"], report["tracebacks"]) == (0, 0, 0)
    assert report["posted"] > 0 and report["slowest_unaffected_s"] < 5
    assert report["big_posts_refused"] == report["big_posts"] == 30
    assert report["rss_peak_mb"] - report["rss_before_mb"] < 50
    assert report["slow_still_open_after_70s"] == 0
    assert report["fds_after"] <= report["fds_before"] + 5


def test_forged_posts_replay_reports_every_forgery_answered_400():
    report = forged_posts.run(quick=True)
    assert COMMON <= set(report)
    assert (report["lost"], report["repeated"], report["tracebacks"]) == (0, 0, 0)
    assert report["answered_400"] == report["forged_posts"] > 0 and report["not_400"] == {}
    assert report["forgeries_answered_in_a_chat"] == 0
    assert report["metrics_on_webhook_port"] == 404
