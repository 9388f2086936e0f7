"""Recognising a message that only greets or thanks the bot ("hi", "你好", "謝謝!").

Only a whole message counts: "hi alignment" is a question, "hello 👋" and "谢谢啦~"
are greetings. Punctuation, emoji and the particles Chinese adds to soften a phrase
(呀, 啊, 啦...) are set aside before the message is compared.
"""

from __future__ import annotations

import re
import unicodedata

HELLO, THANKS = "hello", "thanks"

# Whom an English greeting may address: "hi there", "thanks bot".
_ADDRESSEE = r"(?: (?:there|all|everyone|bot|quotebot|friend|mate|buddy))?"
_ENGLISH = {
    HELLO: re.compile(
        r"(?:h+i+|he+y+|hel+o+|hal+o+|hiya|howdy|yo|greetings|sup|what'?s up"
        r"|good (?:morning|afternoon|evening|day))" + _ADDRESSEE
    ),
    THANKS: re.compile(
        r"(?:thanks?|thank (?:you|u)|thx|ty|tysm|cheers|many thanks|much appreciated)"
        r"(?: (?:so|very) much| a lot| again)?"
        r"(?: for (?:this|that|it|the quotes?|your help|the help))?" + _ADDRESSEE
    ),
}
# Simplified and traditional forms alike; a trailing particle or two is allowed.
_PARTICLES = "呀啊哦喔啦嘛哈哇唷呦~"
_CHINESE = {
    HELLO: re.compile(
        "(?:你好|您好|大家好|嗨|哈喽|哈啰|哈囉|哈罗|哈羅|早|早安|早上好|上午好|午安|中午好"
        "|下午好|晚上好|在吗|在嗎)" + f"[{_PARTICLES}]{{0,2}}"
    ),
    THANKS: re.compile(
        "(?:谢谢|謝謝|多谢|多謝|感谢|感謝|谢了|謝了|谢啦|謝啦|谢谢你|謝謝你|谢谢您|謝謝您"
        "|非常感谢|非常感謝|太感谢了|太感謝了)" + f"[{_PARTICLES}]{{0,2}}"
    ),
}


def greeting_kind(text: str) -> str | None:
    """HELLO or THANKS when the whole message is a greeting or a thank-you, else None."""
    words = _plain(text)
    if not words:
        return None
    for kind in (HELLO, THANKS):
        english = " ".join(words.replace("~", " ").split())
        if _ENGLISH[kind].fullmatch(english) or _CHINESE[kind].fullmatch(words.replace(" ", "")):
            return kind
    return None


def _plain(text: str) -> str:
    """The message folded to lower case, with punctuation, symbols and emoji set aside and
    white space collapsed (an apostrophe and the particle "~" are kept)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(
        char if char in "'~" or unicodedata.category(char)[0] in "LN" else " " for char in folded
    )
    return " ".join(kept.split())
