"""From a person's words to what they see: quote text, attribution, source and buttons.

One module per job: `markup` (Telegram's limits and escaping, the reply types),
`payload` (what a button carries), `language` (which language and script an answer
uses), `render` (pure HTML of every view), `conversation` (`Replier`, what to answer)
and `commands` (the table of commands every front end is driven by).
"""

from bot.reply.commands import COMMANDS, DESCRIPTIONS, Command, find_command
from bot.reply.conversation import Replier, clean_query
from bot.reply.language import SCRIPTS, answer_language, in_script
from bot.reply.markup import (
    MAX_MESSAGE_CHARS,
    MAX_NOTICE_CHARS,
    Button,
    CardRequest,
    InlineQuote,
    Notice,
    Reply,
    WebButton,
    Writing,
    escape,
    fit,
    quote_page,
    telegram_length,
)
from bot.reply.payload import parse_payload, payload
from bot.reply.render import context_html, quote_html, source_html

__all__ = [
    "COMMANDS",
    "DESCRIPTIONS",
    "MAX_MESSAGE_CHARS",
    "MAX_NOTICE_CHARS",
    "SCRIPTS",
    "Button",
    "CardRequest",
    "Command",
    "InlineQuote",
    "Notice",
    "Replier",
    "Reply",
    "WebButton",
    "Writing",
    "answer_language",
    "clean_query",
    "context_html",
    "escape",
    "find_command",
    "fit",
    "in_script",
    "parse_payload",
    "payload",
    "quote_html",
    "quote_page",
    "source_html",
    "telegram_length",
]
