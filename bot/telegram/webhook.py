"""The webhook server: Telegram's posts, /healthz for the load balancer, /metrics.

Following python-telegram-bot's custom-webhook example, the bot runs its own tornado
server and feeds `application.update_queue`, instead of `run_webhook`, because it needs
routes of its own and must not call setWebhook from every replica. An update is
recorded in the state store before the post is answered 200, so once Telegram counts it
delivered it is not lost: a replica that dies leaves it pending, and a live one adopts it
(`adopt_pending`). A post of an update already recorded, here or at another replica, is
acknowledged and not answered again.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
import time
from http import HTTPStatus
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import tornado.web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from telegram import Bot, Update
from tornado.httpserver import HTTPServer

from bot.config import Settings
from bot.search import Searcher
from bot.state import StateStore
from bot.state_pg import PostgresStateStore
from bot.telegram.context import QuoteBotApp, QuoteBotContext, services
from bot.telegram.metrics import (
    ANSWER_SECONDS,
    UPDATES_ANSWERED,
    UPDATES_DUPLICATE,
    UPDATES_RECEIVED,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 << 20  # Telegram's updates are a few kilobytes
ADOPT_EVERY_SECONDS = 2.0
PURGE_EVERY_SECONDS = 3600.0


@runtime_checkable
class UpdateRecord(Protocol):
    """A store that keeps the durable record of received updates (PostgreSQL today)."""

    def record_update(self, update_id: int, payload: dict[str, Any]) -> bool:
        """Record an update before answering it; False when it was recorded before."""

    def finish_update(self, update_id: int) -> None:
        """Mark an update answered."""

    def pending_updates(self) -> list[dict[str, Any]]:
        """Recorded updates nobody is answering any more, claimed by this process."""


def records_updates(state: StateStore) -> UpdateRecord | None:
    """The store as a record of received updates, or None when it keeps none."""
    return state if isinstance(state, UpdateRecord) else None


class TrackedApplication(QuoteBotApp):
    """The Application that marks each update answered in the store and times it."""

    async def process_update(self, update: object) -> None:
        """Handle the update as PTB does, then count it, time it and mark it answered."""
        started = time.perf_counter()
        UPDATES_RECEIVED.inc()
        try:
            await super().process_update(update)
        finally:
            ANSWER_SECONDS.observe(time.perf_counter() - started)
            UPDATES_ANSWERED.inc()
            record = records_updates(services(self).state)
            if isinstance(update, Update) and record is not None:
                await asyncio.to_thread(record.finish_update, update.update_id)


class UpdateHandler(tornado.web.RequestHandler):
    """POST of one update from Telegram."""

    def initialize(self, bot_app: QuoteBotApp, secret: str | None) -> None:
        self.bot_app = bot_app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if self.secret is not None and not hmac.compare_digest(given, self.secret):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            payload = json.loads(self.request.body)
            update_id = int(payload["update_id"])
        except (ValueError, TypeError, KeyError) as error:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from error
        record = records_updates(services(self.bot_app).state)
        if record is not None:
            try:
                fresh = await asyncio.to_thread(record.record_update, update_id, payload)
            except Exception as error:  # the store is down: let Telegram deliver it again
                log.warning("cannot record update %s: %s", update_id, type(error).__name__)
                raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE) from error
            if not fresh:
                UPDATES_DUPLICATE.inc()
                return
        update = Update.de_json(payload, self.bot_app.bot)
        await self.bot_app.update_queue.put(update)


class HealthHandler(tornado.web.RequestHandler):
    """200 when the quote database and the state store answer; 503 otherwise."""

    def initialize(self, bot_app: QuoteBotApp) -> None:
        self.bot_app = bot_app

    async def get(self) -> None:
        shared = services(self.bot_app)
        checks = {
            "quotes": await asyncio.to_thread(_quotes_reachable, shared.replier.searcher),
            "state": await asyncio.to_thread(shared.state.ping),
        }
        self.set_status(HTTPStatus.OK if all(checks.values()) else HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish(checks)


def _quotes_reachable(searcher: Searcher) -> bool:
    try:
        return bool(searcher.speakers())
    except Exception:  # any failure to read means not ready
        return False


class MetricsHandler(tornado.web.RequestHandler):
    """Prometheus text format."""

    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest())


def web_app(application: QuoteBotApp, settings: Settings) -> tornado.web.Application:
    """The routes: the webhook path, /healthz and /metrics."""
    path = urlsplit(settings.webhook_url or "").path.rstrip("/") or "/"
    secret = {"bot_app": application, "secret": settings.webhook_secret}
    return tornado.web.Application(
        [
            ("/healthz", HealthHandler, {"bot_app": application}),
            ("/metrics", MetricsHandler),
            (rf"{path}/?", UpdateHandler, secret),
        ],
        log_function=lambda handler: None,  # our own logging; no line per post
    )


async def adopt_pending(context: QuoteBotContext) -> None:
    """Answer the updates a dead replica recorded but never answered."""
    record = records_updates(context.services.state)
    if record is None:
        return
    try:
        pending = await asyncio.to_thread(record.pending_updates)
    except Exception as error:  # the store is away: try again at the next round
        log.warning("cannot look for pending updates: %s", type(error).__name__)
        return
    for payload in pending:
        log.info("adopting pending update %s", payload.get("update_id"))
        await context.application.update_queue.put(Update.de_json(payload, context.bot))


async def purge_old(context: QuoteBotContext) -> None:
    """Delete old update records, daily claims and flood buckets from the shared store."""
    state = context.services.state
    if not isinstance(state, PostgresStateStore):
        return
    try:
        deleted = await asyncio.to_thread(state.purge)
    except Exception as error:  # the next round tries again
        log.warning("cannot purge old state: %s", type(error).__name__)
        return
    log.info("purged %d old state rows", deleted)


async def set_webhook(bot: Bot, settings: Settings, allowed: list[str]) -> None:
    """setWebhook with the configured URL and secret (one process does this, not each replica)."""
    await bot.set_webhook(
        url=settings.webhook_url or "", allowed_updates=allowed, secret_token=settings.webhook_secret
    )


async def serve(
    application: QuoteBotApp, settings: Settings, allowed: list[str], register: bool
) -> None:
    """Run the Application behind the webhook server until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        if register:
            await set_webhook(application.bot, settings, allowed)
        await application.start()
        state = services(application).state
        job_queue = application.job_queue
        if job_queue is not None and isinstance(state, PostgresStateStore):
            # Shared store: keep adopting what replicas that died leave behind.
            job_queue.run_repeating(adopt_pending, ADOPT_EVERY_SECONDS, first=0.1)
            job_queue.run_repeating(purge_old, PURGE_EVERY_SECONDS, first=60)
        elif job_queue is not None and records_updates(state) is not None:
            # One process: what is pending was left by this bot's last run; take it once.
            job_queue.run_once(adopt_pending, 0)
        server = HTTPServer(web_app(application, settings), max_body_size=MAX_BODY_BYTES)
        server.listen(settings.webhook_port, settings.webhook_listen)
        log.info("webhook server on %s:%s", settings.webhook_listen, settings.webhook_port)
        await stop.wait()
        server.stop()
        await server.close_all_connections()
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
