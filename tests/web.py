"""The real web server on loopback for the tests, and Mini App initData signed as
Telegram signs it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from bot.state import SQLiteStateStore, StateStore
from bot.web import serve_in_thread
from bot.web.miniapp import sign_init_data

TEST_TOKEN = "123456789:AAHtestTOKENtestTOKENtestTOKEN_web"


@contextmanager
def running_web(searcher, state: StateStore | None = None, **options) -> Iterator[str]:
    """The web over `searcher` (no rate limit unless `per_minute` is given): its base URL."""
    options.setdefault("per_minute", 0)
    options.setdefault("token", TEST_TOKEN)
    base, stop = serve_in_thread(searcher, state or SQLiteStateStore(":memory:"), **options)
    try:
        yield base
    finally:
        stop()


def signed_init_data(user_id: int = 4242, token: str = TEST_TOKEN, age: float = 0,
                     first_name: str = "Ada") -> str:
    """initData for `user_id` as a Mini App receives it, signed with `token`, `age` seconds old."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": first_name, "language_code": "en"}),
        "auth_date": str(int(time.time() - age)),
    }
    fields["hash"] = sign_init_data(fields, token)
    return urlencode(fields)
