"""What extraction produces: plain data, no database."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.records import Source, SpeechKind


@dataclass(frozen=True)
class Passage:
    """One speaker turn, whole, in document order."""

    speaker: str  # canonical name
    text: str  # paragraphs joined with a blank line, editors' notes removed
    line: int  # 1-based line in the source file where the turn starts
    kind: SpeechKind = "speech"


@dataclass(frozen=True)
class QuoteUnit:
    """A quotable piece of a passage: a sentence or a few, verbatim."""

    passage: int  # index into Document.passages
    text: str
    kind: SpeechKind = "speech"
    original: str | None = None  # the speaker's own words that `text` translates
    original_lang: str | None = None  # their language ("en", "zh")
    start: float | None = None  # when it is said, in seconds from the start of the recording


# Reasons a paragraph of speech has nobody to quote (an audience question is meant to be nobody's).
UNATTRIBUTED = ("unattributed", "unknown-speaker", "unmapped-role")


@dataclass(frozen=True)
class Dropped:
    """A paragraph left out of the quotes, with the reason (for the ingest report)."""

    line: int
    text: str
    reason: str  # "boilerplate" | "heading" | "narration" | "unattributed" | "duplicate" | ...


@dataclass
class Document:
    """One source document after extraction."""

    source: Source
    passages: list[Passage] = field(default_factory=list)
    quotes: list[QuoteUnit] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one-line messages: converted, skipped, ...
    unknown_labels: dict[str, int] = field(default_factory=dict)  # label -> times, not in speakers.toml
    unmapped_roles: dict[str, int] = field(default_factory=dict)  # role label -> times, nobody mapped
    hosts: set[str] = field(default_factory=set)  # speakers a role label names as the interviewer
    markup: list[Dropped] = field(default_factory=list)  # quotes left out for markup: the snippet found
    skipped: bool = False  # unreadable, empty or not text: nothing of it is stored

    @property
    def unattributed(self) -> list[Dropped]:
        """Paragraphs that look like speech but have no known speaker."""
        return [d for d in self.dropped if d.reason in UNATTRIBUTED]
