"""Records every layer shares: where a quote was published, and the kinds of speech.

A leaf module like `bot.text`: the extractor fills a `Source`, the builder stores
it, the quote database reads it back and the searcher and the replies show it,
all as this one record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# "speech": the speaker's own turn; "reported": a journalist quoting the speaker.
SpeechKind = Literal["speech", "reported"]


@dataclass(frozen=True)
class Source:
    """Where a quote was published: the file it came from and what is known about it."""

    file: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    event: str | None = None
    script: str | None = None  # "simplified" | "traditional"

    def cited(self) -> dict[str, str | None]:
        """The fields a JSON answer cites (the `quotes --json` and `ask --json` contracts)."""
        return {
            "file": self.file,
            "title": self.title,
            "publisher": self.publisher,
            "url": self.url,
            "date": self.date,
        }
