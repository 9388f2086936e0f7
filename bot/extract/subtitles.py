"""Subtitle files (SubRip .srt, WebVTT .vtt) -> paragraphs of whole sentences with start times.

Captions are cut for the screen, not for reading: a sentence runs across two or
three cues, a cue may hold two speakers, and YouTube's rolling captions show
each line twice. Quotes need whole sentences and the right speaker, so the cues
are read with webvtt-py (it parses both formats and their timestamps), cleaned
of tags and sound annotations, split into speaker turns by the marks captioners
use, joined into sentences, and packed into short paragraphs that each keep the
start time of the cue where their first sentence begins.

The text produced is what the rest of the extractor reads: paragraphs separated
by one blank line, each on one line; a named turn's first paragraph starts with
`Name: `, a turn by a speaker the captions do not name (a bare `>>`, a dialogue
dash) with `>> `, and later paragraphs of a turn carry no label.
"""

from __future__ import annotations

import html
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import webvtt

from bot.text import HAN

SUBTITLE_SUFFIXES = {".srt", ".vtt"}

# A paragraph packs whole sentences up to about this many characters, so each one
# becomes a single quote (at most 200 characters, bot/extract/quotes.py) that keeps
# its own start time.
PARAGRAPH_CHARS = 160
# A "sentence" longer than this has no punctuation to end it (auto-captions, many
# Chinese subtitles): it is cut where cues begin instead, so its parts keep their times.
RUN_ON_CHARS = 2 * PARAGRAPH_CHARS

# How the text marks a turn by a speaker the captions do not name; the attributor
# reads it as an unknown speaker, so those words are attributed to nobody.
UNNAMED_TURN = ">> "

# --- reading the cues -------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """One caption as the file has it: when it starts and its raw lines (tags included)."""

    start: float  # seconds
    lines: tuple[str, ...]


# SubRip times use a comma before the milliseconds, WebVTT a dot.
_SRT_TIME = re.compile(r"(\d{1,2}:\d{2}:\d{2}),(\d{1,3})")


def _parse_srt(text: str) -> list[webvtt.Caption]:
    return list(webvtt.from_buffer([text], format="srt").captions)


def _parse_vtt(text: str) -> list[webvtt.Caption]:
    return list(webvtt.from_string(text).captions)


def _parse_lenient(text: str) -> list[webvtt.Caption]:
    """Read as WebVTT whatever the header and time separators say.

    This takes SubRip without cue numbers (webvtt-py's SubRip reader needs them),
    a .vtt file missing its `WEBVTT` line, and SubRip commas in WebVTT times.
    """
    body = _SRT_TIME.sub(r"\1.\2", text)
    if not body.startswith("WEBVTT"):
        body = "WEBVTT\n\n" + body
    return _parse_vtt(body)


# The readers tried for each suffix, in order, with the name a note gives them.
_READERS: dict[str, list[tuple[str, Callable[[str], list[webvtt.Caption]]]]] = {
    ".srt": [("SubRip", _parse_srt), ("WebVTT-like captions", _parse_lenient)],
    ".vtt": [("WebVTT", _parse_vtt), ("WebVTT-like captions", _parse_lenient), ("SubRip", _parse_srt)],
}


def read_cues(text: str, suffix: str) -> tuple[list[Cue], list[str]]:
    """The cues of a subtitle file, and notes when it had to be read leniently or not at all."""
    text = text.lstrip("\ufeff").lstrip()  # SubRip must open on its first cue number
    if not text:
        return [], ["subtitles: empty file"]
    readers = _READERS.get(suffix.lower(), _READERS[".vtt"])
    for position, (name, reader) in enumerate(readers):
        try:
            captions = reader(text)
        except Exception:  # a malformed file is reported in the notes, never stops a build
            continue
        cues = [
            Cue(caption.start_time.in_milliseconds() / 1000, tuple(caption.lines))
            for caption in captions
            if any(line.strip() for line in caption.lines)
        ]
        if cues:
            notes = [] if position == 0 else [f"subtitles: not valid {readers[0][0]}: read as {name}"]
            # webvtt-py passes over a cue whose timings it cannot read; say so.
            unread = sum("-->" in line for line in text.splitlines()) - len(captions)
            if unread > 0:
                notes.append(f"subtitles: {_count(unread, 'cue')} not read (bad timings or no text)")
            return cues, notes
    return [], [f"subtitles: no cues could be read: not a {readers[0][0]} file"]


