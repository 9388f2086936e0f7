"""Paragraphs in two languages -> one paragraph with its original.

Translated notes give the speaker's own words beside the translation: in a
`<details>` block, a block quote or an indented paragraph after it, on
alternating lines, or as alternating paragraphs. Each such pair becomes one
paragraph: `text` is the translation as published, `original` the speaker's
words. Which side is which: a block's summary says so when it can (`Original
English`, `译文`); otherwise the Chinese side is the published translation and the
other side the original, since the corpus is Chinese writing about talks given in
English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace

from bot.extract.paragraphs import Paragraph
from bot.text import count_han

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# A summary that calls the block the original, or the translation.
SAYS_ORIGINAL = re.compile(r"original|原文|英文|english|transcript", re.I)
SAYS_TRANSLATION = re.compile(r"translat|译文|譯文|翻译|翻譯|中文", re.I)
# Unmarked alternating paragraphs count as a bilingual layout only when the document
# is made of them: at least this many pairs, holding this share of its paragraphs.
MIN_ALTERNATING_PAIRS = 3
MIN_ALTERNATING_SHARE = 0.6
# Alternating lines are whole sentences, each at least this long.
MIN_LINE_CHARS = 8
_SENTENCE_END = re.compile(r"[。！？!?.…”」』\"')）]\s*$")

LabelPrefix = Callable[[str], str]


def language_of(text: str) -> str | None:
    """`zh` or `en` by what the text is mostly written in (a Han character against a
    Latin word), None when it has too few of either."""
    han, words = count_han(text), len(LATIN_WORD.findall(text))
    if han + words < 2:
        return None
    return "zh" if han >= words else "en"


def mark_alternating_lines(text: str, asides: Mapping[int, str]) -> dict[int, str]:
    """`asides` plus the second-language lines of blocks whose lines alternate languages
    (a Chinese line, its English, the next Chinese line...), so each line pair is split
    into a paragraph and its aside."""
    marked = dict(asides)
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        if line.strip():
            block.append((number, line.strip()))
            continue
        for number_in_run in _second_language_lines(block):
            marked.setdefault(number_in_run, "")
        block = []
    return marked


def _second_language_lines(block: list[tuple[int, str]]) -> list[int]:
    """The lines of every second language run, when the block alternates between two."""
    if len(block) < 2:
        return []
    runs: list[list[tuple[int, str]]] = []
    languages: list[str | None] = []
    for number, line in block:
        language = language_of(line)
        if runs and language == languages[-1]:
            runs[-1].append((number, line))
        else:
            runs.append([(number, line)])
            languages.append(language)
    alternating = (
        len(runs) % 2 == 0
        and None not in languages
        and len(set(languages[0::2])) == 1
        and len(set(languages[1::2])) == 1
        and languages[0] != languages[1]
    )
    whole_sentences = all(
        len(" ".join(line for _, line in run)) >= MIN_LINE_CHARS and _SENTENCE_END.search(run[-1][1])
        for run in runs
    )
    if not (alternating and whole_sentences):
        return []
    return [number for run in runs[1::2] for number, _ in run]


def pair_originals(paragraphs: list[Paragraph], label_prefix: LabelPrefix) -> list[Paragraph]:
    """Join each translation with its original; `label_prefix(text)` is the speaker label
    that opens a text ('' when none), so the label stays on the published side."""
    return _pair_alternating(_pair_asides(paragraphs, label_prefix), label_prefix)


def _pair_asides(paragraphs: list[Paragraph], label_prefix: LabelPrefix) -> list[Paragraph]:
    """A block set apart in the other language is the original of the paragraph before it
    (a block of several paragraphs is one original); any other block reads on as text."""
    result: list[Paragraph] = []
    for paragraph in paragraphs:
        before = result[-1] if result else None
        if paragraph.aside is not None and before is not None and before.aside is None:
            language = language_of(paragraph.text)
            if before.original and language == before.original_lang:
                result[-1] = replace(before, original=f"{before.original}\n\n{paragraph.text}")
                continue
            if not before.original and language and language_of(before.text) not in (None, language):
                result[-1] = joined(before, paragraph, label_prefix)
                continue
        result.append(replace(paragraph, aside=None))
    return result


def _pair_alternating(paragraphs: list[Paragraph], label_prefix: LabelPrefix) -> list[Paragraph]:
    """Unmarked paragraphs that alternate languages throughout the document, paired."""
    pairs = _alternating_pairs(paragraphs, label_prefix)
    spoken = sum(1 for p in paragraphs if language_of(p.text) and not p.original)
    if len(pairs) < MIN_ALTERNATING_PAIRS or 2 * len(pairs) < MIN_ALTERNATING_SHARE * spoken:
        return paragraphs
    result: list[Paragraph] = []
    skip = False
    for index, paragraph in enumerate(paragraphs):
        if skip:
            skip = False
        elif index in pairs:
            result.append(joined(paragraph, paragraphs[index + 1], label_prefix))
            skip = True
        else:
            result.append(paragraph)
    return result


def _alternating_pairs(paragraphs: list[Paragraph], label_prefix: LabelPrefix) -> set[int]:
    """Where a paragraph is followed by one in the other language that opens no turn of its own."""
    pairs: set[int] = set()
    index = 0
    while index + 1 < len(paragraphs):
        first, second = paragraphs[index], paragraphs[index + 1]
        languages = {language_of(first.text), language_of(second.text)}
        if (
            languages == {"zh", "en"}
            and not first.original and not second.original
            and not label_prefix(second.text)
        ):
            pairs.add(index)
            index += 2
        else:
            index += 1
    return pairs


def joined(first: Paragraph, second: Paragraph, label_prefix: LabelPrefix) -> Paragraph:
    """One paragraph from a translation and its original, in either order."""
    if _second_is_original(first, second):
        published, original = first, second
    else:
        published, original = second, first
    own_label, original_label = label_prefix(published.text), label_prefix(original.text)
    text = published.text if own_label or not original_label else original_label + published.text
    return replace(
        first,
        text=text,
        aside=None,
        original=original.text[len(original_label):].strip(),
        original_lang=language_of(original.text),
    )


def _second_is_original(first: Paragraph, second: Paragraph) -> bool:
    """Whether the second of a pair holds the speaker's own words."""
    summary = second.aside or ""
    if SAYS_ORIGINAL.search(summary):
        return True
    if SAYS_TRANSLATION.search(summary):
        return False
    return language_of(first.text) == "zh"
