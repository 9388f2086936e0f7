"""Prometheus metrics of the bot (prometheus-client), served at /metrics by the webhook server."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES_RECEIVED = Counter(
    "quotebot_updates_received", "Updates taken in (webhook posts and polled updates)"
)
UPDATES_DUPLICATE = Counter(
    "quotebot_updates_duplicate", "Webhook posts of an update already recorded (not answered again)"
)
UPDATES_ANSWERED = Counter("quotebot_updates_answered", "Updates handled to the end")
ANSWER_SECONDS = Histogram(
    "quotebot_answer_seconds",
    "Time from taking an update to having handled it",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
UPDATES_WAITING = Gauge(
    "quotebot_updates_waiting", "Updates waiting for their group's send budget (no slot held)"
)
UPDATES_DROPPED = Counter(
    "quotebot_updates_dropped", "Updates not answered on purpose, by reason", ["reason"]
)
ERRORS = Counter("quotebot_errors", "Errors while handling updates, by exception type", ["kind"])
QUERIES = Counter("quotebot_queries", "Questions answered, by outcome", ["result"])


def count_query(found: bool) -> None:
    """Count one answered question as a match or a no-match."""
    QUERIES.labels("match" if found else "no_match").inc()
