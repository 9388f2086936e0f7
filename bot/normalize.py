"""The one normalizer, used at index time and at query time alike.

Three forms of a text, each derived from the previous one:

* `fold(text)`: NFKC, case folding, traditional -> simplified (OpenCC t2s plus a
  few variant characters t2s leaves alone), Chinese numerals -> digits;
  punctuation and spacing are kept.
* `words(text)`: the folded text with every run of punctuation, symbols, control
  characters and spaces reduced to one space, and the spaces next to CJK text
  dropped (Chinese has no spaces between words; `GPT-4 模型` and `GPT4模型`
  are the same thing).
* `normalize(text)`: the comparison form: `words` without any space.

`Segmenter(user_words).segment(text)` cuts the word form with jieba (its general
dictionary loaded once per process, cache file in a persistent place, the
segmenter's own user words, speakers' names and domain terms, never split).
The terms the index builds from the words are in `bot.terms`.

The original text is never changed: it is what people see.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.text import CJK_CHAR, SURROGATES, to_simplified

# Bump when any form changes: a database built by another version must be rebuilt.
VERSION = 3

# Characters OpenCC t2s leaves as they are because both scripts use them, but that a
# reader treats as one: 看著/看着, 祇/只. Folded on both sides, so the comparison
# form may differ from standard spelling (著名 -> 着名); display uses the original.
VARIANTS = str.maketrans({"著": "着", "祇": "只", "衹": "只", "甚": "什", "麽": "么", "妳": "你"})


# A comma between digits followed by exactly three digits is a thousands separator.
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
# A Chinese numeral worth converting: starts with a digit or 十 and contains a unit.
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*")
_ARABIC_BIG = re.compile(r"(\d+(?:\.\d+)?)([万亿])")
_LETTERS_THEN_DIGITS = re.compile(r"(?<=[a-z]) (?=\d)")

# -- folding --------------------------------------------------------------------


def fold(text: str) -> str:
    """NFKC, case-fold, simplified script, numerals as digits; keeps punctuation and spaces."""
    text = SURROGATES.sub("", text)  # lone surrogates are not text (and break OpenCC)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = to_simplified(text).translate(VARIANTS)
    text = _THOUSANDS.sub("", text)
    text = _CN_NUMBER.sub(_chinese_numeral, text)
    return _ARABIC_BIG.sub(_arabic_with_unit, text)


def _chinese_numeral(match: re.Match[str]) -> str:
    """`两万` -> `20000`, `十年`'s `十` -> `10`; a run without a unit (`一个`) is left alone."""
    run = match.group()
    if not any(ch in _CN_UNITS or ch in _CN_BIG for ch in run):
        return run
    value = parse_chinese_number(run)
    return run if value is None else str(value)


def parse_chinese_number(run: str) -> int | None:
    """The value of a Chinese numeral (`二十二万` -> 220000), or None when it is not well formed."""
    total, section, digit = 0, 0, None
    for ch in run:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:  # two digits in a row: 一二 is not a numeral
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:  # 万, 亿
            section += digit or 0
            if section == 0:
                return None
            total = (total + section) * _CN_BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def _arabic_with_unit(match: re.Match[str]) -> str:
    """`2万` -> `20000`, `1.5亿` -> `150000000` (so a reader's 两万 meets a text's 20,000)."""
    value = float(match.group(1)) * _CN_BIG[match.group(2)]
    return str(int(value)) if value == int(value) else match.group()


def words(text: str) -> str:
    """The folded text as words: single spaces between Latin words, none around CJK."""
    out: list[str] = []
    gap = False
    for ch in fold(text):
        if unicodedata.category(ch)[0] not in "LNM":  # punctuation, symbols, spaces, controls
            gap = True
            continue
        joins = unicodedata.category(ch)[0] == "M"  # a combining mark belongs to the letter
        if gap and out and not joins and not _is_cjk(ch) and not _is_cjk(out[-1]):
            out.append(" ")
        out.append(ch)
        gap = False
    # `GPT-4`, `gpt 4` and `gpt4` are one word; NFC again, as dropping a space can
    # bring a combining mark next to a letter it composes with.
    return unicodedata.normalize("NFC", _LETTERS_THEN_DIGITS.sub("", "".join(out)))


