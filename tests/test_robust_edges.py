"""Issue 10's smaller items, each at the module that owns it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.reply.schedule import zone_name

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


# -- item 6: inline queries throttled; stored queries and seen-lists expire and are capped --


async def test_inline_queries_are_throttled_like_messages(api, quotes_db, tmp_path):
    from bot.telegram.inline import DEBOUNCE_SECONDS
    from tests.fake_bot_api import running_bot

    async with running_bot(api, quotes_db, tmp_path / "state.db") as bot:
        # Each query after the person paused (queries typed together fold into the last).
        for n in range(12):
            update_id = api.inline_query(USER + 1, f"alignment {n}")
            await asyncio.sleep(DEBOUNCE_SECONDS + 0.15)
        last = api.pushed[update_id]["inline_query"]["id"]
        await api.wait_for(lambda: any(c.params["inline_query_id"] == last
                                       for c in api.called("answerInlineQuery")), what="answers")
        state = bot.bot_data["quotebot"].state
        answers = api.called("answerInlineQuery")
        answered = [c for c in answers if c.params["results"]]
        stored = state._read("SELECT COUNT(*) FROM queries")[0][0]
    assert len(answered) <= 10  # the flood burst (8) and what refilled meanwhile
    assert len(answers) - len(answered) >= 2  # the rest: an empty answer, nothing searched
    assert stored <= 10


def test_stored_queries_and_seen_lists_expire_and_are_capped(monkeypatch):
    import bot.state.sqlite as state_module  # where SQLiteStateStore reads its limits
    from bot.state import SQLiteStateStore

    monkeypatch.setattr(state_module, "MAX_SEEN_PER_CHAT", 5)
    store = SQLiteStateStore(":memory:")
    old = store.remember_query("search", "old")
    store.mark_seen(1, old, 7)
    day = 24 * 3600
    store.expire(now=__import__("time").time() + state_module.QUERY_TTL_SECONDS + day)
    assert store.query(old) is None and store.seen(1, old) == frozenset()

    fresh = store.remember_query("search", "fresh")
    for quote_id in range(12):
        store.mark_seen(2, fresh, quote_id)
    store.expire()
    assert store.seen(2, fresh) == {7, 8, 9, 10, 11}  # the latest five of this chat


# -- item 15: unguessable button ids, forged callback data, lone surrogates ------------------


def test_button_query_ids_are_not_sequential_or_small():
    from bot.state import SQLiteStateStore

    store = SQLiteStateStore(":memory:")
    ids = [store.remember_query("search", f"q{n}") for n in range(50)]
    assert min(ids) > 2**32
    assert all(abs(a - b) > 1 for a, b in zip(ids, ids[1:], strict=False))


async def test_oversized_or_forged_callback_data_gets_a_notice_not_a_traceback(
    api, quotes_db, tmp_path, caplog
):
    from tests.fake_bot_api import running_bot

    async with running_bot(api, quotes_db, tmp_path / "state.db"):
        api.private_text(USER + 2, "alignment")
        [sent] = await api.wait_sent(USER + 2)
        message = api.bot_message(sent)
        for data in ("a:" + "9" * 80, "q:99999999999999999999999:1", "c:1:" + "1" * 30):
            api.press(message, data, USER + 2)
        await api.wait_for(lambda: len(api.called("answerCallbackQuery")) == 3, what="answers")
    notices = [c.params.get("text") or "" for c in api.called("answerCallbackQuery")]
    assert all("expired" in notice for notice in notices), notices
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_lone_surrogates_are_stripped_at_the_door(api, quotes_db, tmp_path, caplog):
    from tests.fake_bot_api import running_bot

    async with running_bot(api, quotes_db, tmp_path / "state.db"):
        api.private_text(USER + 3, "印刷机\ud800")
        [reply] = await api.wait_sent(USER + 3)
    assert "印刷机" in reply.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


# -- item 9: Telegram's 400 is an error with the method and the chat ------------------------


async def test_bad_request_is_logged_as_an_error_with_method_and_chat(
    api, quotes_db, tmp_path, caplog
):
    from tests.fake_bot_api import running_bot

    async with running_bot(api, quotes_db, tmp_path / "state.db"):
        api.fail_next("400", methods=("sendMessage",))
        api.private_text(USER + 4, "alignment")
        await api.wait_for(lambda: any("refused" in r.getMessage() for r in caplog.records),
                           what="the error line")
    lines = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("sendMessage" in line and str(USER + 4) in line for line in lines), lines
    assert not any("unreachable" in r.getMessage() for r in caplog.records)


# -- item 5: a locked state database does not freeze the chats ------------------------------


async def test_a_locked_state_database_does_not_stop_the_answers(api, quotes_db, tmp_path):
    import sqlite3
    import time

    from tests.fake_bot_api import running_bot

    state_db = tmp_path / "state.db"
    chats = [USER + 100 + n for n in range(10)]
    async with running_bot(api, quotes_db, state_db):
        api.private_text(USER + 99, "warm up")
        await api.wait_sent(USER + 99)
        holder = sqlite3.connect(state_db, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")  # a backup or a sqlite3 shell holding the lock
        holder.execute("INSERT INTO chat_settings (chat_id) VALUES (-1)")
        try:
            started = time.monotonic()
            for chat in chats:
                api.private_text(chat, "印刷机")
            await api.wait_for(lambda: all(api.sent(chat) for chat in chats), timeout=6,
                               what="answers while locked")
            waited = time.monotonic() - started
        finally:
            holder.execute("COMMIT")
            holder.close()
        # Once the lock is gone the bookkeeping catches up: every update is marked done.
        await api.wait_for(
            lambda: sqlite3.connect(state_db).execute(
                "SELECT COUNT(*) FROM updates WHERE done_at IS NULL").fetchone()[0] == 0,
            timeout=10, what="records written after the lock",
        )
    assert waited < 3, waited  # the lock is held all along: nobody waited for it
