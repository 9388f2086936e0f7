"""The term vocabulary of the full-text index, apart from text normalization.

What the index stores for a quote and what a query is matched by: CJK character
pairs (bigrams), numbers' rough sizes, the private prefixes of terms no user can
type, function words, and the quotability prior. All of it works on the
comparison forms `bot.normalize` makes.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.normalize import Segmenter, normalize
from bot.text import CJK_RUN

NUMBER = re.compile(r"\d+")
# Two quotes this similar (rapidfuzz ratio of their comparison forms) are one quote said twice.
NEAR_DUPLICATE_RATIO = 88
# ... and so is a quote whose comparison form holds at least this share of another's.
NEAR_DUPLICATE_CONTAINED = 0.6



def near_duplicate(a: str, b: str, ratio: int = NEAR_DUPLICATE_RATIO) -> bool:
    """Whether two comparison forms are the same words twice (a page's summary and full text).

    The one rule: search answers skip a near-duplicate of a quote already shown, and
    the build stores each quote's near-duplicate group for the picker.
    """
    if not a or not b:
        return a == b
    shorter, longer = sorted((a, b), key=len)
    if shorter in longer and len(shorter) >= NEAR_DUPLICATE_CONTAINED * len(longer):
        return True
    return fuzz.ratio(a, b, processor=None, score_cutoff=ratio) > 0


def bigrams(norm: str) -> list[str]:
    """Overlapping character pairs inside each CJK run of a comparison form."""
    pairs: list[str] = []
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


def search_fields(text: str, segmenter: Segmenter, original: str | None = None) -> dict[str, object]:
    """The columns the index stores for one quote (see quotedb.SEARCH_COLUMNS): a translated
    quote is found by its original's words too, and judged by its published text."""
    words = f"{text}\n{original}" if original else text
    return {"tokens": segmenter.segmented(words), "quality": quotability(text)}


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


# Latin words shorter than this are never corrected (too many real words lie one letter
# from them), nor filed as corrections.
MIN_SPELLED = 4


def deletions(word: str) -> set[str]:
    """The word with one letter left out, each way (a SymSpell index's keys)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