def _is_cjk(ch: str) -> bool:
    return CJK_CHAR.match(ch) is not None


def normalize(text: str) -> str:
    """The comparison form: folded, with punctuation, symbols and white space removed."""
    return words(text).replace(" ", "")


def dedupe_key(text: str) -> str:
    """Two texts with the same key are the same quote."""
    return normalize(text)


# -- segmentation -------------------------------------------------------------

# Where jieba keeps its dictionary cache; set_cache_dir changes it before first use.
_cache_dir = Path.home() / ".cache" / "quotebot"
# High enough for a user word to win against the general dictionary's splits, as
# jieba's docs advise.
USER_WORD_FREQ = 2_000_000


def set_cache_dir(path: str | Path) -> None:
    """Keep jieba's dictionary cache in `path` (call before the first segmentation)."""
    global _cache_dir
    _cache_dir = Path(path)


@lru_cache(maxsize=1)
def _general_dictionary() -> tuple[dict[str, int], int]:
    """jieba's general dictionary (word -> frequency, and the total), loaded once, never changed."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    instance = jieba.Tokenizer()
    try:
        _cache_dir.mkdir(parents=True, exist_ok=True)
        instance.tmp_dir = str(_cache_dir)
        instance.cache_file = "jieba.cache"
    except OSError:
        pass  # an unwritable cache dir only costs start-up time
    instance.initialize()
    return instance.FREQ, instance.total


@lru_cache(maxsize=4)
def _tokenizer(user_words: tuple[str, ...]) -> Any:  # a jieba.Tokenizer (jieba is untyped)
    """A jieba tokenizer: the general dictionary (copied) plus exactly these user words."""
    import jieba

    freq, total = _general_dictionary()
    instance = jieba.Tokenizer()
    instance.FREQ, instance.total, instance.initialized = dict(freq), total, True
    for word in user_words:
        instance.add_word(word, freq=USER_WORD_FREQ)
    return instance


# Runs of Latin letters and digits stay whole words: jieba would cut them with its
# dictionary's short Latin entries (the alias `ng` turned `language` into `la ng uage`).
_LATIN_RUN = re.compile(r"([a-z0-9]+)")


class Segmenter:
    """Cuts text into words: jieba for CJK with `user_words` never split, Latin words whole.

    Index and query must segment alike, so the builder makes one from the speakers'
    names and the glossary, stores the words, and the searcher makes its own from
    the stored words. Two segmenters never share mutable state; one with the same
    words reuses the same (read-only) tokenizer. Pickles as its words alone, so a
    build's worker processes get it cheaply.
    """

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self.user_words = tuple(sorted({normalize(w) for w in user_words if len(normalize(w)) >= 2}))

    def __getstate__(self) -> tuple[str, ...]:
        return self.user_words

    def __setstate__(self, state: tuple[str, ...]) -> None:
        self.user_words = state

    @property
    def _jieba(self) -> Any:
        return _tokenizer(self.user_words)

    def load(self) -> None:
        """Load the dictionary now (a build does, so that its forked workers inherit it)."""
        self._jieba  # noqa: B018

    def segment(self, text: str) -> list[str]:
        """The comparison form cut into words; `"".join(segment(t)) == normalize(t)` always."""
        cut = self._jieba.cut
        tokens: list[str] = []
        for chunk in words(text).split(" "):
            for piece in _LATIN_RUN.split(chunk):
                if _LATIN_RUN.fullmatch(piece):
                    tokens.append(piece)
                elif piece:
                    tokens.extend(t for t in cut(piece, HMM=False) if t.strip())
        return tokens

    def segmented(self, text: str) -> str:
        """The `tokens` column of a quote: its comparison form cut into words, space-separated."""
        return " ".join(self.segment(text))

    def is_dictionary_word(self, word: str) -> bool:
        """Whether the dictionary knows `word` (a real word, not a typo or a seam)."""
        return self.word_frequency(word) > 0

    def word_frequency(self, word: str) -> int:
        """How common the dictionary says `word` is (0: not a word it knows)."""
        frequency: int = self._jieba.FREQ.get(word, 0)
        return frequency
