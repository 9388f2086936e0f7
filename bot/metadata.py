"""The hand-kept metadata in `seeds/`: speakers.toml, sources.toml, glossary.toml.

This is the start of the data flow: it imports only the leaf `records`.
"""

from __future__ import annotations

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


def load_speakers(seeds_dir: Path) -> list[Speaker]:
    """Read speakers.toml; raise MetadataError on a missing name or a malformed entry."""
    path = Path(seeds_dir) / SPEAKERS_FILE
    speakers = []
    for number, entry in enumerate(_read_toml(path).get("speaker", []), start=1):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise MetadataError(f"{path}: speaker #{number} has no name")
        speakers.append(
            Speaker(
                name=str(entry["name"]),
                name_zh=str(entry.get("name_zh", "")),
                aliases=tuple(str(a) for a in entry.get("aliases", [])),
                glued=tuple(str(a) for a in entry.get("glued", [])),
            )
        )
    return speakers


def load_sources(seeds_dir: Path) -> dict[str, SourceFacts]:
    """Read sources.toml into facts keyed by seed file name."""
    path = Path(seeds_dir) / SOURCES_FILE
    facts = {}
    for file_name, entry in _read_toml(path).get("source", {}).items():
        if not isinstance(entry, dict):
            raise MetadataError(f"{path}: source {file_name!r} is not a table")
        monologues = tuple(
            Monologue(speaker=m["speaker"], after=m["after"], until=m.get("until"))
            for m in entry.get("monologue", [])
        )
        if entry.get("speaker"):  # the whole document is this one person's (a talk, subtitles)
            monologues = (Monologue(speaker=str(entry["speaker"]), after=""), *monologues)
        roles = entry.get("roles", {})
        if not isinstance(roles, dict):
            raise MetadataError(f"{path}: roles of {file_name!r} must be a table: roles = {{ host = \"Name\" }}")
        plain = {k: (str(v) if v is not None else None) for k, v in entry.items() if k not in ("monologue", "roles")}
        known = {k: plain[k] for k in ("title", "publisher", "url", "date", "event", "script") if k in plain}
        facts[file_name] = SourceFacts(
            Source(file_name, **known),
            monologues=monologues,
            roles={str(k): str(v) for k, v in roles.items() if v},  # "" as pasted: not yet known
        )
    return facts


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
