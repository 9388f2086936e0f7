"""A page per quote (/q/<id>): the quote, speaker, source, passage and original, in the
reader's language and script, with its card as the link preview; a real 404 otherwise."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from tests.web import running_web

PUBLIC = "https://quotes.example.org"


class Tags(HTMLParser):
    """Every <meta> and <html lang> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag == "meta" and "content" in attributes:
            self.meta[attributes.get("property") or attributes.get("name") or ""] = attributes["content"]


def tags_of(html: str) -> Tags:
    parsed = Tags()
    parsed.feed(html)
    return parsed


@pytest.fixture(scope="module")
def web(searcher):
    with running_web(searcher, public_url=PUBLIC) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


def a_quote_with(searcher, predicate):
    return next(q for q in (searcher.get(i) for i in range(1, 2000)) if q is not None and predicate(q))


def test_the_page_shows_the_quote_its_speaker_and_source(web, searcher):
    quote = a_quote_with(searcher, lambda q: q.source.url and q.source.date)
    page = web.get(f"/q/{quote.id}", params={"lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert quote.speaker in text and quote.source.date in text
    assert quote.text[:30].replace("&", "&amp;") in text
    assert f'href="{quote.source.url.replace("&", "&amp;")}"' in text
    assert 'class="context"' in text


def test_open_graph_and_twitter_cards_point_at_the_card(web, searcher):
    quote = a_quote_with(searcher, lambda q: True)
    tags = tags_of(web.get(f"/q/{quote.id}", params={"lang": "en"}).text)
    assert tags.meta["og:image"] == f"{PUBLIC}/q/{quote.id}.png?lang=en"
    assert tags.meta["twitter:image"] == tags.meta["og:image"]
    assert tags.meta["twitter:card"] == "summary_large_image"
    assert tags.meta["og:url"] == f"{PUBLIC}/q/{quote.id}"
    card = web.get(tags.meta["og:image"].removeprefix(PUBLIC))
    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    assert card.content.startswith(b"\x89PNG\r\n\x1a\n") and len(card.content) > 10_000


def test_language_from_accept_language_and_script_from_the_address(web, searcher):
    quote = a_quote_with(searcher, lambda q: q.speaker_zh and "们" in q.text)
    chinese = web.get(f"/q/{quote.id}", headers={"Accept-Language": "zh-TW,zh;q=0.9,en;q=0.5"})
    assert tags_of(chinese.text).lang == "zh-Hant"
    assert "們" in chinese.text  # traditional for a traditional reader
    assert "Accept-Language" in chinese.headers["vary"]
    simplified = web.get(f"/q/{quote.id}", params={"lang": "zh-Hant", "script": "simplified"})
    assert "们" in simplified.text.split("<main")[1]
    english = web.get(f"/q/{quote.id}", headers={"Accept-Language": "en-GB,en"})
    assert tags_of(english.text).lang == "en" and quote.speaker in english.text


def test_the_original_is_on_the_page(tmp_path):
    from bot.index import build_from_paths
    from bot.search import Searcher
    from tests.conftest import DATA, metadata_seeds

    seeds = metadata_seeds(tmp_path / "seeds")
    wild = DATA / "wild"
    for name in ("altman-notes.md",):
        (seeds / name).write_bytes((wild / name).read_bytes())
    for name in ("speakers.toml", "sources.toml"):
        extra = (wild / name).read_text(encoding="utf-8")
        (seeds / name).write_text((seeds / name).read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    build_from_paths([seeds], seeds, tmp_path / "q.db")
    searcher = Searcher(tmp_path / "q.db")
    quote = a_quote_with(searcher, lambda q: q.original)
    with running_web(searcher) as base:
        english = httpx.get(f"{base}/q/{quote.id}?lang=en").text
        chinese = httpx.get(f"{base}/q/{quote.id}?lang=zh-Hans").text
    assert quote.original[:40] in english and 'class="quote original"' in english
    assert "<details class=\"original\"" in chinese and quote.original[:40] in chinese


def test_an_unknown_quote_is_a_real_404_page(web):
    for path, lang in (("/q/987654321", "en"), ("/q/987654321?lang=zh-Hans", "zh-Hans"), ("/q/abc", "en")):
        page = web.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html")
        assert tags_of(page.text).lang == lang
    assert "没有这条语录" in web.get("/q/987654321?lang=zh-Hans").text


def test_cards_follow_language_theme_and_are_drawn_once(web, searcher, monkeypatch):
    import bot.web.pages as pages

    quote = a_quote_with(searcher, lambda q: True)
    drawn = []
    real = pages.render_card
    monkeypatch.setattr(pages, "render_card", lambda *a: drawn.append(a) or real(*a))
    light = web.get(f"/q/{quote.id}.png", params={"theme": "light", "lang": "zh-Hant"})
    again = web.get(f"/q/{quote.id}.png", params={"theme": "light", "lang": "zh-Hant"})
    dark = web.get(f"/q/{quote.id}.png", params={"theme": "dark", "lang": "zh-Hant"})
    assert light.content == again.content != dark.content
    assert len(drawn) == 2  # light once, dark once
    assert drawn[0][-1] == f"{PUBLIC}/q/{quote.id}"  # its QR code leads to the quote's page
    assert "max-age=86400" in light.headers["cache-control"]
    assert web.get(f"/q/{quote.id}.png", params={"theme": "neon"}).status_code == 400


def test_everything_written_on_a_page_is_escaped(web, searcher):
    quote = a_quote_with(searcher, lambda q: True)
    page = web.get(f"/q/{quote.id}", params={"lang": "<script>alert(1)</script>", "script": '"><img>'}).text
    assert "<script>alert" not in page and '"><img>' not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script at all
