"""Facts a page states about itself: title, first URL, first date, script."""

from __future__ import annotations

import re

from bot.extract.paragraphs import Paragraph
from bot.text import HAN_CHAR, count_han, to_simplified

_URL = re.compile(r"https?://[^\s\"'<>，。、]+")
_DATE = re.compile(r"(20\d\d|19\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_PUBLISHER = re.compile(r"(?:来源|來源|文)\s*[:：|｜]\s*([^\s|｜]+)")
MIN_TITLE, MAX_TITLE = 8, 80


def find_url(text: str) -> str | None:
    """The first web address in the page (usually its own permalink or source line)."""
    match = _URL.search(text)
    return match.group(0).rstrip(").,") if match else None


def find_date(text: str) -> str | None:
    """The first date in the page as YYYY-MM-DD."""
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def find_publisher(text: str) -> str | None:
    """The name after `来源:` or `文|`, when the page has such a line."""
    match = _PUBLISHER.search(text)
    return match.group(1) if match else None


def find_title(paragraphs: list[Paragraph]) -> str | None:
    """The first paragraph that reads like a headline: one line, a title's length, no ending stop."""
    for paragraph in paragraphs[:40]:
        text = paragraph.text.strip()
        if MIN_TITLE <= len(text) <= MAX_TITLE and text[-1] not in "。.!！:：" and " " * 3 not in text:
            if count_han(text) >= 4 or text.count(" ") >= 2:
                return text
    return None


def detect_script(text: str) -> str:
    """`traditional` when converting to simplified changes a noticeable share of the Han characters."""
    han = HAN_CHAR.findall(text)
    if not han:
        return "simplified"
    sample = "".join(han[:20000])
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample), strict=False))
    return "traditional" if changed / len(sample) > 0.05 else "simplified"
