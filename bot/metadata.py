"""The hand-kept metadata in `seeds/`: speakers.toml, sources.toml, glossary.toml.

This is the start of the data flow: it imports only the leaf `records`.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.records import Source

SPEAKERS_FILE = "speakers.toml"
SOURCES_FILE = "sources.toml"
GLOSSARY_FILE = "glossary.toml"


class MetadataError(ValueError):
    """A hand-kept metadata file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Speaker:
    """One person: the canonical English name, the Chinese name and every alias."""

    name: str
    name_zh: str = ""
    aliases: tuple[str, ...] = ()
    glued: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        """The canonical name, the Chinese name and the aliases, without repeats."""
        names = [self.name, self.name_zh, *self.aliases]
        return tuple(dict.fromkeys(n for n in names if n))


@dataclass(frozen=True)
class Monologue:
    """A section with no labels that is one speaker's talk (declared by hand)."""

    speaker: str
    after: str
    until: str | None = None


@dataclass(frozen=True)
class SourceFacts:
    """What sources.toml says about one document; unset fields are extracted from the page."""

    source: Source = Source("")
    monologues: tuple[Monologue, ...] = field(default=())
    roles: dict[str, str] = field(default_factory=dict)  # role label or kind -> speaker name


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MetadataError(f"{path}: {error}") from error


# The longest name or alias: a real one is a few words; a longer one is a mistake that
# would fill every answer, the speaker list and the cards.
MAX_NAME_CHARS = 64
# The longest title, publisher, URL or event a source may have.
MAX_FACT_CHARS = 500
SCRIPTS = ("simplified", "traditional")


def _text(value: object, where: str, limit: int, required: bool = False) -> str:
    """`value` as a checked string: a string (not a number or a list), at most `limit`
    characters; raise MetadataError with one line saying where otherwise."""
    if value is None or value == "":
        if required:
            raise MetadataError(f"{where} is missing")
        return ""
    if not isinstance(value, str):
        raise MetadataError(f"{where} must be a string in quotes, not {type(value).__name__} {value!r:.40}")
    if len(value.strip()) > limit:
        raise MetadataError(f"{where} is {len(value)} characters long; the most is {limit}")
    return value.strip()


def _texts(value: object, where: str, limit: int) -> tuple[str, ...]:
    """A list of checked strings (`aliases = "Sam"` is an error, not the aliases S, a, m)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise MetadataError(f"{where} must be a list of strings, like [\"a\", \"b\"], not {value!r:.40}")
    return tuple(_text(item, f"{where}[{i}]", limit, required=True) for i, item in enumerate(value))


def _tables(value: object, where: str) -> list[dict[str, Any]]:
    """An array of tables (`[[speaker]]`), checked."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MetadataError(f"{where} must be tables written [[{where.rsplit(' ', 1)[-1]}]], not {value!r:.40}")
    return value


def load_speakers(seeds_dir: Path) -> list[Speaker]:
    """Read speakers.toml; raise MetadataError (one line) on a malformed entry: a missing
    name, a value of the wrong type, a name too long, or a name or alias given twice."""
    path = Path(seeds_dir) / SPEAKERS_FILE
    speakers: list[Speaker] = []
    owner: dict[str, str] = {}  # every name and alias, case-folded -> whose
    for number, entry in enumerate(_tables(_read_toml(path).get("speaker", []), f"{path}: speaker"), start=1):
        where = f"{path}: speaker #{number}"
        name = _text(entry.get("name"), f"{where} name", MAX_NAME_CHARS, required=True)
        speaker = Speaker(
            name=name,
            name_zh=_text(entry.get("name_zh"), f"{where} ({name}) name_zh", MAX_NAME_CHARS),
            aliases=_texts(entry.get("aliases"), f"{where} ({name}) aliases", MAX_NAME_CHARS),
            glued=_texts(entry.get("glued"), f"{where} ({name}) glued", MAX_NAME_CHARS),
        )
        for alias in speaker.all_names:
            other = owner.setdefault(alias.casefold(), name)
            if other != name:
                raise MetadataError(f"{path}: {alias!r} is given for both {other!r} and {name!r}; keep it for one")
        if any(s.name == name for s in speakers):
            raise MetadataError(f"{path}: {name!r} has two entries; merge them into one")
        speakers.append(speaker)
    return speakers


