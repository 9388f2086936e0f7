"""What a reader of the web waits for: the weight of the search page `/` and of a quote
page (the document and every file it loads, no card image), and the time from the last
keystroke to the first result on screen, on the seeds, measured inside the browser.

    python bench/web_page.py                 # db/quotes.db, 30 tries
    python bench/web_page.py --tries 60 --db FILE

The real web server runs on loopback (bench/browser.py), without rate limits, and the
browser is Debian's Chromium with its HTTP cache off, so every search reaches the server.
Each try types a different dev-set query (tests/data/queries*.jsonl) into an empty box:
all but its last character at once, then the last one as a key press. The time runs from
that key's input event (performance.now()) to the first result in the list (a
MutationObserver), then to the frame that shows it (requestAnimationFrame, then a task).
Targets: each page under 100 KB, the first result on screen under 150 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

from browser import chromium, web_site
from common import ROOT
from tabulate import tabulate

TARGET_PAGE_BYTES = 100_000
TARGET_FIRST_RESULT_MS = 150
DEV_SETS = ("queries.jsonl", "queries_extra.jsonl", "topics.jsonl")

# Set up before the last key: resolves with the times (ms, performance.now()) of the last
# input event, of the first result in the list, of the frame that shows it, and of the
# search request (Resource Timing).
MEASURE = """() => {
  const results = document.getElementById("results");
  let typed = null;
  document.getElementById("q").addEventListener("input", () => { typed = performance.now(); }, {capture: true});
  window.__measured = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (typed === null || !results.querySelector("li.result")) return;
      const shown = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => {
        const searches = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/v1/search"));
        const request = searches[searches.length - 1];
        resolve({typed, shown, painted: performance.now(),
                 requestStart: request ? request.startTime : null, responseEnd: request ? request.responseEnd : null});
      }, 0));
    });
    observer.observe(results, {childList: true});
  });
}"""


def dev_queries(base: str, wanted: int) -> list[str]:
    """`wanted` different dev-set queries the seeds answer (asked once to the API to check)."""
    found: list[str] = []
    for name in DEV_SETS:
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
            query = json.loads(line)["query"] if line.strip() else ""
            if len(query) < 2 or query in found:
                continue
            with urlopen(f"{base}/api/v1/search?{urlencode({'q': query, 'limit': 1})}") as response:
                if json.load(response)["results"]:
                    found.append(query)
            if len(found) == wanted:
                return found
    return found


def page_weight(browser, base: str, path: str) -> dict[str, int]:
    """Bytes the page loads (bodies as sent, and uncompressed), by kind; card images left out."""
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    loaded: list = []
    page.on("requestfinished", lambda request: loaded.append(request))
    page.goto(path)
    page.wait_for_load_state("networkidle")
    weight = {"files": 0, "sent": 0, "uncompressed": 0, "api": 0}
    for request in loaded:
        response = request.response()
        if response is None or response.headers.get("content-type", "").startswith("image/png"):
            continue
        if not request.url.startswith(base):
            raise SystemExit(f"{path} loaded {request.url} from elsewhere")
        sent = request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        weight["files"] += 1
        weight["sent"] += sent
        weight["uncompressed"] += len(response.body())
        if "/api/" in request.url:
            weight["api"] += sent
    context.close()
    return weight


def first_results(browser, base: str, queries: list[str]) -> list[dict[str, float]]:
    """For each query, the times from its last key to the first result (and their parts)."""
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto("/")
    page.wait_for_load_state("networkidle")
    tries = []
    for query in queries:
        page.fill("#q", "")
        page.wait_for_function("() => !document.querySelector('#results li')")
        page.evaluate("performance.clearResourceTimings()")
        page.focus("#q")
        page.evaluate(MEASURE)
        page.keyboard.insert_text(query[:-1])
        page.keyboard.type(query[-1])
        times = page.evaluate("window.__measured")
        tries.append({
            "shown": times["shown"] - times["typed"],
            "painted": times["painted"] - times["typed"],
            "waited": times["requestStart"] - times["typed"],
            "request": times["responseEnd"] - times["requestStart"],
            "rendered": times["painted"] - times["responseEnd"],
        })
    context.close()
    return tries


def p99(values: list[float]) -> float:
    """The 99th percentile (the largest of fewer than 100 values)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "db" / "quotes.db")
    parser.add_argument("--tries", type=int, default=30)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"no quote database at {args.db}: make db")
    with web_site(args.db) as base, chromium() as browser:
        queries = dev_queries(base, args.tries)
        with urlopen(f"{base}/api/v1/search?{urlencode({'q': queries[0], 'limit': 1})}") as response:
            quote_path = "/q/" + str(json.load(response)["results"][0]["id"])
        weights = {"/ (search page)": page_weight(browser, base, "/"),
                   f"{quote_path} (quote page)": page_weight(browser, base, quote_path)}
        tries = first_results(browser, base, queries)

    print(tabulate(
        [[page, w["files"], f"{w['sent']:,}", f"{w['uncompressed']:,}", f"{w['api']:,}",
          "yes" if w["sent"] < TARGET_PAGE_BYTES else "NO"] for page, w in weights.items()],
        headers=["page", "files", "bytes sent", "uncompressed", "of which API", f"< {TARGET_PAGE_BYTES // 1000} KB"],
    ))
    print()
    rows = []
    for key, label in (("painted", "last key -> first result on screen"),
                       ("shown", "last key -> first result in the page"),
                       ("waited", "  waiting (debounce) before the request"),
                       ("request", "  the search request (loopback)"),
                       ("rendered", "  answer -> on screen")):
        values = [t[key] for t in tries]
        rows.append([label, f"{statistics.median(values):.1f}", f"{p99(values):.1f}", f"{max(values):.1f}"])
    print(tabulate(rows, headers=[f"{len(tries)} tries, ms", "median", "p99", "max"], disable_numparse=True))
    painted = [t["painted"] for t in tries]
    verdict = "met" if p99(painted) < TARGET_FIRST_RESULT_MS else "NOT met"
    print(f"\ntarget: first result on screen under {TARGET_FIRST_RESULT_MS} ms (p99): {verdict}")


if __name__ == "__main__":
    main()
