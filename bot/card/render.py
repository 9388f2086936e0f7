"""A quote card: layout (where every line goes, in which fonts) and drawing (Pillow).

Layout is independent of the theme, so one layout serves both themes and tests can
check what will be drawn (each run of text with the font that draws it) without
rasterizing anything.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.card import fonts
from bot.card.layout import break_lines, shorten
from bot.text import has_han

WIDTH = 1080
MARGIN = 96
CONTENT = WIDTH - 2 * MARGIN
TOP_BAND = 10  # the accent stripe across the top
PAD_TOP = 96
PAD_BOTTOM = 84
QR_TILE = 176  # px, quiet zone included
QR_GAP = 40

# Quote sizes, largest first, each with the most lines it may take: a short quote is
# set large, a long one smaller, and past the last one it is shortened.
QUOTE_SIZES = ((66, 5), (58, 7), (50, 10), (44, 14))
NAME_SIZE = 40
TITLE_SIZE = 30
DETAILS_SIZE = 26
MARK_SIZE = 220
MAX_TITLE_LINES = 3


@dataclass(frozen=True)
class Theme:
    background: tuple[int, int, int]
    text: tuple[int, int, int]
    secondary: tuple[int, int, int]
    muted: tuple[int, int, int]
    accent: tuple[int, int, int]
    mark: tuple[int, int, int]
    rule: tuple[int, int, int]
    qr_tile: tuple[int, int, int]
    qr_ink: tuple[int, int, int]


THEMES: dict[str, Theme] = {
    "light": Theme(
        background=(250, 247, 241), text=(35, 31, 28), secondary=(84, 78, 72),
        muted=(134, 127, 118), accent=(178, 88, 54), mark=(232, 196, 178),
        rule=(226, 219, 208), qr_tile=(255, 255, 255), qr_ink=(35, 31, 28),
    ),
    "dark": Theme(
        background=(23, 25, 30), text=(237, 233, 226), secondary=(196, 191, 183),
        muted=(136, 133, 127), accent=(230, 163, 96), mark=(88, 70, 52),
        rule=(52, 56, 64), qr_tile=(237, 233, 226), qr_ink=(23, 25, 30),
    ),
}


@dataclass(frozen=True)
class CardText:
    """What a card says, already in the reader's script and language."""

    quote: str
    speaker: str
    title: str
    details: str
    url: str | None


@dataclass(frozen=True)
class Line:
    """One line of text: where its baseline starts, its size, colour role and runs."""

    block: str  # quote, speaker, title or details
    text: str
    x: int
    baseline: int
    size: int
    colour: str  # a Theme field name
    runs: tuple[tuple[fonts.Face, str], ...]


@dataclass
class CardLayout:
    lines: list[Line] = field(default_factory=list)
    mark_at: tuple[int, int] = (0, 0)
    rule_at: tuple[int, int] = (0, 0)  # the name's accent dash: x, centre y
    separator_y: int = 0
    qr_at: tuple[int, int] | None = None
    url: str | None = None
    height: int = 0
    shortened: bool = False

    @property
    def has_colour(self) -> bool:
        """True when colour emoji are drawn: then the theme's palette is not enough."""
        return any(face.name == fonts.COLOUR for line in self.lines for face, _ in line.runs)

    def block(self, name: str) -> list[str]:
        return [line.text for line in self.lines if line.block == name]


def measure(text: str, faces: tuple[fonts.Face, ...], size: int) -> float:
    """Width in px of `text` drawn with the chain `faces` at `size`.

    The sum of each character's advance: the basic layout engine draws exactly that
    (no shaping, which neither Chinese nor English needs), and advances are cached,
    so breaking a quote costs dictionary look-ups rather than FreeType calls.
    """
    width = 0.0
    for f, run in fonts.runs(text, faces):
        if f.name == fonts.COLOUR:
            width += fonts.shaping_font(f.name, size).getlength(run)
        else:
            width += sum(fonts.advance(f.name, size, char) for char in run)
    return width


def _chain(use: str, text: str) -> tuple[fonts.Face, ...]:
    return fonts.chain(f"{use}_zh" if has_han(text) else f"{use}_en")


def _width_of(faces: tuple[fonts.Face, ...], size: int) -> Callable[[str], float]:
    return lambda s: measure(s, faces, size)


def _fits(width: int, measure: Callable[[str], float], max_lines: int) -> Callable[[str], bool]:
    return lambda s: len(break_lines(s, width, measure)) <= max_lines


