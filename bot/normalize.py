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

`segment(text)` cuts the word form with jieba (loaded once per process, cache
file in a persistent place, a user dictionary of speakers' names and domain
terms so they are never split); `"".join(segment(t)) == normalize(t)` always.

The original text is never changed: it is what people see.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from bot.text import CJK_CHAR, CJK_RUN, SURROGATES, to_simplified

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
NUMBER = re.compile(r"\d+")

# Where jieba keeps its dictionary cache; set_cache_dir changes it before first use.
_cache_dir = Path.home() / ".cache" / "quotebot"
_user_words: tuple[str, ...] = ()
_jieba_lock = threading.Lock()
_jieba = None


# -- folding --------------------------------------------------------------------


def fold(text: str) -> str:
    """NFKC, case-fold, simplified script, numerals as digits; keeps punctuation and spaces."""
    text = SURROGATES.sub("", text)  # lone surrogates are not text (and break OpenCC)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = to_simplified(text).translate(VARIANTS)
    text = _THOUSANDS.sub("", text)
    text = _CN_NUMBER.sub(_chinese_numeral, text)
    return _ARABIC_BIG.sub(_arabic_with_unit, text)


def _chinese_numeral(match: re.Match) -> str:
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


def _arabic_with_unit(match: re.Match) -> str:
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


def set_cache_dir(path: str | Path) -> None:
    """Keep jieba's dictionary cache in `path` (call before the first segmentation)."""
    global _cache_dir
    _cache_dir = Path(path)


def set_user_words(user_words: Iterable[str]) -> None:
    """Words jieba must never split (speakers' names, domain terms), in any script.

    Index and query must segment alike, so the index stores the list it used and
    the searcher sets the same one.
    """
    global _user_words
    folded = sorted({normalize(w) for w in user_words if len(normalize(w)) >= 2})
    if tuple(folded) == _user_words:
        return
    with _jieba_lock:
        if _jieba is not None:
            for word in folded:
                _jieba.add_word(word, freq=_user_word_freq(word))
        _user_words = tuple(sorted(set(_user_words) | set(folded)))


def user_words() -> tuple[str, ...]:
    """The user dictionary currently in force (normalized)."""
    return _user_words


def _user_word_freq(word: str) -> int:
    # High enough to win against the general dictionary's splits, as jieba's docs advise.
    return 2_000_000


def tokenizer():
    """The process's jieba tokenizer, initialized once: quiet, cached, with the user words."""
    global _jieba
    if _jieba is not None:
        return _jieba
    with _jieba_lock:
        if _jieba is None:
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
            for word in _user_words:
                instance.add_word(word, freq=_user_word_freq(word))
            _jieba = instance
    return _jieba


# Runs of Latin letters and digits stay whole words: jieba would cut them with its
# dictionary's short Latin entries (the alias `ng` turned `language` into `la ng uage`).
_LATIN_RUN = re.compile(r"([a-z0-9]+)")


def segment(text: str) -> list[str]:
    """The comparison form cut into words: jieba for CJK, Latin words and numbers whole."""
    cut = tokenizer().cut
    tokens: list[str] = []
    for chunk in words(text).split(" "):
        for piece in _LATIN_RUN.split(chunk):
            if _LATIN_RUN.fullmatch(piece):
                tokens.append(piece)
            elif piece:
                tokens.extend(t for t in cut(piece, HMM=False) if t.strip())
    return tokens


def is_dictionary_word(word: str) -> bool:
    """Whether jieba's general dictionary knows `word` (a real word, not a typo or a seam)."""
    return tokenizer().FREQ.get(word, 0) > 0


# -- search terms -----------------------------------------------------------------


def bigrams(norm: str) -> list[str]:
    """Overlapping character pairs inside each CJK run of a comparison form."""
    pairs = []
    for run in CJK_RUN.findall(norm):
        pairs.extend(run[i : i + 2] for i in range(len(run) - 1))
    return pairs


def approximate_number(digits: str) -> str | None:
    """A number's rough size for fuzzy matching: 22000 and 两万(20000) both give `2e4`.

    Only numbers of 1000 or more: small numbers are everywhere and prove nothing.
    """
    stripped = digits.lstrip("0")
    if len(stripped) < 4:
        return None
    return f"{stripped[0]}e{len(stripped) - 1}"


