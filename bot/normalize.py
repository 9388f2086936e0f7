"""The one normalizer, used at index time and at query time alike.

(First cut: NFKC, case folding, traditional -> simplified, punctuation and space
removed. The matching work refines it.)
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

VERSION = 1


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """NFKC, case-fold and convert to simplified script; keeps punctuation and spaces."""
    return _t2s().convert(unicodedata.normalize("NFKC", text).casefold())


def normalize(text: str) -> str:
    """The comparison form: folded, with punctuation, symbols and white space removed."""
    return "".join(ch for ch in fold(text) if unicodedata.category(ch)[0] in "LN")


def dedupe_key(text: str) -> str:
    """Two texts with the same key are the same quote."""
    return normalize(text)


def search_fields(text: str) -> dict[str, str]:
    """The columns the index stores for one quote (see index.SEARCH_COLUMNS)."""
    norm = normalize(text)
    bigrams = " ".join(norm[i : i + 2] for i in range(len(norm) - 1))
    return {"norm": norm, "tokens": norm, "terms": bigrams}
