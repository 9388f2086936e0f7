"""What a button carries: the callback payload codec and the row of buttons under a quote.

A payload holds ids and one short tag ("c:1234:56:sh": action, quote id, query id, and
how the message is written: simplified Chinese, quotes in Hong Kong script), so it
always fits Telegram's 64 bytes and never repeats what a person typed. The tag lets a
press answer in the language of the message it is under, whatever the presser's
Telegram says; payloads from before the tag (no tag) are still understood.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from bot.messages import LANGUAGES, Language, say
from bot.reply.markup import Button, Writing

MAX_PAYLOAD_BYTES = 64  # Telegram's limit for callback data
# No id of ours has more digits (query ids are below 2**53): a longer one is forged, and
# must not reach the state database (SQLite integers stop at 2**63).
MAX_ID_DIGITS = 16

ANOTHER, CONTEXT, SOURCE, QUOTE, CARD, SIMILAR = "a", "c", "s", "q", "p", "m"
# How many ids follow each action: Another needs the query only, the views the quote too.
ID_COUNTS = {ANOTHER: 1, CONTEXT: 2, SOURCE: 2, QUOTE: 2, CARD: 2, SIMILAR: 2}
# The writing tag: one letter for the language, one for the script (bot.reply.language's
# SCRIPTS; "o" as published). Letters, so a tag can never be taken for an id.
_LANGUAGE_LETTERS: dict[Language, str] = {"en": "e", "zh-Hans": "s", "zh-Hant": "t"}
_SCRIPT_LETTERS: dict[str | None, str] = {
    None: "o", "traditional": "t", "hongkong": "h", "simplified": "s",
}


class Pressed(NamedTuple):
    """What a payload asks for: the action, its ids, and how the message was written
    (None for a payload made before buttons carried it)."""

    action: str
    ids: tuple[int, ...]
    writing: Writing | None = None


def payload(action: str, *ids: int, writing: Writing | None = None) -> str:
    """Callback data such as "c:1234:56:eo" (action, quote id, query id, writing tag),
    always within 64 bytes."""
    parts = [action, *map(str, ids)]
    if writing is not None:
        parts.append(writing_tag(writing))
    data = ":".join(parts)
    assert len(data.encode()) <= MAX_PAYLOAD_BYTES, data
    return data


def writing_tag(writing: Writing) -> str:
    """Two letters for the language and the script ("eo": English, quotes as published)."""
    return _LANGUAGE_LETTERS[writing.lang] + _SCRIPT_LETTERS.get(writing.script, "o")


def parse_writing_tag(tag: str) -> Writing | None:
    """The writing a tag names, or None when it is not a tag."""
    if len(tag) != 2:
        return None
    langs = [lang for lang, letter in _LANGUAGE_LETTERS.items() if letter == tag[0]]
    scripts = [script for script, letter in _SCRIPT_LETTERS.items() if letter == tag[1]]
    return Writing(langs[0], scripts[0]) if langs and scripts else None


def parse_payload(data: str | None) -> Pressed | None:
    """What callback data asks for, or None when it is not ours, malformed or forged."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_PAYLOAD_BYTES:
        return None
    action, *parts = data.split(":")
    if action not in ID_COUNTS or not parts:
        return None
    writing = None
    if len(parts) == ID_COUNTS[action] + 1:
        writing = parse_writing_tag(parts.pop())
        if writing is None:
            return None
    if len(parts) != ID_COUNTS[action] or any(len(part) > MAX_ID_DIGITS for part in parts):
        return None
    try:
        ids = tuple(int(part) for part in parts)
    except ValueError:
        return None
    return Pressed(action, ids, writing)


def action_of(data: str | None) -> str | None:
    """The action a button's payload asks for (ANOTHER, CONTEXT, ...), or None when not ours."""
    parsed = parse_payload(data)
    return parsed.action if parsed else None


def buttons(
    writing: Writing, quote_id: int, query_id: int, showing: str = QUOTE, similar: bool = True
) -> tuple[Button, ...]:
    """Another / Context / Source / Card / Similar (only where `similar`: the bot can match
    by meaning), the view being shown replaced by a way back to the quote. Labels are in
    the writing's language; every payload carries the writing."""
    lang = writing.lang

    def button(action: str, label_key: str, *ids: int) -> Button:
        return Button(say(lang, label_key), payload(action, *ids, writing=writing))

    def view(action: str, label_key: str) -> Button:
        if showing == action:
            return button(QUOTE, "button_quote", quote_id, query_id)
        return button(action, label_key, quote_id, query_id)

    shown = (
        button(ANOTHER, "button_another", query_id),
        view(CONTEXT, "button_context"),
        view(SOURCE, "button_source"),
        button(CARD, "button_card", quote_id, query_id),
    )
    return (*shown, button(SIMILAR, "button_similar", quote_id, query_id)) if similar else shown


def language_of_buttons(labels: Sequence[str]) -> Language | None:
    """The language a message's buttons are labelled in, or None when they are not ours:
    how a message sent before payloads carried their writing says what it is written in."""
    for lang in LANGUAGES:
        # Another is under every quote; its label differs in each language.
        if say(lang, "button_another") in labels:
            return lang
    return None


def quote_id_in(payloads: list[str]) -> int | None:
    """The quote a message's buttons refer to (all but Another carry its id), or None."""
    pressed = pressed_in(payloads)
    return pressed.ids[0] if pressed else None


def pressed_in(payloads: list[str]) -> Pressed | None:
    """The first of a message's buttons that names its quote (all but Another do), or None."""
    for data in payloads:
        parsed = parse_payload(data)
        if parsed and parsed.action != ANOTHER:
            return parsed
    return None