def number_terms(norm: str) -> list[str]:
    """The approximate-size terms of the numbers in a comparison form."""
    sizes = (approximate_number(n) for n in NUMBER.findall(norm))
    return [APPROX_PREFIX + s for s in sizes if s]


# Index terms that no user input can produce: normalize() drops private-use characters.
APPROX_PREFIX = "\ue000n"
SPEAKER_PREFIX = "\ue000s"


def index_terms(tokens: list[str]) -> set[str]:
    """The full-text terms of one quote: its words, its CJK bigrams, its numbers' sizes."""
    norm = "".join(tokens)
    terms = {t for t in tokens if not is_stop(t)}
    terms.update(b for b in bigrams(norm) if not is_stop(b))
    terms.update(number_terms(norm))
    return terms


def is_stop(term: str) -> bool:
    """A function word, or a pair of function characters (的的, 了我): no evidence of a topic."""
    return term in STOPWORDS or (len(term) == 2 and term[0] in STOPWORDS and term[1] in STOPWORDS)


def search_fields(text: str) -> dict[str, object]:
    """The columns the index stores for one quote (see index.SEARCH_COLUMNS).

    `tokens` is filled by the index's search pass, once the segmenter's user
    dictionary (built from the stored speakers and the glossary) is in force.
    """
    return {"tokens": "", "quality": quotability(text)}


def segmented(text: str) -> str:
    """The `tokens` column of a quote: its comparison form cut into words, space-separated."""
    return " ".join(segment(text))


# -- the quotability prior ----------------------------------------------------------

_QUESTION_END = re.compile(r"[?？吗呢么][\"'”’」』)）]*\s*$")
_SENTENCE_END = re.compile(r"[。！!.…”」』\"'）)][\"'”’」』)）]*\s*$")


def quotability(text: str) -> float:
    """How good `text` is as a stand-alone quote, 0..1.

    A statement beats a question; a complete sentence of useful length beats a
    fragment or a wall of text.
    """
    length = len(normalize(text))
    if length < 6:
        size = 0.2
    elif length < 15:
        size = 0.6
    elif length <= 160:
        size = 1.0
    else:
        size = max(0.4, 1.0 - (length - 160) / 400)
    stripped = text.strip()
    if _QUESTION_END.search(stripped):
        form = 0.45
    elif _SENTENCE_END.search(stripped):
        form = 1.0
    else:
        form = 0.75
    return round(size * form, 3)


# Function words: too common to retrieve with and too weak to count as evidence.
STOPWORDS = frozenset(
    """
    的 了 是 在 和 与 或 也 都 就 还 又 而 但 及 之 其 这 那 哪 些 个 一 不 没 有 我 你 他 她 它
    们 吗 呢 吧 啊 呀 哦 嗯 着 过 得 地 把 被 给 对 从 向 于 以 为 所 很 太 更 最 要 会 能 可
    我们 你们 他们 她们 它们 这个 那个 这些 那些 什么 怎么 怎样 怎么样 为什么 如何 哪些 哪个
    一个 一些 一下 一样 这样 那样 这么 那么 这种 那种 就是 还是 但是 而且 因为 所以 如果
    虽然 可以 可能 没有 不是 已经 非常 真的 其实 然后 现在 时候 自己 大家 东西 事情 觉得
    认为 知道 告诉 问题 方面 这里 那里 之后 之前 以及 或者 以后 以前 只是 一点 有点 有些 或许
    请问 谢谢 你好 好的 是的 对的 嗯嗯 哈哈 呵呵 好吗 你好吗 我想 想问 在吗 收到 再见 早上好 晚安
    ok okay yes yeah yep nope hi hello hey thanks thank bye lol haha
    a an the and or not no nor of to in on at by for with from as is are was were be been
    being am do does did doing done have has had having i me my we our you your he she it
    its they them their this that these those what which who whom whose why how when where
    there here can could would should will shall may might must about into over under than
    then so too very just also only if but any all some each every other such more most
    s t please tell show give find get say said quote quotes something anything thing things
    """.split()
)