# --- cleaning a cue line ----------------------------------------------------------------

# WebVTT voice spans `<v Sam Altman>`, `<v.loud Sam Altman>`: the one tag that says who speaks.
_VOICE = re.compile(r"<v(?:\.[\w-]+)*(?:[ \t]+(?P<name>[^>]*))?>", re.I)
# Ruby readings (`<rt>かんじ</rt>`, `<rp>(</rp>`) are pronunciation aids, not words said.
_RUBY_TEXT = re.compile(r"<(rt|rp)\b[^>]*>.*?</\1\s*>", re.I | re.S)
# Cue tags (`<i>`, `<c.yellow>`, `</v>`, `<font color=...>`) and karaoke timestamps
# (`<00:00:01.000>`); a `<` followed by a space is text ("a < b").
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<\d{1,2}(?::\d{2}){1,2}[.,]\d{1,3}>")
# ASS/SSA override codes that SubRip files carry over: `{\an8}`, `{\i1}`.
_ASS_CODE = re.compile(r"\{\\[^{}]*\}")
# Sung lyrics and music marks: a ♪ … ♪ span, or a stray note.
_MUSIC = re.compile(r"[♪♫]+[^♪♫]*[♪♫]+|[♪♫]+")
# A bracketed annotation filling a whole line: `[Music]`, `(laughs)`, `（笑）`, `【掌声】`.
# Round brackets only when short, as a long parenthesis on its own line may be speech.
_LINE_ANNOTATION = re.compile(r"^(?:\[[^\]]*\]|【[^】]*】|[(（][^)）]{0,40}[)）])$")
# Inside a line an annotation is dropped only when it names a sound, so a speaker's
# own parenthesis ("(which surprised us)") stays.
_SOUNDS = (
    r"music|applause|applauding|laughter|laughs?|laughing|chuckles?|chuckling|cheers?|cheering"
    r"|inaudible|crosstalk|silence|sighs?|coughs?|clapping|indistinct|background noise"
    r"|音乐|音樂|掌声|掌聲|笑声|笑聲|笑|鼓掌|听不清|聽不清"
)
_INLINE_ANNOTATION = re.compile(
    rf"\s*(?:\[\s*(?:{_SOUNDS})[^\]]*\]|[(（]\s*(?:{_SOUNDS})[^)）]*[)）]|【\s*(?:{_SOUNDS})[^】]*】)",
    re.I,
)
_SPACES = re.compile(r"\s+")


