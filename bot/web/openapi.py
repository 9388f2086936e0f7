"""The API's OpenAPI 3.1 document (`/api/v1/openapi.json`) and a page that shows it
(`/api/v1/`), rendered on the server from the same document, so the two never differ."""

from __future__ import annotations

import json
from typing import Any

from bot import __version__
from bot.web.http import ApiHandler, WebHandler

LANG = {"name": "lang", "in": "query", "description": "Language of names and words: en, zh-Hans or zh-Hant (default: Accept-Language, else en).",
        "schema": {"type": "string", "enum": ["en", "zh-Hans", "zh-Hant"]}}
SCRIPT = {"name": "script", "in": "query", "description": "Chinese script of the quotes (default: traditional for zh-Hant, else as published).",
          "schema": {"type": "string", "enum": ["simplified", "traditional", "hongkong", "original"]}}
SPEAKER = {"name": "speaker", "in": "query", "description": "Only this speaker's quotes (any name or alias, see /speakers).",
           "schema": {"type": "string"}}
SOURCE = {"name": "source", "in": "query", "description": "Only quotes from this source document (its file, see /sources).",
          "schema": {"type": "string"}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _json(description: str, ref: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


ERRORS = {"400": _problem("A parameter is not valid."), "429": _problem("Too many requests; see Retry-After.")}

QUOTE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "text", "speaker", "speaker_name", "source", "url", "card"],
    "properties": {
        "id": {"type": "integer"},
        "text": {"type": "string", "description": "The quote, in the asked script."},
        "speaker": {"type": "string", "description": "The speaker's canonical name."},
        "speaker_name": {"type": "string", "description": "The speaker as readers of lang know them."},
        "speaker_zh": {"type": ["string", "null"]},
        "original": {"type": ["string", "null"], "description": "The speaker's own words when text is a translation."},
        "original_lang": {"type": ["string", "null"]},
        "start": {"type": ["number", "null"], "description": "Seconds into the recording (subtitles)."},
        "moment_url": {"type": ["string", "null"], "description": "The video opened at that moment."},
        "source": {"$ref": "#/components/schemas/Source"},
        "url": {"type": "string", "description": "The quote's page."},
        "card": {"type": "string", "description": "The quote's card (PNG)."},
    },
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "quotebot API", "version": __version__,
        "description": "Quotes from interviews and talks about AI, with who said them and where. "
                       "Every answer is JSON in UTF-8; errors are application/problem+json (RFC 9457). "
                       "GET answers carry CORS, ETag and Cache-Control; each client may make a "
                       "limited number of requests a minute (429 with Retry-After beyond).",
    },
    "servers": [{"url": "/api/v1"}],
    "paths": {
        "/search": {"get": {
            "summary": "The best quotes for a question",
            "description": "Matched as the bot matches: by words, by meaning, or both (matched_by). "
                           "Queries are cut to 300 characters and 32 terms.",
            "parameters": [
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 300},
                 "description": "A topic, a name, a question, in English or Chinese."},
                SPEAKER, SOURCE,
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5}},
                LANG, SCRIPT,
            ],
            "responses": {"200": _json("The answers, best first (empty when nothing matches well).", "SearchResults"), **ERRORS},
        }},
        "/random": {"get": {
            "summary": "A random quote that stands on its own",
            "description": "For embedding, as Hitokoto does: encode=text gives the text alone, encode=js a "
                           "script that writes it into the elements matching select.",
            "parameters": [
                SPEAKER, SOURCE,
                {"name": "min_length", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "max_length", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "encode", "in": "query", "schema": {"type": "string", "enum": ["json", "text", "js"], "default": "json"}},
                {"name": "select", "in": "query", "schema": {"type": "string", "default": ".quotebot"},
                 "description": "With encode=js: the CSS selector of the elements to fill."},
                LANG, SCRIPT,
            ],
            "responses": {"200": {"description": "A quote.", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Quote"}},
                "text/plain": {"schema": {"type": "string"}},
                "text/javascript": {"schema": {"type": "string"}},
            }}, "404": _problem("No quote fits the filters."), **ERRORS},
        }},
        "/quotes/{id}": {"get": {
            "summary": "One quote with its context",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}, LANG, SCRIPT],
            "responses": {"200": _json("The quote, the turn before it and its passage.", "QuoteInContext"),
                          "404": _problem("No quote has this id (or it was removed)."), **ERRORS},
        }},
        "/speakers": {"get": {"summary": "Everyone quoted, most quotes first",
                              "responses": {"200": _json("The speakers.", "Speakers"), **ERRORS}}},
        "/sources": {"get": {"summary": "Every source document, oldest first",
                             "responses": {"200": _json("The sources.", "Sources"), **ERRORS}}},
        "/me": {
            "get": {"summary": "The Mini App user's settings",
                    "description": "Authorization: tma <initData>, the Mini App's signed initData.",
                    "security": [{"initData": []}],
                    "responses": {"200": _json("The user's settings.", "Settings"),
                                  "401": _problem("No, forged or stale initData.")}},
            "put": {"summary": "Save the Mini App user's settings (the bot uses them too)",
                    "security": [{"initData": []}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/SettingsChange"}}}},
                    "responses": {"200": _json("The user's settings.", "Settings"),
                                  "400": _problem("A setting the bot does not know."),
                                  "401": _problem("No, forged or stale initData.")}},
        },
    },
    "components": {
        "securitySchemes": {"initData": {"type": "apiKey", "in": "header", "name": "Authorization",
                                         "description": "tma <initData>, checked with the bot's token (HMAC-SHA256), at most 24 h old."}},
        "schemas": {
            "Quote": QUOTE_SCHEMA,
            "Source": {"type": "object", "properties": {
                name: {"type": ["string", "null"]} for name in ("file", "title", "publisher", "url", "date")}},
            "SearchResults": {"type": "object", "properties": {
                "query": {"type": "string"}, "lang": {"type": "string"}, "script": {"type": ["string", "null"]},
                "results": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/Quote"}, {
                    "type": "object", "properties": {
                        "score": {"type": "number"},
                        "matched_by": {"type": "string", "enum": ["words", "meaning", "both"]}}}]}}}},
            "QuoteInContext": {"allOf": [{"$ref": "#/components/schemas/Quote"}, {"type": "object", "properties": {
                "context": {"type": "object", "properties": {
                    "previous_speaker": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]},
                    "before": {"type": "string"}, "after": {"type": "string"}}}}}]},
            "Speakers": {"type": "object", "properties": {"speakers": {"type": "array", "items": {
                "type": "object", "properties": {"name": {"type": "string"}, "name_zh": {"type": ["string", "null"]},
                                                 "name_zh_hant": {"type": ["string", "null"]},
                                                 "quotes": {"type": "integer"}}}}}},
            "Sources": {"type": "object", "properties": {"sources": {"type": "array", "items": {"allOf": [
                {"$ref": "#/components/schemas/Source"}, {"type": "object", "properties": {"quotes": {"type": "integer"}}}]}}}},
            "Settings": {"type": "object", "properties": {
                "user": {"type": "object", "properties": {"id": {"type": "integer"}, "first_name": {"type": "string"}}},
                "language": {"type": ["string", "null"]}, "script": {"type": ["string", "null"]},
                "theme": {"type": ["string", "null"]}}},
            "SettingsChange": {"type": "object", "additionalProperties": False, "properties": {
                "language": {"type": ["string", "null"], "enum": ["en", "zh-Hans", "zh-Hant", None]},
                "script": {"type": ["string", "null"], "enum": ["simplified", "traditional", "hongkong", "original", None]},
                "theme": {"type": ["string", "null"], "enum": ["light", "dark", None]}}},
            "Problem": {"type": "object", "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}}},
        },
    },
}

EXAMPLES = (
    ("Ask", "/api/v1/search?q=alignment&limit=3"),
    ("Ask in Chinese, in traditional characters", "/api/v1/search?q=%E5%AF%B9%E9%BD%90&script=traditional"),
    ("A random quote of one speaker", "/api/v1/random?speaker=Yann%20LeCun&max_length=120"),
    ("The text alone, for a status line", "/api/v1/random?encode=text"),
    ("One quote with its context", "/api/v1/quotes/1"),
)


class OpenApiDocument(ApiHandler):
    """GET /api/v1/openapi.json: the API described for tools."""

    route = "api_openapi"
    cache_seconds = 3600

    def get(self) -> None:
        self.answer(DOCUMENT)


class ApiPage(WebHandler):
    """GET /api/v1/: the API described for people, from the same document."""

    route = "api_page"

    def get(self) -> None:
        self.cache_for(3600)
        self.render("api.html", lang="en", document=DOCUMENT, examples=EXAMPLES,
                    base=self.base_url, pretty=lambda value: json.dumps(value, ensure_ascii=False, indent=2))
