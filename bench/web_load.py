"""The web API under load: 50 concurrent clients on loopback against the real server at a
million quotes, and the same against the seeds for comparison.

The million-quote corpus is bench/latency.py's synthetic one (bench/out/synthetic-N.db,
built once and reused after: with matching by meaning, embedding its 1.9 million sentences
takes about 45 minutes on two cores; `make bench` builds it with bench/latency.py first).
For each corpus this starts
`quotebot web --port N --db PATH` in a process of its own and loads it with Debian's `wrk`
(`apt-get install wrk`), one endpoint at a time, each with a Lua script cycling over a fixed
mix of URLs:

* search: the dev sets' real queries (tests/data/*.jsonl) and queries cut from the corpus
  itself (bench/latency.py's mix: exact, typo, traditional, speaker, English, negative);
* random: `/api/v1/random`, plain and with length bounds;
* quote: `/api/v1/quotes/{id}` for ids spread over the whole corpus;
* page: `/q/{id}` in the three languages;
* card: `/q/{id}.png` for ids seen once each (rendered), and card-cached: 20 ids asked again;
* popular-page and popular-card via nginx (large corpus only, when Debian's nginx is
  installed): 200 pages and their cards through deploy/nginx.conf (TLS, its cache) in front
  of the server, as the cluster serves the quotes people share (tests/nginx.py runs it).

Each client is a reader of its own: the requests carry X-Forwarded-For from a pool of
addresses, and the server trusts it from loopback (QUOTEBOT_TRUSTED_PROXIES), so the
per-client rate limit sees many readers, as behind nginx; 429s are counted apart.
It prints requests per second, p50/p99 per endpoint, non-2xx answers, the server's CPU
use during each run and its peak resident memory, then the seeds against the million
(ratios), and writes everything to `--out/web_load.json`. Nothing here asserts a time.

    python bench/web_load.py                                   # a million quotes, and the seeds
    python bench/web_load.py --size 3000 --duration 3 --warmup 1   # a quick run
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote as url_quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import latency  # noqa: E402

DATA = ROOT / "tests" / "data"
QUERY_FILES = ("queries.jsonl", "queries_extra.jsonl", "queries_semantic.jsonl", "topics.jsonl")
DEFAULT_OUT = ROOT / "bench" / "out"
DEFAULT_SEEDS_DB = ROOT / "db" / "quotes.db"
ENDPOINTS = ("search", "random", "quote", "page", "card", "card-cached")
URL_SEED = 20_261_206
CORPUS_QUERIES = 300  # queries cut from the corpus, beside the dev sets' own
IDS = 20_000  # distinct ids for quote, page and card URLs (more than a run asks for cards)
CACHED_CARDS = 20
POPULAR = 200  # the quotes shared most: the pages and cards asked through nginx's cache
NGINX_ENDPOINTS = ("popular-page", "popular-card")
# What every request says of its reader, as a browser would (the server compresses for it).
READER_HEADERS = {"Accept-Language": "en-US,en;q=0.9,zh-CN;q=0.8", "Accept-Encoding": "gzip"}
CLIENT_ADDRESSES = 5_000  # readers the X-Forwarded-For pool pretends to be
READY_TIMEOUT_S = 600.0


# -- the URL mixes ---------------------------------------------------------------------


def dev_queries() -> list[str]:
    """Every query of the dev sets in tests/data, first seen first."""
    queries: dict[str, None] = {}
    for name in QUERY_FILES:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("query"):
                queries[json.loads(line)["query"]] = None
    return list(queries)


def corpus_sample(db_path: Path, count: int, rng: random.Random) -> tuple[list[int], list]:
    """`count` quote ids spread at random over the corpus, and those quotes (for queries)."""
    from bot.quotedb import QuoteDB

    db = QuoteDB(db_path)
    try:
        low, high = db.id_range()
        assert low is not None and high is not None, f"{db_path} has no quotes"
        ids = [rng.randint(low, high) for _ in range(count)]
        quotes = [q for q in (db.quote(i) for i in ids[:CORPUS_QUERIES * 3]) if q is not None]
    finally:
        db.close()
    return ids, quotes


def url_mixes(db_path: Path) -> dict[str, list[str]]:
    """Each endpoint's URLs, the same for the same database."""
    rng = random.Random(URL_SEED)
    ids, quotes = corpus_sample(db_path, IDS, rng)
    seed = latency.read_seed_corpus()
    cut = latency.query_mix([(q.text, q.speaker) for q in quotes], CORPUS_QUERIES, seed)
    queries = dev_queries() + [q["query"] for q in cut]
    rng.shuffle(queries)
    langs = ("", "?lang=en", "?lang=zh-Hans", "?lang=zh-Hant&script=traditional")
    return {
        "search": [f"/api/v1/search?q={url_quote(q)}" for q in queries],
        "random": [
            "/api/v1/random",
            "/api/v1/random?min_length=10&max_length=60",
            "/api/v1/random?encode=text",
            "/api/v1/random?lang=en",
        ],
        "quote": [f"/api/v1/quotes/{i}" for i in ids],
        "page": [f"/q/{i}{langs[n % len(langs)]}" for n, i in enumerate(ids)],
        "card": [f"/q/{i}.png" for i in ids],
        "card-cached": [f"/q/{i}.png" for i in ids[:CACHED_CARDS]],
        "popular-page": [f"/q/{i}{langs[n % len(langs)]}" for n, i in enumerate(ids[:POPULAR])],
        "popular-card": [f"/q/{i}.png" for i in ids[:POPULAR]],
    }