def clean_cue_text(raw: str) -> str:
    """A caption line as it is said: no tags, codes, entities or sound annotations."""
    text = _RUBY_TEXT.sub("", raw)
    text = _TAG.sub("", text)
    text = _ASS_CODE.sub("", text)
    # Entities after the tags: a decoded `&lt;i&gt;` is text the captioner meant to show.
    text = _SPACES.sub(" ", html.unescape(text)).strip()
    if _LINE_ANNOTATION.match(text) or text.startswith(("♪", "♫")):
        return ""
    text = _INLINE_ANNOTATION.sub("", _MUSIC.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def _segments(raw_line: str) -> list[tuple[str | None, str]]:
    """A raw cue line cut at its voice tags: (the voice's name or None, cleaned text)."""
    segments: list[tuple[str | None, str]] = []
    voice: str | None = None
    position = 0
    for match in _VOICE.finditer(raw_line):
        segments.append((voice, raw_line[position : match.start()]))
        voice = display_name(match["name"] or "") or None
        position = match.end()
    segments.append((voice, raw_line[position:]))
    # A segment without a voice of its own continues whoever spoke before.
    return [(name, clean_cue_text(text)) for name, text in segments if name or text.strip()]


# --- speaker marks ----------------------------------------------------------------------

# `>> SAM ALTMAN: text`, `>>NAME:` or a bare `>>` (broadcast captions; `>>>` opens a story).
_CHEVRONS = re.compile(r"\s*>{2,3}\s*")
# A dialogue dash opening a cue line: the line is a different speaker's.
_DASH = re.compile(r"^[-–](?:\s+|$)")
# `Name:` opening a cue line: one to four capitalised words (particles allowed),
# a name with a middle dot (`杰弗里·辛顿`), or a Chinese name of two to four characters.
_LATIN_NAME = r"[A-Z][A-Za-z.'’-]*(?:\s+(?:[A-Z][A-Za-z.'’-]*|de|van|von|da|di|le|la)){0,3}"
_LABEL = re.compile(
    rf"^(?P<name>{_LATIN_NAME}|[{HAN}]{{1,6}}·[{HAN}]{{1,8}}|[{HAN}]{{2,4}})\s*[:：]\s*"
)
# After `>>` a colon can only follow a name, written in any case (`YANN LECUN:`, `Host:`).
_CHEVRON_LABEL = re.compile(r"^(?P<name>(?:[A-Z]|[^\x00-\x7f])[\w.'’-]*(?:\s+[\w.'’-]+){0,3})\s*[:：]\s*")
# How many lines a `Name:` must open before the file is taken to label its speakers so.
MIN_LABELS = 2


def display_name(name: str) -> str:
    """A speaker's name as labels write it: `SAM ALTMAN` becomes `Sam Altman`."""
    name = _SPACES.sub(" ", name).strip()
    if any(ch.isupper() for ch in name) and not any(ch.islower() for ch in name):
        return name.title()
    return name


def _label_at_start(line: str) -> tuple[str, str] | None:
    """The `Name:` opening a line and the speech after it, when the line has one."""
    match = _LABEL.match(line)
    return (match["name"], line[match.end() :]) if match else None


def speaker_labels(counts: Counter[str]) -> set[str]:
    """Which `Name:` openings of a file are speaker labels, from how often each opens a line.

    A name that recurs is one (people take turns; "Chapter Two:" does not recur).
    Once a file labels its speakers so, a name of several words (or with a middle
    dot) that opens a single line counts too: an audience member asks once.
    """
    recurring = {name for name, count in counts.items() if count >= MIN_LABELS}
    if not recurring:
        return set()
    several_words = {name for name in counts if " " in name or "·" in name}
    return recurring | several_words


@dataclass(frozen=True)
class Change:
    """A new speaker starts here; `name` is None when the captions do not say who."""

    name: str | None


# What a cue line says, in order: words, and the speaker changes between them.
Event = str | Change


def _line_events(line: str, labels: set[str]) -> Iterator[Event]:
    """The words and speaker changes of one cleaned cue line.

    A dialogue dash or a `Name:` marks a new speaker at the start of the line;
    `>>` does anywhere, as broadcast captions run several speakers into one line.
    """
    dash = _DASH.match(line)
    if dash:
        line = line[dash.end() :]
    labelled = _label_at_start(line)
    if labelled and labelled[0] in labels:
        yield Change(display_name(labelled[0]))
        line = labelled[1]
    elif dash:
        yield Change(None)
    first, *marked = _CHEVRONS.split(line)
    if first:
        yield first
    for part in marked:
        named = _CHEVRON_LABEL.match(part)
        yield Change(display_name(named["name"]) if named else None)
        if named:
            part = part[named.end() :]
        if part:
            yield part


# --- cues -> turns ----------------------------------------------------------------------


@dataclass
class Turn:
    """One speaker's words in order, each piece with the start of the cue it came from."""

    name: str | None  # None: unnamed (after a mark) or unknown (before any mark)
    marked: bool  # opened by a speaker mark, not just the file's first words
    pieces: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class _Tally:
    """What reading the cues did, for the notes."""

    repeats: int = 0  # rolling-caption lines dropped or trimmed
    annotations: int = 0  # lines that were only a sound or music annotation
    run_ons: int = 0  # unpunctuated runs cut at cue boundaries


def _normalized(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _cue_lines(cues: list[Cue], tally: _Tally) -> list[list[list[tuple[str | None, str]]]]:
    """Each cue's lines as voice segments, with rolling-caption repeats removed.

    YouTube's auto-captions show the previous cue's line again above the new one
    (and live captions grow a line cue by cue): a line equal to one of the previous
    cue's lines is dropped, and one that starts with such a line loses that start,
    so no word is said twice.
    """
    shown: list[str] = []  # the previous cue's cleaned lines
    shown_raw: set[str] = set()  # and its raw ones, so a repeated `[Music]` counts once
    result = []
    for cue in cues:
        lines, now_shown = [], []
        for raw in cue.lines:
            segments = _segments(raw)
            whole = _normalized(" ".join(text for _, text in segments))
            if not whole:
                if raw.strip() and raw.strip() not in shown_raw and not _VOICE.fullmatch(raw.strip()):
                    tally.annotations += 1
                lines.append([(name, "") for name, _ in segments])
                continue
            now_shown.append(whole)
            if whole in shown:
                tally.repeats += 1
                segments = [(name, "") for name, _ in segments]
            elif len(segments) == 1:
                grown = [old for old in shown if whole.startswith(old + " ")]
                if grown:
                    tally.repeats += 1
                    segments = [(segments[0][0], whole[len(max(grown, key=len)) + 1 :])]
            lines.append(segments)
        if now_shown:
            shown = now_shown
        shown_raw = {raw.strip() for raw in cue.lines}
        result.append(lines)
    return result


def _turns(cues: list[Cue], tally: _Tally) -> list[Turn]:
    """The cues' words grouped into turns at every speaker mark."""
    cue_lines = _cue_lines(cues, tally)
    counts: Counter[str] = Counter()
    for lines in cue_lines:
        for segments in lines:
            for _, text in segments:
                found = _label_at_start(_DASH.sub("", text))
                if found:
                    counts[found[0]] += 1
    labels = speaker_labels(counts)
    turns: list[Turn] = []

    def change(name: str | None) -> None:
        # Voice tags repeat the speaker on every cue: the same name goes on speaking.
        if name is None or not turns or turns[-1].name != name:
            turns.append(Turn(name, marked=True))

    for cue, lines in zip(cues, cue_lines, strict=True):
        for segments in lines:
            for voice, text in segments:
                if voice:
                    change(voice)
                for event in _line_events(text, labels) if text else ():
                    if isinstance(event, Change):
                        change(event.name)
                        continue
                    if not turns:
                        turns.append(Turn(None, marked=False))
                    turns[-1].pieces.append((event, cue.start))
    return [turn for turn in turns if turn.pieces]


# --- turns -> sentences -> paragraphs ---------------------------------------------------

# Written without spaces between words (kana, Han), and full-width punctuation, which
# carries its own spacing.
_CJK = re.compile(f"[\u3040-\u30ff{HAN}\U00020000-\U0003134f]")
_CJK_PUNCTUATION = re.compile("[\u3000-\u303f\uff00-\uffef]")


def _separator(before: str, after: str) -> str:
    """What joins two cue texts: a space, except inside Chinese or Japanese text."""
    if _CJK_PUNCTUATION.match(before[-1]) or _CJK_PUNCTUATION.match(after[0]):
        return ""
    return "" if _CJK.match(before[-1]) and _CJK.match(after[0]) else " "


def join_pieces(pieces: list[tuple[str, float]]) -> tuple[str, list[int], list[float]]:
    """A turn's text, and where each cue's words begin in it with that cue's start."""
    text = ""
    offsets: list[int] = []
    starts: list[float] = []
    for piece, start in pieces:
        if text:
            text += _separator(text, piece)
        offsets.append(len(text))
        starts.append(start)
        text += piece
    return text, offsets, starts


# A sentence ends at 。！？!? or … (with any closing quote or bracket), or at a Latin
# full stop followed by a space or the end.
_SENTENCE_END = re.compile(r"(?:[。！？!?]+|…+|\.(?=\s|$))[”’\"')）」』]*")
# A full stop after a title or an initial ("Dr. Hinton", "J. Robert") ends no sentence.
_ABBREVIATION = re.compile(r"(?<![\w.])(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|vs|[A-Z])$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, white space left outside."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _ABBREVIATION.search(text, max(0, match.start() - 5), match.start()):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return [trimmed for span in spans if (trimmed := _trim(text, *span))]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without white space at its ends; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _cut_run_on(text: str, span: tuple[int, int], offsets: list[int]) -> list[tuple[int, int]]:
    """An unpunctuated run cut where cues begin, into parts of about PARAGRAPH_CHARS."""
    start, end = span
    parts: list[tuple[int, int]] = []
    while end - start > PARAGRAPH_CHARS:
        inside = [o for o in offsets if start < o < end]
        fitting = [o for o in inside if o - start <= PARAGRAPH_CHARS]
        cut = max(fitting) if fitting else min(inside, default=end)
        if cut >= end:
            break
        parts.append((start, cut))
        start = cut
    parts.append((start, end))
    return [trimmed for part in parts if (trimmed := _trim(text, *part))]


def pack_spans(spans: list[tuple[int, int]], limit: int = PARAGRAPH_CHARS) -> list[tuple[int, int]]:
    """Consecutive sentences packed into paragraphs of about equal length, none over `limit`.

    A sentence longer than `limit` is a paragraph of its own (the quote cutter splits it).
    """
    if not spans:
        return []
    total = spans[-1][1] - spans[0][0]
    target = total / math.ceil(total / limit)
    packed: list[tuple[int, int]] = []
    for start, end in spans:
        if packed:
            first, last = packed[-1]
            if end - first <= limit and last - first < target:
                packed[-1] = (first, end)
                continue
        packed.append((start, end))
    return packed


def turn_paragraphs(turn: Turn, tally: _Tally | None = None) -> list[tuple[str, float]]:
    """A turn's paragraphs: whole sentences, each with the start of the cue its first begins in."""
    text, offsets, starts = join_pieces(turn.pieces)
    spans: list[tuple[int, int]] = []
    for span in sentence_spans(text):
        if span[1] - span[0] > RUN_ON_CHARS:
            if tally is not None:
                tally.run_ons += 1
            spans.extend(_cut_run_on(text, span, offsets))
        else:
            spans.append(span)
    return [(text[s:e], starts[bisect_right(offsets, s) - 1]) for s, e in pack_spans(spans)]


# --- the whole file ---------------------------------------------------------------------


def _label(turn: Turn) -> str:
    """What opens a turn's first paragraph."""
    if turn.name:
        return f"{turn.name}: "
    return UNNAMED_TURN if turn.marked else ""


def read_subtitles(text: str, suffix: str) -> tuple[str, dict[int, float], list[str]]:
    """A subtitle file's text for the extractor, the start of each paragraph by line, and notes.

    `suffix` (`.srt` or `.vtt`) picks the format tried first. A file that cannot be
    read gives '' and a note saying why; it never raises.
    """
    cues, notes = read_cues(text, suffix)
    if not cues:
        return "", {}, notes
    tally = _Tally()
    turns = _turns(cues, tally)
    lines: list[str] = []
    times: dict[int, float] = {}
    for turn in turns:
        for number, (paragraph, start) in enumerate(turn_paragraphs(turn, tally)):
            if lines:
                lines.append("")
            times[len(lines) + 1] = start
            lines.append((_label(turn) if number == 0 else "") + paragraph)
    notes.append(f"subtitles: {_count(len(cues), 'cue')} joined into {_count(len(times), 'paragraph')}")
    notes.extend(_speaker_notes(turns))
    if tally.repeats:
        notes.append(f"subtitles: {_count(tally.repeats, 'repeated caption line')} dropped (rolling captions)")
    if tally.annotations:
        notes.append(f"subtitles: {_count(tally.annotations, 'sound or music annotation')} dropped")
    if tally.run_ons:
        notes.append(f"subtitles: {_count(tally.run_ons, 'run')} without sentence punctuation cut where cues begin")
    return ("\n".join(lines) + "\n" if lines else ""), times, notes


def _speaker_notes(turns: list[Turn]) -> list[str]:
    """Who the captions name, and how many turns they leave unnamed."""
    if not turns:
        return []
    if not any(turn.marked for turn in turns):
        return ["subtitles: no speaker marks: the whole file is one speaker's"]
    notes = []
    names = list(dict.fromkeys(turn.name for turn in turns if turn.name))
    if names:
        notes.append(f"subtitles: speakers named in the captions: {', '.join(names)}")
    unnamed = sum(1 for turn in turns if turn.marked and not turn.name)
    if unnamed:
        notes.append(f"subtitles: {_count(unnamed, 'speaker change')} without a name: not attributed")
    return notes


def _count(number: int, noun: str) -> str:
    """`1 cue`, `2 cues`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
