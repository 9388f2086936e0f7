"""End to end, groups: the bot answers /quote, mentions and replies to itself, nothing else."""

from __future__ import annotations

from tests.fake_bot_api import BOT_USERNAME

GROUP = -1001000


async def test_quote_at_botname_is_answered_as_a_reply(api, bot):
    update = api.group_text(GROUP, 7, f"/quote@{BOT_USERNAME} alignment")
    asked = api.message_id(update)
    [reply] = await api.wait_sent(GROUP)
    assert reply.reply_to == asked
    assert "\n— " in reply.text and len(reply.buttons) == 4


async def test_plain_quote_command_and_mention_are_answered(api, bot):
    api.group_text(GROUP - 1, 7, "/quote 印刷机")
    api.group_text(GROUP - 1, 8, f"@{BOT_USERNAME} 对齐")
    replies = await api.wait_sent(GROUP - 1, count=2)
    assert all(reply.buttons for reply in replies)
    assert any("印刷机" in reply.text for reply in replies)


async def test_chatter_and_other_bots_commands_are_ignored(api, bot):
    chat = GROUP - 2
    api.group_text(chat, 7, "alignment is what we talked about yesterday")
    api.group_text(chat, 7, "/quote@SomeOtherBot alignment")
    api.group_text(chat, 8, "@someone_else what do you think about alignment?")
    # A barrier: once this is answered, the earlier messages have been handled too.
    last = api.group_text(chat, 9, "/quote@QuoteTestBot 开源")
    replies = await api.wait_sent(chat)
    assert len(replies) == 1
    assert replies[0].reply_to == api.message_id(last)


async def test_reply_to_the_bots_message_is_a_query(api, bot):
    chat = GROUP - 3
    api.group_text(chat, 7, "/quote alignment")
    [first] = await api.wait_sent(chat)
    api.group_text(chat, 8, "印刷机", reply_to=api.bot_message(first))
    replies = await api.wait_sent(chat, count=2)
    assert "印刷机" in replies[1].text


async def test_quote_as_reply_uses_the_replied_message(api, bot):
    chat = GROUP - 4
    original = api.message(chat, "我们讨论过印刷机", 11, kind="supergroup")
    api.group_text(chat, 12, "/quote", reply_to=original)
    [reply] = await api.wait_sent(chat)
    assert "印刷机" in reply.text


async def test_bare_quote_gives_a_random_quote(api, bot):
    chat = GROUP - 5
    api.group_text(chat, 7, "/quote")
    [reply] = await api.wait_sent(chat)
    assert len(reply.buttons) == 4  # a real quote, with its buttons


async def test_only_admins_change_daily_in_groups(api, bot):
    chat = GROUP - 6
    api.group_text(chat, 7, "/daily 08:00")
    [refused] = await api.wait_sent(chat)
    assert "admin" in refused.text
    assert not bot.job_queue.get_jobs_by_name(f"daily:{chat}")
    api.admins.add((chat, 8))
    api.group_text(chat, 8, "/daily 08:00 Asia/Shanghai")
    replies = await api.wait_sent(chat, count=2)
    assert "08:00" in replies[1].text and "Asia/Shanghai" in replies[1].text
    assert bot.job_queue.get_jobs_by_name(f"daily:{chat}")
