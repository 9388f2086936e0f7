"""Staying within Telegram's limits, and keeping one person from flooding the bot.

`RetryingRateLimiter` is python-telegram-bot's `AIORateLimiter` (about 30 messages a
second overall, 20 a minute per group, waiting out 429 retry-after answers) that also
retries server errors and failed connections, so a reply is not lost to a passing fault,
and never repeats a message Telegram may already have delivered (`bot.telegram.delivery`).
Flood control per sender is `bot.throttle` (shared with the web's per-client limits).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter
from telegram.request import BaseRequest

from bot.telegram.delivery import MaybeDelivered, may_have_arrived, sends_message
from bot.throttle import Throttle, Verdict, seconds_to_token

__all__ = ["RetryingRateLimiter", "Throttle", "Verdict", "seconds_to_token"]

log = logging.getLogger(__name__)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter plus retries of 5xx answers, connection errors and time-outs.

    A message request (sendMessage, sendPhoto...) waits `send_read_timeout` for its answer
    unless the call set its own, and after a time-out it is not sent again: Telegram may
    have delivered it and only the answer was slow (`MaybeDelivered` is raised instead).
    """

    def __init__(
        self,
        *,
        network_retries: int = 3,
        backoff: float = 0.5,
        send_read_timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.network_retries = network_retries
        self.backoff = backoff
        self.send_read_timeout = send_read_timeout

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        await self.before_request(data)
        if (
            self.send_read_timeout is not None
            and sends_message(endpoint)
            and kwargs.get("read_timeout") is BaseRequest.DEFAULT_NONE  # the call set none
        ):
            # Waiting longer is cheap; giving up early leaves a message that may or may not
            # have been delivered, which cannot be sent again safely.
            kwargs = {**kwargs, "read_timeout": self.send_read_timeout}
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest as error:
                # The request itself is wrong; sending it again cannot help. Say which.
                if "not modified" not in error.message.lower():
                    log.error(
                        "Telegram refused %s to chat %s: %s",
                        endpoint, (data or {}).get("chat_id"), error.message,
                    )
                raise
            except NetworkError as error:  # includes TimedOut and 5xx answers
                if may_have_arrived(endpoint, error):
                    log.warning(
                        "%s to chat %s got no answer (%s); it may have been delivered, so it "
                        "is not sent again", endpoint, (data or {}).get("chat_id"),
                        type(error).__name__,
                    )
                    raise MaybeDelivered(f"{endpoint}: {error.message}") from error
                if attempt == self.network_retries:
                    raise
                delay = self.backoff * 2**attempt
                log.warning(
                    "%s failed (%s); retry %d/%d in %.1fs",
                    endpoint, type(error).__name__, attempt + 1, self.network_retries, delay,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def before_request(self, data: dict[str, Any]) -> None:
        """Wait here before a request is sent; subclasses add limits of their own."""
