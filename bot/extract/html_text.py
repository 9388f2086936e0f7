"""HTML -> plain text, with the blocks set apart and the page's own facts.

One walker serves whole pages and the HTML inside Markdown files (where it keeps
the source lines). It writes visible text into a `Layout`, a blank line at each
block element, and skips what is not the article (scripts, styles, navigation,
footers, forms). `<details>` and `<blockquote>` content is set apart as an aside;
a `<summary>` is not text but the aside's summary ("Original English").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from bot.extract.file_facts import FileFacts, page_facts
from bot.extract.layout import Aside, Layout
from bot.extract.markup import HTML_ELEMENTS

_BLOCK_TAGS = frozenset(
    """p div li ul ol dl dd dt h1 h2 h3 h4 h5 h6 tr table thead tbody tfoot caption section
    article header main figure figcaption pre hr address center fieldset legend""".split()
)
# Not the article: their text is never read. Struck-out text (`<del>`) is words taken back.
_SKIPPED_TAGS = frozenset(
    """script style noscript template head title nav footer aside form button select
    textarea svg iframe object menu del s strike""".split()
)
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_CELL_TAGS = frozenset({"td", "th"})
_IE_CONDITION = re.compile(r"<!\[(?:if\b[^\]]*|else|endif)\]>", re.IGNORECASE)
_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[|(?i:doctype))")


class HtmlWalker:
    """What an HTML stream has open: skipped elements, details, summaries, block quotes.

    Fed in fragments (`feed`): the Markdown reader hands it each raw HTML block and
    inline tag, so a `<details>` opened in one block sets apart the Markdown
    paragraphs until its `</details>`. `render` turns the text of raw HTML blocks
    (Markdown inline syntax there is not parsed) into plain text.
    """

    def __init__(self, layout: Layout, render: Callable[[str], str] | None = None) -> None:
        self.layout = layout
        self.render = render
        self.skipping: list[str] = []
        self.details: list[Aside] = []
        self.summary_depth = 0
        self.quote_depth = 0
        self.set_apart: list[Aside] = []  # asides the Markdown reader opens (indented blocks)
        self._quote = Aside()
        self._in_title = 0
        # What the page says about itself.
        self.meta: dict[str, str] = {}
        self.title: list[str] = []
        self.canonical: str | None = None
        self.time: str | None = None

    def feed(self, markup: str, first_line: int = 0) -> None:
        """Walk one fragment of HTML; `first_line` is its source line (0: lines not kept)."""
        parser = _Parser(self, first_line)
        parser.feed(markup)
        parser.close()

    def feed_block(self, lines: list[str], first_line: int) -> int:
        """Walk the lines of a Markdown HTML block up to the first that starts outside any
        element, as text (`</details>` then `**Sam Altman**: ...` with no blank line
        between); how many lines were walked. CommonMark would keep it raw HTML."""
        parser = _Parser(self, first_line)
        for number, line in enumerate(lines):
            at_rest = not (self.details or self.summary_depth or self.skipping or self.quote_depth)
            if number and at_rest and line.strip() and not line.lstrip().startswith("<") and "<" not in parser.rawdata:
                parser.close()
                return number
            parser.feed(line if number == len(lines) - 1 else line + "\n")
        parser.close()
        return len(lines)

    def aside(self) -> Aside | None:
        """The block the text being written is set apart in, if any."""
        if self.details:
            return self.details[-1]
        if self.quote_depth:
            return self._quote
        return self.set_apart[-1] if self.set_apart else None

    def text(self, text: str, line: int = 0) -> None:
        """Visible text (entities decoded), or summary text, or nothing when skipped."""
        if self._in_title:
            self.title.append(text)
        if self.skipping:
            return
        if self.summary_depth:
            if self.details:
                self.details[-1].parts.append(text)
            return
        self.layout.write(text, self.aside(), line)

    def start(self, tag: str, attrs: dict[str, str], raw: str, line: int) -> None:
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            if key and attrs.get("content"):
                self.meta.setdefault(key, attrs["content"])
            return
        if tag == "link":
            if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
                self.canonical = self.canonical or attrs["href"]
            return
        if tag == "title":
            self._in_title += 1
        if tag == "body":  # a page whose head was never closed
            self.skipping = [name for name in self.skipping if name not in ("head", "title")]
        if tag in _SKIPPED_TAGS:
            if tag not in _VOID_TAGS:
                self.skipping.append(tag)
            return
        if self.skipping:
            return
        if tag == "time" and self.time is None and attrs.get("datetime"):
            self.time = attrs["datetime"]
        if tag == "details":
            self.layout.new_block()
            self.details.append(Aside())
        elif tag == "summary":
            self.layout.new_block()
            self.summary_depth += 1
        elif tag == "blockquote":
            self.layout.new_block()
            self.quote_depth += 1
        elif tag == "br":
            self.layout.line_break()
        elif tag in _BLOCK_TAGS:
            self.layout.new_block()
        elif tag in _CELL_TAGS:
            self.layout.write(" ", self.aside(), line)
        elif tag not in HTML_ELEMENTS and self.layout.keep_lines:
            self.text(raw, line)  # `<Attention Is All You Need>` in a Markdown file is prose

    def end(self, tag: str, line: int) -> None:
        if tag == "title":
            self._in_title = max(0, self._in_title - 1)
        if tag in _SKIPPED_TAGS:
            if tag in self.skipping:
                at = len(self.skipping) - 1 - self.skipping[::-1].index(tag)
                del self.skipping[at:]
            return
        if self.skipping:
            return
        if tag == "details":
            self.layout.new_block()
            if self.details:
                self.details.pop()
                self.summary_depth = 0
        elif tag == "summary":
            self.layout.new_block()
            self.summary_depth = max(0, self.summary_depth - 1)
        elif tag == "blockquote":
            self.layout.new_block()
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.layout.new_block()
        elif tag not in HTML_ELEMENTS and self.layout.keep_lines:
            self.text(f"</{tag}>", line)

    def page_facts(self) -> FileFacts:
        title = " ".join("".join(self.title).split()) or None
        return page_facts(self.meta, title, self.canonical, self.time)


class _Parser(HTMLParser):
    """Hands one fragment's tags and text to the walker, with their source lines."""

    def __init__(self, walker: HtmlWalker, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.walker = walker
        self.first_line = first_line

    def feed(self, data: str) -> None:
        # Python's parser fails on a `<!` declaration it does not know (`<![i](j)>`, an
        # image after a `<` in Markdown): IE's `<![if ...]>` goes, any other is text.
        data = _IE_CONDITION.sub("", data)
        super().feed(_DECLARATION.sub("&lt;!", data))

    def close(self) -> None:
        try:
            super().close()
        except AssertionError:  # a declaration cut at the end of a fragment: left out
            self.reset()

    def _line(self) -> int:
        return self.first_line + self.getpos()[0] - 1 if self.first_line else 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        self.walker.start(tag.lower(), values, self.get_starttag_text() or "", self._line())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() not in _VOID_TAGS:
            self.walker.end(tag.lower(), self._line())

    def handle_endtag(self, tag: str) -> None:
        self.walker.end(tag.lower(), self._line())

    def handle_data(self, data: str) -> None:
        walker = self.walker
        if not self.first_line:
            walker.text(data)
            return
        line = self._line()
        for number, piece in enumerate(data.split("\n")):
            if number:
                walker.layout.newline()
            walker.text(walker.render(piece) if walker.render else piece, line + number)


def read_html(markup: str) -> tuple[str, dict[int, str], FileFacts]:
    """A page's visible text (a blank line between blocks), its aside lines and its facts."""
    layout = Layout(keep_lines=False)
    walker = HtmlWalker(layout)
    walker.feed(markup)
    text, asides = layout.finish()
    return text, asides, walker.page_facts()