# -- wrk ---------------------------------------------------------------------------------

# Each wrk thread walks the URL list from its own offset; the X-Forwarded-For pool makes
# each request come from one of many readers. done() prints one JSON line.
LUA = r"""
-- Globals where wrk's setup() and done() reach them (thread:set and thread:get).
local paths = %(paths)s
local addresses = %(addresses)d
local counter = 0
local threads = {}
local next_offset = 0
codes = {}
offset = 0

function setup(thread)
  thread:set("offset", next_offset)
  next_offset = next_offset + 7919
  table.insert(threads, thread)
end

function init(args)
  counter = offset
end

function request()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  local reader = counter %% addresses
  local headers = {
    ["X-Forwarded-For"] = string.format("10.%%d.%%d.%%d", math.floor(reader / 65536) %% 256,
                                        math.floor(reader / 256) %% 256, reader %% 256),
    ["Accept-Language"] = %(accept_language)s,
    ["Accept-Encoding"] = %(accept_encoding)s,
  }
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("codes")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%%d": %%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "mean_us": %%.1f, "errors": {"connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d}, "codes": {%%s}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ", ")))
end
"""


def lua_script(paths: list[str]) -> str:
    """The wrk script cycling over `paths`."""
    listed = "{\n" + ",\n".join(json.dumps(p) for p in paths) + "\n}"
    return LUA % {
        "paths": listed,
        "addresses": CLIENT_ADDRESSES,
        "accept_language": json.dumps(READER_HEADERS["Accept-Language"]),
        "accept_encoding": json.dumps(READER_HEADERS["Accept-Encoding"]),
    }


def wrk_binary() -> str:
    """Debian's wrk, or a clear exit."""
    found = shutil.which("wrk")
    if found is None:
        sys.exit("bench/web_load.py needs wrk: apt-get install -y wrk")
    return found


