"""The README's screenshots of the web: the search page showing a query's results and a
quote page, at desktop (1280x800) and phone (390x844) widths, light and dark.

    python bench/screenshots.py                      # db/quotes.db into docs/screenshots/
    python bench/screenshots.py --query 对齐 --lang zh-Hans

Served by the real web server on loopback and drawn by Debian's Chromium (bench/browser.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from browser import chromium, web_site
from common import ROOT

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")


def shoot(browser, base: str, out: Path, query: str, lang: str) -> list[Path]:
    """Every screenshot: each page at each size in each colour scheme."""
    written = []
    for size, viewport in SIZES.items():
        for scheme in SCHEMES:
            context = browser.new_context(viewport=viewport, color_scheme=scheme, base_url=base,
                                          device_scale_factor=1, locale=lang)
            page = context.new_page()
            page.goto("/?" + urlencode({"q": query, "lang": lang}))
            page.wait_for_selector("#results li.result")
            page.wait_for_load_state("networkidle")
            written.append(save(page, out / f"search-{size}-{scheme}.png"))
            quote_page = urlsplit(page.locator("#results a.result-link").first.get_attribute("href"))
            page.goto(f"{quote_page.path}?{quote_page.query}")
            page.wait_for_load_state("networkidle")
            written.append(save(page, out / f"quote-{size}-{scheme}.png"))
            context.close()
    return written


def save(page, path: Path) -> Path:
    """The page's viewport as a PNG, re-compressed (Pillow) to keep the repository small."""
    from PIL import Image

    page.screenshot(path=str(path))
    with Image.open(path) as image:
        image.load()
    image.save(path, optimize=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "db" / "quotes.db")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--query", default="alignment")
    parser.add_argument("--lang", default="en", choices=("en", "zh-Hans", "zh-Hant"))
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"no quote database at {args.db}: make db")
    args.out.mkdir(parents=True, exist_ok=True)
    with web_site(args.db) as base, chromium() as browser:
        for path in shoot(browser, base, args.out, args.query, args.lang):
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
