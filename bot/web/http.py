"""What every web answer has in common: security headers, problem answers, caching,
per-client limits, work off the event loop, and a metric per request.

Handlers subclass `WebHandler` (HTML and images) or `ApiHandler` (JSON, CORS for GET).
An error is always an answer, never a trace: `problem+json` for the API, a short HTML
page elsewhere. Searches and card renders run in the site's thread pool, so the event
loop (which also receives Telegram's posts beside the webhook) never waits on them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import time
from collections.abc import Callable
from http import HTTPStatus
from types import TracebackType
from typing import Any, TypeVar

import tornado.web
from prometheus_client import Counter, Histogram

from bot.throttle import Throttle, Verdict
from bot.web.site import Network, Reader, WebSite, client_key, reader_of

log = logging.getLogger(__name__)
T = TypeVar("T")

REQUESTS = Counter(
    "quotebot_web_requests", "Web requests answered, by route and status", ["route", "status"]
)
LATENCY = Histogram(
    "quotebot_web_request_seconds", "Time to answer a web request, by route", ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

# No inline script or style anywhere; a Mini App is framed by Telegram's web client.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'",
    "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org",
))


class Problem(Exception):
    """An answer that is an error: its status and one line saying what was wrong."""

    def __init__(self, status: HTTPStatus, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


def record_request(handler: tornado.web.RequestHandler) -> None:
    """The application's log function: count and time each request by route (no log line:
    the access log would hold every reader's queries)."""
    route = getattr(handler, "route", "other")
    REQUESTS.labels(route, str(handler.get_status())).inc()
    LATENCY.labels(route).observe(handler.request.request_time())


def client_address(peer: str, forwarded: str | None, trusted: tuple[Network, ...]) -> str:
    """The client a request comes from: the peer, or, when the peer is a trusted proxy,
    the last address in X-Forwarded-For that is not one of the trusted proxies."""
    hops = [peer, *reversed([h.strip() for h in (forwarded or "").split(",") if h.strip()])]
    for hop in hops:
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return hop
        if not any(address in network for network in trusted):
            return hop
    return hops[-1]


class WebHandler(tornado.web.RequestHandler):
    """The base of every web route: headers, errors as short pages, limits, the pool."""

    route = "other"
    cache_seconds = 0  # Cache-Control max-age of a successful answer (0: no-store)

    def initialize(self, site: WebSite) -> None:
        self.site = site

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "strict-origin-when-cross-origin")
        self.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.clear_header("Server")

    def cache_for(self, seconds: int) -> None:
        """Let browsers and proxies keep this answer `seconds` (no-store for 0)."""
        self.set_header("Cache-Control", f"public, max-age={seconds}" if seconds else "no-store")

    @property
    def base_url(self) -> str:
        """The address links are written under: the public one, else this request's own."""
        return self.site.public_url or f"{self.request.protocol}://{self.request.host}"

    def reader(self, text: str = "") -> Reader:
        """The reader this request is for (`?lang=`, `?script=`, Accept-Language)."""
        return reader_of(
            self.get_query_argument("lang", None), self.get_query_argument("script", None),
            self.request.headers.get("Accept-Language"), text,
        )

    async def in_pool(self, work: Callable[..., T], *args: Any) -> T:
        """Run blocking work (a search, a card, a state store call) off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.site.pool, work, *args)

    async def prepare(self) -> None:
        self._started = time.perf_counter()
        throttle = self.site.throttle
        if throttle is not None and self.request.method != "OPTIONS":
            await self._take_token(throttle)

    async def _take_token(self, throttle: Throttle) -> None:
        """One request from this client's bucket; 429 with Retry-After once it is empty."""
        address = client_address(
            self.request.remote_ip or "", self.request.headers.get("X-Forwarded-For"),
            self.site.trusted_proxies,
        )
        key: object = client_key(address)
        verdict = await self.in_pool(throttle.check, key)
        if verdict is not Verdict.ALLOW:
            wait = await self.in_pool(throttle.retry_after, key)
            raise Problem(HTTPStatus.TOO_MANY_REQUESTS, "Too many requests: wait a moment.",
                          retry_after=wait)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        problem = self._problem(status_code, kwargs.get("exc_info"))
        if problem.retry_after is not None:
            self.set_header("Retry-After", str(max(1, round(problem.retry_after))))
        self.set_status(problem.status)
        self.cache_for(0)
        self.answer_problem(problem)

    def answer_problem(self, problem: Problem) -> None:
        """An error as a short HTML page (the API answers problem+json instead)."""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.render("error.html", status=int(problem.status), title=problem.status.phrase,
                    detail=problem.detail, lang="en", back="Search all quotes")

    @staticmethod
    def _problem(status_code: int, exc_info: Any) -> Problem:
        """The Problem raised, or one for tornado's own errors (a 405, a missing argument, a fault)."""
        error = exc_info[1] if exc_info else None
        if isinstance(error, Problem):
            return error
        try:
            status = HTTPStatus(status_code)
        except ValueError:
            status = HTTPStatus.INTERNAL_SERVER_ERROR
        return Problem(status, status.phrase)

    def log_exception(
        self, typ: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Problems and HTTP errors are answers; anything else is a fault, logged with its trace."""
        if not isinstance(value, Problem | tornado.web.HTTPError):
            log.error("web: %s %s failed", self.request.method, self.route, exc_info=(typ, value, tb))  # type: ignore[arg-type]


class ApiHandler(WebHandler):
    """A JSON route: CORS for GET, errors as application/problem+json."""

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Access-Control-Allow-Origin", "*")
        self.set_header("Access-Control-Expose-Headers", "ETag, Retry-After")

    def options(self, *args: str) -> None:
        """The CORS preflight: GET only, from anywhere."""
        self.set_header("Access-Control-Allow-Methods", "GET")
        self.set_header("Access-Control-Max-Age", "86400")
        self.set_status(HTTPStatus.NO_CONTENT)

    def answer(self, data: Any, cache_seconds: int | None = None) -> None:
        """A JSON answer, kept by caches for `cache_seconds` (the route's default)."""
        self.cache_for(self.cache_seconds if cache_seconds is None else cache_seconds)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))

    def answer_problem(self, problem: Problem) -> None:
        self.set_header("Content-Type", "application/problem+json")
        self.finish(json.dumps({
            "type": "about:blank", "title": problem.status.phrase,
            "status": int(problem.status), "detail": problem.detail,
        }, ensure_ascii=False))


class NotFoundHandler(WebHandler):
    """Any address the site does not serve: a real 404 page (problem+json under /api/)."""

    route = "not_found"

    async def prepare(self) -> None:
        await super().prepare()
        raise Problem(HTTPStatus.NOT_FOUND, "There is no page at this address.")

    def answer_problem(self, problem: Problem) -> None:
        if self.request.path.startswith("/api/"):
            ApiHandler.answer_problem(self, problem)  # type: ignore[arg-type]
        else:
            super().answer_problem(problem)