def run_wrk(base_url: str, script: Path, connections: int, threads: int, seconds: float) -> dict:
    """One wrk run; its figures (the JSON line done() printed)."""
    command = [
        wrk_binary(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
        "--timeout", "10s", "-s", str(script), base_url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if result.returncode or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return json.loads(line.removeprefix("WRK_JSON "))


def figures(raw: dict) -> dict:
    """Requests per second, latency in ms and answers by kind, from wrk's figures."""
    codes = {int(k): v for k, v in raw["codes"].items()}
    ok = sum(n for status, n in codes.items() if 200 <= status < 400)
    seconds = raw["duration_us"] / 1e6
    errors = raw["errors"]
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "ok_rps": round(ok / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "mb_per_s": round(raw["bytes"] / seconds / 2**20, 2) if seconds else 0.0,
        "codes": dict(sorted(codes.items())),
        "rate_limited": codes.get(429, 0),
        "socket_errors": sum(errors[k] for k in ("connect", "read", "write", "timeout")),
    }


# -- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """`quotebot web` in a process of its own."""

    process: subprocess.Popen
    base_url: str
    start_s: float

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> dict:
        """Resident memory now and at its peak (VmRSS, VmHWM), in MB."""
        values = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = round(int(rest.split()[0]) / 1024, 1)
        return {"rss_mb": values.get("VmRSS"), "peak_rss_mb": values.get("VmHWM")}


def quotebot_command() -> list[str]:
    """`quotebot` beside this interpreter (the venv's), else `python -m bot`."""
    beside = Path(sys.executable).with_name("quotebot")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "bot"]


@contextlib.contextmanager
def running_server(db_path: Path, scratch: Path, per_minute: str = "") -> Iterator[Server]:
    """The real server on a free loopback port, answering; stopped after. `per_minute`
    sets QUOTEBOT_WEB_PER_MINUTE ("0": no rate limit; default: the server's own)."""
    scratch.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "QUOTEBOT_STATE_DB": str(scratch / "state.db"),
        "QUOTEBOT_HEARTBEAT": str(scratch / "heartbeat"),
        "QUOTEBOT_SEEDS": str(ROOT / "seeds"),
        "QUOTEBOT_PUBLIC_URL": base_url,
        "QUOTEBOT_WEB_LISTEN": "127.0.0.1",
        "QUOTEBOT_TRUSTED_PROXIES": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    if per_minute:
        env["QUOTEBOT_WEB_PER_MINUTE"] = per_minute
    env.pop("TELEGRAM_BOT_TOKEN", None)
    started = time.perf_counter()
    log_file = (scratch / "server.log").open("w")
    process = subprocess.Popen(
        [*quotebot_command(), "web", "--port", str(port), "--db", str(db_path)],
        cwd=scratch, env=env, stdout=log_file, stderr=subprocess.STDOUT,
    )
    try:
        wait_until_answering(base_url, process, scratch / "server.log")
        yield Server(process, base_url, round(time.perf_counter() - started, 2))
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()


def wait_until_answering(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    """Until the API answers a request (or the server died: its log in the error)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"quotebot web exited {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/v1/speakers", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"quotebot web did not answer within {READY_TIMEOUT_S:.0f} s")


# -- one corpus ----------------------------------------------------------------------------


def measure_corpus(name: str, db_path: Path, args, scratch: Path, through_nginx: bool) -> dict:
    """Every endpoint's figures against one database (and through nginx's cache if asked)."""
    log(f"[{name}] preparing URLs")
    mixes = url_mixes(db_path)
    scripts = {}
    for endpoint, paths in mixes.items():
        scripts[endpoint] = scratch / f"{name}-{endpoint}.lua"
        scripts[endpoint].write_text(lua_script(paths), encoding="utf-8")
    log(f"[{name}] starting quotebot web --db {db_path}")
    results: dict = {"corpus": name, "db": str(db_path), "quotes": count_quotes(db_path)}
    with running_server(db_path, scratch / "server") as server:
        results["start_s"] = server.start_s
        results["idle"] = server.memory_mb()
        results["endpoints"] = {
            endpoint: load(name, endpoint, server, server.base_url, scripts[endpoint], args)
            for endpoint in args.endpoints
        }
        results["after"] = server.memory_mb()
    if through_nginx:
        results["nginx"] = measure_through_nginx(name, db_path, args, scratch, scripts, mixes)
    return results


def load(name: str, endpoint: str, server: Server, url: str, script: Path, args) -> dict:
    """One endpoint under load (after a warm-up, but for new cards): wrk's figures and the
    server's CPU use meanwhile."""
    if args.warmup > 0 and endpoint != "card":  # a card warmed up is a cached card
        run_wrk(url, script, args.connections, args.threads, args.warmup)
    log(f"[{name}] {endpoint}: {args.connections} clients for {args.duration:g} s")
    cpu_before, wall_before = server.cpu_seconds(), time.perf_counter()
    raw = run_wrk(url, script, args.connections, args.threads, args.duration)
    cpu = server.cpu_seconds() - cpu_before
    wall = time.perf_counter() - wall_before
    return {**figures(raw), "server_cpu_percent": round(100 * cpu / wall, 1)}


def prefill(base_url: str, paths: list[str]) -> None:
    """Ask for each of `paths` once, with the readers' headers, four at a time."""
    import ssl
    from concurrent.futures import ThreadPoolExecutor

    context = ssl._create_unverified_context()  # nginx's throw-away certificate

    def fetch(path: str) -> None:
        request = urllib.request.Request(base_url + path, headers=READER_HEADERS)
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            response.read()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(fetch, paths))


