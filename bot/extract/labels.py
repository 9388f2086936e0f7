"""Speaker labels: `Name:`, `Title Name:`, a bare `Name` paragraph, `Name` glued to speech.

Only names from seeds/speakers.toml are speakers, so lines that merely look
like labels (`来源:`, `早期的GPT-4模型回答:`, `6)关于开源与闭源:`) are not.
Matching is case-insensitive and script-insensitive (traditional folds to
simplified), and the speech is always cut from the original text.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.metadata import Speaker
from bot.text import HAN, to_simplified

# How far into a paragraph a label may reach (title + name + colon).
LABEL_WINDOW = 48
# A title in front of a name (`OpenAI创始人`, `智源人工智能研究院理事长`): no sentence
# punctuation, quotes or brackets, at most this many characters.
TITLE_CHARS = r"[^:：,，。.!！?？、;；()（）《》“”\"'「」\[\]]"
MAX_TITLE = 20
# A glued name followed by one of these is narration about the person, not a label.
NARRATION_AFTER_NAME = re.compile(r"^(表示|说|說|称|稱|指出|强调|強調|透露|曾|在|的|也|还|還|和|与|與|等|被|对|對|向|认为|認為|则|則|于|於)")
COLONS = "[:：]"

# Labels of people who are not in speakers.toml: a capitalised name, an interview
# role, or a transliterated name with a middle dot, followed by a colon. Their
# speech must not run on into the previous speaker's turn.
ROLES = ("主持人", "记者", "記者", "问", "問", "答", "观众", "觀眾", "提问者", "提問者", "听众", "聽眾",
         "嘉宾", "嘉賓", "网友", "網友")
UNKNOWN_LABEL = re.compile(
    r"^(?P<name>[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*){0,2}"
    rf"|{'|'.join(ROLES)}"
    rf"|[{HAN}]{{1,6}}·[{HAN}]{{1,8}})\s*[:：]"
)
# A Chinese name with no middle dot before a colon (`李飞飞:`) is a label or a heading
# (`来源:`). jieba's word classes tell them apart: a person's name (its words all
# classed `nr`) is an unknown speaker's label, which ends the turn before it and is
# reported; any other is reported only when it opens at least MIN_HAN_LABELS
# paragraphs of a document (people take turns, headings do not).
HAN_NAME_LABEL = re.compile(rf"^(?P<name>[{HAN}]{{2,4}})\s*[:：]")
MIN_HAN_LABELS = 2
PERSON_NAME_CLASS = "nr"


def fold_for_labels(text: str) -> str:
    """Lower-case, simplified script, same length as `text` (so offsets carry over)."""
    folded = to_simplified(text).lower()
    return folded if len(folded) == len(text) else text.lower()


LabelStyle = Literal["colon", "bare", "glued"]


@dataclass(frozen=True)
class Label:
    """A recognised speaker label and the speech after it ('' when the label stands alone)."""

    speaker: str
    rest: str
    style: LabelStyle


def name_alternation(names: list[str]) -> str:
    """A regex alternation, longest name first so `Lex Fridman` wins over `Lex`."""
    ordered = sorted({fold_for_labels(n) for n in names if n}, key=len, reverse=True)
    parts = []
    for name in ordered:
        pattern = re.escape(name).replace(r"\ ", r"\s*")
        if re.match(r"[a-z0-9]", name):  # a Latin name must start a word
            pattern = r"(?<![a-z0-9])" + pattern
        parts.append(pattern)
    return "|".join(parts)


class LabelMatcher:
    """Finds speaker labels at the start of a paragraph."""

    def __init__(self, speakers: list[Speaker]) -> None:
        self._speaker_of: dict[str, str] = {}
        all_names: list[str] = []
        glued: list[str] = []
        for speaker in speakers:
            for name in speaker.all_names:
                self._speaker_of[self._key(name)] = speaker.name
                all_names.append(name)
            glued.extend(speaker.glued)
        names = name_alternation(all_names)
        self._colon = re.compile(
            rf"^(?P<title>{TITLE_CHARS}{{0,{MAX_TITLE}}}?)(?P<name>{names})\s*{COLONS}+\s*"
        )
        self._bare = re.compile(rf"^(?P<name>{names})\s*{COLONS}*$")
        self._glued = (
            re.compile(rf"^(?P<name>{name_alternation(glued)})(?=[{HAN}])") if glued else None
        )

    @staticmethod
    def _key(name: str) -> str:
        return re.sub(r"\s+", "", fold_for_labels(name))

    def speaker_for(self, name: str) -> str | None:
        """The canonical speaker for a name or alias, or None."""
        return self._speaker_of.get(self._key(name))

    def match(self, text: str, allow_glued: bool = False) -> Label | None:
        """The label that starts `text`, if any."""
        head = fold_for_labels(text[:LABEL_WINDOW])
        bare = self._bare.match(head.strip()) if len(text) <= LABEL_WINDOW else None
        if bare:
            return self._label(bare["name"], "", "bare")
        colon = self._colon.match(head)
        if colon:
            return self._label(colon["name"], text[colon.end() :].strip(), "colon")
        if allow_glued and self._glued:
            glued = self._glued.match(head)
            if glued and not NARRATION_AFTER_NAME.match(head[glued.end() :]):
                return self._label(glued["name"], text[glued.end() :].strip(), "glued")
        return None

    def _label(self, name: str, rest: str, style: LabelStyle) -> Label | None:
        # Only a known speaker makes a label (with no speakers the name pattern is empty).
        speaker = self.speaker_for(name)
        return Label(speaker, rest, style) if speaker else None

    def label_prefix(self, text: str) -> str:
        """The `Name:` label (of anyone, known or not) that opens `text`, '' when none."""
        head = text[:LABEL_WINDOW]
        colon = self._colon.match(fold_for_labels(head))
        if colon:
            return text[: colon.end()]
        unknown = UNKNOWN_LABEL.match(head) or HAN_NAME_LABEL.match(head)
        return text[: unknown.end()] if unknown else ""

    def starts_turn(self, line: str) -> bool:
        """True when `line` opens with a `Name:` label (used to split unspaced transcripts)."""
        head = line[:LABEL_WINDOW]
        return bool(
            self._colon.match(fold_for_labels(head)) or UNKNOWN_LABEL.match(head) or _person_label(head)
        )

    def unknown_label(self, text: str) -> str | None:
        """The name in a label of someone not in speakers.toml (`Elon Musk:`, `主持人:`,
        `李飞飞:`), or None."""
        head = text[:LABEL_WINDOW]
        match = UNKNOWN_LABEL.match(head)
        name = match["name"] if match else _person_label(head)
        if name and not self.match(text):
            return name
        return None

    def unknown_labels(self, texts: Iterable[str]) -> Counter[str]:
        """How often each label of someone not in speakers.toml opens one of `texts` (paragraphs)."""
        found: Counter[str] = Counter()
        han_names: Counter[str] = Counter()
        for text in texts:
            name = self.unknown_label(text)
            if name:
                found[name] += 1
            elif (han := HAN_NAME_LABEL.match(text)) and not self.match(text):
                han_names[han["name"]] += 1
        found.update({n: c for n, c in han_names.items() if c >= MIN_HAN_LABELS})
        return found


def _person_label(head: str) -> str | None:
    """The Chinese person's name (any script) that opens `head` as a label (`李飞飞:`), or None."""
    match = HAN_NAME_LABEL.match(head)
    return match["name"] if match and _is_person_name(to_simplified(match["name"])) else None