def _box(font: ImageFont.FreeTypeFont, text: str) -> tuple[int, int, int, int]:
    # Pillow types the box as floats; FreeType's is in whole pixels.
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    return round(left), round(top), round(right), round(bottom)


def _quote_lines(text: str, faces: tuple[fonts.Face, ...]) -> tuple[list[str], int, bool]:
    """The quote's lines at the largest size it fits, shortened at the smallest if needed."""
    for size, max_lines in QUOTE_SIZES:
        lines = break_lines(text, CONTENT, _width_of(faces, size))
        if len(lines) <= max_lines:
            return lines, size, False
    size, max_lines = QUOTE_SIZES[-1]

    def width(s: str) -> float:
        return measure(s, faces, size)

    short = shorten(text, lambda s: len(break_lines(s, CONTENT, width)) <= max_lines)
    return break_lines(short, CONTENT, width), size, True


def _block(layout: CardLayout, name: str, lines: list[str], faces: tuple[fonts.Face, ...],
           size: int, x: int, top: int, leading: float, colour: str) -> int:
    """Adds lines below `top`; returns the y just under the last one."""
    ascent = round(size * 0.95)
    step = round(size * leading)
    for i, text in enumerate(lines):
        baseline = top + ascent + i * step
        layout.lines.append(Line(name, text, x, baseline, size, colour,
                                 tuple(fonts.runs(text, faces))))
    return top + ascent + (len(lines) - 1) * step + round(size * 0.3)


def layout_card(text: CardText) -> CardLayout:
    """Where everything on the card goes (the same for both themes)."""
    layout = CardLayout(url=text.url)
    mark_font = fonts.pil_font("serif", MARK_SIZE)
    _, mark_top, _, mark_bottom = _box(mark_font, "“")
    layout.mark_at = (MARGIN - 10, TOP_BAND + PAD_TOP - mark_top)
    y = TOP_BAND + PAD_TOP + (mark_bottom - mark_top) - 16

    quote_faces = _chain("quote", text.quote)
    quote = fonts.drawable(text.quote, quote_faces)
    lines, size, layout.shortened = _quote_lines(quote, quote_faces)
    leading = 1.6 if has_han(quote) else 1.42
    y = _block(layout, "quote", lines, quote_faces, size, MARGIN, y, leading, "text") + 44

    name_faces = _chain("name", text.speaker)
    name = fonts.drawable(text.speaker, name_faces)
    name_x = MARGIN + 56
    name_lines = break_lines(name, CONTENT - 56,
                             lambda s: measure(s, name_faces, NAME_SIZE))[:2]
    layout.rule_at = (MARGIN, y + round(NAME_SIZE * 0.62))
    y = _block(layout, "speaker", name_lines, name_faces, NAME_SIZE, name_x, y, 1.3, "text")
    y += 56
    layout.separator_y = y
    y += 44

    footer_top = y
    width = CONTENT - (QR_TILE + QR_GAP if text.url else 0)
    for name, value, size, colour, max_lines in (
        ("title", text.title, TITLE_SIZE, "secondary", MAX_TITLE_LINES),
        ("details", text.details, DETAILS_SIZE, "muted", 2),
    ):
        if not value:
            continue
        faces = _chain("meta", value)
        value = fonts.drawable(value, faces)

        measure_line = _width_of(faces, size)
        value = shorten(value, _fits(width, measure_line, max_lines))
        meta_lines = break_lines(value, width, measure_line)
        y = _block(layout, name, meta_lines, faces, size, MARGIN, y, 1.45, colour) + 8
    if text.url:
        layout.qr_at = (WIDTH - MARGIN - QR_TILE, footer_top)
        y = max(y, footer_top + QR_TILE)
    layout.height = y + PAD_BOTTOM
    return layout


@lru_cache(maxsize=256)
def qr_image(url: str, ink: tuple[int, int, int], tile: tuple[int, int, int]) -> Image.Image:
    """The URL's QR code on a rounded tile QR_TILE px square, quiet zone included."""
    import segno

    matrix = segno.make(url, error="m", micro=False).matrix
    n = len(matrix)
    modules = Image.frombytes("L", (n, n), bytes(255 * (1 - v) for row in matrix for v in row))
    scale = max((QR_TILE - 24) // n, 1)
    modules = modules.resize((n * scale, n * scale), Image.Resampling.NEAREST)
    card = Image.new("RGB", (QR_TILE, QR_TILE), tile)
    mask = Image.new("L", (QR_TILE, QR_TILE), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, QR_TILE - 1, QR_TILE - 1), 18, fill=255)
    ink_layer = Image.new("RGB", modules.size, ink)
    offset = (QR_TILE - modules.width) // 2
    card.paste(ink_layer, (offset, offset), Image.eval(modules, lambda v: 255 - v))
    card.putalpha(mask)
    return card


