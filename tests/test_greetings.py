"""Greetings get a greeting and example questions, and "not found" suggests topics, in the
language (and script) the message was written in."""

from __future__ import annotations

import html
import re

import pytest

from bot.reply import in_script
from bot.reply.conversation import EXAMPLE_POOL
from bot.reply.greeting import HELLO, THANKS, greeting_kind

USER = 1901


def examples(reply_html: str) -> list[str]:
    """The example questions of a greeting, as a person would copy them."""
    return [html.unescape(text) for text in re.findall(r"<code>(.*?)</code>", reply_html)]


@pytest.mark.parametrize(("text", "kind"), [
    ("hi", HELLO), ("Hi!", HELLO), ("hello 👋", HELLO), ("Hello there!", HELLO), ("hey", HELLO),
    ("good morning", HELLO), ("你好", HELLO), ("您好!", HELLO), ("你好呀~", HELLO),
    ("早安", HELLO), ("哈囉", HELLO),
    ("thanks!", THANKS), ("Thank you so much", THANKS), ("thanks for the quote", THANKS),
    ("谢谢", THANKS), ("謝謝!", THANKS), ("谢谢啦~", THANKS), ("多謝🙏", THANKS),
])
def test_a_whole_message_of_greeting_or_thanks_is_recognised(text, kind):
    assert greeting_kind(text) == kind


@pytest.mark.parametrize("text", [
    "hi alignment", "hello world", "hi, what is AGI?", "history", "thinking", "你好,对齐是什么",
    "谢谢你的回答,那开源呢", "好", "🙏", "", "alignment",
])
def test_a_real_query_is_never_taken_for_a_greeting(text):
    assert greeting_kind(text) is None


def test_hello_gets_a_greeting_and_three_english_examples_that_answer(replier, searcher):
    reply = replier.answer(1, "en", "hello")
    assert reply.html.startswith("Hello!") and not reply.buttons and reply.quote_id is None
    shown = examples(reply.html)
    assert len(shown) == 3 and len(set(shown)) == 3
    assert set(shown) <= set(searcher.suggestions(EXAMPLE_POOL, "en"))
    assert all(searcher.search(example, limit=1) for example in shown)


def test_nihao_gets_chinese_examples_and_xiexie_in_traditional_traditional_ones(replier, searcher):
    chinese = replier.answer(2, "zh-Hans", "你好")
    assert chinese.html.startswith("你好!")
    topics = searcher.suggestions(EXAMPLE_POOL)
    assert len(examples(chinese.html)) == 3 and set(examples(chinese.html)) <= set(topics)
    thanks = replier.answer(3, "zh-Hant", "謝謝!")
    assert thanks.html.startswith("不客氣")
    traditional_topics = {in_script(topic, "traditional") for topic in topics}
    assert set(examples(thanks.html)) <= traditional_topics
    assert all(searcher.search(example, limit=1) for example in examples(thanks.html))


def test_a_query_starting_with_hi_is_answered_with_a_quote(replier):
    assert replier.answer(4, "en", "hi alignment").quote_id is not None


def test_not_found_suggests_topics_in_the_messages_language(replier, searcher):
    english = replier.answer(5, "en", "how do I bake bread").html
    assert all(topic in english for topic in searcher.suggestions(3, "en"))
    assert not re.search("[\u4e00-\u9fff]", english.split("speaker:")[0])  # no Chinese topics
    chinese = replier.answer(6, "en", "明天天气怎么样").html  # an English client, Chinese words
    assert all(topic in chinese for topic in searcher.suggestions(3))
    traditional = replier.answer(7, "zh-Hant", "明天天氣怎麼樣").html
    assert traditional.startswith("沒有找到")
    assert all(in_script(topic, "traditional") in traditional for topic in searcher.suggestions(3))


# -- end to end: Telegram and the terminal ---------------------------------------------------


async def test_greetings_in_telegram_from_a_client_without_a_language(api, bot):
    api.private_text(USER, "hello", language_code=None)
    api.private_text(USER + 1, "你好!", language_code=None)
    [english] = await api.wait_sent(USER)
    [chinese] = await api.wait_sent(USER + 1)
    assert english.text.startswith("Hello!") and len(examples(english.text)) == 3
    assert chinese.text.startswith("你好!") and len(examples(chinese.text)) == 3
    assert not english.buttons and not chinese.buttons


def test_greetings_in_the_terminal(replier):
    from bot.chat import TerminalChat

    chat = TerminalChat(replier)
    answer = chat.handle("hi!")
    assert answer.startswith("Hello!") and answer.count("\n• ") == 3
    assert chat.handle("謝謝").startswith("不客氣")
