"""Markdown -> plain text on the source's lines, with the blocks set apart and the front matter's facts.

markdown-it-py parses the file (CommonMark, with strikethrough, tables and
footnotes); each block token knows its source lines, so the text keeps the file's
line numbers wherever a block takes no more lines than it did (the report cites
them). What is kept: headings, paragraphs, list items, block quotes, table rows,
link text, inline code. What goes: emphasis marks, struck-out text, images (and their alt text),
footnote marks and definitions, HTML tags and comments, fenced code blocks, the
front matter (read for its facts instead).

Set apart as asides (bilingual notes put the speaker's original words there):
block quotes, `<details>` blocks (their `<summary>` is the aside's summary, not
text) and an indented block right after a paragraph.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from bot.extract.file_facts import FileFacts, front_matter_facts, split_front_matter
from bot.extract.html_text import HtmlWalker
from bot.extract.layout import Aside, Layout

_MARKDOWN = MarkdownIt("commonmark").enable(["strikethrough", "table"]).use(footnote_plugin)

_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]{1,20}\]")
# Emphasis CommonMark leaves as it is: `**Sam Altman：**我认为` (a closing `**` after
# punctuation and before a letter does not close) is still `**`-marked text.
_LEFT_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_SKIPPED_INLINE = frozenset({"image", "footnote_ref"})


def read_markdown(source: str) -> tuple[str, dict[int, str], FileFacts, list[str]]:
    """Plain text on the source's lines, its aside lines, the front matter's facts, notes."""
    lines = source.split("\n")
    front_matter, taken, notes = split_front_matter(lines)
    facts = FileFacts()
    if front_matter is not None:
        facts, more = front_matter_facts(front_matter)
        notes += more
        lines = [""] * taken + lines[taken:]  # its lines stay, blank
    layout = Layout(keep_lines=True, clean=_clean_line)
    walker = HtmlWalker(layout, render=_inline_text)
    fences = _walk(_MARKDOWN.parse("\n".join(lines)), walker)
    if fences:
        notes.append(f"{fences} fenced code block{'s' if fences > 1 else ''} left out")
    if walker.details:
        notes.append("a <details> block is never closed: the rest of the file is set apart")
    text, asides = layout.finish()
    return text, asides, facts, notes


def _walk(tokens: list[Token], walker: HtmlWalker) -> int:
    """Write the blocks' text into the walker's layout; the number of fenced code blocks."""
    layout = walker.layout
    fences = 0
    footnotes = 0
    previous = ""
    for token in tokens:
        kind = token.type
        if kind == "footnote_block_open":
            footnotes += 1
        elif kind == "footnote_block_close":
            footnotes -= 1
        elif footnotes:
            pass
        elif kind == "inline":
            _write_inline(token, walker)
        elif kind == "html_block":
            layout.new_block()
            lines, first = token.content.rstrip("\n").split("\n"), _first_line(token)
            walked = walker.feed_block(lines, first)
            layout.new_block()
            if walked < len(lines) and first:
                # The Markdown after the block's elements, parsed on its own source lines.
                rest = "\n" * (first - 1 + walked) + "\n".join(lines[walked:])
                fences += _walk(_MARKDOWN.parse(rest), walker)
        elif kind == "code_block":
            _write_indented(token, walker, set_apart=previous == "paragraph_close")
        elif kind == "fence":
            layout.new_block()
            fences += 1
        elif kind == "blockquote_open":
            layout.new_block()
            walker.quote_depth += 1
        elif kind == "blockquote_close":
            layout.new_block()
            walker.quote_depth = max(0, walker.quote_depth - 1)
        elif kind in ("th_open", "td_open"):
            layout.write(" ", walker.aside())
        elif token.block and kind not in ("th_close", "td_close"):
            layout.new_block()  # paragraphs, headings, list items, rows, rules
        previous = kind
    return fences


def _first_line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _write_inline(token: Token, walker: HtmlWalker) -> None:
    """A paragraph's or heading's text, line by line, without its marks."""
    line = _first_line(token)
    struck = 0
    for child in token.children or []:
        kind = child.type
        if kind in ("s_open", "s_close"):
            struck += 1 if kind == "s_open" else -1
        elif kind in ("text", "code_inline"):
            if not struck:
                walker.text(child.content, line)
        elif kind in ("softbreak", "hardbreak"):
            walker.layout.newline()
            line += 1 if line else 0
        elif kind == "html_inline":
            walker.feed(child.content, line)
            line += child.content.count("\n") if line else 0
        elif kind in _SKIPPED_INLINE:
            continue
        # Emphasis and link marks: the text between them is kept (struck-out text is not:
        # notes strike a mistranslation through and put the right words after it).


def _write_indented(token: Token, walker: HtmlWalker, set_apart: bool) -> None:
    """An indented block: set apart when it comes right after a paragraph, else plain text."""
    walker.layout.new_block()
    if set_apart:
        walker.set_apart.append(Aside())
    first = _first_line(token)
    for number, text in enumerate(token.content.rstrip("\n").split("\n")):
        if text.strip():
            walker.layout.newline()
            walker.text(text, first + number if first else 0)
        else:
            walker.layout.new_block()  # a blank line inside: the next paragraph
    walker.layout.new_block()
    if set_apart:
        walker.set_apart.pop()


def _inline_text(source: str) -> str:
    """The text of Markdown inline syntax (inside raw HTML blocks, which CommonMark leaves as is)."""
    if not re.search(r"[*_`\[!<\\~]", source):
        return source
    parts = []
    for token in _MARKDOWN.parseInline(source):
        for child in token.children or []:
            if child.type in ("text", "code_inline", "html_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return "".join(parts)


def _clean_line(line: str) -> str:
    """A finished line without the footnote marks and emphasis Markdown left in it."""
    line = _FOOTNOTE_MARK.sub("", line)
    if "**" in line or "__" in line:
        line = _LEFT_STRONG.sub(r"\2", line)
    return line.strip()
