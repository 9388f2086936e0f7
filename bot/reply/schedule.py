"""What /daily accepts: a 24-hour local time and an IANA time zone, or a word for "off"."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "UTC"
OFF_WORDS = ("off", "stop", "关闭", "關閉")
_TIME = re.compile(r"(\d{1,2})[:.:](\d{2})")


def parse_time(text: str) -> dt.time | None:
    """"08:30" → 08:30; None when it is not a valid 24-hour time."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def parse_zone(text: str) -> ZoneInfo | None:
    """An IANA time zone ("Asia/Shanghai", "UTC"), or None when unknown."""
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None