@lru_cache(maxsize=8192)
def glyph(name: str, size: int, char: str) -> tuple[Image.Image | None, int, int]:
    """One character's coverage mask and its offset from the pen on the baseline.

    Rasterized once per font, size and character: a card repeats most of its
    characters, and so do cards, so drawing becomes pasting (FreeType was most of
    the drawing time).
    """
    font = fonts.pil_font(name, size)
    left, top, right, bottom = _box(font, char)
    if right <= left or bottom <= top:
        return None, 0, 0  # a space
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), char, font=font, fill=255, anchor="ls")
    return mask, left, top


def draw(layout: CardLayout, theme: str = "light") -> Image.Image:
    """The card as an RGB image."""
    colours = THEMES[theme]
    image = Image.new("RGB", (WIDTH, layout.height), colours.background)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, WIDTH, TOP_BAND - 1), fill=colours.accent)
    pen.text(layout.mark_at, "“", font=fonts.pil_font("serif", MARK_SIZE), fill=colours.mark,
             anchor="ls")
    for line in layout.lines:
        x = float(line.x)
        fill = getattr(colours, line.colour)
        for face, text in line.runs:
            font = fonts.pil_font(face.name, line.size)
            if face.name == fonts.COLOUR:
                font = fonts.shaping_font(face.name, line.size)
                pen.text((x, line.baseline), text, font=font, anchor="ls", embedded_color=True)
                x += font.getlength(text)
                continue
            if line.block == "speaker" and face.name == "cjk":
                # The CJK font has no bold: a one-pixel stroke stands in for it in names.
                pen.text((x, line.baseline), text, font=font, fill=fill, anchor="ls",
                         stroke_width=1, stroke_fill=fill)
                x += font.getlength(text)
                continue
            for char in text:
                mask, left, top = glyph(face.name, line.size, char)
                if mask is not None:
                    image.paste(fill, (round(x) + left, line.baseline + top), mask)
                x += fonts.advance(face.name, line.size, char)
    rule_x, rule_y = layout.rule_at
    pen.rectangle((rule_x, rule_y - 2, rule_x + 36, rule_y + 1), fill=colours.accent)
    pen.line((MARGIN, layout.separator_y, WIDTH - MARGIN, layout.separator_y), fill=colours.rule,
             width=2)
    if layout.qr_at and layout.url:
        tile = qr_image(layout.url, colours.qr_ink, colours.qr_tile)
        image.paste(tile, layout.qr_at, tile)
    return image


# Shades between the background and each ink: what anti-aliased edges are made of.
PALETTE_STEPS = 32


@lru_cache(maxsize=4)
def theme_palette(theme: str) -> Image.Image:
    """A palette of every colour a card of `theme` holds: each ink blended into the
    background in PALETTE_STEPS shades (7 inks x 32 = 224 colours)."""
    colours = THEMES[theme]
    inks = (colours.text, colours.secondary, colours.muted, colours.accent, colours.mark,
            colours.rule, colours.qr_tile)
    shades = [
        round(b + (i - b) * step / (PALETTE_STEPS - 1))
        for ink in inks
        for step in range(PALETTE_STEPS)
        for b, i in zip(colours.background, ink, strict=True)
    ]
    palette = Image.new("P", (1, 1))
    palette.putpalette(shades + [0] * (768 - len(shades)))
    return palette


def png_bytes(image: Image.Image, theme: str, colour: bool = False) -> bytes:
    """The card as an 8-bit palette PNG: a card is a few inks on one background, so
    a palette of their shades is visually lossless, and mapping to a known palette
    is five times faster than finding one; the file is a third of an RGB one."""
    out = io.BytesIO()
    if colour:  # emoji bring their own colours: find a palette for this picture
        paletted = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    else:
        paletted = image.quantize(palette=theme_palette(theme), dither=Image.Dither.NONE)
    paletted.save(out, "PNG", compress_level=3)
    return out.getvalue()
