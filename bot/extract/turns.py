"""Paragraphs -> speaker turns.

A label opens a turn; paragraphs with no label belong to the turn that is
open; a section heading or the page footer closes it. Text before the first
label is the editor's introduction (narration) unless sources.toml declares a
monologue there. What is not speech is dropped with a reason, for the report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from bot.extract import classify
from bot.extract.labels import Label, LabelMatcher, fold_for_labels
from bot.extract.model import Dropped
from bot.extract.paragraphs import Paragraph
from bot.extract.roles import RoleLabel, RoleMap, match_role
from bot.metadata import Monologue

# Subtitles mark a change to a speaker they do not name with `>>`: nobody's words.
UNNAMED_TURN = ">>"
# Short replies (`是的。`, `當然。`) recur naturally; longer identical paragraphs are a page repeating itself.
MIN_REPEATED_BLOCK = 12


@dataclass
class Turn:
    """One speaker's turn: the paragraphs said in a row (labels and editors' notes cut off)."""

    speaker: str
    line: int | None  # the label's line; None until a monologue's first paragraph
    parts: list[Paragraph] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        """The text of each paragraph."""
        return [part.text for part in self.parts]


@dataclass
class Attribution:
    """The turns of a document, what was dropped, and the narration (for reported speech)."""

    turns: list[Turn] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    narration: list[Paragraph] = field(default_factory=list)
    labels_seen: int = 0
    labelled_speakers: set[str] = field(default_factory=set)
    unmapped_roles: Counter[str] = field(default_factory=Counter)  # role label -> times
    hosts: set[str] = field(default_factory=set)  # speakers a host's role label stands for


def _starts_with(text: str, marker: str | None) -> bool:
    if not marker:
        return False
    return fold_for_labels(text).startswith(fold_for_labels(marker))


class _Attributor:
    """The state of one pass over a document's paragraphs."""

    def __init__(
        self, matcher: LabelMatcher, monologues: tuple[Monologue, ...], roles: RoleMap
    ) -> None:
        self.matcher = matcher
        self.monologues = monologues
        self.roles = roles
        self.result = Attribution()
        self.turn: Turn | None = None
        self.monologue: Monologue | None = None
        self.in_footer = False
        self.seen: set[str] = set()
        for monologue in monologues:
            if not monologue.after:  # the whole document is this person's, from its start
                self.monologue = monologue
                self.open_turn(monologue.speaker, None)

    def open_turn(self, speaker: str, line: int | None) -> None:
        self.close_turn()
        self.turn = Turn(speaker, line)

    def close_turn(self) -> None:
        if self.turn and self.turn.paragraphs:
            self.result.turns.append(self.turn)
        self.turn = None

    def drop(self, paragraph: Paragraph, reason: str) -> None:
        self.result.dropped.append(Dropped(paragraph.line, paragraph.text, reason))

    def add_speech(self, paragraph: Paragraph, text: str) -> None:
        text = classify.remove_editors_notes(text)
        original = classify.remove_editors_notes(paragraph.original) if paragraph.original else None
        key = fold_for_labels("".join(ch for ch in text if ch.isalnum()))
        if len(key) >= MIN_REPEATED_BLOCK:
            if key in self.seen:  # a block the page repeats is stored once
                self.drop(paragraph, "duplicate")
                return
            self.seen.add(key)
        if self.turn is not None and text:
            if self.turn.line is None:
                self.turn.line = paragraph.line
            self.turn.parts.append(replace(paragraph, text=text, original=original or None))

    def section_marker(self, paragraph: Paragraph) -> bool:
        """Enter or leave a hand-declared monologue section; True when `paragraph` is a marker."""
        if self.monologue and self.monologue.until and _starts_with(paragraph.text, self.monologue.until):
            self.close_turn()
            self.monologue = None
            self.drop(paragraph, "heading")
            return True
        for monologue in self.monologues:
            if self.monologue is None and _starts_with(paragraph.text, monologue.after):
                self.monologue = monologue
                self.in_footer = False
                self.open_turn(monologue.speaker, None)
                self.drop(paragraph, "heading")
                return True
        return False

    def may_glue(self, speaker: str | None = None) -> bool:
        """May a name glued to speech open a turn here (for `speaker`, when given)?

        Only inside a dialogue, only for someone the page has already labelled
        with a colon, never as the first words after a label that stands alone
        (`Ilya:` / `萨姆·奥尔特曼没有股权…` is Ilya speaking about Sam), and
        never by the person already speaking.
        """
        if not self.result.labels_seen or (self.turn is not None and not self.turn.paragraphs):
            return False
        if speaker is None:
            return True
        current = self.turn.speaker if self.turn else None
        return speaker in self.result.labelled_speakers and speaker != current

    def role_speaker(self, paragraph: Paragraph, role: RoleLabel) -> Label | None:
        """The label of the person who plays `role` here; None when nobody does: the turn
        before ends, the paragraph is dropped (an audience question always is)."""
        speaker = self.roles.speaker(role)
        if speaker:
            if role.kind == "host":
                self.result.hosts.add(speaker)
            return Label(speaker, role.rest, "colon")
        self.close_turn()
        self.result.labels_seen += 1
        if role.kind == "audience":
            self.drop(paragraph, "audience")
        else:
            self.result.unmapped_roles[role.label] += 1
            self.drop(paragraph, "unmapped-role")
        return None

    def feed(self, paragraph: Paragraph) -> None:
        text = paragraph.text
        if self.section_marker(paragraph):
            return
        role = match_role(text)
        if role is not None:
            label = self.role_speaker(paragraph, role)
            if label is None:
                return
        else:
            label = self.matcher.match(text, allow_glued=self.may_glue())
        if label and label.style == "glued" and not self.may_glue(label.speaker):
            label = None
        if label:
            self.result.labels_seen += 1
            if label.style != "glued":
                self.result.labelled_speakers.add(label.speaker)
            self.in_footer = False
            self.open_turn(label.speaker, paragraph.line)
            if label.rest:
                self.add_speech(paragraph, label.rest)
            return
        self.feed_unlabelled(paragraph)

    def feed_unlabelled(self, paragraph: Paragraph) -> None:
        text = paragraph.text
        if self.matcher.unknown_label(text) or text.startswith(UNNAMED_TURN):
            # Someone the speaker table does not know: their turn is nobody's quote.
            self.close_turn()
            self.result.labels_seen += 1
            self.drop(paragraph, "unknown-speaker")
        elif classify.is_image_hash(text):
            self.drop(paragraph, "image")
        elif classify.starts_footer(text) or self.in_footer:
            self.in_footer = True
            self.close_turn()
            self.drop(paragraph, "footer")
        elif classify.is_boilerplate(text):
            self.drop(paragraph, "boilerplate")
        elif classify.is_lead_in(text):
            self.drop(paragraph, "lead-in")
        elif classify.is_heading(text):
            if not self.monologue:
                self.close_turn()
            self.drop(paragraph, "heading")
        elif self.turn is not None:
            if classify.is_definition_note(text):
                self.drop(paragraph, "editor-note")
            else:
                self.add_speech(paragraph, text)
        else:
            self.result.narration.append(paragraph)
            reason = "unattributed" if self.result.labels_seen else "narration"
            self.drop(paragraph, reason)


