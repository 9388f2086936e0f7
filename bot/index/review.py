"""What the bot would publish from a transcript an admin sent: the draft to review.

The draft is extracted exactly as the build will extract it (the seeds' speakers and
sources, those of the documents published before, and the draft's own decisions), so
what the admin approves is what readers get.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.extract import DOCUMENT_SUFFIXES
from bot.index import extract_paths
from bot.index.published import published_folder, write_published
from bot.metadata import MetadataError
from bot.records import Source

SAMPLES = 3


@dataclass
class Review:
    """A draft as readers would get it, and what the admin should look at."""

    source: Source
    speakers: list[tuple[str, int]] = field(default_factory=list)  # (speaker, quotes), most first
    unknown_labels: dict[str, int] = field(default_factory=dict)  # label -> times: who is it?
    unmapped_roles: dict[str, int] = field(default_factory=dict)  # role label -> times: who plays it?
    quotes: int = 0
    postable: int = 0  # quotes that stand on their own
    samples: list[tuple[str, str]] = field(default_factory=list)  # (speaker, quote)
    warnings: list[str] = field(default_factory=list)  # encoding, markup, unattributed speech
    skipped: str = ""  # why the file is not a transcript at all (binary, too big), '' when it is one

    @property
    def publishable(self) -> bool:
        """Whether publishing would give readers anything."""
        return self.quotes > 0


class ReviewError(Exception):
    """The draft cannot be extracted; the message is one line for the admin."""


def review(name: str, data: bytes, facts: Mapping[str, Any], seeds_dir: Path, db_path: Path) -> Review:
    """Extract the draft `name` (its bytes and decisions) as the next build would."""
    if Path(name).suffix.lower() not in DOCUMENT_SUFFIXES:
        kinds = ", ".join(sorted(DOCUMENT_SUFFIXES))
        raise ReviewError(f"{name} is not a transcript the bot reads ({kinds})")
    with tempfile.TemporaryDirectory(prefix="quotebot-draft-") as tmp:
        folder = Path(tmp) / "draft.db"
        write_published([(name, data, facts)], folder)
        try:
            corpus = extract_paths(
                [published_folder(folder)], seeds_dir, more_metadata=[published_folder(db_path)]
            )
        except MetadataError as error:
            raise ReviewError(str(error)) from error
    [document] = corpus.documents
    [judged] = corpus.judgements
    found = Review(document.source)
    if document.skipped:
        found.skipped = "; ".join(document.notes) or "not a transcript"
        return found
    speakers: Counter[str] = Counter(document.passages[q.passage].speaker for q in document.quotes)
    found.speakers = speakers.most_common()
    settled = set(facts.get("not_people", []))  # labels the admin said are nobody
    found.unknown_labels = {k: v for k, v in document.unknown_labels.items() if k not in settled}
    found.unmapped_roles = dict(document.unmapped_roles)
    found.quotes = len(document.quotes)
    found.postable = sum(j.postable for j in judged)
    best = sorted(((j.score, i) for i, j in enumerate(judged) if j.postable), reverse=True)
    used_passages: set[int] = set()
    for _score, index in best:
        quote = document.quotes[index]
        if quote.passage not in used_passages and len(found.samples) < SAMPLES:
            used_passages.add(quote.passage)
            found.samples.append((document.passages[quote.passage].speaker, quote.text))
    found.warnings = [*document.notes]
    if document.markup:
        found.warnings.append(f"{len(document.markup)} quote(s) left out: markup in them")
    if document.unattributed:
        found.warnings.append(f"{len(document.unattributed)} paragraph(s) of speech attributed to nobody")
    return found
