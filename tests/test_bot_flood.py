"""End to end, flood control: a command held back in a burst is answered with when to send
it again, never dropped in silence, and is carried out when sent again then."""

from __future__ import annotations

from bot.telegram.context import services
from bot.telegram.limits import Throttle
from tests.fake_bot_api import fast_options, running_bot

USER = 2001


async def test_a_command_sent_during_a_burst_is_told_when_to_send_it_again(api, quotes_db, tmp_path):
    options = fast_options(flood_burst=3, flood_per_minute=20)  # then a token every 3 s
    async with running_bot(api, quotes_db, tmp_path / "state.db", options) as application:
        now = [1000.0]
        throttle = services(application).throttle
        assert isinstance(throttle, Throttle)
        throttle.clock = lambda: now[0]  # time stands still unless the test moves it
        for n in range(4):
            api.private_text(USER, f"alignment {n}")
        burst = await api.wait_sent(USER, count=4)  # three quotes and the one warning
        assert sum("faster than" in call.text for call in burst) == 1
        api.private_text(USER, "/daily 08:30 Asia/Shanghai")
        [*_, told] = await api.wait_sent(USER, count=5)
        assert "did not run /daily" in told.text and "again in 3 s" in told.text
        assert services(application).state.daily(USER) is None
        now[0] += 3  # as long as it was told to wait
        api.private_text(USER, "/daily 08:30 Asia/Shanghai")
        await api.wait_for(
            lambda: any("Every day at 08:30" in c.text for c in api.sent(USER)), what="the setting"
        )
        assert services(application).state.daily(USER).timezone == "Asia/Shanghai"


async def test_every_command_of_a_burst_gets_an_answer(api, quotes_db, tmp_path):
    options = fast_options(flood_burst=2, flood_per_minute=1)
    async with running_bot(api, quotes_db, tmp_path / "state.db", options):
        commands = ["/lang zh-hans", "/script hongkong", "/theme dark", "/daily 08:30", "/help"]
        for command in commands:
            api.private_text(USER + 1, command)
            await api.wait_sent(USER + 1, count=commands.index(command) + 1)
        texts = [call.text for call in api.sent(USER + 1)]
        assert len(texts) == len(commands)
        held = zip(commands[2:], texts[2:], strict=True)  # after the burst of two
        assert all(command.split()[0] in text for command, text in held)
