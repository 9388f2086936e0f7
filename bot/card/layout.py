"""Line breaking for mixed Chinese and Latin text, and shortening at sentence ends.

Pure text logic: the width of a piece of text comes from a function the caller
passes, so this module knows rules, not fonts. The rules are the usual CJK ones
(kinsoku): no line starts with closing punctuation and no line ends with an opening
one; a Latin word or number is one unbreakable unit; Chinese breaks between any
two characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.text import CJK_CHAR

# May not start a line: closing brackets and quotes, stops, commas, ellipses, dashes.
NO_LINE_START = frozenset(
    "。，、．：；！？）］｝〕〉》」』】〗〙〛〞”’…‥·・ー々〻～—"
    "%‰°℃,.:;!?)]}"
)
# May not end a line: opening brackets and quotes.
NO_LINE_END = frozenset("（［｛〔〈《「『【〖〘〚〝“‘([{")
# Chinese punctuation and full-width forms: written without spaces, like Han.
_WIDE_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014\u00b7"
_SPACE = re.compile(r"\s+")
# One unit: a CJK character, a wide punctuation mark, or a run of anything else but space.
_UNIT = re.compile(rf"(\s*)([{_WIDE_PUNCT}]|{CJK_CHAR.pattern}|[^\s{_WIDE_PUNCT}]+?(?=[\s{_WIDE_PUNCT}]|{CJK_CHAR.pattern}|$))")
# A sentence ends after these (and any closing quotes/brackets right after them).
_SENTENCE_END = re.compile(r"(?:[。！？!?…]+|(?<![A-Z0-9])\.(?=\s|$))[」』”’）)]*")
_CLAUSE_END = re.compile(r"[，；、,;：:]")

Measure = Callable[[str], float]


def units(text: str) -> list[tuple[bool, str]]:
    """The text as (space before?, unbreakable unit) pairs, with kinsoku applied.

    Closing punctuation (and a dash) joins the unit before it and opening punctuation
    the unit after it, so no break can ever fall on the wrong side of either.
    """
    raw = [(bool(m.group(1)), m.group(2)) for m in _UNIT.finditer(_SPACE.sub(" ", text.strip()))]
    glued: list[tuple[bool, str]] = []
    join_next = False
    for space, unit in raw:
        if glued and (unit[0] in NO_LINE_START or (join_next and not space)):
            # Even after a space: "word —" keeps its dash off the next line's start.
            glued[-1] = (glued[-1][0], glued[-1][1] + (" " if space else "") + unit)
        else:
            glued.append((space, unit))
        join_next = glued[-1][1][-1] in NO_LINE_END
    return glued


def break_lines(text: str, width: float, measure: Measure) -> list[str]:
    """The text in lines no wider than `width` (a unit wider than a line gets its own)."""
    lines: list[str] = []
    line = ""
    for space, unit in units(text):
        candidate = line + (" " if space and line else "") + unit
        if not line or measure(candidate) <= width:
            line = candidate
            continue
        lines.append(line)
        line = unit
    if line:
        lines.append(line)
    return [piece for line in lines for piece in _split_overwide(line, width, measure)]


def _split_overwide(line: str, width: float, measure: Measure) -> list[str]:
    """A single unit wider than the line (a long URL) cut by characters: the only way."""
    if measure(line) <= width or len(line) < 2:
        return [line]
    pieces, piece = [], ""
    for char in line:
        if piece and measure(piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return pieces + [piece]


def ellipsis_for(text: str) -> str:
    """The ellipsis Chinese typesetting uses (two marks) or the single Latin one."""
    return "……" if CJK_CHAR.search(text) else "…"


def shorten(text: str, fits: Callable[[str], bool]) -> str:
    """`text` itself when it fits, else its longest start ending a sentence (or, when even
    the first sentence is too long, a clause, then a unit) that fits, with an ellipsis."""
    text = _SPACE.sub(" ", text.strip())
    if fits(text):
        return text
    mark = ellipsis_for(text)
    for pattern in (_SENTENCE_END, _CLAUSE_END):
        ends = [m.end() for m in pattern.finditer(text)]
        for end in reversed(ends):
            candidate = _with_mark(text[:end].rstrip("，；、,;：: "), mark)
            if end < len(text) and fits(candidate):
                return candidate
    kept = ""
    for space, unit in units(text):
        candidate = kept + (" " if space and kept else "") + unit
        if not fits(candidate + mark):
            break
        kept = candidate
    return _with_mark(kept, mark)


def _with_mark(kept: str, mark: str) -> str:
    """The Latin ellipsis stands apart after a full stop ("end. …"); Chinese joins it."""
    return kept + (" " + mark if mark == "…" and kept.endswith((".", "!", "?")) else mark)
