"""A slow Telegram (issue 20, item 5), replayed against a real `quotebot run` (long polling,
production time-outs) and the Bot API stand-in.

Telegram delivers every message to some chats at once but answers the request only 11 s
later (past the 10 s read time-out): 10 people write to the bot and one of them presses
Card under an answer they got before. In the full run one more person's messages are
answered only after 35 s (past the 30 s a message request waits). Meanwhile, from chats
Telegram serves normally, a bystander writes every 0.25 s.

Reported: messages and photos delivered per person (one each is right: more are copies,
none is a loss), whether the card was followed by "I could not send the picture" text,
and what the bystanders waited.

    .venv/bin/python bench/faults/slow_telegram.py [--quick]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import quote_database  # noqa: E402
from bench.faults import command_line  # noqa: E402
from bench.faults._polling import QUOTES_DB, Bystanders, PollingBot  # noqa: E402
from tests.fake_bot_api import FakeBotAPI  # noqa: E402

SENDS = ("sendMessage", "sendPhoto")
LATE_S = 11.0  # past python-telegram-bot's (and this bot's) 10 s read time-out
LATER_S = 35.0  # past the 30 s a message request waits
FIRST_PERSON = 700_000
CARD_FAILED = "I could not send the picture"


def card_button(message: dict) -> str:
    """The callback data of the Card button under one of the bot's messages."""
    row = message["reply_markup"]["inline_keyboard"][0]
    return next(button["callback_data"] for button in row if button["text"] == "Card")


async def replay(quick: bool) -> dict[str, object]:
    people = [FIRST_PERSON + n for n in range(3 if quick else 10)]
    later = [] if quick else [FIRST_PERSON + 99]
    presser = people[0]
    with quote_database(QUOTES_DB if QUOTES_DB.exists() else None) as quotes_db:
        async with FakeBotAPI.running() as api:
            folder = Path(tempfile.mkdtemp(prefix="fault-slow-telegram-"))
            bot = await PollingBot.start(api, quotes_db, folder)
            bystanders = Bystanders(api)
            try:
                api.private_text(presser, "alignment")  # an answer to press Card under, before
                [first] = await api.wait_sent(presser)
                api.fail_next("late", n=10_000, methods=SENDS, delay=LATE_S, chats=tuple(people))
                if later:
                    api.fail_next("late", n=10_000, methods=SENDS, delay=LATER_S,
                                  chats=tuple(later))
                started = time.monotonic()
                for person in people[1:] + later:
                    api.private_text(person, "open source")
                api.press(api.bot_message(first), card_button(api.bot_message(first)), presser)
                bystanders.start()
                # Long enough for python-telegram-bot's retries to land, were they made.
                await asyncio.sleep(LATE_S + 3 if quick else LATER_S + 10)
                await bystanders.stop()
                elapsed = time.monotonic() - started
            finally:
                await bot.stop()
            texts = {person: len(api.sent(person)) for person in people[1:] + later}
            photos = len(api.sent(presser, "sendPhoto"))
            fallback = sum(CARD_FAILED in call.text for call in api.sent(presser))
            attempts = sum(call.method in SENDS and call.chat_id in {*people, *later}
                           and call.at >= started for call in api.attempts)
            return {
                "fault": f"Telegram answers sends after {LATE_S:.0f} s"
                         + ("" if quick else f" (one chat after {LATER_S:.0f} s)"),
                "lost": sum(count == 0 for count in texts.values()) + (photos == 0),
                "repeated": sum(max(0, count - 1) for count in texts.values())
                            + max(0, photos - 1) + fallback,
                **bystanders.outcome(),
                "answers_per_person": sorted(set(texts.values())),
                "card_photos": photos,
                "card_text_fallbacks": fallback,
                "send_requests_to_slow_chats": attempts,
                "observed_s": round(elapsed, 1),
                "tracebacks": bot.log.count("Traceback"),
            }


def run(quick: bool = False) -> dict:
    """The fault replayed (`quick`: 3 people, 11 s only); its figures."""
    return asyncio.run(replay(quick))


if __name__ == "__main__":
    command_line(run, __doc__)
