"""Raw file -> plain text: encodings, HTML and Markdown.

Scraped pages arrive as UTF-8, GBK/GB18030 or Big5 text, or as HTML. Each
conversion is reported in one line so the ingest report can say what was done.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

# Tried after UTF-8; GB18030 is a superset of GBK and GB2312, cp950 is Windows' Big5.
# GB18030 accepts almost any byte pairs, Big5 bytes included, so the decoding that
# reads as the most plausible text wins (ties: the earlier one).
FALLBACK_ENCODINGS = ("gb18030", "big5", "cp950")
# What Chinese and English text is made of: ASCII, CJK ideographs, CJK and full-width
# punctuation, and the usual typographic marks. Big5 bytes read as GB18030 come out as
# kana, Cyrillic, box drawing and private-use characters instead.
_PLAUSIBLE = re.compile(r"[\x00-\x7f\u4e00-\u9fff\u3000-\u303f\uff00-\uffef—–…“”‘’·•]")

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "nav",
}
_SKIPPED_TAGS = {"script", "style", "noscript", "template", "head"}


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode `data`; return the text and a note when it was not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    decoded = {}
    for encoding in FALLBACK_ENCODINGS:
        try:
            decoded[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if not decoded:
        return (
            data.decode("utf-8", errors="replace"),
            "not valid UTF-8, GBK or Big5: bad bytes replaced",
        )
    best = max(decoded, key=lambda encoding: plausibility(decoded[encoding]))
    return decoded[best], f"converted from {best.upper()} to UTF-8"


def plausibility(text: str) -> float:
    """The share of characters that Chinese or English text is made of (0 to 1)."""
    return len(_PLAUSIBLE.findall(text)) / len(text) if text else 0.0


def looks_like_html(path: Path, text: str) -> bool:
    """An .html/.htm file, or text that starts like an HTML page."""
    if path.suffix.lower() in {".html", ".htm"}:
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html")


class _TextExtractor(HTMLParser):
    """Collect visible text, with a blank line at every block boundary."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            # Inside a block, source line breaks are just white space.
            self.parts.append(re.sub(r"\s*\n\s*", " ", data))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one paragraph per block element."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_LIST = re.compile(r"^\s{0,3}[-*+]\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def markdown_to_text(text: str) -> str:
    """Strip Markdown markup line by line, keeping line numbers and blank lines."""
    out = []
    for line in text.split("\n"):
        line = _MD_HEADING.sub("", line)
        line = _MD_QUOTE.sub("", line)
        line = _MD_LIST.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        out.append(line)
    return "\n".join(out)


def read_text(path: Path) -> tuple[str, list[str]]:
    """The plain text of a document and the notes on how it was converted ('' when skipped)."""
    data = Path(path).read_bytes()
    if b"\x00" in data[:65536]:
        return "", ["binary, not text: skipped"]
    text, note = decode_bytes(data)
    notes = [note] if note else []
    if looks_like_html(Path(path), text):
        text = html_to_text(text)
        notes.append("converted from HTML to text")
    elif Path(path).suffix.lower() in {".md", ".markdown"}:
        text = markdown_to_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n"), notes
