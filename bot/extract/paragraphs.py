"""Plain text -> paragraphs: blank lines separate them, hard-wrapped lines are joined."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# A line ending in a Latin word (or its sentence mark) and one starting with one are two
# words of English apart: joined with a space.
_LATIN_END = re.compile(r"[A-Za-z0-9][.,;:!?)\"'’”]*$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")
# A line ending like this closes a sentence, so a label on the next line starts a new turn.
_SENTENCE_END = re.compile(r"[。！？!?….”」』）)\]\"']$")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's text with its lines re-joined, and the 1-based line where it starts."""

    line: int
    text: str
    aside: str | None = None  # set apart from the paragraph before (Reading.asides): its summary
    start: float | None = None  # when it is said, in seconds (subtitles)
    original: str | None = None  # the speaker's own words this paragraph translates
    original_lang: str | None = None  # their language: "en", "zh", ...


def join_lines(lines: list[str]) -> str:
    """Re-join hard-wrapped lines: a space between two Latin words, nothing inside Chinese.

    Scraped pages break lines mid-sentence (`Sam` / `Altman:`, `(alignment` /
    `problem)`); the line break carries no meaning of its own.
    """
    text = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if text and _LATIN_END.search(text) and _LATIN_START.match(line):
            text += " "
        text += line
    return text


def split_paragraphs(
    text: str,
    starts_turn: Callable[[str], bool] = lambda line: False,
    asides: Mapping[int, str] | None = None,
    times: Mapping[int, float] | None = None,
) -> list[Paragraph]:
    """Paragraphs of `text`, in order, each with the line number where it starts.

    Transcripts without blank lines put each turn on its own line: a line for
    which `starts_turn` holds begins a new paragraph when the line before it
    ended a sentence (a wrapped label such as `Lex` / `Fridman:` does not). A
    block set apart (`asides`, by line) is a paragraph of its own even with no
    blank line around it; `times` gives a paragraph its start.
    """
    asides, times = asides or {}, times or {}
    paragraphs: list[Paragraph] = []
    block: list[str] = []
    start = 0

    def close() -> None:
        paragraphs.append(Paragraph(start, join_lines(block), asides.get(start), times.get(start)))
        block.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if block:
                close()
            continue
        if block and (
            (start in asides) != (number in asides)
            or (_SENTENCE_END.search(block[-1].strip()) and starts_turn(line.strip()))
        ):
            close()
        if not block:
            start = number
        block.append(line)
    if block:
        close()
    return paragraphs
