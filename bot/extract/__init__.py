"""Page -> speaker turns -> quotes. Pure functions over text; no database.

    read_document (reading) -> split_paragraphs -> attribute (turns) -> quotes
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.extract import source_info
from bot.extract.labels import LabelMatcher, name_alternation
from bot.extract.model import Document, Dropped, Passage, QuoteUnit
from bot.extract.paragraphs import Paragraph, split_paragraphs
from bot.extract.quotes import paragraph_quotes, reported_quotes
from bot.extract.reading import FileFacts, read_document
from bot.extract.turns import attribute
from bot.metadata import SourceFacts, Speaker
from bot.records import Source

DOCUMENT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}

__all__ = ["Document", "Dropped", "Passage", "QuoteUnit", "extract_document", "find_documents"]


def find_documents(paths: Iterable[Path]) -> Iterator[Path]:
    """Every document file named in `paths`, folders searched one level deep, in name order."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES)
        else:
            yield path


def extract_document(path: Path, speakers: list[Speaker], facts: SourceFacts | None = None) -> Document:
    """Read one document and attribute its speech; messages go to `Document.notes`."""
    path = Path(path)
    facts = facts or SourceFacts()
    document = Document(Source(path.name))
    reading = read_document(path)
    text, document.notes = reading.text, reading.notes
    if not text.strip():
        document.skipped = True
        if not document.notes:
            document.notes.append("empty: skipped")
        return document
    matcher = LabelMatcher(speakers)
    paragraphs = split_paragraphs(text, matcher.starts_turn, reading.asides, reading.times)
    _describe_source(document, text, paragraphs, facts, reading.facts)
    attribution = attribute(paragraphs, matcher, facts.monologues)
    document.dropped = attribution.dropped
    document.unknown_labels = dict(matcher.unknown_labels(p.text for p in paragraphs))
    for turn in attribution.turns:
        index = len(document.passages)
        assert turn.line is not None  # a turn is kept only once a paragraph has set its line
        document.passages.append(Passage(turn.speaker, "\n".join(turn.paragraphs), turn.line))
        for paragraph in turn.paragraphs:
            document.quotes.extend(QuoteUnit(index, q) for q in paragraph_quotes(paragraph))
    _add_reported(document, attribution.narration, speakers)
    _order_by_line(document)
    if not attribution.labels_seen and not facts.monologues:
        document.notes.append("no speaker labels: kept as narration (no quotes)")
    return document


def _order_by_line(document: Document) -> None:
    """Put passages (speech and reported) in document order, keeping quotes pointing at them."""
    order = sorted(range(len(document.passages)), key=lambda i: document.passages[i].line)
    new_index = {old: new for new, old in enumerate(order)}
    document.passages = [document.passages[i] for i in order]
    document.quotes = sorted(
        (QuoteUnit(new_index[q.passage], q.text, q.kind) for q in document.quotes),
        key=lambda q: q.passage,
    )


def _describe_source(
    document: Document, text: str, paragraphs: list[Paragraph], facts: SourceFacts, stated: FileFacts
) -> None:
    """Fill title, publisher, URL, date and script: sources.toml first, then what the file
    states about itself (front matter, meta tags), then what its text shows."""
    known, file = facts.source, document.source.file
    document.source = Source(
        file,
        title=known.title or stated.title or source_info.find_title(paragraphs) or file,
        publisher=known.publisher or stated.publisher or source_info.find_publisher(text),
        url=known.url or stated.url or source_info.find_url(text),
        date=known.date or stated.date or source_info.find_date(text),
        event=known.event,
        script=known.script or source_info.detect_script(text),
    )


def _add_reported(
    document: Document, narration: list[Paragraph], speakers: list[Speaker]
) -> None:
    """Quotations the journalist attributes to a speaker by name, marked `reported`."""
    for speaker in speakers:
        names = name_alternation(list(speaker.all_names))
        for paragraph in narration:
            quotes = [q for quote in reported_quotes(paragraph.text, names) for q in paragraph_quotes(quote)]
            if quotes:
                index = len(document.passages)
                document.passages.append(
                    Passage(speaker.name, paragraph.text, paragraph.line, kind="reported")
                )
                document.quotes.extend(QuoteUnit(index, q, kind="reported") for q in quotes)

