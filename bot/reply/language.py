"""Which language an answer is written in, and which script its quotes are shown in.

`answer_language` is the one rule for every answer: the conversation, inline mode,
the daily post and button presses all call it with what they know. `answer_script`
is its twin for the script: the chat's /script choice, else traditional characters
for a person who writes or reads them, else the quote as published.
"""

from __future__ import annotations

from bot.messages import DEFAULT_LANGUAGE, Language, language_from_code, parse_language
from bot.text import converter, has_han

# The scripts a chat can choose with /script, each written by one OpenCC conversion.
# "traditional" is the Taiwan standard (為/眾/裡, not OpenCC's own 爲/衆/裏): a chat that
# chose it before the Hong Kong variant existed keeps its stored value.
CONVERSIONS = {"traditional": "s2tw", "hongkong": "s2hk", "simplified": "t2s"}
SCRIPTS = tuple(CONVERSIONS)
# Stored for a chat that chose quotes as published, so no default overrides that choice.
ORIGINAL = "original"
# The card themes a chat can choose with /theme (bot.card draws each); the first is the default.
THEME_NAMES = ("light", "dark")
DEFAULT_THEME = THEME_NAMES[0]
_SCRIPT_ALIASES = {
    "繁體": "traditional", "繁体": "traditional", "taiwan": "traditional", "tw": "traditional",
    "台灣": "traditional", "臺灣": "traditional", "台湾": "traditional",
    "hk": "hongkong", "hong kong": "hongkong", "hong-kong": "hongkong", "香港": "hongkong",
    "港繁": "hongkong", "简体": "simplified", "簡體": "simplified",
    "原文": ORIGINAL, "off": ORIGINAL,
}


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
    (Chinese characters mean Chinese, traditional ones traditional Chinese). Callers pass
    only what they may use: inline answers leave out the person's language_code so
    results can be shared.
    """
    from_code = language_from_code(language_code)
    if from_code == "zh-Hans" and is_traditional(text):
        from_code = "zh-Hant"  # a plain "zh" client, but the person writes traditional
    return (
        parse_language(chosen or "")
        or parse_language(subscribed or "")
        or from_code
        or text_language(text)
        or DEFAULT_LANGUAGE
    )


def text_language(text: str) -> Language | None:
    """The language a message is written in, as far as its characters tell (None: no hint)."""
    if is_traditional(text):
        return "zh-Hant"
    if has_han(text):
        return "zh-Hans"
    return "en" if any(char.isascii() and char.isalpha() for char in text) else None


def is_traditional(text: str) -> bool:
    """True when the text's Chinese characters are traditional ones: the simplified
    conversion changes it and the traditional one leaves it (so 你好, the same in both,
    and a mixture such as 對齐 are not)."""
    if not has_han(text):
        return False
    simplified: str = converter("t2s").convert(text)  # opencc leaves `convert` unannotated
    traditional: str = converter("s2t").convert(text)
    return simplified != text and traditional == text


def answer_script(chosen: str | None, lang: Language, text: str = "") -> str | None:
    """The script an answer's quotes are written in (None: as published).

    The chat's /script choice wins ("original" included); without one, a message written
    in traditional characters, or an answer in traditional Chinese, gets traditional ones.
    """
    if chosen in SCRIPTS:
        return chosen
    if chosen == ORIGINAL:
        return None
    return "traditional" if is_traditional(text) or lang == "zh-Hant" else None


def parse_script(text: str) -> str | None:
    """A script ("traditional", "hongkong", "simplified") or "original" from what a person
    typed after /script, or None when it is none of them."""
    word = " ".join(text.split()).lower()
    word = _SCRIPT_ALIASES.get(word, word)
    return word if word in (*SCRIPTS, ORIGINAL) else None


def parse_theme(text: str | None) -> str | None:
    """The theme a person typed ("light", "dark"), or None when it is neither."""
    value = (text or "").strip().lower()
    return value if value in THEME_NAMES else None


def in_script(text: str | None, script: str | None) -> str:
    """Text converted to the chat's chosen script; unchanged when none was chosen."""
    if not text or script not in CONVERSIONS:
        return text or ""
    converted: str = converter(CONVERSIONS[script]).convert(text)  # opencc leaves it unannotated
    return converted
