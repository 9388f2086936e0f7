"""Webhook mode: a small tornado server (as python-telegram-bot's own, which it replaces)
that is never open: every post must carry the secret, whose value is random when none is
configured; a body over `MAX_BODY_BYTES` or one that is not an update is answered 400.

A post is answered 200 only after `update_queue.put`, which records the update in the
state database (`bot.telegram.durable`): Telegram retries anything not answered 200.
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
from telegram import Update

from bot.telegram.context import QuoteBotApp
from bot.telegram.durable import DurableQueue

log = logging.getLogger(__name__)

# Telegram's updates are a few kilobytes; a message holds at most 4,096 characters.
MAX_BODY_BYTES = 1 << 20
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_secret(configured: str | None) -> str:
    """The configured secret, or a random one (Telegram echoes what setWebhook was given)."""
    return configured or secrets.token_urlsafe(32)


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
        await queue.put(update)
        if isinstance(queue, DurableQueue):
            await queue.recorded()  # 200 tells Telegram it may forget the update
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


Route = tuple[str, type[tornado.web.RequestHandler], dict[str, object]]


def routes(application: QuoteBotApp, url: str, secret: str) -> list[Route]:
    """The server's routes: Telegram's posts at the path of `url`. Other endpoints (a health
    check, metrics) belong here, so one server carries them all."""
    path = "/" + urlsplit(url).path.lstrip("/")
    return [(path.rstrip("/") + "/?", WebhookHandler, {"bot_application": application,
                                                       "secret": secret})]


def serve_webhook(
    application: QuoteBotApp, url: str, listen: str, port: int, secret: str,
    allowed_updates: list[str],
) -> None:
    """Run the application behind the webhook server until SIGTERM or Ctrl-C."""
    asyncio.run(_serve(application, url, listen, port, secret, allowed_updates))


async def _serve(
    application: QuoteBotApp, url: str, listen: str, port: int, secret: str,
    allowed_updates: list[str],
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server = tornado.httpserver.HTTPServer(
        tornado.web.Application(routes(application, url, secret)),
        max_body_size=64 * MAX_BODY_BYTES,
    )
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        server.listen(port, listen)
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates)
        log.info("webhook server listening on %s:%d", listen, port)
        await stop.wait()
    finally:
        server.stop()
        if application.running:
            await application.stop()  # answers what is queued before returning
        await application.shutdown()
