"""What every web request shares: the searcher, the state store, the limits, the cards
already drawn, and how a reader's language and script are read from a request.

`WebSite` is built once per process (by `quotebot web`, or by the webhook server when
`QUOTEBOT_WEB` is on) and handed to every handler; nothing here reads the environment.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from bot.config import Settings
from bot.messages import Language, language_from_code, parse_language
from bot.moments import moment_url
from bot.reply.language import ORIGINAL, SCRIPTS, answer_script, in_script
from bot.reply.markup import quote_page, safe_url
from bot.reply.render import speaker_name
from bot.search import Quote, Searcher
from bot.state import StateStore
from bot.state.postgres import PostgresStateStore
from bot.throttle import SharedThrottle, Throttle

# Requests one client may make at once, and then a minute (QUOTEBOT_WEB_PER_MINUTE):
# search as you type sends a request every pause in typing, well under this.
WEB_BURST = 60
# Cards drawn and kept in memory (about 100 KB each); a proxy in front caches the rest.
CARDS_KEPT = 256
# Threads that search and draw for the web: the Searcher answers one query at a time,
# so a second thread only lets a card render overlap a search.
WEB_THREADS = 2


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Reader:
    """Who reads a page or an answer: the language of the words and the quotes' script."""

    lang: Language
    script: str | None  # an OpenCC target (bot.reply.language.SCRIPTS), None: as published


def accepted_language(header: str | None) -> Language | None:
    """The first language of an Accept-Language header the bot writes, by preference."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")[:20]):
        code, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-weight, position, code.strip()))
    for _weight, _position, code in sorted(ranked):
        if (language := language_from_code(code)) is not None:
            return language
    return None


def reader_of(lang: str | None, script: str | None, accept_language: str | None, text: str = "") -> Reader:
    """The reader a request describes: `?lang=`, else Accept-Language, else English; and
    `?script=` ("original" for quotes as published), else traditional for zh-Hant."""
    language = parse_language(lang or "") or accepted_language(accept_language) or "en"
    chosen = script if script in (*SCRIPTS, ORIGINAL) else None
    return Reader(language, answer_script(chosen, language, text))


def client_key(address: str) -> int:
    """A web client's bucket in the shared flood table: a negative number far below any
    Telegram chat id (those stay above -10^13), so the two never share a bucket."""
    digest = int.from_bytes(hashlib.sha256(address.encode()).digest()[:7], "big")
    return -(1 << 62) - digest


def trusted_networks(text: str) -> tuple[Network, ...]:
    """QUOTEBOT_TRUSTED_PROXIES: addresses or networks, comma- or space-separated."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in text.replace(",", " ").split())


@dataclass
class WebSite:
    """The services behind every web route, shared by the handlers of one process."""

    searcher: Searcher
    state: StateStore
    token: str | None = None  # the bot's token: checks a Mini App's signed initData
    public_url: str | None = None
    per_minute: float = 300.0  # requests a client may make a minute (0: no limit)
    trusted_proxies: tuple[Network, ...] = ()
    bot_username: str | None = None
    pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(WEB_THREADS, thread_name_prefix="web")
    )
    _cards: OrderedDict[str, bytes] = field(default_factory=OrderedDict)
    _cards_lock: Lock = field(default_factory=Lock)
    _throttle: Throttle | None = None

    @classmethod
    def from_settings(cls, settings: Settings, searcher: Searcher, state: StateStore) -> WebSite:
        """The site as configured (the state store is the bot's own, SQLite or PostgreSQL)."""
        return cls(
            searcher, state, token=settings.token, public_url=settings.public_url,
            per_minute=settings.web_per_minute,
            trusted_proxies=trusted_networks(settings.trusted_proxies),
        )

    @property
    def throttle(self) -> Throttle | None:
        """Per-client limits: in PostgreSQL when replicas share it, else in this process."""
        if self.per_minute <= 0:
            return None
        if self._throttle is None:
            if isinstance(self.state, PostgresStateStore):
                self._throttle = SharedThrottle(self.state, WEB_BURST, self.per_minute)
            else:
                self._throttle = Throttle(WEB_BURST, self.per_minute)
        return self._throttle

    def card(self, key: str, draw: Any) -> bytes:
        """The card kept under `key`, drawn by `draw()` the first time (then kept)."""
        with self._cards_lock:
            if key in self._cards:
                self._cards.move_to_end(key)
                return self._cards[key]
        png: bytes = draw()
        with self._cards_lock:
            self._cards[key] = png
            while len(self._cards) > CARDS_KEPT:
                self._cards.popitem(last=False)
        return png

    def close(self) -> None:
        """Stop the web's threads (the searcher and the state store belong to the caller)."""
        self.pool.shutdown(wait=False, cancel_futures=True)


def page_url(base: str, quote_id: int) -> str:
    """The quote's page under `base` (the public address, or the request's own)."""
    return quote_page(base, quote_id) or ""


def quote_json(quote: Quote, reader: Reader, base: str) -> dict[str, Any]:
    """A quote as the API gives it: its text in the reader's script, the speaker named
    for the reader, its source, and the addresses of its page and card."""
    source, script = quote.source, reader.script
    moment = moment_url(source.url, quote.start) if quote.start is not None else None
    return {
        "id": quote.id,
        "text": in_script(quote.text, script),
        "speaker": quote.speaker,
        "speaker_name": speaker_name(quote, reader.lang, script),
        "speaker_zh": quote.speaker_zh or None,
        **quote.cited(),
        "moment_url": safe_url(moment) if moment else None,
        "source": {
            **source.cited(),
            "title": in_script(source.title, script) or None,
            "publisher": in_script(source.publisher, script) or None,
            "url": safe_url(source.url),
        },
        "url": page_url(base, quote.id),
        "card": page_url(base, quote.id) + ".png",
    }
