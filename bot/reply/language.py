"""Which language an answer is written in, and which script its quotes are shown in.

`answer_language` is the one rule for every answer: the conversation, inline mode,
the daily post and button presses all call it with what they know.
"""

from __future__ import annotations

from bot.messages import DEFAULT_LANGUAGE, Language, language_from_code, parse_language
from bot.text import has_han, to_simplified, to_traditional

SCRIPTS = ("traditional", "simplified")
# The card themes a chat can choose with /theme (bot.card draws each); the first is the default.
THEME_NAMES = ("light", "dark")
DEFAULT_THEME = THEME_NAMES[0]
_SCRIPT_ALIASES = {"繁體": "traditional", "繁体": "traditional", "简体": "simplified",
                   "簡體": "simplified", "原文": "original", "off": "original"}


def answer_language(
    chosen: str | None = None,
    *,
    subscribed: str | None = None,
    language_code: str | None = None,
    text: str = "",
) -> Language:
    """The language to answer in, from the strongest hint to the weakest.

    `chosen`: the chat's /lang setting; `subscribed`: the language a /daily subscription
    was made in; `language_code`: the person's Telegram language; `text`: what they wrote
    (Chinese characters mean simplified Chinese). Callers pass only what they may use:
    inline answers leave out the person's language_code so results can be shared.
    """
    return (
        parse_language(chosen or "")
        or parse_language(subscribed or "")
        or language_from_code(language_code)
        or ("zh-Hans" if has_han(text) else DEFAULT_LANGUAGE)
    )


def parse_script(text: str) -> str | None:
    """"traditional", "simplified" or "original" from what a person typed after /script."""
    word = text.strip().lower()
    word = _SCRIPT_ALIASES.get(word, word)
    return word if word in (*SCRIPTS, "original") else None


def parse_theme(text: str | None) -> str | None:
    """The theme a person typed ("light", "dark"), or None when it is neither."""
    value = (text or "").strip().lower()
    return value if value in THEME_NAMES else None


def in_script(text: str | None, script: str | None) -> str:
    """Quote text converted to the chat's chosen script; unchanged when none was chosen."""
    if not text or script not in SCRIPTS:
        return text or ""
    return to_traditional(text) if script == "traditional" else to_simplified(text)
