"""What a Telegram message is made of: the reply types, its limits and the HTML helpers.

Everything the bot sends is HTML with every piece escaped (`escape`, `escape_within`)
and never longer than Telegram's 4,096-character limit (`fit`), counted as Telegram
counts (`telegram_length`, UTF-16 code units).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.search import Quote

MAX_MESSAGE_CHARS = 4096  # Telegram's limit for a text message, after entity parsing
MAX_NOTICE_CHARS = 200  # Telegram's limit for a callback answer

_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


@dataclass(frozen=True)
class Button:
    """A button under a message: its label and the callback payload (ids only)."""

    label: str
    payload: str


@dataclass(frozen=True)
class CardRequest:
    """A quote to send as a card (a picture): what to draw, in which language, script, theme."""

    quote: Quote
    lang: str
    script: str | None
    theme: str


@dataclass(frozen=True)
class Reply:
    """A message to send or to put in place of the one a button was under.

    With `card`, the answer is that card as a photo; `html` and `buttons` are then the
    quote as text, sent instead when the picture cannot be.
    """

    html: str
    buttons: tuple[Button, ...] = ()
    quote_id: int | None = None
    card: CardRequest | None = None

    def plain(self) -> str:
        """The message as plain text for a terminal: links as `text <url>`, tags dropped."""
        # Mark the URL with control characters so stripping tags cannot take it for one.
        text = _LINK.sub(lambda m: f"{m.group(2)} \x00{m.group(1)}\x01", self.html)
        text = html.unescape(_TAG.sub("", text))
        return text.replace("\x00", "<").replace("\x01", ">")


@dataclass(frozen=True)
class Notice:
    """A short plain-text answer to a button press that leaves the message as it is."""

    text: str


@dataclass(frozen=True)
class InlineQuote:
    """One inline-mode result: title (speaker), description (the quote's start), message."""

    quote_id: int
    title: str
    description: str
    reply: Reply
    card: CardRequest | None = None  # offered as a photo too once the card was uploaded


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); an upper bound once tags are parsed."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str | None) -> str:
    """HTML-escape for Telegram's HTML parse mode (quotes too, so it is safe in attributes)."""
    return html.escape(text or "", quote=True)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    text = text.strip()
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def escape_within(text: str, budget: int) -> str:
    """`text` escaped and cut so the escaped form takes at most `budget` Telegram characters."""
    escaped = escape(text)
    while telegram_length(escaped) > budget and text:
        excess = telegram_length(escaped) - budget
        text = text[: max(len(text) - max(excess, 1) - 1, 0)]
        escaped = escape(text) + "…"
    return escaped if telegram_length(escaped) <= budget else ""


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None (never put other schemes in a link)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def fit(html_text: str) -> str:
    """A last guard: cut an over-long message at a line boundary, never mid-tag."""
    if telegram_length(html_text) <= MAX_MESSAGE_CHARS:
        return html_text
    kept: list[str] = []
    used = 1  # the final ellipsis
    for line in html_text.split("\n"):
        cost = telegram_length(line) + 1
        if used + cost > MAX_MESSAGE_CHARS:
            break
        kept.append(line)
        used += cost
    return "\n".join(kept) + "\n…"
