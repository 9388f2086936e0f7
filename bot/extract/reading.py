"""A file as the extractor reads it: plain text, what the file says about itself, and marks.

Every format (plain text, Markdown, HTML, subtitles) is read into one `Reading`:
the text the paragraphs are cut from (its line numbers are the ones the report
cites), the facts the file states about itself (front matter, `<meta>` tags), and
per-line marks that plain text cannot carry: which lines are set apart from the
paragraph before them (a `<details>` block, a block quote, an indented paragraph:
where bilingual notes put the speaker's original words), and when each subtitle
paragraph starts.

    .md .markdown    bot.extract.markdown_text  (text on the source's lines)
    .html .htm, or text that starts like a page
                     bot.extract.html_text      (a blank line between blocks)
    .srt .vtt        bot.extract.subtitles.read_subtitles(text, suffix)
    anything else    plain text, as it is; an indented paragraph after an
                     unindented one is an aside
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.extract.decode import decode_file, looks_like_html
from bot.extract.file_facts import FileFacts
from bot.extract.html_text import read_html
from bot.extract.markdown_text import read_markdown

__all__ = ["FileFacts", "Reading", "read_document", "read_plain", "MARKDOWN_SUFFIXES", "SUBTITLE_SUFFIXES"]

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
SUBTITLE_SUFFIXES = frozenset({".srt", ".vtt"})

_INDENTED = re.compile(r"^(?: {2,}|\t)\S")
_UNINDENTED = re.compile(r"^\S")


@dataclass
class Reading:
    """One file read into plain text, with its facts and per-line marks."""

    text: str
    notes: list[str] = field(default_factory=list)  # one-line messages: converted, skipped, ...
    facts: FileFacts = field(default_factory=FileFacts)
    # 1-based lines of `text` set apart from the paragraph before them (details
    # blocks, block quotes, indented paragraphs), and what the block's summary said.
    asides: dict[int, str] = field(default_factory=dict)  # line -> summary ('' when none)
    times: dict[int, float] = field(default_factory=dict)  # line -> start, in seconds


def read_document(path: Path) -> Reading:
    """Read any supported file into a Reading ('' text when it is skipped)."""
    path = Path(path)
    text, notes = decode_file(path)
    if text is None:
        return Reading("", notes)
    suffix = path.suffix.lower()
    if suffix in SUBTITLE_SUFFIXES:
        return _read_subtitles(text, suffix, notes)
    if looks_like_html(path, text):
        text, asides, facts = read_html(text)
        return Reading(text, [*notes, "converted from HTML to text"], facts, asides)
    if suffix in MARKDOWN_SUFFIXES:
        text, asides, facts, more = read_markdown(text)
        return Reading(text, [*notes, "converted from Markdown to text", *more], facts, asides)
    return read_plain(text, notes)


def read_plain(text: str, notes: list[str] | None = None) -> Reading:
    """Plain text as it is; an indented paragraph (every line starts with two spaces or a
    tab) right after an unindented one is set apart, when the file indents that way
    (most indented paragraphs follow an unindented one, not each other)."""
    blocks: list[tuple[int, list[str]]] = []  # (first line, lines) of each paragraph
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if blocks and blocks[-1][0] + len(blocks[-1][1]) == number:
            blocks[-1][1].append(line)
        else:
            blocks.append((number, [line]))
    indented = [all(_INDENTED.match(line) for line in lines) for _, lines in blocks]
    after_plain = [
        i for i in range(1, len(blocks)) if indented[i] and _UNINDENTED.match(blocks[i - 1][1][0])
    ]
    asides: dict[int, str] = {}
    if after_plain and 2 * len(after_plain) >= sum(indented):
        for i in after_plain:
            first, lines = blocks[i]
            asides.update((first + offset, "") for offset in range(len(lines)))
    return Reading(text, list(notes or []), asides=asides)


def _read_subtitles(text: str, suffix: str, notes: list[str]) -> Reading:
    """Subtitles, read by bot.extract.subtitles (imported here: webvtt-py is needed only then)."""
    from bot.extract.subtitles import read_subtitles

    text, times, more = read_subtitles(text, suffix)
    return Reading(text, [*notes, *more], times=times)
