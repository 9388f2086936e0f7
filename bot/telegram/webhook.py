"""Webhook mode: a small tornado server (as python-telegram-bot's own, which it replaces,
following PTB's custom-webhook example) with Telegram's posts, /healthz for a load
balancer and /metrics for Prometheus.

The webhook is never open: every post must carry the secret (compared in constant
time), whose value is random when none is configured and this process registers the
webhook itself; a body over `MAX_BODY_BYTES` or one that is not an update is answered
400. A post is answered 200 only after `update_queue.put`, which records the update in
the state store (`bot.telegram.durable`): Telegram retries anything not answered 200,
and a post of an update already recorded, here or at another replica, is acknowledged
and not answered again.

Only one process calls setWebhook: the bot itself unless `QUOTEBOT_SET_WEBHOOK=false`
(replicas), then `quotebot webhook set` once.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
import signal
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from telegram import Bot, Update

from bot.telegram.context import QuoteBotApp
from bot.telegram.durable import DurableQueue
from bot.telegram.health import HealthChecks

log = logging.getLogger(__name__)

# Telegram's updates are a few kilobytes; a message holds at most 4,096 characters.
MAX_BODY_BYTES = 1 << 20
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookSecretMissing(Exception):
    """Replicas need the secret that `quotebot webhook set` gave Telegram."""


def webhook_secret(configured: str | None, registers: bool) -> str:
    """The configured secret, or a random one when this process calls setWebhook itself
    (Telegram echoes what setWebhook was given). A process that does not register cannot
    know a random secret, so it needs WEBHOOK_SECRET."""
    if configured:
        return configured
    if not registers:
        raise WebhookSecretMissing(
            "WEBHOOK_SECRET is required when QUOTEBOT_SET_WEBHOOK=false (replicas): set the "
            "same value for every replica and for `quotebot webhook set`."
        )
    return secrets.token_urlsafe(32)


@tornado.web.stream_request_body
class WebhookHandler(tornado.web.RequestHandler):
    """POST an update: 403 without the secret, 400 when it is not an update, else 200."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_application: QuoteBotApp, secret: str) -> None:
        self.application_ = bot_application
        self.secret = secret
        self.body = bytearray()

    def data_received(self, chunk: bytes) -> None:
        # Beyond the limit the rest is read and dropped, so the sender gets its 400 answer
        # (a connection closed mid-upload would look like a network fault and be retried).
        if len(self.body) <= MAX_BODY_BYTES:
            self.body += chunk[: MAX_BODY_BYTES + 1 - len(self.body)]

    async def post(self) -> None:
        # Checked once the body is read (and capped): answering while the sender still
        # writes would reset the connection instead of delivering the 403.
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            if len(self.body) > MAX_BODY_BYTES:
                raise ValueError("body too large")
            data = json.loads(self.body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self.application_.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.info("webhook: rejected a post that is not an update (%s)", type(error).__name__)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        queue = self.application_.update_queue
        try:
            await queue.put(update)
            if isinstance(queue, DurableQueue):
                await queue.recorded()  # 200 tells Telegram it may forget the update
        except Exception as error:  # the state store is away: Telegram delivers it again
            log.warning("cannot record update %d: %s", update.update_id, type(error).__name__)
            raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE) from None
        self.set_status(HTTPStatus.OK)

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """HTTP errors are answers, not faults; anything else is logged without the body."""
        if not isinstance(value, tornado.web.HTTPError):
            log.error("webhook handler failed: %s", type(value).__name__)


class HealthHandler(tornado.web.RequestHandler):
    """200 when the quote database and the state store answer and updates can be
    recorded; 503 otherwise, within 2 s whatever the stores do (`bot.telegram.health`)."""

    def initialize(self, checks: HealthChecks) -> None:
        self.checks = checks

    async def get(self) -> None:
        checks = await self.checks()
        self.set_status(HTTPStatus.OK if all(checks.values()) else HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish(checks)


class MetricsHandler(tornado.web.RequestHandler):
    """Prometheus text format (`bot.telegram.metrics`)."""

    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest())


Route = tuple[str, type[tornado.web.RequestHandler], dict[str, object]]


def routes(application: QuoteBotApp, url: str, secret: str) -> list[Route]:
    """The server's routes: /healthz, /metrics and Telegram's posts at the path of `url`."""
    path = "/" + urlsplit(url).path.lstrip("/")
    return [
        ("/healthz", HealthHandler, {"checks": HealthChecks(application)}),
        ("/metrics", MetricsHandler, {}),
        (path.rstrip("/") + "/?", WebhookHandler,
         {"bot_application": application, "secret": secret}),
    ]


async def set_webhook(bot: Bot, url: str, secret: str, allowed_updates: list[str]) -> None:
    """setWebhook with the URL and secret (one process does this, not each replica)."""
    await bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates)


def serve_webhook(
    application: QuoteBotApp, url: str, listen: str, port: int, secret: str,
    allowed_updates: list[str], register: bool = True,
) -> None:
    """Run the application behind the webhook server until SIGTERM or Ctrl-C; with
    `register`, call setWebhook once listening."""
    asyncio.run(_serve(application, url, listen, port, secret, allowed_updates, register))


async def _serve(
    application: QuoteBotApp, url: str, listen: str, port: int, secret: str,
    allowed_updates: list[str], register: bool,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server = tornado.httpserver.HTTPServer(
        tornado.web.Application(
            routes(application, url, secret),
            log_function=lambda handler: None,  # our own logging; no line per post
        ),
        max_body_size=64 * MAX_BODY_BYTES,
    )
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        server.listen(port, listen)
        if register:
            await set_webhook(application.bot, url, secret, allowed_updates)
        log.info("webhook server listening on %s:%d", listen, port)
        await stop.wait()
    finally:
        server.stop()
        await server.close_all_connections()
        if application.running:
            await application.stop()  # answers what is queued before returning
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
