"""The typed context every callback receives: `context.services` instead of a dict key.

`Services` holds the objects the handlers and jobs share. It is kept in `bot_data`
under one key that only this module reads; the application is built with
`ContextTypes(context=QuoteBotContext)`, as in python-telegram-bot's contexttypesbot.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.reply import Replier
from bot.state import StateStore
from bot.telegram.lease import LEASE_SECONDS
from bot.telegram.limits import Throttle

if TYPE_CHECKING:  # the admin handlers build on these services
    from bot.telegram.admin import CorpusDesk
    from bot.web import WebSite

_SERVICES = "quotebot"


@dataclass
class Services:
    """The objects every handler needs, kept in `application.bot_data`."""

    replier: Replier
    state: StateStore
    throttle: Throttle
    heartbeat_path: Path | None = None  # touched by a job while updates flow (`quotebot health`)
    lease_seconds: float = LEASE_SECONDS  # how long the daily schedule outlives its holder
    # 409 Conflict (another instance polls with this token): when last seen, and whether
    # the bot stopped because it lasted (`bot.telegram.errors`).
    conflict_seen: float | None = None
    stopped_by_conflict: bool = False
    corpus: CorpusDesk | None = None  # with QUOTEBOT_ADMINS: the corpus admins grow from Telegram
    # With QUOTEBOT_WEB: the web's services; beside long polling, what starts its server
    # once the loop runs (`on_startup`), and what stops it (`on_shutdown`).
    web: WebSite | None = None
    start_web: Callable[[], Callable[[], Awaitable[None]]] | None = None
    stop_web: Callable[[], Awaitable[None]] | None = None

    def attach(self, application: QuoteBotApp) -> None:
        """Make these the services of `application` (once, while building it)."""
        application.bot_data[_SERVICES] = self


def services(owner: QuoteBotApp | QuoteBotContext) -> Services:
    """The bot's services from the application or from a callback's context."""
    shared: Services = owner.bot_data[_SERVICES]
    return shared


def has_services(owner: QuoteBotApp | QuoteBotContext) -> bool:
    """True once `Services.attach` ran (an error early in start-up may come before)."""
    return _SERVICES in owner.bot_data


class QuoteBotContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context, with the bot's services as a typed property."""

    @property
    def services(self) -> Services:
        """The replier, the state store, flood control and the heartbeat path."""
        return services(self)


CONTEXT_TYPES = ContextTypes(context=QuoteBotContext)

# The application as built (`AIORateLimiter` passes an int to each call, hence ExtBot[int]).
QuoteBotApp = Application[
    ExtBot[int],
    QuoteBotContext,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[QuoteBotContext],
]
