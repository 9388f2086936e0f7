"""Whether a failed request may still have reached Telegram, so a message is never sent twice.

A request that got no answer in time may have been carried out: Telegram delivered the
message and only its answer was slow or lost. Sending it again would show the person a
copy. So a request that creates a message (sendMessage, sendPhoto, ...) is repeated only
when it certainly never reached Telegram: no connection was made (refused, connect
time-out, no free connection in the pool), or the request was not fully written; or
when Telegram itself answered that it failed (429, 500). After a read time-out, a
dropped connection or a gateway error (502, 504) it is not repeated: `MaybeDelivered`
is raised instead, and nobody falls back to another message for it either.

Requests that change nothing new (answering a button, editing a message, reading a
member) are harmless to repeat and keep every retry.
"""

from __future__ import annotations

import httpx
from telegram.error import NetworkError, TimedOut

# Bot API methods that put a new message in a chat: repeating one can show a copy.
MESSAGE_METHODS_PREFIXES = ("send", "copyMessage", "forwardMessage")

# httpx errors raised before the request was complete at the server: nothing happened there.
NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteTimeout,
    httpx.WriteError,
    httpx.UnsupportedProtocol,
)

# What python-telegram-bot's message says for a gateway that gave up waiting for Telegram.
GATEWAY_FAILURES = ("Bad Gateway", "Gateway Timeout", "(502)", "(504)")


class MaybeDelivered(TimedOut):
    """A message request got no answer and may have been delivered: it is not repeated."""


def sends_message(endpoint: str) -> bool:
    """True for a Bot API method that creates a new message (what a repeat would copy)."""
    return endpoint.startswith(MESSAGE_METHODS_PREFIXES)


def never_reached(error: NetworkError) -> bool:
    """True when the request certainly did not reach Telegram (so a repeat is safe).

    python-telegram-bot raises its NetworkError or TimedOut *from* the httpx error,
    which says how far the request got; without one, Telegram (or a gateway) answered.
    """
    cause = _transport_error(error)
    if cause is not None:
        return isinstance(cause, NEVER_SENT)
    if error.message.startswith("Unknown error in HTTP implementation"):
        return False  # nothing says how far it got
    # An error answer: Telegram's own (500: not done) is safe to repeat, a gateway's is not.
    return not any(failure in error.message for failure in GATEWAY_FAILURES)


def may_have_arrived(endpoint: str, error: NetworkError) -> bool:
    """True when repeating this failed request could show a copy of a delivered message."""
    return sends_message(endpoint) and not never_reached(error)


def _transport_error(error: BaseException) -> httpx.TransportError | None:
    """The httpx error behind `error`, following its causes."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, httpx.TransportError):
            return seen
        seen = seen.__cause__
    return None