def measure_through_nginx(
    name: str, db_path: Path, args, scratch: Path, scripts: dict, mixes: dict
) -> dict:
    """The popular pages and cards through deploy/nginx.conf (TLS, its cache) in front of
    the server, each asked once before (in the cache, as shared quotes are). nginx gives the
    server the one address wrk connects from, so this server runs without a rate limit
    (QUOTEBOT_WEB_PER_MINUTE=0)."""
    from tests.nginx import Nginx

    log(f"[{name}] through nginx: starting quotebot web without a rate limit, and nginx")
    with running_server(db_path, scratch / "server-nginx", per_minute="0") as server:
        folder = scratch / "nginx"
        folder.mkdir()
        port = int(server.base_url.rsplit(":", 1)[1])
        nginx = Nginx(folder, [port]).start()
        try:
            url = f"https://127.0.0.1:{nginx.port}"
            for endpoint in NGINX_ENDPOINTS:
                prefill(url, mixes[endpoint])
            return {
                f"{endpoint} via nginx": load(name, f"{endpoint} via nginx", server, url,
                                              scripts[endpoint], args)
                for endpoint in NGINX_ENDPOINTS
            }
        finally:
            nginx.stop()


def count_quotes(db_path: Path) -> int:
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]


def seeds_database(path: Path | None, scratch: Path) -> Path:
    """The seeds' database: `path` when it exists (make db), else built into `scratch`."""
    if path is not None and path.exists():
        return path
    from bot.index import build_from_paths

    built = scratch / "seeds.db"
    log("building the seeds' database")
    build_from_paths([ROOT / "seeds"], ROOT / "seeds", built)
    return built


# -- reporting --------------------------------------------------------------------------------


def ratios(large: dict, small: dict) -> dict:
    """Per endpoint: the seeds' rps over the large corpus's, and the large p50/p99 over the seeds'."""
    out = {}
    for endpoint, big in large["endpoints"].items():
        seed = small["endpoints"].get(endpoint)
        if seed:
            out[endpoint] = {
                "rps_seeds_over_large": _ratio(seed["rps"], big["rps"]),
                "p50_large_over_seeds": _ratio(big["p50_ms"], seed["p50_ms"]),
                "p99_large_over_seeds": _ratio(big["p99_ms"], seed["p99_ms"]),
            }
    return out


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def print_report(report: dict) -> None:
    from tabulate import tabulate

    for corpus in report["corpora"]:
        print(
            f"\n{corpus['corpus']}: {corpus['quotes']:,} quotes; server answering "
            f"{corpus['start_s']} s after start; RSS idle {corpus['idle']['rss_mb']} MB, "
            f"peak {corpus['after']['peak_rss_mb']} MB"
        )
        rows = [
            [
                endpoint, f"{e['rps']:,.0f}", e["p50_ms"], e["p99_ms"], e["max_ms"],
                sum(n for s, n in e["codes"].items() if not 200 <= int(s) < 400),
                e["rate_limited"], e["socket_errors"], e["server_cpu_percent"],
            ]
            for endpoint, e in {**corpus["endpoints"], **corpus.get("nginx", {})}.items()
        ]
        print(tabulate(rows, headers=["endpoint", "req/s", "p50 ms", "p99 ms", "max ms",
                                      "non-2xx", "429", "socket err", "server CPU %"],
                       disable_numparse=True))
    if report.get("ratios"):
        print("\nseeds against the large corpus")
        rows = [
            [endpoint, r["rps_seeds_over_large"], r["p50_large_over_seeds"], r["p99_large_over_seeds"]]
            for endpoint, r in report["ratios"].items()
        ]
        print(tabulate(rows, headers=["endpoint", "req/s seeds / large", "p50 large / seeds",
                                      "p99 large / seeds"], disable_numparse=True))


