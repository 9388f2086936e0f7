"""The picks the bot makes for the reader (/random, /daily, an empty inline query, /start)
use the stored postability judgement, through the real Replier, searcher and state store."""

from __future__ import annotations

import random
import sqlite3

import pytest

from bot.reply import Replier
from bot.search import Searcher
from bot.state import SQLiteStateStore


@pytest.fixture
def replier(quotes_db):
    """The bot's answers over the seeds' database, with a state store of its own (fresh chats)."""
    searcher = Searcher(quotes_db)
    yield Replier(searcher, SQLiteStateStore(":memory:"), None, random.Random(13))
    searcher.close()


@pytest.fixture(scope="module")
def stored(quotes_db) -> dict[int, tuple[bool, int, str]]:
    """Quote id -> (stored postable flag, near-duplicate group, speaker) as the build wrote them."""
    conn = sqlite3.connect(quotes_db)
    rows = conn.execute(
        "SELECT q.id, q.postable, q.twin_group, s.name FROM quotes q JOIN speakers s ON s.id = q.speaker_id"
    ).fetchall()
    conn.close()
    return {qid: (bool(postable), group, name) for qid, postable, group, name in rows}


def postable_of(stored, speaker: str) -> set[int]:
    return {qid for qid, (postable, _group, name) in stored.items() if postable and name == speaker}


def test_200_random_picks_in_a_fresh_chat_are_postable_and_never_repeat(replier, stored):
    picks = [replier.random_quote(1, "en").quote_id for _ in range(200)]
    assert all(stored[qid][0] for qid in picks)
    assert len(set(picks)) == 200
    groups = [stored[qid][1] for qid in picks]
    assert len(set(groups)) == 200  # a near-duplicate of a shown quote counts as shown
    assert len({stored[qid][2] for qid in picks}) >= 4  # spread over the speakers who have quotes free of doubt (hosts' come later)


def test_random_speaker_uses_the_scope_up_then_starts_over(replier, stored):
    ravi = postable_of(stored, "Ravi Belani")
    assert 0 < len(ravi) < 5  # the seeds have a speaker with few postable quotes
    picks = [replier.random_quote(2, "en", "Ravi").quote_id for _ in range(len(ravi) + 1)]
    assert set(picks[: len(ravi)]) == ravi and picks[-1] in ravi


def test_random_speaker_with_nothing_postable_answers_honestly(replier, stored):
    assert not postable_of(stored, "Zhang Hongjiang")
    reply = replier.random_quote(3, "en", "Zhang Hongjiang")
    assert reply.quote_id is not None and stored[reply.quote_id][2] == "Zhang Hongjiang"
    assert reply.html.startswith("None of Zhang Hongjiang's quotes stands well on its own")
    chinese = replier.random_quote(3, "zh-Hant", "張宏江")
    assert "都不太適合單獨閱讀" in chinese.html
    # A speaker with postable quotes gets no such note.
    assert "stands well" not in replier.random_quote(3, "en", "Sam Altman").html


def test_another_after_random_keeps_picking_postable_quotes(replier, stored):
    reply = replier.random_quote(4, "en")
    shown = [reply.quote_id]
    for _ in range(20):
        reply = replier.press(4, "en", reply.buttons[0].payload)
        shown.append(reply.quote_id)
    assert all(stored[qid][0] for qid in shown) and len(set(shown)) == len(shown)


def test_daily_picks_are_postable_and_never_repeat(replier, stored):
    picks = []
    for _ in range(60):
        reply = replier.daily_quote(5, "en")
        assert reply.html.startswith("<b>Quote of the day</b>")
        picks.append(reply.quote_id)
    assert all(stored[qid][0] for qid in picks) and len(set(picks)) == len(picks)


def test_an_empty_inline_query_offers_postable_picks(replier, stored):
    offered = [result.quote_id for result in replier.inline(6, "en", "")]
    assert len(offered) == 10 and len(set(offered)) == 10
    assert all(stored[qid][0] for qid in offered)


def test_start_welcomes_with_a_postable_quote(replier, stored):
    reply = replier.start(7, "en")
    assert reply.html.startswith("Hello!") and "alignment" in reply.html
    assert reply.quote_id is not None and stored[reply.quote_id][0]
    # /random in the same chat then continues the rotation without repeating it.
    assert replier.random_quote(7, "en").quote_id != reply.quote_id


def test_searching_is_not_restricted_to_postable_quotes(replier, stored):
    searcher = replier.searcher
    # A short reply the judge keeps out of picks is still an answer when asked for.
    short = next(
        qid for qid, (postable, _g, name) in stored.items() if not postable and name == "Zhang Hongjiang"
    )
    quote = searcher.get(short)
    assert quote is not None and not quote.postable
    assert short in {m.quote.id for m in searcher.search(quote.text, limit=3)}


def test_a_scope_too_big_to_load_whole_is_sampled_with_the_same_guarantees(
    replier, stored, monkeypatch
):
    from bot.search import sample

    monkeypatch.setattr(sample, "PICK_POOL_LIMIT", 10)  # every scope of the seeds is "big" now
    picks = [replier.random_quote(8, "en").quote_id for _ in range(60)]
    assert all(stored[qid][0] for qid in picks)
    assert len({stored[qid][1] for qid in picks}) == 60  # no repeat, no near-duplicate
    assert len({stored[qid][2] for qid in picks}) >= 4
    # A big scope with nothing postable still answers with its best, and says so.
    reply = replier.random_quote(8, "en", "Zhang Hongjiang")
    assert stored[reply.quote_id][2] == "Zhang Hongjiang" and "stands well" in reply.html
