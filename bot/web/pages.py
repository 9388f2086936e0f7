"""The pages: a page per quote (`/q/<id>`, its card as the link preview), the card
itself (`/q/<id>.png`), the search page (`/`, the Mini App too) and a 404 for the rest.

Quote pages are rendered on the server from tornado templates, which escape every
value they write; the reader's language comes from `?lang=` or Accept-Language and the
quotes' script from `?script=`, so each variant is its own address for caches.
"""

from __future__ import annotations

import re
from functools import cache
from html import unescape
from http import HTTPStatus
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from bot.card import card_key, render_card
from bot.messages import LANGUAGES
from bot.moments import format_moment, moment_url
from bot.reply.language import THEME_NAMES, in_script
from bot.reply.markup import clip, quote_page, safe_url
from bot.reply.render import context_speakers, passage_window, reads_original_first, speaker_name
from bot.search import Context, Quote
from bot.web.http import Problem, WebHandler
from bot.web.site import Reader, page_url
from bot.web.words import LANGUAGE_NAMES, word

PAGE_CACHE_SECONDS = 600
CARD_CACHE_SECONDS = 86_400
DESCRIPTION_CHARS = 200  # a link preview's description
SCRIPT_CHOICES = (("original", "as_published"), ("simplified", "simplified"), ("traditional", "traditional"))


class QuotePage(WebHandler):
    """GET /q/<id>: the quote, who said it, its source, the passage around it, the original."""

    route = "quote_page"

    async def get(self, quote_id: str) -> None:
        reader = self.reader()
        self.set_header("Vary", "Accept-Language")
        context = await self.in_pool(self.site.searcher.context, int(quote_id))
        if context is None:
            raise Problem(HTTPStatus.NOT_FOUND, word(reader.lang, "not_found_detail"))
        self.cache_for(PAGE_CACHE_SECONDS)
        self.render("quote.html", **self.page_values(context, reader))

    def page_values(self, context: Context, reader: Reader) -> dict[str, Any]:
        """Everything quote.html shows, already in the reader's language and script."""
        quote, lang, script = context.quote, reader.lang, reader.script
        url = page_url(self.base_url, quote.id)
        before, middle, after = (
            in_script(part, script)
            for part in passage_window(context.passage or quote.text, quote.text)
        )
        asker, _ = context_speakers(context, lang, script)
        text = in_script(quote.text, script)
        speaker = speaker_name(quote, lang, script)
        return {
            "lang": lang, "w": lambda key, **values: word(lang, key, **values),
            "quote": quote, "text": text, "speaker": speaker,
            "original_first": bool(quote.original) and reads_original_first(quote, lang),
            "title": in_script(quote.source.title or quote.source.event, script),
            "publisher": in_script(quote.source.publisher, script),
            "source_url": safe_url(quote.source.url),
            "moment": moment_of(quote),
            "previous": in_script(context.previous, script) if context.previous else None,
            "asker": strip_tags(asker[0]) if asker else None,
            "before": before, "middle": middle, "after": after,
            "page_url": url,
            "card_url": url + ".png" + variant_query(self, ("lang", "script")),
            "description": clip(f"“{text}” — {speaker}", DESCRIPTION_CHARS),
            "share_url": "https://t.me/share/url?" + urlencode({"url": url, "text": clip(text, 200)}),
            "languages": [(code, LANGUAGE_NAMES[code], self.switch_to(lang=code)) for code in LANGUAGES],
            "scripts": [(value, word(lang, key), self.switch_to(script=value)) for value, key in SCRIPT_CHOICES],
            "script": script or "original",
        }

    def switch_to(self, **change: str) -> str:
        """This page's address with one of lang or script changed."""
        kept = {name: self.get_query_argument(name, None) for name in ("lang", "script")}
        kept.update(change)
        return self.request.path + "?" + urlencode({k: v for k, v in kept.items() if v})

    def answer_problem(self, problem: Problem) -> None:
        if problem.status != HTTPStatus.NOT_FOUND:
            super().answer_problem(problem)
            return
        lang = self.reader().lang
        self.render("error.html", status=404, title=word(lang, "not_found"),
                    detail=problem.detail, lang=lang, back=word(lang, "back"))


class CardImage(WebHandler):
    """GET /q/<id>.png: the quote's card (`?theme=light|dark`), drawn once and kept."""

    route = "quote_card"

    async def get(self, quote_id: str) -> None:
        reader = self.reader()
        theme = self.get_query_argument("theme", THEME_NAMES[0])
        if theme not in THEME_NAMES:
            raise Problem(HTTPStatus.BAD_REQUEST, "theme must be light or dark.")
        quote = await self.in_pool(self.site.searcher.get, int(quote_id))
        if quote is None:
            raise Problem(HTTPStatus.NOT_FOUND, f"There is no quote {quote_id}.")
        png = await self.in_pool(self._card, quote, reader, theme)
        self.set_header("Vary", "Accept-Language")
        self.set_header("Content-Type", "image/png")
        self.cache_for(CARD_CACHE_SECONDS)
        self.finish(png)

    def _card(self, quote: Quote, reader: Reader, theme: str) -> bytes:
        # The bot's card exactly: its QR code leads to this page once QUOTEBOT_PUBLIC_URL
        # is set, else to the source (a request's own Host is not trusted for a picture
        # that is cached and shared).
        page = quote_page(self.site.public_url, quote.id)
        key = card_key(quote.id, reader.lang, reader.script, theme, page)
        return self.site.card(key, lambda: render_card(quote, reader.lang, reader.script, theme, page))


class SearchPage(WebHandler):
    """GET /: the search page, which is also the Mini App (static: its script does the rest)."""

    route = "search_page"

    def get(self) -> None:
        self.cache_for(PAGE_CACHE_SECONDS)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(static_file("index.html"))


@cache
def static_file(name: str) -> bytes:
    """A file of the package's static folder (read once: the package does not change)."""
    return resources.files("bot.web").joinpath("static", name).read_bytes()


def moment_of(quote: Quote) -> tuple[str, str | None] | None:
    """(the time said, its link into the video) for a quote from subtitles, else None."""
    if quote.start is None:
        return None
    link = moment_url(quote.source.url, quote.start)
    return format_moment(quote.start), safe_url(link) if link != quote.source.url else None


def variant_query(handler: WebHandler, names: tuple[str, ...]) -> str:
    """`?lang=..&script=..` as the request gave them (so the card matches the page)."""
    kept = {name: handler.get_query_argument(name, None) for name in names}
    query = urlencode({k: v for k, v in kept.items() if v})
    return "?" + query if query else ""


def strip_tags(html_text: str) -> str:
    """The words of a short line of the bot's HTML (the context view's "X asked")."""
    return unescape(re.sub(r"<[^>]+>", "", html_text)).rstrip(":：")

