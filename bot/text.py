"""Text primitives every layer may use: character classes, script converters, limits.

A leaf module: it imports nothing of ours, so the extractor, the normalizer, the
searcher and the replies share one definition of "a Chinese character" and one
OpenCC converter per direction.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import opencc

# Han ideographs: extension A, the unified block and the compatibility ideographs.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Everything written without spaces between words: kana, Han (with extensions B..G), hangul.
CJK_CLASS = (
    "\u3040-\u30ff"  # kana
    f"{HAN}"
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0003134f"  # CJK extensions B..G
)
HAN_CHAR = re.compile(f"[{HAN}]")
CJK_CHAR = re.compile(f"[{CJK_CLASS}]")
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
SURROGATES = re.compile("[\ud800-\udfff]")

# Longer input is cut before searching or storing: no quote is asked for with more.
MAX_QUERY_CHARS = 300


def has_han(text: str) -> bool:
    """True when the text contains a Chinese character."""
    return bool(HAN_CHAR.search(text))


def count_han(text: str) -> int:
    """How many Chinese characters the text holds."""
    return len(HAN_CHAR.findall(text))


@lru_cache(maxsize=4)
def converter(config: str) -> opencc.OpenCC:
    """One OpenCC converter per configuration (`t2s`, `s2t`), loaded on first use."""
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """The text in simplified script (OpenCC t2s)."""
    simplified: str = converter("t2s").convert(text)  # opencc leaves `convert` unannotated
    return simplified


def to_traditional(text: str) -> str:
    """The text in traditional script (OpenCC s2t)."""
    traditional: str = converter("s2t").convert(text)
    return traditional
