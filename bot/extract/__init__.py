"""Page -> speaker turns -> quotes. Pure functions over text; no database.

    read_document (reading) -> split_paragraphs -> attribute (turns) -> quotes
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from bot.extract import bilingual, source_info
from bot.extract.labels import LabelMatcher, name_alternation
from bot.extract.markup import find_markup
from bot.extract.model import Document, Dropped, Passage, QuoteUnit
from bot.extract.paragraphs import Paragraph, split_paragraphs
from bot.extract.quotes import paragraph_quotes, reported_quotes, split_sentences
from bot.extract.reading import SUBTITLE_SUFFIXES, FileFacts, read_document
from bot.extract.roles import RoleMap, count_roles, default_roles, kind_of, match_role
from bot.extract.turns import Attribution, attribute
from bot.metadata import Monologue, SourceFacts, Speaker
from bot.records import Source

DOCUMENT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".srt", ".vtt"}

__all__ = ["Document", "Dropped", "Passage", "QuoteUnit", "extract_document", "find_documents"]


def find_documents(paths: Iterable[Path]) -> Iterator[Path]:
    """Every document file named in `paths`, folders searched one level deep, in name order
    (the original beside a translation, `talk.en.md` beside `talk.md`, is part of it)."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(
                p for p in path.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES and not translated_by(p)
            )
        else:
            yield path


# `talk.en.md` beside `talk.md`: the speaker's own words, in that language, of the translation.
ORIGINAL_LANGUAGES = ("en",)


def original_file(path: Path) -> Path | None:
    """The file of the original words beside the translation at `path`, if there is one."""
    for language in ORIGINAL_LANGUAGES:
        for suffix in sorted(DOCUMENT_SUFFIXES):
            candidate = path.with_name(f"{path.stem}.{language}{suffix}")
            if candidate.is_file():
                return candidate
    return None


def translated_by(path: Path) -> Path | None:
    """The translation the file at `path` is the original of (`talk.md` for `talk.en.md`)."""
    stem, dot, language = path.stem.rpartition(".")
    if not dot or language not in ORIGINAL_LANGUAGES:
        return None
    for suffix in sorted(DOCUMENT_SUFFIXES):
        candidate = path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def original_sentences(path: Path, speakers: list[Speaker]) -> list[str]:
    """The sentences of an original's file, its speaker labels cut off, in order."""
    reading = read_document(path)
    matcher = LabelMatcher(speakers)
    found: list[str] = []
    for paragraph in split_paragraphs(reading.text, matcher.starts_turn):
        text = paragraph.text
        role = match_role(text)
        text = role.rest if role else text[len(matcher.label_prefix(text)):]
        found.extend(s.strip() for s in split_sentences(text) if s.strip())
    return found


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
    asides = bilingual.mark_alternating_lines(text, reading.asides)
    paragraphs = split_paragraphs(text, matcher.starts_turn, asides, reading.times)
    paragraphs = bilingual.pair_originals(paragraphs, matcher.label_prefix)
    # A line of speech is never a title (`Host：你如何看待…`); subtitles are all speech.
    headings = [] if path.suffix.lower() in SUBTITLE_SUFFIXES else [
        p for p in paragraphs if not (matcher.label_prefix(p.text) or match_role(p.text))
    ]
    _describe_source(document, text, headings, facts, reading.facts)
    attribution = _attribute(document, paragraphs, matcher, facts, reading.facts)
    document.dropped = attribution.dropped
    document.hosts = attribution.hosts
    document.unmapped_roles = dict(attribution.unmapped_roles)
    document.unknown_labels.update(
        (label, count)
        for label, count in matcher.unknown_labels(p.text for p in paragraphs).items()
        if not kind_of(label)
    )
    for turn in attribution.turns:
        index = len(document.passages)
        assert turn.line is not None  # a turn is kept only once a paragraph has set its line
        document.passages.append(Passage(turn.speaker, "\n".join(turn.paragraphs), turn.line))
        for part in turn.parts:
            document.quotes.extend(_quote_units(index, part))
    _add_reported(document, attribution.narration, speakers)
    _drop_markup(document)
    _order_by_line(document)
    if not attribution.labels_seen and not attribution.turns:
        document.notes.append("no speaker labels: kept as narration (no quotes)")
    return document


