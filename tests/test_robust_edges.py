"""Issue 10's smaller items, each at the module that owns it."""

from __future__ import annotations

from pathlib import Path

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


def test_a_killed_builds_temporary_file_is_removed_by_the_next_build(tmp_path):
    import subprocess
    import sys

    from bot.index import build

    db_path = tmp_path / "quotes.db"
    # A build killed mid-way: its process held the file's lock and died.
    killed = subprocess.run(
        [sys.executable, "-c",
         "import os, sys, tempfile; from bot.index import _hold; "
         f"h, n = tempfile.mkstemp(prefix='quotes.db.', suffix='.tmp', dir={str(tmp_path)!r}); "
         "_hold(h); os.write(h, b'x' * 4096); os._exit(9)"],
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert killed.returncode == 9
    [stale] = list(tmp_path.glob("quotes.db.*.tmp"))
    build([], [], db_path, glossary={})
    assert not stale.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def test_a_running_builds_temporary_file_is_kept(tmp_path):
    import os
    import tempfile

    from bot.index import _hold, remove_stale_temporaries

    handle, name = tempfile.mkstemp(prefix="quotes.db.", suffix=".tmp", dir=tmp_path)
    assert _hold(handle)
    try:
        assert remove_stale_temporaries(tmp_path / "quotes.db") == []
        assert Path(name).exists()
    finally:
        os.close(handle)


SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize("encoding", ["big5", "cp950"])
def test_a_traditional_seed_page_in_big5_is_read_as_big5(encoding):
    from bot.extract.decode import decode_bytes

    original = (SEEDS / "002_22918ceff47ecff6.txt").read_text(encoding="utf-8")
    data = original.encode(encoding, errors="replace")  # 麽 and 裏 are not in Big5
    text, note = decode_bytes(data)
    assert note == f"converted from {encoding.upper()} to UTF-8"
    assert text == data.decode(encoding)
    assert "人工智能聊天機器人" in text


def test_a_simplified_seed_page_in_gb18030_is_still_read_as_gb18030():
    from bot.extract.decode import decode_bytes

    original = (SEEDS / "000_d92ff2301d41232c.txt").read_text(encoding="utf-8")
    text, note = decode_bytes(original.encode("gb18030"))
    assert (text, note) == (original, "converted from GB18030 to UTF-8")


def test_a_big5_seed_page_gives_quotes(tmp_path):
    from bot.extract import extract_document
    from bot.metadata import load_speakers

    original = (SEEDS / "002_22918ceff47ecff6.txt").read_text(encoding="utf-8")
    page = tmp_path / "002_22918ceff47ecff6.txt"
    page.write_bytes(original.encode("big5", errors="replace"))
    document = extract_document(page, load_speakers(SEEDS), None)
    assert len(document.quotes) > 20


def blocked_folder(tmp_path: Path) -> Path:
    """A folder that cannot be created (its parent is a file): unwritable even for root,
    like a read-only mount."""
    (tmp_path / "file").write_text("not a folder")
    return tmp_path / "file" / "data"


def test_ingest_into_an_unwritable_folder_says_which_before_extracting(tmp_path):
    from click.testing import CliRunner

    from bot.cli import cli

    target = blocked_folder(tmp_path) / "quotes.db"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(target), "--seeds", str(SEEDS)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert f"cannot write to {target.parent}" in line
    assert "reading" not in result.output  # no extraction before the check


@pytest.mark.parametrize("variable", ["QUOTEBOT_STATE_DB", "QUOTEBOT_HEARTBEAT"])
def test_run_with_an_unwritable_state_or_heartbeat_folder_says_which(
    quotes_db, tmp_path, variable
):
    from click.testing import CliRunner

    from bot.cli import cli

    target = blocked_folder(tmp_path) / "x"
    env = {
        "TELEGRAM_BOT_TOKEN": "123456:" + "a" * 35,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
        "QUOTEBOT_STATE_DB": str(tmp_path / "state.db"),
        "QUOTEBOT_HEARTBEAT": str(tmp_path / "heartbeat"),
        variable: str(target),
    }
    result = CliRunner().invoke(cli, ["run", "--db", str(quotes_db)], env=env)
    assert result.exit_code != 0
    [line] = result.output.strip().splitlines()
    assert f"cannot write to {target.parent}" in line and "Traceback" not in result.output
