"""Markup left in a quote: HTML tags and entities, Markdown, subtitle styling.

The readers turn Markdown, HTML and subtitles into plain text; a quote that still
holds markup means a reader missed something. `find_markup` names the first such
snippet. It errs on the side of silence: `<` used as less-than (`a < b`, `<3`), a
book title in ASCII angle brackets (`<Attention Is All You Need>`), `R&D`, `AT&T`,
a `#1` or an `x * y` in prose are not markup.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint

# HTML elements a page or a Markdown file may carry; a tag of any other name is not
# taken for markup (prose puts titles in ASCII angle brackets too).
HTML_ELEMENTS = frozenset(
    """
    a abbr address article aside audio b big blockquote body br button caption center
    cite code col colgroup dd del details dfn div dl dt em embed figcaption figure font
    footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label
    legend li link main mark menu meta nav noscript object ol optgroup option p param
    picture pre q rp rt ruby s samp script section select small source span strike strong
    style sub summary sup svg table tbody td template textarea tfoot th thead time title
    tr track tt u ul var video wbr
    """.split()
)

_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?=[\s/>])(?:\s[^<>]*)?/?>")
_COMMENT = re.compile(r"<!--")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|([A-Za-z][A-Za-z0-9]{1,31}));")
_PATTERNS = (
    re.compile(r"\*\*(?=[^\s*])[^\n]*?\*\*|\*\*(?=[^\s*])|(?<=[^\s*])\*\*"),  # **bold**, or half of it
    # __bold__, but not a Python name such as __init__
    re.compile(r"__(?=[^\s_])(?![A-Za-z0-9]+__)[^_\n]+?(?<=[^\s_])__"),
    re.compile(r"!\["),  # an image
    re.compile(r"\[\^[^\]\s]{1,20}\]"),  # a footnote mark [^1]
    re.compile(r"\[[^\]\n]+\]\([^)\s]*\)"),  # a link [text](url)
    re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t].{0,20}"),  # a heading
    re.compile(r"`[^`\n]{0,40}`|`"),  # inline code
    re.compile(r"\{\\[A-Za-z]+[^}]*\}"),  # subtitle styling: {\an8}, {\i1}
)


def find_markup(text: str) -> str | None:
    """The first piece of markup left in `text` (`<br/>`, `&amp;`, `**Sam**`), or None."""
    for match in _TAG.finditer(text):
        if match.group(1).lower() in HTML_ELEMENTS:
            return match.group()
    for match in _ENTITY.finditer(text):
        if match.group(1) is None or match.group(1) in name2codepoint or match.group(1) == "apos":
            return match.group()
    for pattern in (_COMMENT, *_PATTERNS):
        found = pattern.search(text)
        if found:
            return found.group()
    return None
