"""Quote cards: a quote as a picture (PNG) with its caption, for Telegram and the CLI.

The interface the Telegram layer calls:

    render_card(quote, lang, script, theme, page_url) -> bytes  # PNG, ~1080 px wide
    caption_html(quote, lang, script) -> str                    # Telegram HTML, <= 1,024 chars
    card_key(quote.id, lang, script, theme, page_url) -> str    # cache key for the photo's file_id
    warm_up()                                             # at start: fonts read before the first card

A card sits at the reply step: it takes a `bot.search.Quote` and writes it the way the
text replies do (same speaker name, same script conversion, same source line).
Its QR code points to the quote's page on the web (`page_url`, when the bot has a public
address: `bot.reply.quote_page`), else to the source.
"""

from __future__ import annotations

import hashlib

from bot.card.layout import shorten
from bot.card.render import THEMES, CardLayout, CardText, draw, layout_card, png_bytes
from bot.messages import Language, is_chinese
from bot.reply.language import CONVERSIONS, DEFAULT_THEME, in_script, parse_theme
from bot.reply.markup import escape, safe_url, telegram_length
from bot.reply.render import attribution_html, details_text, reader_text, speaker_name
from bot.search import Quote

__all__ = ["THEMES", "CardLayout", "CardText", "MAX_CAPTION_CHARS", "caption_html", "card_key",
           "card_layout", "card_text", "parse_theme", "render_card", "warm_up"]

# Telegram's limit for a photo caption, counted after entities are parsed.
MAX_CAPTION_CHARS = 1024


def warm_up() -> None:
    """Read every font's character map now (~0.4 s) rather than in the first request."""
    from bot.card import fonts

    for name in {name for chain in fonts.CHAINS.values() for name in chain}:
        fonts.face(name)


def card_key(quote_id: int, lang: Language, script: str | None, theme: str,
             page_url: str | None = None) -> str:
    """One key per distinct picture: the photo's file_id is cached under it.

    The script is named by the conversion that writes it ("s2tw"), so a card drawn
    before "traditional" meant the Taiwan standard is never sent for it again; a card
    whose QR code points to a quote page names that page (hashed), so a card pointing to
    the source, or to another address, is never sent for it.
    """
    key = f"card:{quote_id}:{lang}:{CONVERSIONS.get(script or '', 'original')}:{theme}"
    if page_url:
        key += ":page-" + hashlib.sha256(page_url.encode()).hexdigest()[:16]
    return key


def card_text(quote: Quote, lang: Language, script: str | None,
              page_url: str | None = None) -> CardText:
    """What the card says, in the reader's script (the source's title and publisher too),
    named as the text replies name; the QR code leads to `page_url`, else to the source."""
    source = quote.source
    title = in_script(source.title or source.event, script)
    details = details_text(source, script)
    return CardText(
        quote=reader_text(quote, lang, script),
        speaker=speaker_name(quote, lang, script),
        title=f"《{title}》" if title and is_chinese(lang) else title,
        details=details,
        url=safe_url(page_url) or safe_url(source.url),
    )


def card_layout(quote: Quote, lang: Language = "en", script: str | None = None,
                page_url: str | None = None) -> CardLayout:
    """Where every line of the card goes and which font draws each run (both themes)."""
    return layout_card(card_text(quote, lang, script, page_url))


def render_card(quote: Quote, lang: Language = "en", script: str | None = None,
                theme: str = DEFAULT_THEME, page_url: str | None = None) -> bytes:
    """The quote's card as PNG bytes; its QR code leads to `page_url`, else to the source."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    layout = card_layout(quote, lang, script, page_url)
    return png_bytes(draw(layout, theme), theme, colour=layout.has_colour)


def caption_html(quote: Quote, lang: Language = "en", script: str | None = None) -> str:
    """The quote as text with its source, for the photo's caption (Telegram HTML).

    Within Telegram's 1,024-character caption limit: a long quote is cut at a sentence
    boundary with an ellipsis, so the chat stays searchable by the words kept.
    """
    after = "\n" + attribution_html(quote, lang, script)
    marks = ("「", "」") if is_chinese(lang) else ("“", "”")
    budget = MAX_CAPTION_CHARS - telegram_length(after + "".join(marks))
    text = shorten(reader_text(quote, lang, script),
                   lambda s: telegram_length(escape(s)) <= budget)
    caption = f"{marks[0]}{escape(text)}{marks[1]}{after}"
    if telegram_length(caption) > MAX_CAPTION_CHARS:  # an extremely long title or name
        caption = f"{marks[0]}{escape(text)}{marks[1]}"[:MAX_CAPTION_CHARS]
    return caption
