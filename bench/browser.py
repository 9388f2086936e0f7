"""What `bench/screenshots.py` and `bench/web_page.py` share: the web server over a quote
database on loopback, and Debian's Chromium driven by Playwright, with CJK fonts.

Chromium finds fonts through fontconfig; a bare Debian has no CJK font, so Chinese would
draw as boxes. The Noto Sans CJK font the cards already ship (a wheel) is added to
fontconfig's folders for the browser alone, so nothing needs installing system-wide.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import common  # noqa: F401  (puts the repository on sys.path)

CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str:
    """Debian's Chromium (QUOTEBOT_CHROMIUM names another); SystemExit with the fix when absent."""
    for candidate in (os.environ.get("QUOTEBOT_CHROMIUM"), CHROMIUM, shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("no Chromium found: apt-get install chromium (or set QUOTEBOT_CHROMIUM)")


def fontconfig_file(folder: Path) -> Path:
    """A fontconfig file: the system's configuration plus the folder of the cards' CJK font."""
    import cvttf_NotoSansCJK_Regular

    cjk = Path(cvttf_NotoSansCJK_Regular.__file__).parent
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{cjk}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (Playwright's Browser) that can draw Chinese."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(Path(scratch)))}
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"], env=env)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def web_site(db_path: Path, token: str | None = None) -> Iterator[str]:
    """The real web server (bot.web) over `db_path` on 127.0.0.1, without rate limits: its base URL."""
    from bot.search import Searcher
    from bot.state import SQLiteStateStore
    from bot.web.server import serve_in_thread

    state = SQLiteStateStore(":memory:")
    base, stop = serve_in_thread(Searcher(db_path), state, port=0, token=token, per_minute=0)
    try:
        yield base.rstrip("/")
    finally:
        stop()
        state.close()
