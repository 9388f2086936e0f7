"""A moment in a video: its link (the video opened at that second) and its label (`1:02:03`).

A leaf module, standard library only, so the extractor, the replies and the cards
can all link a quote to the moment it was said.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlsplit, urlunsplit

# Hosts whose player reads a start time from the `t` query parameter.
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_YOUTU_BE = {"youtu.be", "www.youtu.be"}
_BILIBILI_HOSTS = {"bilibili.com", "www.bilibili.com", "m.bilibili.com"}
# A Bilibili video page: /video/BV1xx411c7mD or the older /video/av170001.
_BILIBILI_VIDEO = re.compile(r"^/video/(?:BV[0-9A-Za-z]{10}|av\d+)/?$", re.I)


def _youtube_video(host: str, path: str, query: str) -> bool:
    """A YouTube link that opens one video: watch?v=…, youtu.be/…, /live/…."""
    if host in _YOUTU_BE:
        return len(path.strip("/")) > 0
    if host not in _YOUTUBE_HOSTS:
        return False
    if path.rstrip("/") == "/watch":
        return bool(parse_qs(query).get("v"))
    return path.startswith("/live/") and len(path) > len("/live/")


def _with_t(query: str, value: str) -> str:
    """The query with `t=value`: in the old `t`'s place, or last; other parameters kept as written."""
    params = [p for p in query.split("&") if p]
    keys = [p.split("=", 1)[0] for p in params]
    if "t" not in keys:
        return "&".join([*params, f"t={value}"])
    first = keys.index("t")
    params[first] = f"t={value}"
    return "&".join(p for i, (p, k) in enumerate(zip(params, keys, strict=True)) if k != "t" or i == first)


def moment_url(url: str | None, seconds: float | None) -> str | None:
    """`url` opened at `seconds` when it is a YouTube or Bilibili video; otherwise `url` unchanged.

    YouTube takes `t=754s`, Bilibili `t=754`. Other sites, short links whose target
    is unknown (b23.tv), and a missing or impossible time leave the link as it is.
    """
    if not url or seconds is None or not math.isfinite(seconds):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed link (an unclosed IPv6 bracket) is passed on untouched
        return url
    host = (parts.hostname or "").lower()
    whole = max(0, int(seconds))
    if _youtube_video(host, parts.path, parts.query):
        value = f"{whole}s"
    elif host in _BILIBILI_HOSTS and _BILIBILI_VIDEO.match(parts.path):
        value = str(whole)
    else:
        return url
    # A `#t=` fragment would override the query's start time, so it goes.
    fragment = "" if parts.fragment.startswith("t=") else parts.fragment
    return urlunsplit(parts._replace(query=_with_t(parts.query, value), fragment=fragment))


def format_moment(seconds: float) -> str:
    """`12:34` under an hour, `1:02:03` from an hour on (seconds rounded down)."""
    whole = max(0, int(seconds)) if math.isfinite(seconds) else 0
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
