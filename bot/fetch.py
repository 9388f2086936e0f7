"""Fetch a transcript from a link an admin sent, without letting the link reach inside.

A server-side request forgery guard: every hop (the link and each redirect) has its host
resolved first, and is refused when any address is private, loopback, link-local,
multicast, reserved or unspecified, unless the host is on the allow-list (tests, an
intranet). The request then goes to the address that was checked, not to a second
lookup (so a name cannot resolve to a public address for the check and a private one
for the connection); the name still goes in the Host header and in TLS's server name,
which the certificate is verified against. Limits bound everything else: the size
(read no further), the time (for the whole fetch), the redirects and the content type.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Collection
from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx

# What a transcript may be served as; anything else (an image, a zip, a PDF) is refused.
TEXT_TYPES = ("text/", "application/xhtml+xml", "application/x-subrip", "application/xml",
              "application/octet-stream", "application/json")
REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """The link cannot be fetched; the message is one line for the admin."""


@dataclass(frozen=True)
class FetchLimits:
    """How much one fetch may take."""

    max_bytes: int = 20 * 1024 * 1024
    seconds: float = 20.0  # for the whole fetch, redirects included
    redirects: int = 5
    allow_hosts: Collection[str] = ()  # hosts fetched even at private addresses


@dataclass(frozen=True)
class Fetched:
    """What a link gave: the final URL, the file name it suggests, its type and bytes."""

    url: str
    filename: str
    content_type: str
    data: bytes


async def fetch(url: str, limits: FetchLimits = FetchLimits()) -> Fetched:
    """The document at `url` (http or https), within `limits`; FetchError otherwise."""
    deadline = time.monotonic() + limits.seconds
    try:
        async with asyncio.timeout(limits.seconds):
            for _hop in range(limits.redirects + 1):
                response_or_next = await _hop_once(url, limits, deadline)
                if isinstance(response_or_next, Fetched):
                    return response_or_next
                url = response_or_next
    except TimeoutError as error:
        raise FetchError(f"the link took longer than {limits.seconds:.0f} s") from error
    raise FetchError(f"the link redirects more than {limits.redirects} times")


async def _hop_once(url: str, limits: FetchLimits, deadline: float) -> Fetched | str:
    """Fetch one URL: the document, or the URL it redirects to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("only http:// and https:// links can be fetched")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = await checked_address(host, port, limits.allow_hosts)
    pinned = urlunsplit((parts.scheme, _netloc(address, port), parts.path or "/", parts.query, ""))
    timeout = httpx.Timeout(max(deadline - time.monotonic(), 0.1))
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        request = client.build_request(
            "GET", pinned, headers={"Host": parts.netloc.rsplit("@", 1)[-1], "Accept": "text/*"},
            extensions={"sni_hostname": host},
        )
        response = await client.send(request, stream=True)
        try:
            if response.status_code in REDIRECTS and "location" in response.headers:
                return urljoin(url, response.headers["location"])
            if response.status_code != 200:
                raise FetchError(f"the link answered {response.status_code} {response.reason_phrase}")
            content_type = response.headers.get("content-type", "application/octet-stream")
            if not content_type.lower().startswith(TEXT_TYPES):
                raise FetchError(f"the link is {content_type.split(';')[0]}, not a transcript's text")
            data = await _read_bounded(response, limits.max_bytes)
        finally:
            await response.aclose()
    return Fetched(url, _filename(response, url), content_type, data)


async def checked_address(host: str, port: int, allow_hosts: Collection[str] = ()) -> str:
    """The address to connect to for `host`; FetchError when it is not a public one."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise FetchError(f"cannot find {host}") from error
    addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    if host.lower() not in {h.lower() for h in allow_hosts}:
        for address in addresses:
            if not _public(address):
                raise FetchError(f"{host} is a private or local address ({address}): not fetched")
    return str(addresses[0])


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """An address on the public internet (an IPv4-mapped IPv6 address judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified)


async def _read_bounded(response: httpx.Response, limit: int) -> bytes:
    """The body, refused as soon as it passes `limit` (an endless body is never held)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"the link's file is over {limit // 2**20} MB")
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():  # decoded as it comes: a compressed bomb stops too
        size += len(chunk)
        if size > limit:
            raise FetchError(f"the link's file is over {limit // 2**20} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def _netloc(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _filename(response: httpx.Response, url: str) -> str:
    """The file name the server gives (Content-Disposition), else the URL's last part."""
    disposition = response.headers.get("content-disposition", "")
    if disposition:
        message = Message()
        message["content-disposition"] = disposition
        name = message.get_filename()
        if name:
            return name.rsplit("/", 1)[-1]
    last = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    return last or urlsplit(url).hostname or "link"
