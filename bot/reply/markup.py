"""What a Telegram message is made of: the reply types, its limits and the HTML helpers.

Everything the bot sends is HTML with every piece escaped (`escape`, `escape_within`)
and never longer than Telegram's 4,096-character limit (`fit`), counted as Telegram
counts (`telegram_length`, UTF-16 code units).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.messages import Language
from bot.search import Quote

MAX_MESSAGE_CHARS = 4096  # Telegram's limit for a text message, after entity parsing
MAX_NOTICE_CHARS = 200  # Telegram's limit for a callback answer

_TAG = re.compile(r"<[^>]+>")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


@dataclass(frozen=True)
class Writing:
    """How an answer is written: the bot's language and the script of its Chinese text
    (None: quotes as published). A button carries it, so what it opens reads the same."""

    lang: Language
    script: str | None = None


@dataclass(frozen=True)
class Button:
    """A button under a message: its label and the callback payload (ids only)."""

    label: str
    payload: str


@dataclass(frozen=True)
class CardRequest:
    """A quote to send as a card (a picture): what to draw, in which language, script, theme."""

    quote: Quote
    lang: Language
    script: str | None
    theme: str
    page_url: str | None = None  # the quote's page on the web: the QR code leads there


@dataclass(frozen=True)
class WebButton:
    """A button that opens a web page: in a private chat as a Mini App inside Telegram,
    elsewhere (where Telegram allows no Mini App button) in the browser."""

    label: str
    url: str


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
    web: WebButton | None = None  # on a row of its own, below the buttons

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


def quote_page(public_url: str | None, quote_id: int) -> str | None:
    """The quote's page on the web (`{QUOTEBOT_PUBLIC_URL}/q/{id}`), or None without one."""
    return f"{public_url.rstrip('/')}/q/{int(quote_id)}" if public_url else None


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


def escape_within(text: str, budget: int, keep_end: bool = False) -> str:
    """`text` escaped and cut so the escaped form takes at most `budget` Telegram characters.

    A cut keeps the longest start of the text (with `keep_end`, the longest end) that
    fits with an ellipsis; the text is cut before escaping, so never inside an entity.
    """
    escaped = escape(text)
    if telegram_length(escaped) <= budget:
        return escaped
    if budget < 1:  # not even room for the ellipsis
        return ""
    room = budget - 1
    kept: list[str] = []
    for char in reversed(text) if keep_end else text:
        room -= telegram_length(escape(char))
        if room < 0:
            break
        kept.append(char)
    if keep_end:
        return "…" + escape("".join(reversed(kept)).lstrip())
    return escape("".join(kept).rstrip()) + "…"


def fair_shares(lengths: Sequence[int], room: int) -> list[int]:
    """Room for each of several pieces: short ones whole, long ones cut to equal shares of the rest."""
    shares = [0] * len(lengths)
    left = max(room, 0)
    for rank, i in enumerate(sorted(range(len(lengths)), key=lambda i: lengths[i])):
        shares[i] = min(lengths[i], left // (len(lengths) - rank))
        left -= shares[i]
    return shares


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None (never put other schemes in a link)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def open_tags(html_text: str, already_open: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The tags still open after `html_text` (outermost first), given those open before it."""
    stack = list(already_open)
    for match in _TAG_NAME.finditer(html_text):
        name = match.group(2).lower()
        if not match.group(1):
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
    return tuple(stack)


def closing_tags(tags: tuple[str, ...]) -> str:
    """The end tags that close `tags`, innermost first."""
    return "".join(f"</{tag}>" for tag in reversed(tags))


def fit(html_text: str) -> str:
    """A last guard: cut an over-long message at a line boundary, closing the tags left open.

    Views cut their own texts before rendering (`escape_within`); this only catches what
    they could not foresee, and keeps the message valid HTML when it does.
    """
    if telegram_length(html_text) <= MAX_MESSAGE_CHARS:
        return html_text
    kept: list[str] = []
    still_open: tuple[str, ...] = ()
    used = 1  # the final ellipsis
    for line in html_text.split("\n"):
        after = open_tags(line, still_open)
        cost = telegram_length(line) + 1
        if used + cost + telegram_length(closing_tags(after)) > MAX_MESSAGE_CHARS:
            break
        kept.append(line)
        used += cost
        still_open = after
    return "\n".join(kept) + closing_tags(still_open) + "\n…"