@lru_cache(maxsize=4096)
def _is_person_name(name: str) -> bool:
    """Whether jieba classes every word of `name` as a person's name (李飞飞, 王小川; not 来源)."""
    import jieba
    import jieba.posseg  # the segmenter's own package; its word classes load on first use

    jieba.setLogLevel(logging.WARNING)  # its loading messages are not the report's

    return all(pair.flag.startswith(PERSON_NAME_CLASS) for pair in jieba.posseg.cut(name, HMM=True))


def is_role(label: str) -> bool:
    """An interview role (`主持人`, `Q`) rather than a person's name."""
    from bot.extract.roles import kind_of  # roles builds on this module

    return label in ROLES or len(label) == 1 or kind_of(label) is not None


def speakers_toml_entries(labels: Mapping[str, Mapping[str, int]]) -> str:
    """Ready-to-paste speakers.toml entries for unknown labels (label -> {file: count}), '' for none.

    Each person gets an entry named as the documents label them; roles are listed
    as comments, since a role is an alias of whoever holds it.
    """
    if not labels:
        return ""
    def seen(label: str) -> str:
        count = sum(labels[label].values())
        files = ", ".join(sorted(labels[label]))
        return f"# {label}: {count} label{'s' if count != 1 else ''} in {files}"

    order = sorted(labels, key=lambda label: (-sum(labels[label].values()), label))
    lines = [
        "# Labels that look like speakers but are not in speakers.toml (how often, where).",
        "# Check each name, merge the labels of one person into one entry's aliases, and",
        "# add the entries to speakers.toml (name: as readers know the person; name_zh: in Chinese).",
    ]
    for label in (label for label in order if not is_role(label)):
        lines += ["", seen(label), "[[speaker]]", f"name = {json.dumps(label, ensure_ascii=False)}"]
        if re.search(f"[{HAN}]", label):
            lines.append(f"name_zh = {json.dumps(label, ensure_ascii=False)}")
    roles = [label for label in order if is_role(label)]
    if roles:
        lines += ["", "# Roles, not people: say who plays each, per document, in sources.toml (roles = {...})."]
        lines += [seen(label) for label in roles]
    return "\n".join(lines) + "\n"