def _drop_markup(document: Document) -> None:
    """Leave out every quote that still holds markup (a tag, an entity, emphasis marks): a
    reader must never be served `<details>` as someone's words. Each is reported, and
    `ingest --strict` fails on them."""
    kept = []
    for unit in document.quotes:
        snippet = find_markup(unit.text) or (find_markup(unit.original) if unit.original else None)
        if snippet:
            line = document.passages[unit.passage].line
            document.dropped.append(Dropped(line, unit.text, "markup"))
            document.markup.append(Dropped(line, snippet, "markup"))
        else:
            kept.append(unit)
    document.quotes = kept


def _quote_units(passage: int, part: Paragraph) -> list[QuoteUnit]:
    """A paragraph's quotes: one with its original when it has one (the two are aligned as
    paragraphs, not sentence by sentence), else its sentences packed into quotes."""
    if part.original:
        return [QuoteUnit(passage, part.text.strip(), original=part.original.strip(),
                          original_lang=part.original_lang, start=part.start)]
    return [QuoteUnit(passage, text, start=part.start) for text in paragraph_quotes(part.text)]


def _attribute(
    document: Document,
    paragraphs: list[Paragraph],
    matcher: LabelMatcher,
    facts: SourceFacts,
    stated: FileFacts,
) -> Attribution:
    """Attribute the paragraphs, with roles mapped by sources.toml, else by the file itself.

    A file whose front matter names one person and which labels nobody is that
    person's talk (sources.toml's `speaker` says so for files that cannot).
    """
    used = count_roles(p.text for p in paragraphs)
    people = [name for person in stated.people if (name := matcher.speaker_for(person))]
    # Who speaks under their own name (only asked when the file names its people).
    labelled = {label.speaker for p in paragraphs if (label := matcher.match(p.text))} if stated.people else set()
    mapping: dict[str, str] = {}
    mapping.update(default_roles(used, stated.people, lambda person: matcher.speaker_for(person) in labelled))
    mapping.update(stated.roles)
    mapping.update(facts.roles)
    resolved = {}
    for role, name in mapping.items():
        speaker = matcher.speaker_for(name)
        if speaker:
            resolved[role] = speaker
        elif played := sum(n for label, n in used.items() if RoleMap({role: name}).plays(label)):
            document.unknown_labels[name] = played  # someone speakers.toml does not know yet
    monologues = facts.monologues
    if not monologues and not used and not labelled and len(set(people)) == 1:
        monologues = (Monologue(speaker=people[0], after=""),)
    return attribute(paragraphs, matcher, monologues, RoleMap(resolved))


def _order_by_line(document: Document) -> None:
    """Put passages (speech and reported) in document order, keeping quotes pointing at them."""
    order = sorted(range(len(document.passages)), key=lambda i: document.passages[i].line)
    new_index = {old: new for new, old in enumerate(order)}
    document.passages = [document.passages[i] for i in order]
    document.quotes = sorted(
        (replace(q, passage=new_index[q.passage]) for q in document.quotes),
        key=lambda q: q.passage,
    )


def _describe_source(
    document: Document, text: str, headings: list[Paragraph], facts: SourceFacts, stated: FileFacts
) -> None:
    """Fill title, publisher, URL, date and script: sources.toml first, then what the file
    states about itself (front matter, meta tags), then what its text shows (the title
    from `headings`, the paragraphs that are not speech)."""
    known, file = facts.source, document.source.file
    document.source = Source(
        file,
        title=known.title or stated.title or source_info.find_title(headings) or file,
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

