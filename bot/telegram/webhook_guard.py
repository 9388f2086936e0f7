"""What keeps the webhook port from being held by strangers or crashed by forgers.

- `ConnectionCap` and `guarded_server` (`bot.web.guard`, shared with the web): at most `MAX_CONNECTIONS` open connections, each
  given `HEADER_TIMEOUT_SECONDS` for its headers (also the longest a kept-alive connection
  may sit idle) and `BODY_TIMEOUT_SECONDS` for its body. Over the cap, a new connection
  takes the place of the one idle longest, so slow or silent connections cannot lock
  Telegram out: only a post carrying the secret, while it is handled, is never dropped.
- `check_update`: the shape every update Telegram sends has (an object with a
  non-negative integer `update_id`, a few levels deep, ids within 53 bits, finite numbers,
  no NUL character). A post carrying the secret that fails it is forged or broken, and is
  answered 400 rather than failing later in PTB, the state store or a handler.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from bot.web.guard import (
    BODY_TIMEOUT_SECONDS,
    HEADER_TIMEOUT_SECONDS,
    MAX_CONNECTIONS,
    REFUSED,
    ConnectionCap,
    guarded_server,
    request_stream,
)

__all__ = [
    "BODY_TIMEOUT_SECONDS", "HEADER_TIMEOUT_SECONDS", "MAX_CONNECTIONS", "REFUSED",
    "ConnectionCap", "check_update", "guarded_server", "request_stream",
]

# An update is about ten levels deep (a reply's quoted message is the deepest part).
MAX_DEPTH = 32
# Telegram's ids "have at most 52 significant bits", and its dates are Unix times.
MAX_MAGNITUDE = 2**53

def check_update(data: object) -> None:
    """Raise ValueError unless `data` has the shape of an update Telegram sends (module
    docstring). Walked without recursion, so no nesting can exhaust the stack."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    update_id = data.get("update_id")
    if type(update_id) is not int or not 0 <= update_id < MAX_MAGNITUDE:
        raise ValueError("no valid update_id")
    pending: list[tuple[dict[str, Any] | list[Any], int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ValueError("nested too deep")
        if isinstance(value, dict):
            _check_scalars(value)  # the keys
        for child in value.values() if isinstance(value, dict) else value:
            if isinstance(child, (dict, list)):
                pending.append((child, depth + 1))
            else:
                _check_scalars((child,))


def _check_scalars(values: Iterable[Any]) -> None:
    for value in values:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)):
            # NaN fails every comparison; a float must also be finite.
            if not -MAX_MAGNITUDE < value < MAX_MAGNITUDE or not math.isfinite(value):
                raise ValueError("number out of range")
        elif isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL character")  # PostgreSQL's text cannot hold it
