"""End to end, matching by meaning: the intro of an answer by meaning, Similar and /similar."""

from __future__ import annotations

from tests.fake_bot_api import FakeBotAPI
from tests.test_bot_buttons import ask, press
from tests.test_meaning_search import OWN_WORDS

GROUP = -100777


async def test_an_answer_by_meaning_says_so_in_private_and_inline(api: FakeBotAPI, bot):
    reply, _ = await ask(api, 501, OWN_WORDS)
    assert reply.text.startswith("<i>No quote uses these words; this one is closest in meaning:</i>")
    api.inline_query(502, OWN_WORDS)
    await api.wait_for(lambda: api.called("answerInlineQuery"), what="answerInlineQuery")
    [first, *_] = api.called("answerInlineQuery")[-1].params["results"]
    assert first["description"].startswith("No quote uses these words")
    assert "No quote uses these words" in first["input_message_content"]["message_text"]


async def test_similar_button_and_similar_as_a_reply(api: FakeBotAPI, bot):
    _, message = await ask(api, 503, "可扩展监督")
    original = message["text"]
    await press(api, message, "Similar", 1)
    assert message["text"].startswith("<i>Closest in meaning to the quote you chose:</i>")
    assert message["text"] != original
    api.group_text(GROUP, 7, "/quote 可扩展监督")
    [first] = await api.wait_sent(GROUP)
    api.group_text(GROUP, 8, "/similar", reply_to=api.bot_message(first))
    replies = await api.wait_sent(GROUP, count=2)
    assert replies[1].text.startswith("<i>Closest in meaning")
    assert replies[1].text != first.text
