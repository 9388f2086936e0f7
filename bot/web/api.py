"""The JSON API under /api/v1: answers to a question, a random quote for embedding (as
Hitokoto does, `encode=json|text|js`), one quote with its context, speakers, sources.

Queries get the bot's own limits (`bot.search.limits`: 300 characters, 32 terms), and
the bot's own matching: what the API answers is what the bot would.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any

from bot.reply.language import in_script
from bot.reply.render import passage_window, speaker_name
from bot.search import Match
from bot.search.limits import bounded_query
from bot.web.http import ApiHandler, Problem
from bot.web.site import Reader, quote_json

MAX_RESULTS = 20
DEFAULT_RESULTS = 5
# A source filter keeps only that document's quotes: the search looks this much deeper.
SOURCE_FILTER_DEPTH = 100
# An embed's element selector: a CSS selector of plain characters (it is written into JS).
SELECTOR = re.compile(r"[A-Za-z0-9_.#\- \[\]=\"':>,*]{1,100}")


class SearchApi(ApiHandler):
    """GET /api/v1/search: the best quotes for `q`, each with how it was found."""

    route = "api_search"
    cache_seconds = 300

    async def get(self) -> None:
        # As the bot reads a message: control characters dropped, white space collapsed.
        asked = "".join(ch for ch in self.get_query_argument("q", "") if ch.isprintable() or ch.isspace())
        query = " ".join(asked.split())
        if not query:
            raise Problem(HTTPStatus.BAD_REQUEST, "Ask something: the parameter q is empty.")
        query = bounded_query(query)
        limit = int_argument(self, "limit", DEFAULT_RESULTS, 1, MAX_RESULTS)
        speaker = await self.in_pool(known_speaker, self, self.get_query_argument("speaker", None))
        source = await self.in_pool(known_source, self, self.get_query_argument("source", None))
        reader = self.reader(query)
        matches = await self.in_pool(self._search, query, limit, speaker, source)
        self.answer({
            "query": query, "lang": reader.lang, "script": reader.script,
            "results": [self._result(match, reader) for match in matches],
        })

    def _search(self, query: str, limit: int, speaker: str | None, source: str | None) -> list[Match]:
        depth = SOURCE_FILTER_DEPTH if source else limit
        found = self.site.searcher.search(query, limit=depth, speaker=speaker, label_both=True)
        return [m for m in found if source is None or m.quote.source.file == source][:limit]

    def _result(self, match: Match, reader: Reader) -> dict[str, Any]:
        return {**quote_json(match.quote, reader, self.base_url),
                "score": round(match.score, 4), "matched_by": match.matched_by}


class RandomApi(ApiHandler):
    """GET /api/v1/random: a quote that stands on its own, as JSON, text or a script."""

    route = "api_random"

    async def get(self) -> None:
        encode = self.get_query_argument("encode", "json")
        if encode not in ("json", "text", "js"):
            raise Problem(HTTPStatus.BAD_REQUEST, "encode must be json, text or js.")
        selector = self.get_query_argument("select", ".quotebot")
        if not SELECTOR.fullmatch(selector):
            raise Problem(HTTPStatus.BAD_REQUEST, "select must be a simple CSS selector.")
        least = int_argument(self, "min_length", 0, 0, 100_000)
        most = int_argument(self, "max_length", 100_000, 1, 100_000)
        if least > most:
            raise Problem(HTTPStatus.BAD_REQUEST, "min_length is above max_length.")
        speaker = await self.in_pool(known_speaker, self, self.get_query_argument("speaker", None))
        source = await self.in_pool(known_source, self, self.get_query_argument("source", None))
        quote = await self.in_pool(self.site.searcher.standalone, speaker, source, (least, most))
        if quote is None:
            raise Problem(HTTPStatus.NOT_FOUND, "No quote fits these filters.")
        reader = self.reader()
        self.cache_for(0)  # a new draw each time
        if encode == "json":
            self.answer(quote_json(quote, reader, self.base_url), cache_seconds=0)
            return
        text = in_script(quote.text, reader.script)
        if encode == "text":
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(text)
            return
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.finish(embed_script(text, speaker_name(quote, reader.lang, reader.script), selector))


def embed_script(text: str, speaker: str, selector: str) -> str:
    """JavaScript that writes the quote into every element matching `selector` (as text,
    never as HTML: the quote cannot inject markup into the embedding page)."""
    said = json.dumps(f"{text} —— {speaker}", ensure_ascii=False)
    # </script> inside a string would end an inline <script> that evals this: escape "<".
    said = said.replace("<", "\\u003c")
    return (
        "(function(){var quote=" + said + ";"
        "document.querySelectorAll(" + json.dumps(selector) + ")"
        ".forEach(function(el){el.textContent=quote;});})();\n"
    )


class QuoteApi(ApiHandler):
    """GET /api/v1/quotes/{id}: one quote, with the question before it and its passage."""

    route = "api_quote"
    cache_seconds = 600

    async def get(self, quote_id: str) -> None:
        context = await self.in_pool(self.site.searcher.context, int(quote_id))
        if context is None:
            raise Problem(HTTPStatus.NOT_FOUND, f"There is no quote {quote_id}.")
        reader = self.reader()
        before, _, after = passage_window(context.passage or context.quote.text, context.quote.text)
        self.answer({
            **quote_json(context.quote, reader, self.base_url),
            "context": {
                "previous_speaker": context.previous_speaker,
                "previous": in_script(context.previous, reader.script) or None,
                "before": in_script(before, reader.script),
                "after": in_script(after, reader.script),
            },
        })


class SpeakersApi(ApiHandler):
    """GET /api/v1/speakers: everyone quoted, most quotes first."""

    route = "api_speakers"
    cache_seconds = 300

    async def get(self) -> None:
        rows = await self.in_pool(self.site.searcher.speakers)
        self.answer({"speakers": [
            {"name": name, "name_zh": name_zh or None,
             "name_zh_hant": in_script(name_zh, "traditional") or None, "quotes": count}
            for name, name_zh, count in rows
        ]})


class SourcesApi(ApiHandler):
    """GET /api/v1/sources: every source document, oldest first."""

    route = "api_sources"
    cache_seconds = 300

    async def get(self) -> None:
        rows = await self.in_pool(self.site.searcher.sources)
        self.answer({"sources": [{**source.cited(), "quotes": count} for source, count in rows]})


def int_argument(handler: ApiHandler, name: str, default: int, least: int, most: int) -> int:
    """An integer query argument within [least, most]; 400 when it is not one."""
    value = handler.get_query_argument(name, None)
    if value is None or value == "":
        return default
    if not re.fullmatch(r"\d{1,9}", value) or not least <= int(value) <= most:
        raise Problem(HTTPStatus.BAD_REQUEST, f"{name} must be a whole number from {least} to {most}.")
    return int(value)


def known_speaker(handler: ApiHandler, name: str | None) -> str | None:
    """The canonical name for `?speaker=` (any alias, script or case); 400 when unknown."""
    if not name:
        return None
    canonical = handler.site.searcher.resolve_speaker(name[:100])
    if canonical is None:
        raise Problem(HTTPStatus.BAD_REQUEST, "Unknown speaker: see /api/v1/speakers.")
    return canonical


def known_source(handler: ApiHandler, file: str | None) -> str | None:
    """`?source=` when it names a source document's file; 400 when it does not."""
    if not file:
        return None
    if not handler.site.searcher.has_source(file):
        raise Problem(HTTPStatus.BAD_REQUEST, "Unknown source: see /api/v1/sources.")
    return file

