"""The web's routes and servers: beside the webhook (one port serves both), on a port
of its own beside long polling, alone (`quotebot web`), or in a thread for the tests.

    web_routes(site)          the routes, to mount on any tornado application
    web_application(site)     a tornado application of the web alone (+ /healthz)
    serve_web(...)            `quotebot web`: until SIGTERM or Ctrl-C
    start_web(site, ...)      listen inside a running event loop (beside polling)
    serve_in_thread(...)      the real server on loopback in a thread (tests, benches)
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from importlib import resources
from typing import Any

import tornado.netutil
import tornado.web

from bot.search import Searcher
from bot.state import StateStore
from bot.web.api import QuoteApi, RandomApi, SearchApi, SourcesApi, SpeakersApi
from bot.web.guard import ConnectionCap, guarded_server
from bot.web.http import NotFoundHandler, WebHandler, record_request
from bot.web.miniapp import MeApi
from bot.web.openapi import ApiPage, OpenApiDocument
from bot.web.ops import NO_METRICS, MetricsAccess, MetricsHandler, WebHealth, health_checks
from bot.web.pages import CardImage, QuotePage, SearchPage
from bot.web.site import WebSite

log = logging.getLogger(__name__)

Route = tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]
STATIC_CACHE_SECONDS = 3600
MAX_BODY_BYTES = 64 * 1024  # the only body the web takes is a Mini App's settings
QUOTE_ID = r"(\d{1,12})"


class StaticFiles(tornado.web.StaticFileHandler):
    """/static/: the search page's script, style and icons, with the web's headers."""

    route = "static"

    def set_default_headers(self) -> None:
        WebHandler.set_default_headers(self)  # type: ignore[arg-type]

    def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
        return STATIC_CACHE_SECONDS


def package_folder(name: str) -> str:
    """A folder shipped inside the package (templates, static files)."""
    return str(resources.files("bot.web").joinpath(name))


def web_routes(site: WebSite) -> list[Route]:
    """Every route of the web, each handler given the site."""
    with_site = {"site": site}
    return [
        ("/", SearchPage, with_site),
        ("/static/(.*)", StaticFiles, {"path": package_folder("static")}),
        (f"/q/{QUOTE_ID}", QuotePage, with_site),
        (f"/q/{QUOTE_ID}\\.png", CardImage, with_site),
        ("/api/v1/?", ApiPage, with_site),
        ("/api/v1/openapi.json", OpenApiDocument, with_site),
        ("/api/v1/search", SearchApi, with_site),
        ("/api/v1/random", RandomApi, with_site),
        (f"/api/v1/quotes/{QUOTE_ID}", QuoteApi, with_site),
        ("/api/v1/speakers", SpeakersApi, with_site),
        ("/api/v1/sources", SourcesApi, with_site),
        ("/api/v1/me", MeApi, with_site),
    ]


def application_settings(site: WebSite) -> dict[str, Any]:
    """What a tornado application serving the web needs besides its routes."""
    return {
        "template_path": package_folder("templates"),
        "default_handler_class": NotFoundHandler,
        "default_handler_args": {"site": site},
        "log_function": record_request,
        "compress_response": True,
    }


def web_application(site: WebSite, metrics: MetricsAccess = NO_METRICS) -> tornado.web.Application:
    """The web alone: its routes, /healthz, and /metrics when it is to be served here."""
    served = [*web_routes(site), ("/healthz", WebHealth, {"site": site, "checks": health_checks(site)})]
    if metrics.on_webhook_port:  # no address of its own: on the web's port, behind the token
        served.append(("/metrics", MetricsHandler, {"token": metrics.token}))
    return tornado.web.Application(served, **application_settings(site))


def start_web(site: WebSite, port: int, listen: str, metrics: MetricsAccess = NO_METRICS) -> Callable[[], Any]:
    """Serve the web in the running event loop; returns a coroutine function that stops it."""
    server = guarded_server(web_application(site, metrics), ConnectionCap(), MAX_BODY_BYTES)
    server.listen(port, listen)
    log.info("web served on %s:%d", listen, port)

    async def stop() -> None:
        server.stop()
        await server.close_all_connections()

    return stop


def serve_web(site: WebSite, port: int, listen: str, metrics: MetricsAccess = NO_METRICS) -> None:
    """`quotebot web`: serve until SIGTERM or Ctrl-C (and /metrics on its own address)."""

    async def serve() -> None:
        stop_event = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop_event.set)
        stops = [start_web(site, port, listen, metrics)]
        if metrics.listen:
            metrics_app = tornado.web.Application([("/metrics", MetricsHandler, {"token": metrics.token})])
            metrics_server = guarded_server(metrics_app, ConnectionCap(32), MAX_BODY_BYTES)
            metrics_server.listen(metrics.listen[1], metrics.listen[0])
            stops.append(metrics_server.close_all_connections)
            log.info("metrics served on %s:%d", *metrics.listen)
        await stop_event.wait()
        for stop in stops:
            await stop()

    asyncio.run(serve())


def serve_in_thread(
    searcher: Searcher, state: StateStore, port: int = 0, **site_options: Any
) -> tuple[str, Callable[[], None]]:
    """The real web server on 127.0.0.1 in a thread with its own event loop (for tests
    and benches): (its base URL, a function that stops it)."""
    site = WebSite(searcher, state, **site_options)
    ready: dict[str, Any] = {}
    started = threading.Event()

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = guarded_server(web_application(site), ConnectionCap(), MAX_BODY_BYTES)
        sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
        server.add_sockets(sockets)
        ready.update(loop=loop, port=sockets[0].getsockname()[1], server=server)
        started.set()
        loop.run_forever()
        loop.run_until_complete(server.close_all_connections())
        loop.close()

    thread = threading.Thread(target=run, name="web-test-server", daemon=True)
    thread.start()
    started.wait(10)

    def stop() -> None:
        loop = ready["loop"]
        loop.call_soon_threadsafe(ready["server"].stop)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        site.close()

    return f"http://127.0.0.1:{ready['port']}", stop
