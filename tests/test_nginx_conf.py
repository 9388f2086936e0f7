"""deploy/nginx.conf for real: Debian's nginx checks it (`nginx -t`) and runs it on loopback
in front of a stand-in replica, to show what it routes, what it caches and under which key.

Skips, saying why, without nginx (`apt-get install nginx`; .ci/run installs it) or openssl.
How the copy that runs differs from the file: tests/nginx.py.
"""

from __future__ import annotations

import gzip
import http.client
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.nginx import Nginx, NginxUnavailable


class Replica(BaseHTTPRequestHandler):
    """A stand-in replica: answers every path with what it was asked, and records it."""

    protocol_version = "HTTP/1.1"
    seen: list[dict] = []

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.answer()

    def answer(self) -> None:
        """Pages and cards vary by language and may be cached; `nostore` in a path may not.
        Compressed for a client that accepts gzip, as tornado's compress_response does."""
        Replica.seen.append({"method": self.command, "path": self.path, **dict(self.headers)})
        language = self.headers.get("Accept-Language", "")
        body = f"{self.path} {language} #{len(Replica.seen)}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Vary", "Accept-Language, Accept-Encoding")
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        if "nostore" in self.path:
            self.send_header("Cache-Control", "no-store")
        else:
            self.send_header("Cache-Control", "public, max-age=300")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    """nginx from deploy/nginx.conf on loopback before a stand-in replica: (port, seen)."""
    replica = ThreadingHTTPServer(("127.0.0.1", 0), Replica)
    threading.Thread(target=replica.serve_forever, daemon=True).start()
    try:
        server = Nginx(tmp_path_factory.mktemp("nginx"), [replica.server_address[1]])
    except NginxUnavailable as error:
        replica.shutdown()
        pytest.skip(str(error))
    server.start()  # `nginx -t` first: a configuration it rejects fails here
    yield server.port, Replica.seen
    server.stop()
    replica.shutdown()


def get(port: int, path: str, headers: dict | None = None, method: str = "GET", body=None):
    """(status, X-Cache-Status, body text) of one request over TLS (gunzipped if need be)."""
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=10, context=ssl._create_unverified_context()
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        if response.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return response.status, response.getheader("X-Cache-Status"), data.decode()
    finally:
        connection.close()


def asked(seen: list[dict], path: str) -> int:
    """How many times the replica was asked for `path`."""
    return sum(1 for request in seen if request["path"] == path)


def test_quote_pages_and_cards_are_cached_once_per_variant(nginx):
    port, seen = nginx
    variants = ["/q/17", "/q/17?lang=zh-Hans", "/q/17?script=traditional", "/q/17.png",
                "/q/17.png?theme=dark", "/static/app.css"]
    first = {path: get(port, path) for path in variants}
    again = {path: get(port, path) for path in variants}
    for path in variants:
        assert first[path][:2] == (200, "MISS") and again[path][:2] == (200, "HIT"), path
        assert again[path][2] == first[path][2], path
        assert asked(seen, path) == 1, path


def test_accept_language_variants_of_a_page_stay_apart(nginx):
    port, seen = nginx
    english = get(port, "/q/18", {"Accept-Language": "en-US,en;q=0.9"})
    chinese = get(port, "/q/18", {"Accept-Language": "zh-TW,zh;q=0.9"})
    assert english[1] == chinese[1] == "MISS" and english[2] != chinese[2]
    assert get(port, "/q/18", {"Accept-Language": "zh-TW,zh;q=0.9"}) == (200, "HIT", chinese[2])
    assert get(port, "/q/18", {"Accept-Language": "en-US,en;q=0.9"}) == (200, "HIT", english[2])
    assert asked(seen, "/q/18") == 2


def test_a_compressed_page_is_never_served_to_a_reader_who_cannot_read_it(nginx):
    """The server's Vary (Accept-Encoding, from tornado's compression) is honoured too."""
    port, seen = nginx
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=10, context=ssl._create_unverified_context()
    )
    connection.request("GET", "/q/22", headers={"Accept-Encoding": "gzip"})
    compressed = connection.getresponse()
    assert compressed.getheader("Content-Encoding") == "gzip"
    compressed.read()
    connection.close()
    plain = get(port, "/q/22", {"Accept-Encoding": "identity"})
    assert plain[1] == "MISS" and plain[2].startswith("/q/22 ")
    assert get(port, "/q/22", {"Accept-Encoding": "identity"})[1] == "HIT"
    assert asked(seen, "/q/22") == 2


def test_the_servers_cache_control_is_honoured(nginx):
    port, seen = nginx
    for _ in range(2):
        assert get(port, "/q/19?nostore=1")[:2] == (200, "MISS")
    assert asked(seen, "/q/19?nostore=1") == 2


def test_requests_with_credentials_are_neither_stored_nor_served_from_the_cache(nginx):
    port, seen = nginx
    get(port, "/q/20")
    assert get(port, "/q/20", {"Authorization": "tma x"})[1] == "BYPASS"
    assert get(port, "/q/21", {"Authorization": "tma x"})[1] == "BYPASS"
    assert get(port, "/q/21")[1] == "MISS"


def test_the_api_search_page_and_hook_reach_a_replica_uncached(nginx):
    port, seen = nginx
    for path in ["/api/v1/search?q=x", "/api/v1/search?q=x", "/", "/"]:
        status, cache, _ = get(port, path)
        assert status == 200 and cache is None, path
    assert asked(seen, "/api/v1/search?q=x") == 2 and asked(seen, "/") == 2
    assert get(port, "/telegram/hook", method="POST", body=b"{}")[0] == 200
    assert seen[-1]["method"] == "POST" and seen[-1]["path"] == "/telegram/hook"


def test_health_metrics_and_other_paths_stay_internal(nginx):
    port, seen = nginx
    before = len(seen)
    for path in ["/healthz", "/metrics", "/admin", "/qq"]:
        assert get(port, path)[0] == 404, path
    assert len(seen) == before


def test_replicas_learn_the_connecting_address_whatever_a_client_claims(nginx):
    """The API's rate limits are per client: a forged X-Forwarded-For must not pick the bucket."""
    port, seen = nginx
    get(port, "/api/v1/random", {"X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.6"})
    request = next(r for r in reversed(seen) if r["path"] == "/api/v1/random")
    assert request["X-Real-IP"] == "127.0.0.1"
    assert request["X-Forwarded-For"] == "127.0.0.1"
    assert request["X-Forwarded-Proto"] == "https"
    assert request["Host"].startswith("127.0.0.1")
