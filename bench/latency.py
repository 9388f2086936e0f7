"""Query latency at scale: the engine against a linear scan, on synthetic corpora.

For each size (10 thousand, 100 thousand and 1 million quotes by default) this
builds a deterministic synthetic corpus from the seeds' own sentences through the
real build path (`bot.index.build`) and measures:

* build time, the build's own peak memory and the database size (the build runs
  in a process of its own, `--build-one`);
* the searching process: a fresh `--serve-one` process that opens the database,
  answers the query mix and reports its peak resident memory (VmHWM), and the
  time from its start to its first answer (a warm start: the database is built
  and in the OS cache); run a few times, median start, worst memory;
* query latency p50/p99 over a fixed query mix for the engine and for the
  linear-scan baseline (rapidfuzz `extractOne` with `partial_ratio` over every
  normalized quote), both in this process so the ratio is fair.

Nothing here asserts a time: it prints a table and writes the figures to
`--out/latency.json`. tests/test_latency_bench.py runs a tiny version.

    python bench/latency.py                      # 10k, 100k, 1M quotes (the 1M build takes minutes)
    python bench/latency.py --sizes 300 --queries 20 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import statistics
import string
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV_QUERIES = ROOT / "tests" / "data" / "queries.jsonl"
TOPIC_QUERIES = ROOT / "tests" / "data" / "topics.jsonl"
DEFAULT_OUT = ROOT / "bench" / "out"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)

# Fixed seeds: the same sizes always give the same corpus and the same query mix.
CORPUS_SEED = 20_240_611
QUERY_SEED = 20_240_612

QUOTES_PER_DOCUMENT = 500
MAX_QUOTES_PER_PASSAGE = 4
# How many times the searching process is started: its start time is noisy on a shared machine.
START_RUNS = 3

# Sentence ends: Chinese marks (the seeds also use half-width ones between CJK text),
# and an English full stop only before white space (so `GPT-4.5` stays whole).
_SENTENCE_END = re.compile(r"(?<=[。！？；…!?;])\s*|(?<=\.)\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")

# Queries nothing in the corpus should answer (plus a few made to trip a query parser).
NEGATIVES = (
    "明天天气怎么样",
    "推荐一家北京的火锅店",
    "足球世界杯冠军是谁",
    "股票明天会涨吗",
    "猫咪为什么喜欢纸箱",
    "红烧肉的做法",
    "去上海的高铁几点发车",
    "周末去哪里爬山",
    "怎么修自行车链条",
    "感冒了吃什么药",
    "how do I bake bread",
    "what is the capital of France",
    "best hiking trails near Denver",
    "train schedule to Shanghai",
    "who won the world cup",
    "fix a flat bicycle tire",
    "123456",
    'AND OR NOT "',
    "*:() NEAR ^",
    "😀😀😀",
)
# The rotation of query kinds: exact substrings and typos are what people send most.
KIND_ROTATION = (
    "exact",
    "typo",
    "traditional",
    "speaker",
    "exact",
    "english",
    "typo",
    "negative",
    "dev",
    "latin-typo",
    "topic",
)


# -- the synthetic corpus ------------------------------------------------------------


@dataclass(frozen=True)
class SeedCorpus:
    """What the synthetic corpora are made of: the real documents' sentences and metadata."""

    sentences: list[str]
    documents: list  # the real Documents, whose descriptions the synthetic ones copy
    speakers: list[str]  # canonical names of the real quotes' speakers, first seen first
    alphabet: str  # every CJK character of the real quotes, repeats kept (frequency-weighted)


def read_seed_corpus(seeds_dir: Path = SEEDS) -> SeedCorpus:
    """Extract the seed documents and cut their quotes into sentences."""
    from bot.extract import extract_document, find_documents
    from bot.metadata import load_sources, load_speakers

    speakers = load_speakers(seeds_dir)
    facts = load_sources(seeds_dir)
    documents = [
        extract_document(path, speakers, facts.get(path.name))
        for path in find_documents([seeds_dir])
    ]
    documents = [d for d in documents if d.quotes]
    sentences: list[str] = []
    speaker_names: dict[str, None] = {}
    for document in documents:
        for unit in document.quotes:
            speaker_names[document.passages[unit.passage].speaker] = None
            sentences.extend(split_sentences(unit.text))
    sentences = list(dict.fromkeys(sentences))  # a sentence repeated in the seeds counts once
    alphabet = "".join(_CJK.findall("".join(sentences)))
    return SeedCorpus(sentences, documents, list(speaker_names), alphabet)