def machine() -> dict:
    """What the figures were measured on."""
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )
    wrk = subprocess.run([wrk_binary(), "--version"], capture_output=True, text=True)
    return {"cpus": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "wrk": (wrk.stdout or wrk.stderr).split("\n", 1)[0].strip()}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000,
                        help="quotes in the synthetic corpus (default %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where the synthetic database is kept and web_load.json goes")
    parser.add_argument("--rebuild", action="store_true",
                        help="build the synthetic database again even if --out has it")
    parser.add_argument("--seeds-db", type=Path, default=DEFAULT_SEEDS_DB,
                        help="the seeds' database to compare with (default %(default)s; "
                        "built into a temporary folder when missing)")
    parser.add_argument("--no-seeds", action="store_true", help="skip the seeds' comparison")
    parser.add_argument("--no-nginx", action="store_true",
                        help="skip the popular pages and cards through deploy/nginx.conf")
    parser.add_argument("--connections", type=int, default=50,
                        help="concurrent clients (default %(default)s)")
    parser.add_argument("--threads", type=int, default=1,
                        help="wrk threads (default %(default)s: leaves the cores to the server)")
    parser.add_argument("--duration", type=float, default=15.0,
                        help="seconds of load per endpoint (default %(default)s)")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="seconds of unmeasured load before each endpoint (default %(default)s)")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS),
                        type=lambda text: [e for e in text.split(",") if e],
                        help="which endpoints, comma-separated (default %(default)s)")
    args = parser.parse_args(argv)
    unknown = set(args.endpoints) - set(ENDPOINTS)
    if unknown:
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")
    return args


def nginx_wanted(args) -> bool:
    """Whether to measure through nginx: unless --no-nginx, when Debian's nginx is here."""
    if args.no_nginx:
        return False
    from tests.nginx import NginxUnavailable, nginx_binary

    try:
        nginx_binary()
    except NginxUnavailable as error:
        log(f"not measuring through nginx: {error}")
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk_binary()
    args.out.mkdir(parents=True, exist_ok=True)
    db_path = args.out / f"synthetic-{args.size}.db"
    log(f"[{args.size:,}] {'building' if args.rebuild or not db_path.exists() else 'reusing'} {db_path}")
    build = latency.build_figures(args.size, db_path, reuse=not args.rebuild)
    report: dict = {
        "command": " ".join(["bench/web_load.py", *(argv if argv is not None else sys.argv[1:])]),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "connections": args.connections,
        "duration_s": args.duration,
        "build": build,
        "corpora": [],
    }
    with tempfile.TemporaryDirectory(prefix="web-load-") as folder:
        scratch = Path(folder)
        large_scratch = scratch / "large"
        large_scratch.mkdir()
        report["corpora"].append(
            measure_corpus(f"{args.size:,}", db_path, args, large_scratch, nginx_wanted(args))
        )
        if not args.no_seeds:
            seeds_scratch = scratch / "seeds"
            seeds_scratch.mkdir()
            seeds_db = seeds_database(args.seeds_db, seeds_scratch)
            report["corpora"].append(measure_corpus("seeds", seeds_db, args, seeds_scratch, False))
            report["ratios"] = ratios(report["corpora"][0], report["corpora"][1])
    (args.out / "web_load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"{report['command']}  ({report['date']}; {report['machine']['cpus']} x "
          f"{report['machine']['cpu']}, {args.connections} clients, {args.duration:g} s each)")
    print_report(report)
    print(f"\nfigures: {args.out / 'web_load.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
