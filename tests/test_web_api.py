"""The JSON API under /api/v1: answers as the bot answers, Hitokoto-style random quotes,
one quote with its context, speakers and sources; problems, CORS and caching."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.web import running_web


@pytest.fixture(scope="module")
def web(searcher):
    with running_web(searcher) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


def test_search_answers_as_the_bot_does_with_how_each_was_found(web, searcher):
    answer = web.get("/api/v1/search", params={"q": "alignment", "limit": 3}).json()
    bot_ids = [m.quote.id for m in searcher.search("alignment", limit=3)]
    assert [r["id"] for r in answer["results"]] == bot_ids
    first = answer["results"][0]
    assert first["matched_by"] in ("words", "meaning", "both")
    assert {"text", "speaker", "speaker_name", "source", "url", "card", "score"} <= set(first)
    assert first["url"].endswith(f"/q/{first['id']}") and first["card"].endswith(".png")


def test_search_in_traditional_script_and_chinese_names(web):
    answer = web.get("/api/v1/search", params={"q": "对齐", "lang": "zh-Hant", "script": "traditional"}).json()
    assert answer["lang"] == "zh-Hant" and answer["script"] == "traditional"
    texts = "".join(r["text"] for r in answer["results"])
    assert "齊" in texts and "齐" not in texts
    assert all(r["speaker_name"] != r["speaker"] for r in answer["results"] if r["speaker_zh"])


def test_search_filters_by_speaker_and_source(web):
    by_lecun = web.get("/api/v1/search", params={"q": "open source", "speaker": "杨立昆"}).json()["results"]
    assert by_lecun and {r["speaker"] for r in by_lecun} == {"Yann LeCun"}
    everywhere = web.get("/api/v1/search", params={"q": "safety", "limit": 20}).json()["results"]
    source = everywhere[-1]["source"]["file"]
    from_there = web.get("/api/v1/search", params={"q": "safety", "source": source}).json()["results"]
    assert from_there and {r["source"]["file"] for r in from_there} == {source}


@pytest.mark.parametrize("params, detail", [
    ({"q": ""}, "empty"),
    ({"q": "AI", "limit": "0"}, "limit"),
    ({"q": "AI", "limit": "abc"}, "limit"),
    ({"q": "AI", "speaker": "Nobody Atall"}, "speaker"),
    ({"q": "AI", "source": "../etc/passwd"}, "source"),
])
def test_bad_parameters_are_problems_not_traces(web, params, detail):
    response = web.get("/api/v1/search", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and detail in problem["detail"]
    assert "Traceback" not in response.text


def test_a_long_query_is_cut_like_the_bot_cuts_it(web):
    answer = web.get("/api/v1/search", params={"q": "alignment " * 200}).json()
    assert len(answer["query"]) <= 300
    assert len(answer["query"].split()) <= 32  # the bot's limit on terms


def test_control_characters_are_dropped(web):
    answer = web.get("/api/v1/search", params={"q": "align\x00ment\x1b[31m"}).json()
    assert answer["query"].replace(" ", "") == "alignment[31m"  # (tornado makes them spaces)
    assert web.get("/api/v1/search", params={"q": "\x00\x01"}).status_code == 400


def test_random_stands_on_its_own_and_keeps_to_the_filters(web, searcher):
    for _ in range(5):
        quote = web.get("/api/v1/random", params={"speaker": "LeCun", "max_length": 80}).json()
        assert quote["speaker"] == "Yann LeCun" and len(quote["text"]) <= 80
        assert searcher.get(quote["id"]).postable
    assert web.get("/api/v1/random").headers["cache-control"] == "no-store"


def test_random_encodes_text_and_an_embeddable_script(web):
    text = web.get("/api/v1/random", params={"encode": "text", "min_length": 20})
    assert text.headers["content-type"].startswith("text/plain") and len(text.text) >= 20
    script = web.get("/api/v1/random", params={"encode": "js", "select": "#quote"})
    assert script.headers["content-type"].startswith("text/javascript")
    assert 'querySelectorAll("#quote")' in script.text and "textContent" in script.text
    assert web.get("/api/v1/random", params={"encode": "js", "select": "</script><b>"}).status_code == 400


def test_random_with_nothing_that_fits_is_a_404_problem(web):
    response = web.get("/api/v1/random", params={"min_length": 99999})
    assert response.status_code == 404 and response.json()["status"] == 404
    assert web.get("/api/v1/random", params={"min_length": 50, "max_length": 10}).status_code == 400


def test_one_quote_with_the_question_before_it(web, searcher):
    answer = web.get("/api/v1/quotes/5").json()
    context = searcher.context(5)
    assert answer["id"] == 5 and answer["text"] == context.quote.text
    assert answer["context"]["previous"] == context.previous
    missing = web.get("/api/v1/quotes/999999999")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_speakers_and_sources(web, searcher):
    speakers = web.get("/api/v1/speakers").json()["speakers"]
    assert [s["name"] for s in speakers] == [name for name, _, _ in searcher.speakers()]
    lecun = next(s for s in speakers if s["name"] == "Yann LeCun")
    assert (lecun["name_zh"], lecun["name_zh_hant"]) == ("杨立昆", "楊立昆")
    sources = web.get("/api/v1/sources").json()["sources"]
    assert len(sources) == len(searcher.sources()) and all("file" in s and "quotes" in s for s in sources)


def test_cors_etag_and_cache_control(web):
    response = web.get("/api/v1/speakers", headers={"Origin": "https://blog.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "max-age" in response.headers["cache-control"]
    again = web.get("/api/v1/speakers", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    preflight = web.options("/api/v1/search", headers={
        "Origin": "https://blog.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-methods"] == "GET"


def test_openapi_document_and_its_page_agree(web):
    document = web.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert {"/search", "/random", "/quotes/{id}", "/speakers", "/sources", "/me"} <= set(document["paths"])
    page = web.get("/api/v1/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for path in document["paths"]:
        assert f"/api/v1{path}" in page.text
    json.dumps(document)  # it is plain JSON


def test_every_answer_has_the_security_headers(web):
    for path in ("/api/v1/speakers", "/api/v1/", "/api/v1/nothing", "/q/1", "/q/1.png"):
        headers = web.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "unsafe-inline" not in headers["content-security-policy"], path


def test_a_method_the_api_does_not_take_is_a_problem(web):
    response = web.post("/api/v1/search", params={"q": "AI"})
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Method Not Allowed"
