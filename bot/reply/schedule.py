"""What /daily accepts: a 24-hour local time and an IANA time zone, or a word for "off"."""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import available_timezones

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


@functools.cache
def zone_names() -> dict[str, str]:
    """Real IANA zone names by their case-folded form. Not the files that are not zones
    ("localtime", "Factory") nor the "right/" and "posix/" copies of the database."""
    return {
        name.casefold(): name
        for name in available_timezones()
        if name not in ("localtime", "Factory") and not name.startswith(("right/", "posix/"))
    }


def zone_name(text: str) -> str | None:
    """The canonical IANA name ("asia/shanghai" → "Asia/Shanghai"), or None when it is not
    a real time zone ("Asia", "America", "localtime", "right/UTC", a 300-character word)."""
    return zone_names().get(text.strip().casefold())