def attribute(
    paragraphs: list[Paragraph],
    matcher: LabelMatcher,
    monologues: tuple[Monologue, ...] = (),
    roles: RoleMap | None = None,
) -> Attribution:
    """Assign every paragraph to a speaker's turn, or drop it with a reason."""
    attributor = _Attributor(matcher, monologues, roles or RoleMap({}))
    for paragraph in paragraphs:
        attributor.feed(paragraph)
    attributor.close_turn()
    attributor.result.turns = restore_lost_labels(attributor.result.turns)
    return attributor.result


# The question marks a turn can end on, before any closing quote or bracket.
_QUESTION_END = ("?", "？")
CLOSERS = "”」』’\"）)]】"
# A question put to the other person addresses them: 你/您 (both scripts), or `you` in English.
SECOND_PERSON = re.compile(r"[你您妳]|\byou(?:r|rs)?\b", re.I)


def _last_sentence(paragraph: str) -> str:
    """The paragraph's final sentence (what its closing question mark belongs to)."""
    body = paragraph.rstrip().rstrip(CLOSERS).rstrip("?？")
    cut = max(body.rfind(mark) for mark in "。！？!?.")
    return body[cut + 1:]


def ends_with_question(paragraph: str) -> bool:
    """Does the text end on a question mark (closing quotes and brackets aside)?"""
    return paragraph.rstrip().rstrip(CLOSERS).endswith(_QUESTION_END)


def _asks_other_person(paragraph: str, first: bool) -> bool:
    """Does this paragraph end the asker's part of the turn with a question for the other person?

    A one-line question opening the turn (`你能詳細說說嗎?`, `能說說嗎?`)
    is always one; a question at the end of a longer speech must address
    the other person in its last sentence, so a rhetorical question in the
    middle of an answer does not split it.
    """
    if not ends_with_question(paragraph):
        return False
    return first or bool(SECOND_PERSON.search(_last_sentence(paragraph)))


def _lost_reply_start(turn: Turn) -> int | None:
    """Where the reply with a lost label starts in `turn`: after its last question to the other person."""
    for index in range(len(turn.paragraphs) - 2, -1, -1):
        if _asks_other_person(turn.paragraphs[index], first=index == 0):
            return index + 1
    return None


def restore_lost_labels(turns: list[Turn]) -> list[Turn]:
    """Give back a reply whose label the page lost, when the dialogue shows whose it is.

    `Sam Altman:你能詳細說說嗎?` followed by an unlabelled paragraph and then
    another `Sam Altman:` turn: the same speaker never takes two turns in a
    row, and a question is answered by the person asked, so the paragraphs
    after the turn's last question to the other person are the answer of the
    person asked (the speaker of the turn before). The question may close a
    long speech (`…你認為人工智能可以有意識嗎?` at the end of Lex's paragraphs
    about a film): everything up to it stays with the asker.
    """
    repaired: list[Turn] = []
    for index, turn in enumerate(turns):
        before = repaired[-1] if repaired else None
        after = turns[index + 1] if index + 1 < len(turns) else None
        cut = _lost_reply_start(turn) if before and after else None
        if (
            cut and before and after
            and after.speaker == turn.speaker and before.speaker != turn.speaker
        ):
            repaired.append(Turn(turn.speaker, turn.line, turn.parts[:cut]))
            repaired.append(Turn(before.speaker, turn.parts[cut].line, turn.parts[cut:]))
        else:
            repaired.append(turn)
    return repaired
