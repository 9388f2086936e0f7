"""Webhook mode: a small tornado server (as python-telegram-bot's own, which it replaces,
following PTB's custom-webhook example) with Telegram's posts, /healthz for a load
balancer and, when configured, /metrics for Prometheus.

The webhook is never open: every post must carry the secret (compared in constant
time), whose value is random when none is configured and this process registers the
webhook itself. The secret is checked as soon as the headers are in: a stranger's body
is never kept (a small one is read and dropped so the 403 arrives as an answer; a big or
unbounded one is answered 403 at once and its connection closed unread). A body with the
secret over `MAX_BODY_BYTES`, or one that is not an update Telegram could send
(`webhook_guard.check_update`), is answered 400. A post is answered 200 only after
`update_queue.put`, which records the update in the state store (`bot.telegram.durable`):
Telegram retries anything not answered 200, and a post of an update already recorded,
here or at another replica, is acknowledged and not answered again. Connections are
capped and timed (`webhook_guard`).

/metrics is served only when asked for: on its own address (`QUOTEBOT_METRICS_LISTEN`),
or on the webhook port behind a token (`QUOTEBOT_METRICS_TOKEN`, sent as
`Authorization: Bearer TOKEN`), or both (the token is then asked on that address).

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

import tornado.httputil
import tornado.web
from telegram import Bot, Update

from bot.telegram.context import QuoteBotApp
from bot.telegram.durable import DurableQueue
from bot.telegram.health import HealthChecks
from bot.telegram.webhook_guard import (
    REFUSED,
    ConnectionCap,
    check_update,
    guarded_server,
    request_stream,
)
from bot.web import WebSite, web_routes
from bot.web.ops import NO_METRICS, MetricsAccess, MetricsHandler, SettingError
from bot.web.server import application_settings

log = logging.getLogger(__name__)

# Telegram's updates are a few kilobytes; a message holds at most 4,096 characters.
MAX_BODY_BYTES = 1 << 20
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookSettingError(SettingError):
    """A webhook setting that cannot work; the message is one line for the operator."""


class WebhookSecretMissing(WebhookSettingError):
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

    route = "webhook"  # its label in the web's request metrics, when the web is served here

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_application: QuoteBotApp, secret: str, cap: ConnectionCap) -> None:
        self.application_ = bot_application
        self.secret = secret
        self.cap = cap
        self.authorized = False
        self.body = bytearray()

    def prepare(self) -> None:
        # Called once the headers are in, before any of the body is read.
        given = self.request.headers.get(SECRET_HEADER, "")
        self.authorized = hmac.compare_digest(given.encode(), self.secret.encode())
        if self.authorized:
            self.cap.busy(request_stream(self.request))
        elif not _declares_small_body(self.request.headers):
            # Closing is the only way not to read what a stranger sends; a small body is
            # read and dropped instead, since closing on unread data may lose the answer.
            REFUSED.labels("secret").inc()
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)

    def data_received(self, chunk: bytes) -> None:
        # Only a post with the secret is kept. Beyond the limit the rest is read and dropped,
        # so the sender gets its 400 answer (a connection closed mid-upload would look like
        # a network fault and be retried).
        if self.authorized and len(self.body) <= MAX_BODY_BYTES:
            self.body += chunk[: MAX_BODY_BYTES + 1 - len(self.body)]

    async def post(self) -> None:
        if not self.authorized:
            REFUSED.labels("secret").inc()
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        update = self._update()
        queue = self.application_.update_queue
        try:
            await queue.put(update)
            if isinstance(queue, DurableQueue):
                await queue.recorded()  # 200 tells Telegram it may forget the update
        except Exception as error:  # the state store is away: Telegram delivers it again
            log.warning("cannot record update %d: %s", update.update_id, type(error).__name__)
            raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE) from None
        self.set_status(HTTPStatus.OK)

    def _update(self) -> Update:
        """The body as an update, or a 400 answer: whatever is wrong with a post that has
        the secret (too big, not JSON, nested too deep, numbers no update has, fields PTB
        cannot read), it is not an update Telegram sent, and sending it again will not help."""
        try:
            if len(self.body) > MAX_BODY_BYTES:
                raise ValueError("body too large")
            data = json.loads(self.body)
            check_update(data)
            return Update.de_json(data, self.application_.bot)
        except Exception as error:  # noqa: BLE001 - RecursionError, OverflowError, ... too
            REFUSED.labels("forged").inc()
            log.info("webhook: rejected a post that is not an update (%s)", type(error).__name__)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None

    def on_finish(self) -> None:
        if self.authorized:
            self.cap.idle(request_stream(self.request))

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

    route = "healthz"

    def initialize(self, checks: HealthChecks) -> None:
        self.checks = checks

    async def get(self) -> None:
        checks = await self.checks()
        self.set_status(HTTPStatus.OK if all(checks.values()) else HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish(checks)


def _declares_small_body(headers: tornado.httputil.HTTPHeaders) -> bool:
    """Whether the request announces, by its Content-Length, a body of at most
    MAX_BODY_BYTES (a chunked body's length is unknown until it ends)."""
    if "Transfer-Encoding" in headers:
        return False
    try:
        return int(headers.get("Content-Length", "0")) <= MAX_BODY_BYTES
    except ValueError:
        return False


Route = tuple[str, type[tornado.web.RequestHandler], dict[str, object]]


def routes(
    application: QuoteBotApp, url: str, secret: str, cap: ConnectionCap,
    metrics: MetricsAccess = NO_METRICS,
) -> list[Route]:
    """The webhook port's routes: /healthz, Telegram's posts at the path of `url`, and
    /metrics when it is to be served there (behind its token)."""
    path = "/" + urlsplit(url).path.lstrip("/")
    served: list[Route] = [
        ("/healthz", HealthHandler, {"checks": HealthChecks(application)}),
        (path.rstrip("/") + "/?", WebhookHandler,
         {"bot_application": application, "secret": secret, "cap": cap}),
    ]
    if metrics.on_webhook_port:
        served.insert(1, ("/metrics", MetricsHandler, {"token": metrics.token}))
    return served


async def set_webhook(bot: Bot, url: str, secret: str, allowed_updates: list[str]) -> None:
    """setWebhook with the URL and secret (one process does this, not each replica)."""
    await bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates)


