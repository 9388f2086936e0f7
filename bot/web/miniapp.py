"""The Mini App's signed sign-in: Telegram's `initData`, checked before the server
believes who the user is, and that user's settings (the same ones the bot uses).

Telegram signs `initData` with a key made from the bot's token (HMAC-SHA256 of the
token keyed with "WebAppData"); the data-check string is every other field as
`key=value`, sorted, one per line. Data older than `MAX_AGE_SECONDS` is refused, so a
copied sign-in does not last.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from bot.messages import parse_language
from bot.reply.language import ORIGINAL, SCRIPTS, parse_theme
from bot.web.http import ApiHandler, Problem

MAX_AGE_SECONDS = 24 * 3600
MAX_INIT_DATA_CHARS = 4096
SCHEME = "tma"  # Authorization: tma <initData>, as Telegram's Mini App guides write it


class InitDataRefused(Exception):
    """initData that is not Telegram's, or no longer fresh; the message says which."""


@dataclass(frozen=True)
class MiniAppUser:
    """The Telegram user a signed initData names."""

    id: int
    first_name: str


def data_check_string(fields: dict[str, str]) -> str:
    """Every field but the hash, as sorted `key=value` lines (Telegram's signed text)."""
    return "\n".join(f"{key}={value}" for key, value in sorted(fields.items()) if key != "hash")


def sign_init_data(fields: dict[str, str], token: str) -> str:
    """The hash Telegram gives these fields (tests and tools sign with the test token)."""
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def check_init_data(init_data: str, token: str, now: float | None = None) -> MiniAppUser:
    """The user of a Mini App's initData, once its signature and freshness are checked."""
    if not init_data or len(init_data) > MAX_INIT_DATA_CHARS:
        raise InitDataRefused("no initData")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataRefused("initData is not a query string") from None
    fields = dict(pairs)
    if len(fields) != len(pairs) or "hash" not in fields:
        raise InitDataRefused("initData is not signed")
    if not hmac.compare_digest(sign_init_data(fields, token), fields["hash"]):
        raise InitDataRefused("initData is not signed by this bot")
    try:
        age = (time.time() if now is None else now) - int(fields.get("auth_date", ""))
        user = json.loads(fields["user"])
        found = MiniAppUser(int(user["id"]), str(user.get("first_name", "")))
    except (ValueError, KeyError, TypeError):
        raise InitDataRefused("initData has no user or date") from None
    if not -60 <= age <= MAX_AGE_SECONDS:
        raise InitDataRefused("initData is too old")
    return found


def settings_change(body: bytes) -> dict[str, str | None]:
    """The settings a PUT asks for (language, script, theme; null resets one); 400 otherwise."""
    try:
        asked = json.loads(body or b"{}")
    except ValueError:
        raise Problem(HTTPStatus.BAD_REQUEST, "The body is not JSON.") from None
    if not isinstance(asked, dict) or set(asked) - {"language", "script", "theme"}:
        raise Problem(HTTPStatus.BAD_REQUEST, "Send an object with language, script or theme.")
    checks = {
        "language": lambda v: parse_language(v),
        "script": lambda v: v if v in (*SCRIPTS, ORIGINAL) else None,
        "theme": parse_theme,
    }
    change: dict[str, str | None] = {}
    for name, value in asked.items():
        if value is not None and (not isinstance(value, str) or checks[name](value) is None):
            raise Problem(HTTPStatus.BAD_REQUEST, f"{name}: {value!r} is not one the bot knows.")
        change[name] = checks[name](value) if value is not None else None
    return change


class MeApi(ApiHandler):
    """GET and PUT /api/v1/me: the signed-in user's language, script and theme."""

    route = "api_me"
    SUPPORTED_METHODS = ("GET", "PUT", "OPTIONS")

    def user(self) -> MiniAppUser:
        """The user the request's signed initData names; 401 otherwise."""
        if not self.site.token:
            raise Problem(HTTPStatus.SERVICE_UNAVAILABLE, "Mini App sign-in needs the bot's token.")
        scheme, _, init_data = self.request.headers.get("Authorization", "").partition(" ")
        try:
            if scheme.lower() != SCHEME:
                raise InitDataRefused("no initData")
            return check_init_data(init_data.strip(), self.site.token)
        except InitDataRefused as refused:
            self.set_header("WWW-Authenticate", SCHEME)
            raise Problem(HTTPStatus.UNAUTHORIZED, f"Sign-in refused: {refused}.") from None

    async def get(self) -> None:
        user = self.user()
        self.answer(await self.in_pool(self._settings, user), cache_seconds=0)

    async def put(self) -> None:
        user = self.user()
        change = settings_change(self.request.body)
        await self.in_pool(self._save, user.id, change)
        self.answer(await self.in_pool(self._settings, user), cache_seconds=0)

    def _save(self, user_id: int, change: dict[str, str | None]) -> None:
        # The user's private chat has their id: the bot reads these settings there.
        state = self.site.state
        setters = {"language": state.set_language, "script": state.set_script, "theme": state.set_theme}
        for name, value in change.items():
            setters[name](user_id, value)

    def _settings(self, user: MiniAppUser) -> dict[str, Any]:
        chosen = self.site.state.chat_settings(user.id)
        return {"user": {"id": user.id, "first_name": user.first_name},
                "language": chosen.language, "script": chosen.script, "theme": chosen.theme}
