"""Issue 10's smaller items, each at the module that owns it."""

from __future__ import annotations

import pytest

from bot.telegram.daily import zone_name

USER = 9100


@pytest.mark.parametrize(
    "text", ["Asia", "America", "localtime", "Factory", "right/UTC", "posix/UTC", "x" * 300,
             "../etc/passwd", ""],
)
def test_zone_names_that_are_not_time_zones_are_refused(text):
    assert zone_name(text) is None


def test_real_zone_names_are_accepted_in_any_case():
    assert zone_name("asia/shanghai") == "Asia/Shanghai"
    assert zone_name("UTC") == "UTC"


@pytest.mark.parametrize("zone", ["Asia", "localtime", "right/UTC", "Z" * 300])
async def test_daily_with_a_folder_or_fake_zone_says_not_a_time_zone(
    api, quotes_db, tmp_path, zone
):
    from tests.fake_bot_api import running_bot

    async with running_bot(api, quotes_db, tmp_path / "state.db"):
        api.private_text(USER, f"/daily 08:30 {zone}")
        [reply] = await api.wait_sent(USER)
        assert "not a time zone" in reply.text
