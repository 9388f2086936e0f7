"""Telegram's HTML parse mode as a checker: what Telegram would refuse with "can't parse entities".

The rules are those of the Bot API's "HTML style" formatting: only its tags (with
their attributes), properly nested and closed; `<`, `>` and `&` in text written as
entities, and only the named entities &lt; &gt; &amp; &quot; (numeric ones are all
allowed); at most 4,096 characters (UTF-16 code units) once tags and entities are parsed.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Kept here on purpose: the checker must not trust the code it checks.
MAX_MESSAGE_CHARS = 4096  # a text message
MAX_CAPTION_CHARS = 1024  # a photo's caption

# Tag -> the attributes it may carry (None: any value; a tuple: the values allowed).
ALLOWED_TAGS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "b": {}, "strong": {}, "i": {}, "em": {}, "u": {}, "ins": {}, "s": {}, "strike": {}, "del": {},
    "span": {"class": ("tg-spoiler",)}, "tg-spoiler": {},
    "a": {"href": None},
    "code": {"class": None}, "pre": {},
    "blockquote": {"expandable": None},
    "tg-emoji": {"emoji-id": None},
}
REQUIRED_ATTRIBUTES = {"span": "class", "a": "href", "tg-emoji": "emoji-id"}
NO_ENTITIES_INSIDE = ("code", "pre")  # code and pre hold plain text only (code may sit in pre)
# Every & must start one of these; Telegram knows no other named entity.
_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#[0-9]+|#[xX][0-9a-fA-F]+);)")


def utf16_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.errors: list[str] = []
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        allowed = ALLOWED_TAGS.get(tag)
        if allowed is None:
            self.errors.append(f"tag <{tag}> is not supported")
            return
        for name, value in attrs:
            if name not in allowed:
                self.errors.append(f"<{tag}> cannot have attribute {name!r}")
            elif allowed[name] is not None and value not in allowed[name]:
                self.errors.append(f"<{tag} {name}={value!r}> is not supported")
        required = REQUIRED_ATTRIBUTES.get(tag)
        if required and not dict(attrs).get(required):
            self.errors.append(f"<{tag}> needs a non-empty {required!r}")
        if tag == "a" and "a" in self.open:
            self.errors.append("<a> inside <a>")
        if tag == "blockquote" and "blockquote" in self.open:
            self.errors.append("<blockquote> inside <blockquote>")
        inside = [t for t in self.open if t in NO_ENTITIES_INSIDE]
        if inside and not (tag == "code" and inside == ["pre"] and self.open[-1] == "pre"):
            self.errors.append(f"<{tag}> inside <{inside[-1]}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            self.errors.append(f"</{tag}> closes nothing")
        elif self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1]}>")
        else:
            self.open.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/> is not supported")

    def handle_data(self, data: str) -> None:
        for char in "<>":
            if char in data:
                self.errors.append(f"bare {char!r} in text: {data[:40]!r}")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self.errors.append("comments are not supported")

    def handle_decl(self, decl: str) -> None:
        self.errors.append(f"declaration <!{decl}> is not supported")

    def handle_pi(self, data: str) -> None:
        self.errors.append(f"processing instruction <?{data}> is not supported")

    def unknown_decl(self, data: str) -> None:
        self.errors.append(f"<![{data}]> is not supported")


def telegram_html_errors(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Every reason Telegram would refuse `text` in HTML parse mode ([] when it is accepted)."""
    errors = [f"bare '&' at {m.start()}: {text[m.start():m.start() + 12]!r}" for m in _AMPERSAND.finditer(text)]
    checker = _Checker()
    checker.feed(text)
    checker.close()
    errors += checker.errors
    if checker.rawdata:  # something the parser could not read as a tag, such as "<b" at the end
        errors.append(f"unparsed markup at the end: {checker.rawdata[:40]!r}")
    errors += [f"<{tag}> is never closed" for tag in checker.open]
    length = utf16_length("".join(checker.text))
    if length > limit:
        errors.append(f"{length} characters after parsing, over Telegram's {limit}")
    if not "".join(checker.text).strip():
        errors.append("the message is empty once parsed")
    return errors


def assert_telegram_html(text: str) -> None:
    """Fail with every reason when Telegram would refuse `text` as an HTML message."""
    errors = telegram_html_errors(text)
    assert not errors, f"invalid Telegram HTML: {errors}\n---\n{text[:300]}…{text[-300:]}"
