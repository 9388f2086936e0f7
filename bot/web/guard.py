"""Servers that strangers cannot hold open: a cap on connections and time limits.

At most `MAX_CONNECTIONS` open connections, each given `HEADER_TIMEOUT_SECONDS` for its
headers (also the longest a kept-alive connection may sit idle) and
`BODY_TIMEOUT_SECONDS` for its body. Over the cap, a new connection takes the place of
the one idle longest, so slow or silent connections cannot lock anyone out; only a
connection marked busy (a webhook post carrying the secret, while it is handled) is
never dropped. The webhook port and the web served alone both use it.
"""

from __future__ import annotations

from typing import Any

import tornado.httpserver
import tornado.httputil
import tornado.iostream
import tornado.web
from prometheus_client import Counter

# Telegram keeps at most 100 connections to a webhook (40 unless setWebhook says more), and
# a reverse proxy in front adds a few: 256 leaves room, and bounds file descriptors.
MAX_CONNECTIONS = 256
# Telegram sends its headers and a few kilobytes of body at once; ten seconds is generous
# for a slow network, and short enough that slow clients cannot pile up.
HEADER_TIMEOUT_SECONDS = 10.0
BODY_TIMEOUT_SECONDS = 10.0
REFUSED = Counter(
    "quotebot_webhook_refused",
    "Webhook posts and connections refused, by reason",
    ["reason"],  # secret, forged, evicted, full
)


class ConnectionCap:
    """The open connections of one server, idle ones in the order they became idle."""

    def __init__(self, limit: int = MAX_CONNECTIONS) -> None:
        self.limit = limit
        self._idle: dict[tornado.iostream.IOStream, None] = {}  # ordered: longest idle first
        self._busy: set[tornado.iostream.IOStream] = set()

    def admit(self, stream: tornado.iostream.IOStream) -> bool:
        """Take a new connection: over the limit, close the one idle longest for it; when
        every connection is busy with a genuine post, close the new one instead."""
        self._forget_closed()
        if len(self._idle) + len(self._busy) >= self.limit:
            if not self._idle:
                REFUSED.labels("full").inc()
                stream.close()
                return False
            oldest = next(iter(self._idle))
            del self._idle[oldest]
            REFUSED.labels("evicted").inc()
            oldest.close()
        self._idle[stream] = None
        return True

    def busy(self, stream: tornado.iostream.IOStream | None) -> None:
        """The connection carries a genuine post: not to be closed for another."""
        if stream is not None and stream in self._idle:
            del self._idle[stream]
            self._busy.add(stream)

    def idle(self, stream: tornado.iostream.IOStream | None) -> None:
        """The post is answered; the connection may wait for the next one, or be replaced."""
        if stream is not None and stream in self._busy:
            self._busy.discard(stream)
            if not stream.closed():
                self._idle[stream] = None

    def _forget_closed(self) -> None:
        # Connections end on their own (timeouts, clients leaving): pruned when counting.
        for stream in [stream for stream in self._idle if stream.closed()]:
            del self._idle[stream]
        self._busy = {stream for stream in self._busy if not stream.closed()}


class CappedHTTPServer(tornado.httpserver.HTTPServer):
    """tornado's HTTP server, taking each new connection through a `ConnectionCap`."""

    cap: ConnectionCap

    def handle_stream(self, stream: tornado.iostream.IOStream, address: tuple[Any, ...]) -> None:
        if self.cap.admit(stream):
            super().handle_stream(stream, address)


def guarded_server(
    application: tornado.web.Application, cap: ConnectionCap, max_body_size: int
) -> CappedHTTPServer:
    """An HTTP server for `application` with the cap and the header, idle and body timeouts."""
    server = CappedHTTPServer(
        application,
        idle_connection_timeout=HEADER_TIMEOUT_SECONDS,  # tornado's header timeout too
        body_timeout=BODY_TIMEOUT_SECONDS,
        max_body_size=max_body_size,
    )
    server.cap = cap
    return server


def request_stream(request: tornado.httputil.HTTPServerRequest) -> tornado.iostream.IOStream | None:
    """The connection a request came on (None when tornado did not serve it over HTTP/1)."""
    stream = getattr(request.connection, "stream", None)
    return stream if isinstance(stream, tornado.iostream.IOStream) else None