def load_sources(seeds_dir: Path) -> dict[str, SourceFacts]:
    """Read sources.toml into facts keyed by seed file name; raise MetadataError (one line)
    on a value of the wrong type or length."""
    path = Path(seeds_dir) / SOURCES_FILE
    sources = _read_toml(path).get("source", {})
    if not isinstance(sources, dict):
        raise MetadataError(f"{path}: source must be tables written [source.\"file name\"]")
    return {file_name: _source_facts(path, str(file_name), entry) for file_name, entry in sources.items()}


def _source_facts(path: Path, file_name: str, entry: object) -> SourceFacts:
    """One document's entry of sources.toml, checked."""
    where = f"{path}: source {file_name!r}"
    if not isinstance(entry, dict):
        raise MetadataError(f"{where} is not a table")
    monologues = tuple(
        Monologue(
            speaker=_text(m.get("speaker"), f"{where} monologue speaker", MAX_NAME_CHARS, required=True),
            after=_text(m.get("after"), f"{where} monologue after", MAX_FACT_CHARS, required=True),
            until=_text(m.get("until"), f"{where} monologue until", MAX_FACT_CHARS) or None,
        )
        for m in _tables(entry.get("monologue", []), f"{where} monologue")
    )
    if speaker := _text(entry.get("speaker"), f"{where} speaker", MAX_NAME_CHARS):
        # The whole document is this one person's (a talk, subtitles).
        monologues = (Monologue(speaker=speaker, after=""), *monologues)
    roles = entry.get("roles", {})
    if not isinstance(roles, dict):
        raise MetadataError(f"{where} roles must be a table: roles = {{ host = \"Name\" }}")
    if isinstance(entry.get("date"), datetime.date):  # `date = 2024-05-01`, unquoted, is TOML's date
        entry = {**entry, "date": entry["date"].isoformat()[:10]}
    known = {
        key: value
        for key in ("title", "publisher", "url", "date", "event", "script")
        if (value := _text(entry.get(key), f"{where} {key}", MAX_FACT_CHARS))
    }
    if "date" in known and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", known["date"]):
        raise MetadataError(f"{where} date must be YYYY-MM-DD, not {known['date']!r}")
    if "script" in known and known["script"] not in SCRIPTS:
        raise MetadataError(f"{where} script must be one of {', '.join(SCRIPTS)}, not {known['script']!r}")
    return SourceFacts(
        Source(file_name, **known),
        monologues=monologues,
        # "" as pasted from the ingest report: not known yet.
        roles={
            str(role): person
            for role, value in roles.items()
            if (person := _text(value, f"{where} roles {role!r}", MAX_NAME_CHARS))
        },
    )


def merge_speakers(base: list[Speaker], more: list[Speaker]) -> list[Speaker]:
    """`base` with `more` added: an entry of a known name adds its aliases (and a Chinese
    name where there was none) to that person; an entry of a new name is a new person."""
    merged = {speaker.name: speaker for speaker in base}
    for extra in more:
        known = merged.get(extra.name)
        if known is None:
            merged[extra.name] = extra
            continue
        merged[extra.name] = Speaker(
            known.name,
            known.name_zh or extra.name_zh,
            tuple(dict.fromkeys([*known.aliases, *extra.aliases, *([extra.name_zh] if known.name_zh else [])])),
            tuple(dict.fromkeys([*known.glued, *extra.glued])),
        )
    return list(merged.values())


def check_monologues(facts: dict[str, SourceFacts], speakers: list[Speaker]) -> None:
    """Raise MetadataError when a monologue in sources.toml names someone not in speakers.toml."""
    names = {speaker.name for speaker in speakers}
    for file_name, fact in facts.items():
        for monologue in fact.monologues:
            if monologue.speaker not in names:
                raise MetadataError(
                    f"{SOURCES_FILE}: the monologue in {file_name!r} is by {monologue.speaker!r}, "
                    f"who is not in {SPEAKERS_FILE} (add them, by that name)"
                )
        known = {name for speaker in speakers for name in speaker.all_names}
        for role, person in fact.roles.items():
            if person not in known:
                raise MetadataError(
                    f"{SOURCES_FILE}: the role {role!r} in {file_name!r} is played by {person!r}, "
                    f"who is not in {SPEAKERS_FILE} (add them, by that name)"
                )


def load_glossary(seeds_dir: Path) -> dict[str, list[str]]:
    """Read glossary.toml: English term (lower case) -> Chinese terms."""
    path = Path(seeds_dir) / GLOSSARY_FILE
    terms = _read_toml(path).get("terms", {})
    return {str(k).lower(): [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in terms.items()}
