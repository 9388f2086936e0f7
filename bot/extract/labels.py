"""Speaker labels: `Name:`, `Title Name:`, a bare `Name` paragraph, `Name` glued to speech.

Only names from seeds/speakers.toml are speakers, so lines that merely look
like labels (`来源:`, `早期的GPT-4模型回答:`, `6)关于开源与闭源:`) are not.
Matching is case-insensitive and script-insensitive (traditional folds to
simplified), and the speech is always cut from the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
UNKNOWN_LABEL = re.compile(
    r"^(?P<name>[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*){0,2}"
    r"|主持人|记者|記者|问|問|答|观众|觀眾|提问者|提問者|听众|聽眾|嘉宾|嘉賓|网友|網友"
    rf"|[{HAN}]{{1,6}}·[{HAN}]{{1,8}})\s*[:：]"
)


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

    def starts_turn(self, line: str) -> bool:
        """True when `line` opens with a `Name:` label (used to split unspaced transcripts)."""
        head = line[:LABEL_WINDOW]
        return bool(self._colon.match(fold_for_labels(head)) or UNKNOWN_LABEL.match(head))

    def unknown_label(self, text: str) -> str | None:
        """The name in a label of someone not in speakers.toml (`Elon Musk:`, `主持人:`), or None."""
        match = UNKNOWN_LABEL.match(text[:LABEL_WINDOW])
        if match and not self.match(text):
            return match["name"]
        return None
