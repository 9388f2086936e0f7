"""What a button carries: the callback payload codec and the row of buttons under a quote.

A payload holds ids only ("c:1234:56": action, quote id, query id), so it always fits
Telegram's 64 bytes and never repeats what a person typed.
"""

from __future__ import annotations

from bot.messages import Language, say
from bot.reply.markup import Button

MAX_PAYLOAD_BYTES = 64  # Telegram's limit for callback data
# No id of ours has more digits (query ids are below 2**53): a longer one is forged, and
# must not reach the state database (SQLite integers stop at 2**63).
MAX_ID_DIGITS = 16

ANOTHER, CONTEXT, SOURCE, QUOTE, CARD, SIMILAR = "a", "c", "s", "q", "p", "m"
# How many ids follow each action: Another needs the query only, the views the quote too.
ID_COUNTS = {ANOTHER: 1, CONTEXT: 2, SOURCE: 2, QUOTE: 2, CARD: 2, SIMILAR: 2}


def payload(action: str, *ids: int) -> str:
    """Callback data such as "c:1234:56" (action, quote id, query id), always within 64 bytes."""
    data = ":".join([action, *map(str, ids)])
    assert len(data.encode()) <= MAX_PAYLOAD_BYTES, data
    return data


def parse_payload(data: str | None) -> tuple[str, tuple[int, ...]] | None:
    """(action, ids) from callback data, or None when it is not ours, malformed or forged."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_PAYLOAD_BYTES:
        return None
    action, *parts = data.split(":")
    if action not in ID_COUNTS or not parts or any(len(part) > MAX_ID_DIGITS for part in parts):
        return None
    try:
        ids = tuple(int(part) for part in parts)
    except ValueError:
        return None
    return (action, ids) if len(ids) == ID_COUNTS[action] else None


def action_of(data: str | None) -> str | None:
    """The action a button's payload asks for (ANOTHER, CONTEXT, ...), or None when not ours."""
    parsed = parse_payload(data)
    return parsed[0] if parsed else None


def buttons(
    lang: Language, quote_id: int, query_id: int, showing: str = QUOTE, similar: bool = True
) -> tuple[Button, ...]:
    """Another / Context / Source / Card / Similar (only where `similar`: the bot can match
    by meaning), the view being shown replaced by a way back to the quote."""
    back = Button(say(lang, "button_quote"), payload(QUOTE, quote_id, query_id))

    def view(action: str, label_key: str) -> Button:
        return back if showing == action else Button(say(lang, label_key),
                                                     payload(action, quote_id, query_id))

    shown = (
        Button(say(lang, "button_another"), payload(ANOTHER, query_id)),
        view(CONTEXT, "button_context"),
        view(SOURCE, "button_source"),
        Button(say(lang, "button_card"), payload(CARD, quote_id, query_id)),
    )
    return (*shown, Button(say(lang, "button_similar"), payload(SIMILAR, quote_id, query_id))) if similar else shown


def quote_id_in(payloads: list[str]) -> int | None:
    """The quote a message's buttons refer to (all but Another carry its id), or None."""
    for data in payloads:
        parsed = parse_payload(data)
        if parsed and parsed[0] != ANOTHER:
            return parsed[1][0]
    return None