def split_sentences(text: str) -> list[str]:
    """The sentences of a quote, with their end marks; fragments under four characters dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) >= 4]


def synthetic_documents(size: int, seed: SeedCorpus) -> list:
    """`size` distinct quotes in documents of QUOTES_PER_DOCUMENT, the same for the same size.

    Each quote is 1-3 seed sentences recombined with one or two characters or
    digits changed; speakers and source descriptions cycle over the real ones.
    """
    rng = random.Random(CORPUS_SEED)
    seen: set[str] = set()
    documents = []
    for number in range(math.ceil(size / QUOTES_PER_DOCUMENT)):
        count = min(QUOTES_PER_DOCUMENT, size - number * QUOTES_PER_DOCUMENT)
        documents.append(_synthetic_document(number, count, seed, rng, seen))
    return documents


def _synthetic_document(number: int, count: int, seed: SeedCorpus, rng, seen: set[str]):
    from dataclasses import replace

    from bot.extract.model import Passage, QuoteUnit

    passages, quotes = [], []
    while len(quotes) < count:
        texts = [
            _distinct_quote(seed, rng, seen)
            for _ in range(min(rng.randint(1, MAX_QUOTES_PER_PASSAGE), count - len(quotes)))
        ]
        index = len(passages)
        speaker = seed.speakers[(number + index) % len(seed.speakers)]
        passages.append(Passage(speaker=speaker, text="\n\n".join(texts), line=2 * index + 1))
        quotes.extend(QuoteUnit(passage=index, text=text) for text in texts)
    template = seed.documents[number % len(seed.documents)]
    return replace(
        template,
        source=replace(template.source, file=f"synthetic-{number:05d}-{template.source.file}"),
        passages=passages,
        quotes=quotes,
        dropped=[],
        notes=[],
    )


def _distinct_quote(seed: SeedCorpus, rng, seen: set[str]) -> str:
    """A recombined, perturbed quote no earlier call returned.

    Distinct as the build sees quotes (its dedupe key), so none is dropped: a
    perturbation may only change the script of a character (們 for 们).
    """
    from bot.normalize import dedupe_key

    while True:
        parts = [rng.choice(seed.sentences) for _ in range(rng.randint(1, 3))]
        text = _perturb(_join_sentences(parts), seed.alphabet, rng)
        key = dedupe_key(text)
        if key not in seen:
            seen.add(key)
            return text


def _join_sentences(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        # English sentences need a space between them; Chinese ones none.
        text += (" " if text[-1].isascii() and part[0].isascii() else "") + part
    return text


def _perturb(text: str, alphabet: str, rng) -> str:
    """`text` with one or two letters, digits or characters replaced by others of their kind."""
    chars = list(text)
    spots = [i for i, ch in enumerate(chars) if ch.isalnum()]
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        chars[i] = _other_character(chars[i], alphabet, rng)
    return "".join(chars)


def _other_character(ch: str, alphabet: str, rng) -> str:
    if ch.isdigit():
        pool = string.digits
    elif ch.isascii():
        pool = string.ascii_lowercase
    else:
        pool = alphabet
    while True:  # a different character even after case folding (`A` -> `a` is no change)
        other = rng.choice(pool)
        if other.casefold() != ch.casefold():
            return other


# -- the query mix ---------------------------------------------------------------------


def query_mix(quotes: Sequence[tuple[str, str]], count: int, seed: SeedCorpus) -> list[dict]:
    """`count` distinct queries of every kind, from the corpus's (text, speaker) pairs.

    Kinds: exact substrings of quotes, the same with a typo, in traditional script,
    a speaker's name with a keyword, English terms of the glossary, the same misspelt
    (a Latin word the corpus does not know, which the speller corrects), negatives,
    the hand-labelled dev queries and the topics set (topic words, names, their typos).
    A kind whose fixed list runs out is skipped.
    """
    rng = random.Random(QUERY_SEED)
    makers = _query_makers(quotes, seed, rng)
    mix: list[dict] = []
    seen: set[str] = set()
    for turn in range(count * 20):  # bounded: every finite kind runs out eventually
        if len(mix) >= count:
            break
        kind = KIND_ROTATION[turn % len(KIND_ROTATION)]
        query = makers[kind]()
        if query and query not in seen:
            seen.add(query)
            mix.append({"kind": kind, "query": query})
    return mix


def _query_makers(quotes, seed: SeedCorpus, rng) -> dict[str, Callable[[], str | None]]:
    import opencc

    from bot.lexicon import default_glossary
    from bot.metadata import load_speakers

    names = {s.name: s.all_names for s in load_speakers(SEEDS)}
    to_traditional = opencc.OpenCC("s2t")
    english = _shuffled(default_glossary().keys(), rng)
    negatives = _shuffled(NEGATIVES, rng)
    dev = [
        json.loads(line)["query"] for line in DEV_QUERIES.read_text("utf-8").splitlines() if line
    ]
    topics = [
        json.loads(line)["query"] for line in TOPIC_QUERIES.read_text("utf-8").splitlines() if line
    ]
    misspelt = [_misspelt(word, rng) for word in _shuffled(default_glossary().keys(), rng) if len(word) >= 5]

    def window(low: int, high: int) -> str:
        text = rng.choice(quotes)[0]
        size = rng.randint(low, high)
        start = rng.randrange(max(1, len(text) - size))
        return _EDGE_PUNCTUATION.sub("", text[start : start + size])

    def typo() -> str:
        chars = list(window(6, 14))
        spots = [i for i, ch in enumerate(chars) if _CJK.match(ch)]
        if spots:
            i = rng.choice(spots)
            chars[i] = _other_character(chars[i], seed.alphabet, rng)
        return "".join(chars)

    def speaker() -> str:
        text, name = rng.choice(quotes)
        keywords = re.findall(r"[\u4e00-\u9fff]{2,4}|[A-Za-z]{4,}", text)
        return f"{rng.choice(names.get(name, (name,)))} {rng.choice(keywords or [text[:4]])}"

    return {
        "exact": lambda: window(6, 20),
        "typo": typo,
        "traditional": lambda: to_traditional.convert(window(6, 16)),
        "speaker": speaker,
        "english": lambda: english.pop() if english else None,
        "negative": lambda: negatives.pop() if negatives else None,
        "dev": lambda: dev.pop(0) if dev else None,
        "latin-typo": lambda: misspelt.pop() if misspelt else None,
        "topic": lambda: topics.pop(0) if topics else None,
    }


def _misspelt(phrase: str, rng) -> str:
    """An English phrase with two neighbouring letters of one word swapped (saftey)."""
    words = phrase.split(" ")
    i = max(range(len(words)), key=lambda n: len(words[n]))
    word = words[i]
    spot = rng.randrange(1, len(word) - 2) if len(word) > 3 else 0
    words[i] = word[:spot] + word[spot + 1] + word[spot] + word[spot + 2 :]
    return " ".join(words)


def _shuffled(items, rng) -> list:
    items = list(items)
    rng.shuffle(items)
    return items


# -- the two searchers ---------------------------------------------------------------


def open_engine(db_path: Path) -> Callable[[str], object]:
    """The engine as the bot uses it: one Searcher, the top three answers."""
    from bot.search import Searcher

    searcher = Searcher(db_path)
    searcher.warm_up()  # as the bot starts: the first answer waits for no model or vectors
    return lambda query: searcher.search(query, limit=3)


class LinearScan:
    """The baseline: the best partial_ratio over every normalized quote."""

    def __init__(self, texts: Sequence[str]):
        from bot.normalize import normalize

        self._normalize = normalize
        self.choices = [normalize(text) for text in texts]

    def search(self, query: str):
        from rapidfuzz import fuzz, process

        return process.extractOne(self._normalize(query), self.choices, scorer=fuzz.partial_ratio)


@dataclass
class Timings:
    """Milliseconds per query: elapsed, and CPU time of the answering thread.

    On a shared machine the elapsed time includes waiting for a core; the CPU time
    does not, so it tells the engine's own cost from the neighbours' noise.
    """

    wall: list[float]
    cpu: list[float]


def time_queries(answer: Callable[[str], object], queries: Sequence[str]) -> Timings:
    """Each query answered once, timed."""
    timings = Timings([], [])
    for query in queries:
        start, start_cpu = time.perf_counter(), time.thread_time()
        answer(query)
        timings.wall.append((time.perf_counter() - start) * 1000)
        timings.cpu.append((time.thread_time() - start_cpu) * 1000)
    return timings


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile (p99 of 100 values is the 99th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(values: Sequence[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 3),
        "p99_ms": round(percentile(values, 99), 3),
        "max_ms": round(max(values), 3),
        "mean_ms": round(statistics.fmean(values), 3),
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# -- the child processes ---------------------------------------------------------------


def build_one(size: int, db_path: Path, with_vectors: bool = True) -> dict:
    """Generate the corpus of `size` quotes and build it into `db_path` (run in a child);
    with the meaning model installed the build embeds every sentence (unless `with_vectors`
    is off: words alone)."""
    from bot.index import build
    from bot.metadata import load_speakers

    start = time.perf_counter()
    documents = synthetic_documents(size, read_seed_corpus())
    generated, generated_cpu = time.perf_counter(), cpu_seconds()
    counts = build(documents, load_speakers(SEEDS), db_path, with_vectors=with_vectors)
    return {
        "sentence_vectors": counts.get("sentences", 0),
        "generate_s": round(generated - start, 2),
        "build_s": round(time.perf_counter() - generated, 2),
        "build_cpu_s": round(cpu_seconds() - generated_cpu, 2),
        "quotes": counts["quotes"],
        "build_peak_rss_mb": peak_rss_mb(),
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the build's worker pool)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def serve_one(db_path: Path, queries_file: Path) -> dict:
    """Open the database, answer the first query (announced at once), then the rest (a child)."""
    queries = [q["query"] for q in json.loads(queries_file.read_text("utf-8"))]
    answer = open_engine(db_path)
    answer(queries[0])
    print("answered", flush=True)
    times = time_queries(answer, queries[1:] or queries)
    return {"peak_rss_mb": peak_rss_mb(), **summary(times.wall), "cpu": summary(times.cpu)}


def _run_child(args: list[str]) -> dict:
    """Run this script with `args`; its last stdout line is its figures as JSON."""
    result = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_searching_process(db_path: Path, queries_file: Path) -> dict:
    """Start a fresh searching process START_RUNS times: time to first answer, peak memory."""
    starts, runs = [], []
    for _ in range(START_RUNS):
        started = time.perf_counter()
        child = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve-one",
                str(db_path),
                "--queries-file",
                str(queries_file),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        first_line = child.stdout.readline()
        starts.append(time.perf_counter() - started)
        rest, errors = child.communicate()
        if child.returncode or first_line.strip() != "answered":
            raise RuntimeError(f"the searching process failed:\n{errors}")
        runs.append(json.loads(rest.strip().splitlines()[-1]))
    return {
        "warm_start_s": round(statistics.median(starts), 3),
        "start_runs_s": [round(s, 3) for s in starts],
        "peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
        "own_latency": runs[-1],  # latency with nothing else in the process
    }


# -- one size --------------------------------------------------------------------------


def build_figures(size: int, db_path: Path, reuse: bool, words_only: bool = False) -> dict:
    """Build the corpus of `size` (or reuse the one a previous run built, with its figures)."""
    figures_path = db_path.with_suffix(".build.json")
    if reuse and db_path.exists() and figures_path.exists():
        return {**json.loads(figures_path.read_text()), "reused": True}
    figures = _run_child(
        ["--build-one", str(size), "--db", str(db_path), *(["--words-only"] if words_only else [])]
    )
    figures_path.write_text(json.dumps(figures))
    return figures


def load_quotes(db_path: Path) -> list[tuple[str, str]]:
    """Every stored quote as (text, speaker name), in id order."""
    from bot.quotedb import QuoteDB

    db = QuoteDB(db_path)
    try:
        return [(quote.text, quote.speaker) for quote in db.quotes()]
    finally:
        db.close()


def evenly_spaced(items: list, count: int) -> list:
    """`count` items spread over the whole list (all of them when count is 0 or too big)."""
    if count <= 0 or count >= len(items):
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def measure_size(size: int, args, seed: SeedCorpus) -> dict:
    """Every figure for one corpus size."""
    db_path = args.out / f"synthetic-{size}.db"
    log(f"[{size:,}] building")
    build = build_figures(size, db_path, args.reuse, args.words_only)
    log(f"[{size:,}] built in {build['build_s']} s; preparing the query mix")
    quotes = load_quotes(db_path)
    queries = query_mix(quotes, args.queries, seed)
    queries_file = args.out / f"queries-{size}.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False, indent=0), "utf-8")

    log(f"[{size:,}] starting searching processes")
    serving = measure_searching_process(db_path, queries_file)

    log(f"[{size:,}] timing the engine")
    engine = open_engine(db_path)
    engine("预热 warm-up")  # start-up is measured above; latency is "after start-up"
    engine_times = time_queries(engine, [q["query"] for q in queries])

    log(f"[{size:,}] preparing and timing the linear scan")
    started = time.perf_counter()
    scan = LinearScan([text for text, _ in quotes])
    scan_prepare_s = time.perf_counter() - started
    del quotes
    sample = evenly_spaced(list(range(len(queries))), args.baseline_sample)
    baseline_times = time_queries(scan.search, [queries[i]["query"] for i in sample])
    del scan

    engine_summary = summary(engine_times.wall)
    baseline_summary = summary(baseline_times.wall)
    return {
        "size": size,
        **build,
        "db_mb": round(db_path.stat().st_size / 2**20, 1),
        "searching_process": serving,
        "engine": {**engine_summary, "cpu": summary(engine_times.cpu)},
        "engine_by_kind": _by_kind(queries, engine_times.wall),
        "engine_on_baseline_sample": summary([engine_times.wall[i] for i in sample]),
        "baseline": {
            **baseline_summary,
            "cpu": summary(baseline_times.cpu),
            "prepare_s": round(scan_prepare_s, 2),
        },
        "ratio_p50": _ratio(baseline_summary["p50_ms"], engine_summary["p50_ms"]),
        "ratio_p99": _ratio(baseline_summary["p99_ms"], engine_summary["p99_ms"]),
    }


def _by_kind(queries: list[dict], times: list[float]) -> dict:
    kinds: dict[str, list[float]] = {}
    for query, ms in zip(queries, times, strict=True):
        kinds.setdefault(query["kind"], []).append(ms)
    return {kind: summary(values) for kind, values in sorted(kinds.items())}


def _ratio(baseline_ms: float, engine_ms: float) -> float:
    """How many times faster the engine is; two significant digits below 1 (the meaning
    stage's query embedding makes a tiny corpus's scan faster than the engine)."""
    if engine_ms <= 0:
        return math.inf
    ratio = baseline_ms / engine_ms
    return round(ratio, 1) if ratio >= 1 else float(f"{ratio:.2g}")


# -- reporting -------------------------------------------------------------------------


def print_report(results: list[dict]) -> None:
    from tabulate import tabulate

    rows = [
        [
            f"{r['size']:,}",
            f"{r['quotes']:,}",
            r["build_s"],
            r["db_mb"],
            r["searching_process"]["peak_rss_mb"],
            r["searching_process"]["warm_start_s"],
            f"{r['engine']['p50_ms']:.2f} / {r['engine']['p99_ms']:.2f}",
            f"{r['engine']['cpu']['p50_ms']:.2f} / {r['engine']['cpu']['p99_ms']:.2f}",
            f"{r['baseline']['p50_ms']:.1f} / {r['baseline']['p99_ms']:.1f} (n={r['baseline']['n']})",
            f"{r['ratio_p50']}x / {r['ratio_p99']}x",
        ]
        for r in results
    ]
    headers = [
        "size",
        "quotes",
        "build s",
        "DB MB",
        "search RSS MB",
        "warm start s",
        "engine p50/p99 ms",
        "engine CPU p50/p99",
        "scan p50/p99 ms",
        "ratio p50/p99",
    ]
    print(tabulate(rows, headers=headers, disable_numparse=True))
    print()
    kinds = sorted({kind for r in results for kind in r["engine_by_kind"]})
    by_kind = [
        [kind]
        + [
            f"{r['engine_by_kind'][kind]['p50_ms']:.2f} / {r['engine_by_kind'][kind]['p99_ms']:.2f}"
            if kind in r["engine_by_kind"]
            else "-"
            for r in results
        ]
        for kind in kinds
    ]
    print(
        tabulate(
            by_kind, headers=["engine p50/p99 ms by kind"] + [f"{r['size']:,}" for r in results]
        )
    )


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- command line ----------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        type=lambda text: [int(s) for s in text.split(",") if s.strip()],
        help="corpus sizes in quotes, comma-separated (default %(default)s)",
    )
    parser.add_argument(
        "--queries", type=int, default=300, help="queries in the mix (default %(default)s)"
    )
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=40,
        help="time the linear scan on this many of the queries, evenly spread; 0 = all "
        "(default %(default)s)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="where the databases and latency.json go"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse databases an earlier run left in --out (and their build figures)",
    )
    parser.add_argument(
        "--words-only",
        action="store_true",
        help="build without sentence vectors (matching by meaning off), as without the model",
    )
    # The child processes' modes.
    parser.add_argument("--build-one", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--serve-one", type=Path, metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_one:
        print(json.dumps(serve_one(args.serve_one, args.queries_file)))
        return 0
    if args.build_one:
        print(json.dumps(build_one(args.build_one, args.db, not args.words_only)))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    seed = read_seed_corpus()
    results = [measure_size(size, args, seed) for size in args.sizes]
    report = {
        "command": " ".join(
            [Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]
        ),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "queries": args.queries,
        "sizes": results,
    }
    (args.out / "latency.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_report(results)
    print(f"\nfigures: {args.out / 'latency.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
