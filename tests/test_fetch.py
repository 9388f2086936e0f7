"""Links are fetched within limits and never reach private addresses (a real HTTP server on loopback)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.fetch import FetchError, FetchLimits, checked_address, fetch

NOTE = "Sam Altman: 我认为对齐是我们这个时代最重要的技术问题之一。\n".encode()


class Pages(BaseHTTPRequestHandler):
    """/note.txt, /image.png, /redirect-private, /endless, /big, /loop."""

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        if self.path == "/note.txt":
            self.send(200, "text/plain; charset=utf-8", NOTE)
        elif self.path == "/image.png":
            self.send(200, "image/png", b"\x89PNG....")
        elif self.path == "/redirect-private":
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.server_port}/note.txt")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/big":
            self.send(200, "text/plain", b"x" * 5000)
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"slow " * 10)
                    self.wfile.flush()
                    threading.Event().wait(0.05)
            except OSError:
                return

    def send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


ALLOWED = FetchLimits(allow_hosts=("127.0.0.1",))


def get(url: str, limits: FetchLimits = ALLOWED):
    return asyncio.run(fetch(url, limits))


def test_an_allowed_host_is_fetched_with_its_file_name(server):
    fetched = get(f"{server}/note.txt")
    assert fetched.data == NOTE and fetched.filename == "note.txt"
    assert fetched.content_type.startswith("text/plain")


def test_a_private_address_is_refused_unless_allowed(server):
    with pytest.raises(FetchError, match="private or local address"):
        get(f"{server}/note.txt", FetchLimits())


def test_a_redirect_to_a_private_address_is_refused(server):
    with pytest.raises(FetchError, match="localhost is a private or local address"):
        get(f"{server}/redirect-private")


def test_not_a_transcript_too_big_endless_or_looping_is_one_line(server):
    with pytest.raises(FetchError, match="image/png, not a transcript"):
        get(f"{server}/image.png")
    with pytest.raises(FetchError, match="over 0 MB"):
        get(f"{server}/big", FetchLimits(max_bytes=1000, allow_hosts=("127.0.0.1",)))
    with pytest.raises(FetchError, match="longer than 1 s"):
        get(f"{server}/endless", FetchLimits(seconds=1, max_bytes=10**9, allow_hosts=("127.0.0.1",)))
    with pytest.raises(FetchError, match="redirects more than 5 times"):
        get(f"{server}/loop")
    with pytest.raises(FetchError, match="only http"):
        get("file:///etc/passwd")


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "224.0.0.1", "0.0.0.0",
                                  "::ffff:127.0.0.1", "192.168.1.1"])
def test_every_kind_of_inside_address_is_refused(host):
    with pytest.raises(FetchError, match="private or local"):
        asyncio.run(checked_address(host, 80))


def test_a_public_address_passes():
    assert asyncio.run(checked_address("8.8.8.8", 443)) == "8.8.8.8"
