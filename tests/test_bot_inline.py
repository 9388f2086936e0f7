"""End to end, inline mode: "@Bot query" offers quotes as articles, cached per query."""

from __future__ import annotations

import sqlite3

from tests.fake_bot_api import FakeBotAPI


async def inline(api: FakeBotAPI, user_id: int, query: str, language_code: str = "en"):
    api.inline_query(user_id, query, language_code)
    await api.wait_for(
        lambda: any(c.params["inline_query_id"] for c in api.called("answerInlineQuery")),
        what="answerInlineQuery",
    )
    return api.called("answerInlineQuery")[-1].params


async def test_query_offers_articles_with_formatted_quotes(api, bot):
    answer = await inline(api, 401, "alignment")
    results = answer["results"]
    assert 1 <= len(results) <= 10
    assert len({r["id"] for r in results}) == len(results)
    for result in results:
        assert result["type"] == "article"
        assert result["title"] and result["description"]
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        assert "\n— " + result["title"] in content["message_text"]
        assert len(result["reply_markup"]["inline_keyboard"][0]) == 4
    assert answer["cache_time"] == 300
    assert answer.get("is_personal") in (None, False)


async def test_chinese_query_uses_chinese_convention(api, bot):
    results = (await inline(api, 402, "对齐"))["results"]
    assert results and results[0]["input_message_content"]["message_text"].startswith("「")


async def test_empty_query_offers_a_personal_random_selection(api, bot, quotes_db):
    answer = await inline(api, 403, "")
    assert len(answer["results"]) == 10
    assert answer["is_personal"] is True
    assert answer["cache_time"] < 300
    # The picker chose them: ten different quotes that stand on their own.
    ids = {int(result["id"][1:]) for result in answer["results"]}
    with sqlite3.connect(quotes_db) as conn:
        flags = [conn.execute("SELECT postable FROM quotes WHERE id = ?", (i,)).fetchone()[0] for i in ids]
    assert len(ids) == 10 and all(flags)


async def test_no_match_offers_nothing(api, bot):
    answer = await inline(api, 404, "how do I bake bread")
    assert answer["results"] == []
