"""Run the extractor on a snippet of text, with the project's real speaker table."""

from __future__ import annotations

from pathlib import Path

from bot.extract import extract_document
from bot.extract.model import Document
from bot.metadata import Monologue, SourceFacts, load_speakers
from tests.conftest import SEEDS

SPEAKERS = load_speakers(SEEDS)


def extract_text(
    tmp_path: Path, text: str, name: str = "doc.txt", monologues=(), encoding="utf-8", roles=None
) -> Document:
    """Extract `text` as if it were a seed document called `name` (sources.toml giving
    its `monologues` and `roles`)."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    facts = SourceFacts(monologues=tuple(Monologue(*m) for m in monologues), roles=dict(roles or {}))
    return extract_document(path, SPEAKERS, facts)


def turns(document: Document) -> list[tuple[str, str]]:
    """(speaker, passage text) of every speech passage."""
    return [(p.speaker, p.text) for p in document.passages if p.kind == "speech"]


def speaker_of(document: Document, fragment: str) -> list[str]:
    """The speakers of every quote that contains `fragment`."""
    return [document.passages[q.passage].speaker for q in document.quotes if fragment in q.text]
