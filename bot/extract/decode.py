"""Raw file -> text: encodings.

Scraped pages arrive as UTF-8, GBK/GB18030 or Big5 text. Each conversion is
reported in one line so the ingest report can say what was done; reading the
text as Markdown, HTML or subtitles is bot.extract.reading's.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

# Tried after UTF-8; GB18030 is a superset of GBK and GB2312, cp950 is Windows' Big5.
# GB18030 accepts almost any byte pairs, Big5 bytes included, so the decoding that
# reads as the most plausible text wins (ties: the earlier one).
FALLBACK_ENCODINGS = ("gb18030", "big5", "cp950")
# What Chinese and English text is made of: ASCII, CJK ideographs, CJK and full-width
# punctuation, and the usual typographic marks. Big5 bytes read as GB18030 come out as
# kana, Cyrillic, box drawing and private-use characters instead.
_PLAUSIBLE = re.compile(r"[\x00-\x7f\u4e00-\u9fff\u3000-\u303f\uff00-\uffef—–…“”‘’·•]")

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


# The largest document read: a three-hour transcript is about 200 KB of text, so this is
# a hundred of them; anything bigger is not a transcript, and reading it would cost
# gigabytes of memory in extraction.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# A file with more NUL bytes than this share (or than two) is binary: UTF-16, an image, a
# zip, random bytes (1 in 256). Fewer are stray bytes in a text, dropped wherever they are.
BINARY_NUL_SHARE = 0.001


def read_bounded(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> tuple[bytes | None, str | None]:
    """The bytes of a regular file of at most `limit` bytes, or None and why not.

    A device (`/dev/zero` behind a `.txt` link), a FIFO or a socket is never opened: reading
    one never ends or blocks. A file is read no further than its limit, even if it grows.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return None, f"unreadable ({error.strerror or error}): skipped"
    if not stat.S_ISREG(mode):
        return None, "not a regular file (a device, FIFO or socket): skipped"
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        return None, f"over {limit // (1024 * 1024)} MB, too big for a transcript: skipped"
    return data, None


def decode_file(path: Path) -> tuple[str | None, list[str]]:
    """A file's text (line ends made LF) and notes on how it was decoded; None when skipped
    (not a regular file, too big, binary)."""
    data, refused = read_bounded(Path(path))
    if data is None:
        return None, [refused or "skipped"]
    notes = []
    nuls = data.count(b"\x00")
    if nuls > max(2, BINARY_NUL_SHARE * len(data)):
        return None, ["binary, not text: skipped"]
    if nuls:
        data = data.replace(b"\x00", b"")
        notes.append(f"{nuls} stray NUL byte(s) dropped")
    text, note = decode_bytes(data)
    return text.replace("\r\n", "\n").replace("\r", "\n"), [*([note] if note else []), *notes]