def serve_webhook(
    application: QuoteBotApp, url: str, listen: str, port: int, secret: str,
    allowed_updates: list[str], register: bool = True, metrics: MetricsAccess = NO_METRICS,
    web: WebSite | None = None,
) -> None:
    """Run the application behind the webhook server until SIGTERM or Ctrl-C; with
    `register`, call setWebhook once listening; with `web`, serve the web on the same port."""
    asyncio.run(
        _serve(application, url, listen, port, secret, allowed_updates, register, metrics, web)
    )


def _quiet_app(served: list[Route], web: WebSite | None = None) -> tornado.web.Application:
    """The webhook port's application; with `web`, its routes too (and its 404 page)."""
    if web is None:
        return tornado.web.Application(served, log_function=lambda handler: None)  # no line a post
    return tornado.web.Application([*served, *web_routes(web)], **application_settings(web))


async def _serve(
    application: QuoteBotApp, url: str, listen: str, port: int, secret: str,
    allowed_updates: list[str], register: bool, metrics: MetricsAccess, web: WebSite | None,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    cap = ConnectionCap()
    server = guarded_server(
        _quiet_app(routes(application, url, secret, cap, metrics), web), cap,
        max_body_size=64 * MAX_BODY_BYTES,  # beyond: closed unread, even with the secret
    )
    servers = [server]
    if metrics.listen:
        metrics_server = guarded_server(
            _quiet_app([("/metrics", MetricsHandler, {"token": metrics.token})]),
            ConnectionCap(32), max_body_size=MAX_BODY_BYTES,
        )
        servers.append(metrics_server)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        server.listen(port, listen)
        if metrics.listen:
            metrics_server.listen(metrics.listen[1], metrics.listen[0])
            log.info("metrics served on %s:%d", *metrics.listen)
        elif not metrics.token:
            log.info("metrics not served: set QUOTEBOT_METRICS_LISTEN or QUOTEBOT_METRICS_TOKEN")
        if register:
            await set_webhook(application.bot, url, secret, allowed_updates)
        log.info("webhook server listening on %s:%d", listen, port)
        await stop.wait()
    finally:
        for each in servers:
            each.stop()
            await each.close_all_connections()
        if application.running:
            await application.stop()  # answers what is queued before returning
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
