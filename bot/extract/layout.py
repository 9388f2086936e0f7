"""Lines of text gathered block by block, then laid out near the source lines they came from.

The Markdown and HTML readers write text into a `Layout` as they walk the source:
a piece of text (with the source line it came from), a line break, the end of a
block. `finish` lays the lines out: a blank line between blocks, each block on
its source line where it can be (the report cites those numbers), pushed down
when an earlier block took more lines than its source did. A block set apart
(an `Aside`: a details block, a block quote) needs no blank line before or after
it: `split_paragraphs` cuts where the aside status changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_SPACES = re.compile(r"[ \t\r\n\f\v\xa0]+")


@dataclass(eq=False)
class Aside:
    """A block set apart from the text before it; its summary may come in after its lines."""

    parts: list[str] = field(default_factory=list)  # the summary's text, as it came

    @property
    def summary(self) -> str:
        return _SPACES.sub(" ", "".join(self.parts)).strip()


@dataclass(frozen=True)
class _Line:
    hint: int  # 1-based source line, 0 when unknown
    text: str
    aside: Aside | None


class Layout:
    """Text written piece by piece; `keep_lines` places blocks on their source lines."""

    def __init__(self, keep_lines: bool, clean: Callable[[str], str] = str.strip) -> None:
        self.keep_lines = keep_lines
        self._clean = clean
        self._blocks: list[list[_Line]] = [[]]
        self._pieces: list[str] = []
        self._started = False  # the current line has visible text
        self._hint = 0
        self._aside: Aside | None = None
        self._after_break = False  # the last thing was a <br>: a second one ends the block

    def write(self, text: str, aside: Aside | None, hint: int = 0) -> None:
        """Add text to the current line; its first visible piece sets the line's source line and aside."""
        if not text:
            return
        if "\n" in text and self.keep_lines:
            for number, piece in enumerate(text.split("\n")):
                if number:
                    self.newline()
                self.write(piece, aside, hint + number if hint else 0)
            return
        if text.strip():
            if not self._started:
                self._started, self._hint, self._aside = True, hint, aside
            self._after_break = False
        self._pieces.append(text)

    def newline(self) -> None:
        """End the current line (nothing when it is empty)."""
        text = "".join(self._pieces)
        text = self._clean(text if self.keep_lines else _SPACES.sub(" ", text))
        if text:
            self._blocks[-1].append(_Line(self._hint, text, self._aside))
        self._pieces.clear()
        self._started, self._hint, self._aside = False, 0, None

    def line_break(self) -> None:
        """A `<br>`: ends the line; two in a row end the block."""
        if self._started:
            self.newline()
            self._after_break = True
        elif self._after_break:
            self.new_block()

    def new_block(self) -> None:
        """End the current line and block."""
        self.newline()
        if self._blocks[-1]:
            self._blocks.append([])
        self._after_break = False

    def finish(self) -> tuple[str, dict[int, str]]:
        """The text, and its aside lines (1-based) with their summaries."""
        self.new_block()
        out: list[str] = []
        asides: dict[int, str] = {}
        previous_aside = False
        for block in self._blocks:
            if not block:
                continue
            start = block[0].hint - 1 if self.keep_lines else 0
            if out:
                apart = self.keep_lines and (block[0].aside is not None) != previous_aside
                start = max(start, len(out) + (0 if apart else 1))
            out.extend([""] * (start - len(out)))
            for line in block:
                if line.aside is not None:
                    asides[len(out) + 1] = line.aside.summary
                out.append(line.text)
            previous_aside = block[-1].aside is not None
        return "\n".join(out) + "\n" if out else "", asides
