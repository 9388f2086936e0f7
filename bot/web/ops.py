"""Running the web: /metrics for Prometheus (who may read it, and where) and /healthz
for a load balancer when the web is served alone (`quotebot web`).

The webhook server serves the same /metrics handler; beside it, its own /healthz
already covers the quote database and the state store the web reads.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus

import tornado.web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.web.http import WebHandler
from bot.web.site import WebSite

# A load balancer's health check must get its answer well within its own time-out.
CHECK_TIMEOUT_SECONDS = 1.5

# One thread per check at most (each check keeps at most one run in flight).
_CHECKS = ThreadPoolExecutor(max_workers=3, thread_name_prefix="health")


class SettingError(Exception):
    """A setting that cannot work; the message is one line for the operator."""


class MetricsHandler(tornado.web.RequestHandler):
    """Prometheus text format (`bot.telegram.metrics`); 401 without the token, if one is set."""

    route = "metrics"

    def initialize(self, token: str | None) -> None:
        self.token = token

    def get(self) -> None:
        if self.token:
            given = self.request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
                self.set_header("WWW-Authenticate", 'Bearer realm="metrics"')
                raise tornado.web.HTTPError(HTTPStatus.UNAUTHORIZED)
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest())


@dataclass(frozen=True)
class MetricsAccess:
    """Where /metrics is served: `listen` (host, port) for a server of its own, else the
    webhook port when there is a `token`; with neither, nowhere."""

    listen: tuple[str, int] | None = None
    token: str | None = None

    @property
    def on_webhook_port(self) -> bool:
        return self.listen is None and bool(self.token)


NO_METRICS = MetricsAccess()  # /metrics served nowhere


def metrics_access(listen: str | None, token: str | None) -> MetricsAccess:
    """Read QUOTEBOT_METRICS_LISTEN (`host:port`, `[v6]:port` or `:port`) and the token."""
    if not listen:
        return MetricsAccess(None, token or None)
    host, _, port = listen.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingError(
            f"QUOTEBOT_METRICS_LISTEN must be host:port (e.g. 127.0.0.1:9464), not {listen!r}"
        )
    return MetricsAccess((host, int(port)), token or None)


class BoundedCheck:
    """A blocking check run off the event loop, answered `late` (False unless told) when it
    takes too long or fails."""

    def __init__(self, check: Callable[[], bool], late: bool = False) -> None:
        self._check = check
        self._late = late
        self._running: asyncio.Future[bool] | None = None

    async def __call__(self, timeout: float = CHECK_TIMEOUT_SECONDS) -> bool:
        if self._running is None or self._running.done():
            self._running = asyncio.get_running_loop().run_in_executor(_CHECKS, self._safely)
        try:
            # Shielded: a check that outlives this request is not cancelled (its thread
            # could not be), and the next request waits for it instead of starting another.
            return await asyncio.wait_for(asyncio.shield(self._running), timeout)
        except TimeoutError:
            return self._late

    def _safely(self) -> bool:
        try:
            return bool(self._check())
        except Exception:  # noqa: BLE001 - any failure to answer means not ready
            return self._late


class WebHealth(WebHandler):
    """GET /healthz: 200 when the quote database and the state store answer, else 503,
    within 1.5 s whatever they do (no limits: a load balancer asks often)."""

    route = "healthz"

    async def prepare(self) -> None:
        """No per-client limit for health checks."""

    def initialize(self, site: WebSite, checks: dict[str, BoundedCheck]) -> None:  # type: ignore[override]
        super().initialize(site)
        self.checks = checks

    async def get(self) -> None:
        names = list(self.checks)
        answers = dict(zip(names, await asyncio.gather(*(self.checks[n]() for n in names)), strict=True))
        self.cache_for(0)
        self.set_status(HTTPStatus.OK if all(answers.values()) else HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish(answers)


def health_checks(site: WebSite) -> dict[str, BoundedCheck]:
    """The web's /healthz checks (made once: each keeps at most one run in flight)."""
    return {
        "quotes": BoundedCheck(lambda: bool(site.searcher.speakers())),
        "state": BoundedCheck(site.state.ping),
    }
