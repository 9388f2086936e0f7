"""The search page, the quote pages and the Mini App in a real browser: Debian's Chromium
driven by Playwright for Python, over the real web server on loopback and the seeds' quotes.

Without Chromium (or Playwright) the tests skip with the reason on a developer's machine,
and fail in CI (CI=true), where `.ci/run` installs Chromium. Playwright's own browser
download is never used: the browser is the system's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TOKEN = "123456789:browser-test-token-not-a-real-one"
OTHER_TOKEN = "987654321:someone-else-s-token"
USER = {"id": 424242, "first_name": "Ada", "language_code": "en"}
QUERY = "对齐"  # the seeds answer it with ten quotes, written 對齊 in traditional characters
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EVENTS_RECORDER = """
window.__tgEvents = [];
window.TelegramWebviewProxy = {
  postEvent: (eventType, eventData) => window.__tgEvents.push([eventType, JSON.parse(eventData || "{}")]),
};
"""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def chromium_path() -> str | None:
    """Debian's Chromium (QUOTEBOT_CHROMIUM names another), or None when there is none."""
    for candidate in (os.environ.get("QUOTEBOT_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def unavailable(reason: str):
    """Skip without a browser; but fail in CI, where `.ci/run` installs Chromium."""
    if in_ci():
        pytest.fail(f"Chromium and Playwright are required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the whole file."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[dev]')")
    path = chromium_path()
    if path is None:
        unavailable("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()


@dataclass
class Web:
    base: str
    state: object


@pytest.fixture(scope="module")
def web(quotes_db, tmp_path_factory):
    """The real web server (bot.web) on loopback over the seeds' quotes and a state store."""
    from bot.search import Searcher
    from bot.state import SQLiteStateStore
    from tests.web import running_web

    state = SQLiteStateStore(tmp_path_factory.mktemp("web") / "state.db")
    with running_web(Searcher(quotes_db), state, token=TOKEN) as base:
        yield Web(base.rstrip("/"), state)
    state.close()


@pytest.fixture
def page(browser, web):
    """A fresh browser context and page; the page must raise no error and break no CSP rule."""
    context = browser.new_context(base_url=web.base, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(f"console: {message.text} {message.location}")
            if message.type == "error" and not expected_error(message) else None)
    yield page
    context.close()
    assert not problems, problems


def expected_error(message) -> bool:
    """The browser's notes on a missing favicon and on refused initData are not faults."""
    return "favicon" in message.location.get("url", "") or "status of 401" in message.text


def search_results(page) -> list[str]:
    """The texts of the quotes the page shows, once it shows some."""
    page.wait_for_selector("#results li.result a.result-link")
    return page.locator("#results a.result-link").all_inner_texts()


def signed_init_data(token: str = TOKEN, auth_date: int | None = None, user: dict | None = None) -> str:
    """initData as Telegram signs it: HMAC-SHA256 of the sorted fields under a key from the token.

    Written out here rather than taken from bot.web.miniapp, so the server's check is held
    to Telegram's algorithm, not to itself."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user or USER, separators=(",", ":")),
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
    }
    data_check_string = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, data_check_string.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def mini_app_url(init_data: str, path: str = "/") -> str:
    """The page as Telegram opens a Mini App: its launch parameters after "#"."""
    theme = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#aab2bd",
             "link_color": "#6ab3f3", "button_color": "#5288c1", "button_text_color": "#ffffff",
             "secondary_bg_color": "#232e3c"}
    launch = urlencode({"tgWebAppData": init_data, "tgWebAppVersion": "8.0", "tgWebAppPlatform": "tdesktop",
                        "tgWebAppThemeParams": json.dumps(theme)})
    return f"{path}#{launch}"


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height from its IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE, data[:16]
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations"
                          ".filter(v => ['serious', 'critical'].includes(v.impact))"
                          ".map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target).join(', ')})`)")
    return list(found)


def test_typing_shows_results_and_the_address_keeps_the_query(page, web):
    page.goto("/")
    page.keyboard.press("/")  # "/" jumps to the search box
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(QUERY)
    texts = search_results(page)
    assert texts and all(text.strip() for text in texts)
    assert parse_qs(urlsplit(page.url).query)["q"] == [QUERY]
    assert re.search(r"\d+ quotes? found", page.inner_text("#status"))

    page.select_option("#speaker", "Sam Altman")
    page.wait_for_url(re.compile(r"speaker=Sam"))
    page.wait_for_function("() => [...document.querySelectorAll('#results .speaker')]"
                           ".every(s => s.textContent === 'Sam Altman')")
    kept = page.url

    page.goto(kept)  # the address alone brings back the same results
    assert page.input_value("#q") == QUERY
    assert page.input_value("#speaker") == "Sam Altman"
    assert search_results(page)
    assert set(page.locator("#results .speaker").all_inner_texts()) == {"Sam Altman"}


def test_a_result_opens_its_page_whose_preview_is_the_card(page, web):
    page.goto(f"/?q={quote(QUERY)}")
    first = page.locator("#results a.result-link").first
    first.wait_for()
    text = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/q/\d+"))
    assert page.locator("main.quote-page blockquote.quote").inner_text().strip() == text.strip()

    image = page.get_attribute('meta[property="og:image"]', "content")
    assert image and re.search(r"/q/\d+\.png", image)
    card = urlsplit(image)
    response = page.request.get(web.base + card.path + (f"?{card.query}" if card.query else ""))
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/png")
    width, height = png_size(response.body())
    assert width >= 600 and height >= 300  # a card, not a pixel


def test_copy_link_and_share_to_telegram(page, web):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.base)
    page.goto(f"/?q={quote(QUERY)}")
    search_results(page)
    copy = page.locator("#results button.copy-link").first
    url = copy.get_attribute("data-url")
    assert url and re.search(r"/q/\d+$", url)
    copy.click()
    page.wait_for_function("() => document.getElementById('status').textContent.includes('copied')")
    assert page.evaluate("navigator.clipboard.readText()") == url

    share = page.locator("#results a.share-telegram").first.get_attribute("href")
    assert share.startswith("https://t.me/share/url?")
    assert parse_qs(urlsplit(share).query)["url"] == [url]

    # The quote page's own button (page.js), with the Clipboard API refused: the fallback copies.
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(urlsplit(url).path)
    page.locator("button.copy-link[data-url]").first.click()
    page.wait_for_selector("[role=status]:has-text('copied')", state="attached")


def test_language_and_script_switch(page, web):
    page.goto(f"/?q={quote(QUERY)}&script=simplified")
    texts = search_results(page)
    assert all("对齐" in text and "對齊" not in text for text in texts)

    page.select_option("#script", "")  # automatic: follows the language
    page.select_option("#lang", "zh-Hant")
    page.wait_for_function("() => [...document.querySelectorAll('#results a.result-link')]"
                           ".every(a => a.textContent.includes('對齊'))")
    assert page.get_attribute("html", "lang") == "zh-Hant"
    assert page.inner_text("label[for=q]") == "搜尋語錄"
    assert parse_qs(urlsplit(page.url).query)["lang"] == ["zh-Hant"]
    link = page.locator("#results a.result-link").first.get_attribute("href")
    assert "lang=zh-Hant" in link

    page.goto("/q/" + re.search(r"/q/(\d+)", link).group(1) + "?lang=en&script=simplified")
    assert page.get_attribute("html", "lang") == "en"
    assert "对齐" in page.inner_text("blockquote.quote")
    page.click("nav.lang-switch a[hreflang=zh-Hant]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-Hant'")
    page.locator("nav.script-switch a").filter(has_text=re.compile("繁|traditional", re.I)).first.click()
    page.wait_for_function("() => document.querySelector('blockquote.quote').textContent.includes('對齊')")


def test_keyboard_moves_through_results_and_opens_one(page, web):
    page.goto(f"/?q={quote(QUERY)}")
    links = search_results(page)
    assert len(links) >= 3
    page.keyboard.press("/")
    focused = "document.activeElement.className"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == "result-link"
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.getAttribute('href')")
    assert second == page.locator("#results a.result-link").nth(1).get_attribute("href")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # the copy button, with a visible focus ring
    assert page.evaluate(focused) == "copy-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("ArrowDown")  # from a result's button to the next result
    assert page.evaluate("document.activeElement.getAttribute('href')") == second
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q/\d+"))
    assert page.locator("main.quote-page").count() == 1


def test_forged_and_stale_init_data_are_refused(page, web):
    page.goto("/")
    now = int(time.time())
    tampered = signed_init_data().replace("Ada", "Eve")
    refused = {
        "missing": None,
        "forged": signed_init_data(token=OTHER_TOKEN),
        "tampered": tampered,
        "stale": signed_init_data(auth_date=now - 25 * 3600),
    }
    for name, data in refused.items():
        status = page.evaluate(
            "async (data) => (await fetch('/api/v1/me', data ? {headers: {Authorization: `tma ${data}`}} : {})).status",
            data,
        )
        assert status == 401, name
    assert web.state.chat_settings(USER["id"]).language is None

    # The page opened with forged initData says so, and still searches.
    page.add_init_script(EVENTS_RECORDER)
    page.goto("about:blank")  # from "/" a new "#..." would not load the page again
    page.goto(mini_app_url(refused["forged"]))
    page.wait_for_selector("#account:not([hidden])")
    assert "could not be checked" in page.inner_text("#account")


def test_mini_app_reads_and_saves_the_users_settings(page, web):
    web.state.set_language(USER["id"], "zh-Hant")
    page.add_init_script(EVENTS_RECORDER)
    page.goto(mini_app_url(signed_init_data()))
    page.wait_for_selector("#account:not([hidden])")
    assert "Ada" in page.inner_text("#account")
    assert page.get_attribute("html", "lang") == "zh-Hant"  # the bot's setting applies here
    events = [name for name, _ in page.evaluate("window.__tgEvents")]
    assert "web_app_ready" in events and "web_app_expand" in events
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"  # Telegram's theme colours

    with page.expect_response(lambda r: r.url.endswith("/api/v1/me") and r.request.method == "PUT") as put:
        page.select_option("#script", "hongkong")
    assert put.value.status == 200
    with page.expect_response(lambda r: r.url.endswith("/api/v1/me") and r.request.method == "PUT"):
        page.select_option("#theme", "dark")
    settings = wait_for(lambda: web.state.chat_settings(USER["id"]), lambda s: s.theme == "dark")
    assert (settings.language, settings.script, settings.theme) == ("zh-Hant", "hongkong", "dark")

    page.fill("#q", QUERY)
    search_results(page)
    send = page.locator("#results button.send-chat").first
    quote_id = re.search(r"/q/(\d+)", page.locator("#results a.result-link").first.get_attribute("href")).group(1)
    send.click()
    sent = [data for name, data in page.evaluate("window.__tgEvents") if name == "web_app_switch_inline_query"]
    assert sent == [{"query": f"#{quote_id}", "chat_types": ["users", "groups", "channels"]}]


def wait_for(read, done, seconds: float = 5.0):
    """What `read` gives once `done` holds of it (the store may write in the background)."""
    deadline = time.monotonic() + seconds
    value = read()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


def test_no_serious_accessibility_violations(browser, web):
    # axe-core is injected as a script of the page, which the page's CSP forbids: bypassed here.
    context = browser.new_context(base_url=web.base, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"/?q={quote(QUERY)}")
    search_results(page)
    assert serious_violations(page) == []
    page.emulate_media(color_scheme="dark")
    assert serious_violations(page) == []

    page.goto(urlsplit(page.locator("#results button.copy-link").first.get_attribute("data-url")).path)
    page.emulate_media(color_scheme="light")
    assert serious_violations(page) == []
    context.close()


def test_search_page_weighs_under_100_kb_and_loads_nothing_from_elsewhere(page, web):
    loaded: list[tuple[str, int]] = []
    page.on("requestfinished", lambda request: loaded.append(
        (request.url, request.sizes()["responseBodySize"])))
    response = page.goto("/")
    page.wait_for_load_state("networkidle")
    assert all(url.startswith(web.base) for url, _ in loaded), loaded
    assert sum(size for _, size in loaded) < 100_000, loaded
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
