"""A file as the extractor reads it: plain text, what the file says about itself, and marks.

Every format (plain text, Markdown, HTML, subtitles) is read into one `Reading`:
the text the paragraphs are cut from (its line numbers are the ones the report
cites), the facts the file states about itself (front matter, `<meta>` tags), and
per-line marks that plain text cannot carry: which lines are set apart from the
paragraph before them (a `<details>` block, a block quote, an indented paragraph:
where bilingual notes put the speaker's original words), and when each subtitle
paragraph starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.extract.decode import read_text


@dataclass(frozen=True)
class FileFacts:
    """What a file states about itself; sources.toml wins over each of them."""

    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    url: str | None = None
    publisher: str | None = None  # the channel, site or account that published it
    people: tuple[str, ...] = ()  # who takes part, as the file names them
    roles: dict[str, str] = field(default_factory=dict)  # role label -> person, when the file says


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
    text, notes = read_text(Path(path))
    return Reading(text, notes)
