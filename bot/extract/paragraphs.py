"""Plain text -> paragraphs: blank lines separate them, hard-wrapped lines are joined."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_LATIN_END = re.compile(r"[A-Za-z0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")
# A line ending like this closes a sentence, so a label on the next line starts a new turn.
_SENTENCE_END = re.compile(r"[。！？!?….”」』）)\]\"']$")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's text with its lines re-joined, and the 1-based line where it starts."""

    line: int
    text: str


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
    text: str, starts_turn: Callable[[str], bool] = lambda line: False
) -> list[Paragraph]:
    """Paragraphs of `text`, in order, each with the line number where it starts.

    Transcripts without blank lines put each turn on its own line: a line for
    which `starts_turn` holds begins a new paragraph when the line before it
    ended a sentence (a wrapped label such as `Lex` / `Fridman:` does not).
    """
    paragraphs: list[Paragraph] = []
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if block:
                paragraphs.append(Paragraph(start, join_lines(block)))
                block = []
            continue
        if block and _SENTENCE_END.search(block[-1].strip()) and starts_turn(line.strip()):
            paragraphs.append(Paragraph(start, join_lines(block)))
            block = []
        if not block:
            start = number
        block.append(line)
    if block:
        paragraphs.append(Paragraph(start, join_lines(block)))
    return paragraphs
