"""The Mini App's sign-in: Telegram's signed initData is checked (signature, freshness)
before the server reads or saves that user's settings, the ones the bot uses."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import httpx
import pytest

from bot.state import SQLiteStateStore
from bot.web.miniapp import InitDataRefused, check_init_data, sign_init_data
from tests.web import TEST_TOKEN, running_web, signed_init_data


def test_a_correctly_signed_init_data_names_its_user():
    user = check_init_data(signed_init_data(4242, first_name="Ada"), TEST_TOKEN)
    assert (user.id, user.first_name) == (4242, "Ada")


def test_telegrams_own_example_is_accepted():
    # The data-check string is every field but the hash, sorted, one `key=value` a line.
    fields = {"auth_date": "1700000000", "user": '{"id":1,"first_name":"A"}', "query_id": "Q"}
    signed = urlencode({**fields, "hash": sign_init_data(fields, TEST_TOKEN)})
    assert check_init_data(signed, TEST_TOKEN, now=1700000100).id == 1


@pytest.mark.parametrize("init_data, why", [
    ("", "no initData"),
    ("user=%7B%22id%22%3A1%7D&auth_date=1", "not signed"),
    (signed_init_data(token="999:OTHERtokenOTHERtokenOTHERtoken"), "not signed by this bot"),
    (signed_init_data(age=2 * 24 * 3600), "too old"),
    (signed_init_data(age=-3600), "too old"),  # from the future
    ("a=1&a=2&hash=00", "not signed"),
])
def test_forged_or_stale_init_data_is_refused(init_data, why):
    with pytest.raises(InitDataRefused, match=why):
        check_init_data(init_data, TEST_TOKEN)


def test_changing_one_field_breaks_the_signature():
    fields = dict(parse_qsl(signed_init_data(4242)))
    fields["user"] = fields["user"].replace("4242", "1")
    with pytest.raises(InitDataRefused, match="not signed by this bot"):
        check_init_data(urlencode(fields), TEST_TOKEN)


@pytest.fixture(scope="module")
def state():
    return SQLiteStateStore(":memory:")


@pytest.fixture(scope="module")
def web(searcher, state):
    with running_web(searcher, state) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


def signed_in(user_id: int = 4242, **options) -> dict[str, str]:
    return {"Authorization": f"tma {signed_init_data(user_id, **options)}"}


def test_the_server_refuses_without_valid_init_data(web):
    for headers in ({}, {"Authorization": "Bearer x"}, signed_in(age=3 * 24 * 3600),
                    signed_in(token="999:OTHERtokenOTHERtokenOTHERtoken")):
        response = web.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert web.put("/api/v1/me", headers=headers, json={"language": "en"}).status_code == 401


def test_a_signed_user_reads_and_saves_the_bots_settings(web, state):
    state.set_language(4242, "zh-Hans")
    assert web.get("/api/v1/me", headers=signed_in()).json() == {
        "user": {"id": 4242, "first_name": "Ada"}, "language": "zh-Hans", "script": None, "theme": None}
    saved = web.put("/api/v1/me", headers=signed_in(), json={"script": "traditional", "theme": "dark"})
    assert saved.status_code == 200 and saved.json()["script"] == "traditional"
    chosen = state.chat_settings(4242)  # the user's private chat: what the bot reads
    assert (chosen.language, chosen.script, chosen.theme) == ("zh-Hans", "traditional", "dark")
    web.put("/api/v1/me", headers=signed_in(), json={"language": None})
    assert state.chat_settings(4242).language is None
    assert state.chat_settings(1).script is None  # nobody else's


@pytest.mark.parametrize("body", [{"language": "klingon"}, {"theme": 3}, {"admin": True}, ["en"]])
def test_settings_the_bot_does_not_know_are_refused(web, body):
    response = web.put("/api/v1/me", headers=signed_in(), json=body)
    assert response.status_code == 400 and response.json()["status"] == 400


def test_no_cross_site_writes(web):
    preflight = web.options("/api/v1/me", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization"})
    assert "PUT" not in preflight.headers.get("access-control-allow-methods", "")
    assert "authorization" not in preflight.headers.get("access-control-allow-headers", "").lower()


def test_without_the_token_sign_in_is_unavailable(searcher):
    with running_web(searcher, token=None) as base:
        response = httpx.get(f"{base}/api/v1/me", headers=signed_in())
    assert response.status_code == 503 and "token" in response.json()["detail"]

