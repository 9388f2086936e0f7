"""Turns -> quotable units: a sentence or a few, cut at sentence punctuation, verbatim."""

from __future__ import annotations

import math
import re

MIN_QUOTE = 15
MAX_QUOTE = 200

# A sentence ends at 。！？!?… (with any closing quote or bracket), or at a Latin
# full stop followed by a space.
_SENTENCE = re.compile(r".*?(?:[。！？!?…]+[”」』’\"）)]*|\.(?=\s)|$)", re.S)
_CLAUSE = re.compile(r".*?(?:[，,；;：:、]|$)", re.S)

# “…” after `Name 表示,` or before `Name 说`: a journalist quoting the speaker.
SPEECH_VERBS = r"(?:表示|说|說|称|稱|指出|强调|強調|透露|坦言|直言|回答|说道|說道|补充道|補充道)"


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, verbatim and in order (white space kept with them)."""
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def _split_long(sentence: str, limit: int) -> list[str]:
    """A sentence over `limit` characters, cut at clause punctuation (or hard, as a last resort)."""
    pieces: list[str] = []
    for clause in (c for c in _CLAUSE.findall(sentence) if c):
        while len(clause) > limit:
            pieces.append(clause[:limit])
            clause = clause[limit:]
        pieces.append(clause)
    return pieces


def pack(pieces: list[str], limit: int = MAX_QUOTE) -> list[str]:
    """Group consecutive pieces into chunks of about equal length, none over `limit`."""
    total = sum(len(p) for p in pieces)
    if total <= limit:
        return ["".join(pieces)] if pieces else []
    target = total / math.ceil(total / limit)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and (len(current) + len(piece) > limit or len(current) >= target):
            chunks.append(current)
            current = ""
        current += piece
    if current:
        if chunks and len(current) < MIN_QUOTE and len(chunks[-1]) + len(current) <= limit:
            chunks[-1] += current
        else:
            chunks.append(current)
    return chunks


def paragraph_quotes(paragraph: str, limit: int = MAX_QUOTE) -> list[str]:
    """The quotable units of one paragraph: whole when short, else balanced runs of sentences."""
    pieces: list[str] = []
    for sentence in split_sentences(paragraph):
        pieces.extend(_split_long(sentence, limit) if len(sentence) > limit else [sentence])
    return [chunk.strip() for chunk in pack(pieces, limit) if _has_content(chunk)]


def _has_content(text: str) -> bool:
    """At least two letters or digits: `(笑)` alone or `……` is not a quote."""
    return sum(ch.isalnum() for ch in text) >= 2


def reported_quotes(paragraph: str, names: str) -> list[str]:
    """Quotations a journalist attributes to one of `names` (a regex alternation) in narration."""
    before = re.compile(
        rf"(?:{names})[^“”。,，]{{0,6}}?{SPEECH_VERBS}[道]?\s*[,:：，]?\s*“(?P<q>[^“”]+)”", re.I
    )
    after = re.compile(rf"“(?P<q>[^“”]+)”\s*[,，]?\s*(?:{names}){SPEECH_VERBS}", re.I)
    matches = [m for pattern in (before, after) for m in pattern.finditer(paragraph)]
    found = [m["q"] for m in sorted(matches, key=lambda m: m.start("q"))]
    seen: set[str] = set()
    result = []
    for quote in found:
        quote = quote.strip()
        if len(quote) >= MIN_QUOTE and quote not in seen:
            seen.add(quote)
            result.append(quote)
    return result
