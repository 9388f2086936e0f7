"""The documents admins published from Telegram, as a folder every build reads.

The state store holds them (bot.state.corpus); each process writes them into a folder
beside its quote database (`db/quotes.db` -> `db/quotes.published/`), with the
`speakers.toml` and `sources.toml` their reviews decided, and builds from the seeds plus
that folder. The folder is only ever a copy: it is made to match the store exactly.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.metadata import SOURCES_FILE, SPEAKERS_FILE

# What a review may decide about a document's source (sources.toml's own keys).
SOURCE_FACTS = ("title", "date", "publisher", "url")
BUILT_FILE = ".built"  # the corpus version the quote database beside was last built for


def published_folder(db_path: Path) -> Path:
    """The folder of the published documents of `db_path` (one per database)."""
    return Path(db_path).with_name(Path(db_path).stem + ".published")


def built_version(db_path: Path) -> int | None:
    """The corpus version `db_path` was last built for (None: never)."""
    try:
        return int((published_folder(db_path) / BUILT_FILE).read_text())
    except (OSError, ValueError):
        return None


def mark_built(db_path: Path, version: int) -> None:
    """Record that `db_path` now holds the corpus of `version`."""
    folder = published_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomically(folder / BUILT_FILE, str(version).encode())


def write_published(documents: Iterable[tuple[str, bytes, Mapping[str, Any]]], db_path: Path) -> bool:
    """Make the folder hold exactly these documents (name, bytes, review decisions) and
    their metadata; whether anything changed."""
    folder = published_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, bytes] = {}
    speakers: dict[str, dict[str, Any]] = {}
    sources: dict[str, dict[str, Any]] = {}
    for name, data, facts in documents:
        wanted[name] = data
        sources[name] = source_entry(facts)
        for person in facts.get("people", []):
            entry = speakers.setdefault(person["name"], {"name": person["name"], "aliases": []})
            if person.get("name_zh"):
                entry["name_zh"] = person["name_zh"]
            entry["aliases"] = sorted({*entry["aliases"], *person.get("aliases", [])})
    wanted[SPEAKERS_FILE] = speakers_toml(speakers.values()).encode()
    wanted[SOURCES_FILE] = sources_toml(sources).encode()
    changed = False
    for path in folder.iterdir():
        if path.is_file() and path.name not in wanted and path.name != BUILT_FILE:
            path.unlink()
            changed = True
    for name, data in wanted.items():
        target = folder / name
        if not target.is_file() or target.read_bytes() != data:
            _write_atomically(target, data)
            changed = True
    return changed


def source_entry(facts: Mapping[str, Any]) -> dict[str, Any]:
    """A document's sources.toml entry from its review: facts, roles and its one speaker."""
    entry: dict[str, Any] = {key: facts[key] for key in SOURCE_FACTS if facts.get(key)}
    if facts.get("roles"):
        entry["roles"] = dict(facts["roles"])
    if facts.get("speaker"):
        entry["speaker"] = facts["speaker"]
    return entry


def speakers_toml(entries: Iterable[Mapping[str, Any]]) -> str:
    """speakers.toml text for the people the reviews named (JSON strings are TOML strings)."""
    lines = ["# Written from the reviews of documents published from Telegram; do not edit."]
    for entry in entries:
        lines += ["", "[[speaker]]", f"name = {_string(entry['name'])}"]
        if entry.get("name_zh"):
            lines.append(f"name_zh = {_string(entry['name_zh'])}")
        if entry.get("aliases"):
            lines.append(f"aliases = [{', '.join(_string(a) for a in entry['aliases'])}]")
    return "\n".join(lines) + "\n"


def sources_toml(entries: Mapping[str, Mapping[str, Any]]) -> str:
    """sources.toml text for the published documents."""
    lines = ["# Written from the reviews of documents published from Telegram; do not edit."]
    for name, entry in entries.items():
        lines += ["", f"[source.{_string(name)}]"]
        for key, value in entry.items():
            if isinstance(value, dict):
                pairs = ", ".join(f"{_string(k)} = {_string(v)}" for k, v in value.items())
                lines.append(f"{key} = {{ {pairs} }}")
            else:
                lines.append(f"{key} = {_string(value)}")
    return "\n".join(lines) + "\n"


def _string(value: object) -> str:
    """A TOML basic string (JSON's escaping is TOML's, for the characters it escapes)."""
    return json.dumps(str(value), ensure_ascii=False)


def _write_atomically(target: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
