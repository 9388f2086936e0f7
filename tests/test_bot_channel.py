"""End to end, channels: /quote and /daily posted in a channel are answered in the channel."""

from __future__ import annotations

CHANNEL = -1002000


async def test_quote_posted_in_channel_is_answered_with_a_post(api, bot):
    api.channel_post(CHANNEL, "/quote alignment")
    [post] = await api.wait_sent(CHANNEL)
    assert "\n— " in post.text
    assert [button["text"] for button in post.buttons] == ["Another", "Context", "Source", "Card"]


async def test_channel_chatter_is_ignored(api, bot):
    api.channel_post(CHANNEL - 1, "Today's news: alignment research is growing")
    api.channel_post(CHANNEL - 1, "/quote 开源")  # barrier
    replies = await api.wait_sent(CHANNEL - 1)
    assert len(replies) == 1


async def test_daily_in_channel_schedules_and_fires(api, bot):
    api.channel_post(CHANNEL - 2, "/daily 07:15 Asia/Shanghai")
    [confirmation] = await api.wait_sent(CHANNEL - 2)
    assert "07:15" in confirmation.text
    [job] = bot.job_queue.get_jobs_by_name(f"daily:{CHANNEL - 2}")
    await job.run(bot)
    posts = await api.wait_sent(CHANNEL - 2, count=2)
    assert "Quote of the day" in posts[1].text
