"""Role labels (`Host:`, `主持人：`, `Q:`, `观众：`): a part someone plays, never a person.

The same role is a different person in every document, so a role is mapped to a
speaker per document: in sources.toml (`roles = { "主持人" = "Alex Kantrowitz" }`,
or by kind: `roles = { host = "Lex Fridman" }`), else from the file's own front
matter when that is unambiguous. A role nobody is mapped to ends the turn before
it and is reported; an audience question is never anyone's quote.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from bot.extract.labels import fold_for_labels
from bot.metadata import SPEAKERS_FILE, MetadataError, Speaker

RoleKind = Literal["host", "guest", "audience"]

# Role labels by kind, in lower case and simplified script.
ROLE_LABELS: dict[RoleKind, tuple[str, ...]] = {
    "host": (
        "host", "co-host", "cohost", "interviewer", "moderator", "presenter", "anchor",
        "reporter", "journalist", "q", "question", "主持人", "主持", "主播", "记者", "采访者",
        "访谈者", "问", "提问",
    ),
    "guest": ("guest", "interviewee", "a", "answer", "嘉宾", "受访者", "答", "回答"),
    "audience": (
        "audience", "audience member", "audience question", "attendee", "观众", "现场观众",
        "听众", "提问者", "网友", "观众提问",
    ),
}
KIND_OF = {label: kind for kind, labels in ROLE_LABELS.items() for label in labels}
_ALTERNATION = "|".join(re.escape(label) for label in sorted(KIND_OF, key=len, reverse=True))
# A role label opens the paragraph and is followed by a colon (`Q.` is too often prose).
ROLE_LABEL = re.compile(rf"^\s*(?P<role>{_ALTERNATION})\s*\d{{0,2}}\s*[:：]\s*", re.I)


@dataclass(frozen=True)
class RoleLabel:
    """A role label as the page writes it, its kind, and the speech after it."""

    label: str
    kind: RoleKind
    rest: str


def fold(label: str) -> str:
    """The comparison form of a role label or a sources.toml key."""
    return fold_for_labels(label.strip())


def match_role(text: str) -> RoleLabel | None:
    """The role label that opens `text`, if any."""
    found = ROLE_LABEL.match(fold_for_labels(text[:40]))
    if not found:
        return None
    label = text[found.start("role") : found.end("role")]
    return RoleLabel(label, KIND_OF[fold(label)], text[found.end() :].strip())


def kind_of(label: str) -> RoleKind | None:
    """The kind of a role label (`Host` -> host), None for a person's name."""
    return KIND_OF.get(fold(label))


def count_roles(texts: Iterable[str]) -> Counter[str]:
    """How often each role label opens one of `texts`, as the page writes it."""
    return Counter(role.label for text in texts if (role := match_role(text)))


class RoleMap:
    """Who plays each role in one document: exact label first, then the label's kind."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._speaker = {fold(key): name for key, name in mapping.items() if name}

    def speaker(self, role: RoleLabel) -> str | None:
        """The person behind `role`; an audience member is never mapped."""
        if role.kind == "audience":
            return None
        return self._speaker.get(fold(role.label)) or self._speaker.get(role.kind)

    def plays(self, label: str) -> bool:
        """Whether this map names someone for the role label `label`."""
        kind = kind_of(label)
        return kind is not None and self.speaker(RoleLabel(label, kind, "")) is not None


def default_roles(
    used: Iterable[str], people: Iterable[str], speaks_by_name: Callable[[str], bool]
) -> dict[str, str]:
    """Roles the file's own list of people settles: when the document uses one kind of
    role (audience aside) and exactly one listed person never speaks under their name,
    that person plays it. Anything less clear is left to sources.toml."""
    kinds = {kind for label in used if (kind := kind_of(label)) and kind != "audience"}
    silent = [person for person in dict.fromkeys(people) if not speaks_by_name(person)]
    if len(kinds) == 1 and len(silent) == 1:
        return {kinds.pop(): silent[0]}
    return {}


def check_people(speakers: Iterable[Speaker]) -> None:
    """Raise MetadataError when speakers.toml lists a role as a person (`Host` is someone else
    in every document: it is mapped per document in sources.toml)."""
    for speaker in speakers:
        if kind_of(speaker.name):
            raise MetadataError(
                f"{SPEAKERS_FILE}: {speaker.name!r} is a role, not a person; map it to a person for "
                f"each document in sources.toml: roles = {{ {json.dumps(speaker.name, ensure_ascii=False)} = \"Name\" }}"
            )


def sources_toml_roles(unmapped: Mapping[str, Mapping[str, int]]) -> str:
    """Ready-to-paste sources.toml lines for the roles nobody plays yet (file -> {label: count}),
    '' for none: one `roles` line per document, each role's count in a comment above."""
    if not unmapped:
        return ""
    lines = [
        "# Roles nobody plays yet (how often). Fill in who plays each, in that document's",
        "# [source] table of sources.toml; a kind (host, guest) covers all its labels.",
    ]
    for file in sorted(unmapped):
        counts = unmapped[file]
        seen = ", ".join(f"{label}: {n} label{'s' if n != 1 else ''}" for label, n in counts.items())
        pairs = ", ".join(f"{json.dumps(label, ensure_ascii=False)} = \"\"" for label in counts)
        lines += ["", f"# {seen}", f"[source.{json.dumps(file, ensure_ascii=False)}]", f"roles = {{ {pairs} }}"]
    return "\n".join(lines) + "\n"
