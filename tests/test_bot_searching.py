"""Searching never stalls the bot: bounded work per query, off the event loop, and inline
queries searched once a person stops typing.

The bot runs for real against the stand-in; the search is the real one over the seeds'
database. Times asserted here are generous (the machine is shared); the figures under
load are measured by `bench/faults/slow_search.py`.
"""

from __future__ import annotations

import asyncio
import threading
import time

from bot import meaning
from bot.normalize import Segmenter
from bot.quotedb import QuoteDB
from bot.search.aliases import SpeakerAliases
from bot.search.analyze import Analyzer
from bot.search.limits import MAX_EMBED_CHARS, MAX_QUERY_TERMS, bounded_query
from bot.search.semantic import MeaningRetriever
from bot.search.tuning import DEFAULT
from bot.telegram.context import services
from tests.fake_bot_api import FakeBotAPI

HOSTILE_CJK = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(300))
HOSTILE_LATIN = " ".join(f"w{i}rd" for i in range(60))


async def test_a_slow_search_does_not_hold_up_another_chat(api: FakeBotAPI, bot):
    # One person's search takes 3 s (as a hostile query did); another person asking
    # meanwhile is answered at once, not after it.
    replier = services(bot).replier
    real_answer = replier.answer
    release = threading.Event()

    def answer(chat_id, lang, text):
        if text == "slow":
            release.wait(3.0)
        return real_answer(chat_id, lang, text)

    replier.answer = answer
    api.private_text(801, "slow")
    await asyncio.sleep(0.3)  # the slow search is under way
    asked = time.monotonic()
    api.private_text(802, "alignment")
    await api.wait_sent(802)
    waited = time.monotonic() - asked
    assert not api.sent(801), "the slow search should still be running"
    assert waited < 2.0, f"another chat waited {waited:.1f}s behind a slow search"
    release.set()
    await api.wait_sent(801)


def inline_answers(api: FakeBotAPI) -> list[dict]:
    return [call.params for call in api.called("answerInlineQuery")]


async def test_typing_an_inline_query_searches_once(api: FakeBotAPI, bot):
    # A client sends a query per keystroke: only the one the person stopped at is searched
    # and answered; the keystrokes before it are not.
    word = "alignment"
    ids = [api.inline_query(811, word[:n]) for n in range(1, len(word) + 1)]
    last = api.pushed[ids[-1]]["inline_query"]["id"]
    await api.wait_for(lambda: inline_answers(api), what="the inline answer")
    await asyncio.sleep(1.0)  # time for the others to be answered, were they
    [answer] = inline_answers(api)
    assert answer["inline_query_id"] == last
    assert answer["results"]


async def test_keystrokes_do_not_use_up_the_flood_allowance(api: FakeBotAPI, bot):
    # Typing a long inline query is one query, not one per letter: the person may still
    # write to the bot (flood control allows 8 at once).
    for n in range(1, 13):
        api.inline_query(812, "open source"[:n])
    await api.wait_for(lambda: inline_answers(api), what="the inline answer")
    for text in ("alignment", "开源"):
        api.private_text(812, text)
    replies = await api.wait_sent(812, count=2)
    assert not any("faster than" in reply.text for reply in replies)


def analyzer_for(quotes_db) -> Analyzer:
    """The analyzer a Searcher makes for the seeds' database."""
    db = QuoteDB(quotes_db)
    return Analyzer(db, SpeakerAliases(db.speakers_by_id), Segmenter(db.user_words), DEFAULT)


def test_a_long_query_is_analysed_on_its_first_terms_only(quotes_db):
    # 300 Chinese characters or 60 words cost no more than MAX_QUERY_TERMS terms do.
    analyzer = analyzer_for(quotes_db)
    for hostile in (HOSTILE_CJK, HOSTILE_LATIN):
        analysis = analyzer.analyze(hostile)
        assert len(analysis.tokens) <= MAX_QUERY_TERMS
        assert analysis.text == bounded_query(hostile) and hostile.startswith(analysis.text)
    # A question people ask is analysed whole.
    question = "What does Sam Altman think about open source models and AI safety?"
    assert analyzer.analyze(question).text == question


def test_the_model_reads_a_bounded_part_of_a_query(quotes_db):
    embedder = meaning.load_embedder()
    assert embedder is not None, "the meaning model package is installed with the project"
    read: list[str] = []
    real_embed = embedder.embed

    def embed(texts):
        read.extend(texts)
        return real_embed(texts)

    embedder.embed = embed  # type: ignore[method-assign]
    try:
        analysis = analyzer_for(quotes_db).analyze(HOSTILE_LATIN + " unique tail")
        MeaningRetriever().retrieve(QuoteDB(quotes_db), analysis, None, DEFAULT)
    finally:
        del embedder.embed
    assert read and all(len(text) <= MAX_EMBED_CHARS for text in read)


def test_bounded_query_counts_chinese_characters_and_words():
    assert bounded_query("alignment") == "alignment"
    assert bounded_query("字" * 100) == "字" * MAX_QUERY_TERMS
    words = bounded_query(" ".join(["word"] * 100))
    assert words.split() == ["word"] * MAX_QUERY_TERMS
