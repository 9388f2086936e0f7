"""Admins grow the corpus from Telegram: send a transcript, review, decide, publish, remove.

The real Application against the Bot API stand-in (which serves getFile and the file
download), a writable copy of the quote database, the wild-transcript fixtures.
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.state.corpus import SQLiteCorpusStore
from tests.conftest import ROOT, SEEDS
from tests.fake_bot_api import running_bot

ADMIN, READER, STRANGER = 501, 502, 503
WILD = ROOT / "tests" / "data" / "wild"


@pytest.fixture
async def admin_bot(api, quotes_db, tmp_path):
    """The bot with one admin, answering from a writable copy of the quote database."""
    db = tmp_path / "quotes.db"
    shutil.copy(quotes_db, db)
    async with running_bot(api, db, tmp_path / "state.db", admins=frozenset({ADMIN}), seeds_dir=SEEDS) as app:
        yield app


def texts(api, chat_id):
    return [call.text for call in api.sent(chat_id)]


async def last_with(api, chat_id, fragment, count):
    calls = await api.wait_sent(chat_id, count=count)
    matching = [call for call in calls if fragment in call.text]
    assert matching, [c.text[:80] for c in calls]
    return matching[-1]


def press(api, call, label, user_id=ADMIN):
    button = next(b for b in call.buttons if b["text"] == label)
    return api.press(api.bot_message(call), button["callback_data"], user_id)


async def test_an_admin_reviews_decides_and_publishes_and_readers_get_it(api, admin_bot, tmp_path):
    api.private_document(ADMIN, "altman-notes.md", (WILD / "altman-notes.md").read_bytes())
    draft = await last_with(api, ADMIN, "Draft #1", 1)
    assert "Unknown speakers: Alex Kantrowitz (2)" in draft.text
    assert "Roles nobody plays: 主持人 (2)" in draft.text
    assert "Title: Sam Altman 谈 GPT-5" in draft.text and "Publisher: Big Technology Podcast" in draft.text
    assert "Sam Altman (3)" in draft.text and "<b>Samples</b>" in draft.text

    # A new person: the front matter's people then settle the host's role by themselves.
    api.private_text(ADMIN, "/who Alex Kantrowitz = Alex Kantrowitz")
    decided = await last_with(api, ADMIN, "Alex Kantrowitz (2)", 2)
    assert "Unknown speakers" not in decided.text and "Roles nobody plays" not in decided.text
    api.private_text(ADMIN, "/title Sam Altman on GPT-5 and compute")
    titled = await last_with(api, ADMIN, "Title: Sam Altman on GPT-5 and compute", 3)
    assert "Alex Kantrowitz (2)" in titled.text  # the decisions so far are kept

    press(api, titled, "Publish")
    done = await last_with(api, ADMIN, "Published altman-notes.md", 5)
    assert "the corpus now has 5 documents" in done.text

    api.private_text(READER, "算力会成为未来的货币")
    [answer] = await api.wait_sent(READER)
    assert "算力" in answer.text and "Sam Altman" in answer.text
    assert "Sam Altman on GPT-5 and compute" in answer.text  # the title the admin gave
    assert "I think compute is going to be the currency" in answer.text  # the original, shown

    store = SQLiteCorpusStore(tmp_path / "state.db")
    assert [f.name for f in store.published()] == ["altman-notes.md"] and store.version() == 1
    assert [e.action for e in store.log()] == ["publish", "draft"]


async def test_a_role_is_mapped_with_its_button(api, admin_bot):
    api.private_document(ADMIN, "panel.html", (WILD / "panel.html").read_bytes())
    draft = await last_with(api, ADMIN, "Roles nobody plays: 主持人 (2)", 1)
    press(api, draft, "主持人 = Andrew Ng")
    await api.wait_for(lambda: any("Roles nobody plays" not in c.params.get("text", "x")
                                   and "Andrew Ng (4)" in c.params.get("text", "")
                                   for c in api.called("editMessageText")), what="the role mapped")


async def test_documents_remove_with_confirmation_then_restore(api, admin_bot):
    api.private_document(ADMIN, "podcast.vtt", (WILD / "podcast.vtt").read_bytes())
    draft = await last_with(api, ADMIN, "Draft #1", 1)
    assert "Lex Fridman" in draft.text and "Sam Altman" in draft.text
    press(api, draft, "Publish")
    await last_with(api, ADMIN, "Published podcast.vtt", 3)

    api.private_text(ADMIN, "/documents")
    listing = await last_with(api, ADMIN, "5 documents", 4)
    assert "podcast.vtt" in listing.text
    press(api, listing, "Remove podcast.vtt")
    await api.wait_for(lambda: any("Remove podcast.vtt from the corpus?" in c.params.get("text", "")
                                   for c in api.called("editMessageText")), what="the confirmation")
    confirm = next(c for c in api.called("editMessageText") if "from the corpus?" in c.params["text"])
    button = confirm.params["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "Yes, remove podcast.vtt"
    api.press(api.bot_message(listing), button["callback_data"], ADMIN)
    await last_with(api, ADMIN, "Removed podcast.vtt: the corpus now has 4 documents", 5)

    press(api, listing, "Restore the last removed")
    await last_with(api, ADMIN, "Restored podcast.vtt: the corpus now has 5 documents", 6)


async def test_bad_files_and_links_get_one_line(api, admin_bot):
    api.private_document(ADMIN, "photo.png", b"\x89PNG\r\n")
    api.private_document(ADMIN, "empty.txt", b"")
    api.private_text(ADMIN, "https://127.0.0.1:1/x.txt")
    await api.wait_sent(ADMIN, count=3)
    said = "\n".join(texts(api, ADMIN))
    assert "photo.png is not a transcript the bot reads" in said
    assert "empty.txt is empty" in said
    assert "Not fetched: 127.0.0.1 is a private or local address" in said


async def test_anyone_else_gets_the_usual_answers_and_no_hint(api, admin_bot):
    api.private_document(STRANGER, "altman-notes.md", (WILD / "altman-notes.md").read_bytes())
    api.private_text(STRANGER, "/documents")
    replies = await api.wait_sent(STRANGER, count=2)
    assert not api.called("getFile")
    assert not any("Draft" in r.text or "documents" in r.text.lower() for r in replies)


def test_documents_log_lists_the_changes(tmp_path, monkeypatch):
    store = SQLiteCorpusStore(tmp_path / "state.db")
    draft = store.save_draft(ADMIN, "talk.txt", b"Sam Altman: hello there, this is a talk.")
    store.publish(draft, ADMIN)
    store.remove("talk.txt", ADMIN)
    monkeypatch.setenv("QUOTEBOT_STATE_DB", str(tmp_path / "state.db"))
    monkeypatch.delenv("QUOTEBOT_STATE_URL", raising=False)
    result = CliRunner().invoke(cli, ["documents", "--log", "--json"])
    assert result.exit_code == 0, result.output
    assert [line.split('"action": "')[1].split('"')[0] for line in result.output.splitlines()] == [
        "remove", "publish", "draft"
    ]


async def test_a_build_killed_mid_way_leaves_the_draft_and_the_old_corpus(quotes_db, tmp_path):
    from bot.index.published import published_folder, write_published
    from bot.quotedb import QuoteDB
    from bot.telegram.admin import CorpusDesk

    db = tmp_path / "quotes.db"
    shutil.copy(quotes_db, db)
    store = SQLiteCorpusStore(tmp_path / "state.db")
    draft = store.save_draft(ADMIN, "altman-notes.md", (WILD / "altman-notes.md").read_bytes())
    # Killed after the draft was put in the folder for its build, before the build ended.
    write_published([("altman-notes.md", store.get(draft).data, {})], db)
    desk = CorpusDesk(store, db, SEEDS, frozenset({ADMIN}))
    assert await desk.sync(startup=True)  # the restart: the folder is made what the store holds
    assert not (published_folder(db) / "altman-notes.md").exists()
    assert {s.source.file for s in QuoteDB(db).sources()} == {p.name for p in SEEDS.glob("*.txt")}
    assert store.get(draft).status == "draft"  # still there to publish
    assert not await desk.sync()  # nothing changed since


async def test_binary_bytes_in_a_text_file_get_one_line(api, admin_bot):
    api.private_document(ADMIN, "noise.txt", bytes(range(256)) * 8)
    [reply] = await api.wait_sent(ADMIN)
    assert reply.text == "noise.txt is not a transcript (binary, not text: skipped)."


@pytest.fixture
def web_server():
    """The wild fixtures served over HTTP on loopback (a real server)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(WILD))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


async def test_a_link_on_an_allowed_host_becomes_a_draft(api, quotes_db, tmp_path, web_server):
    db = tmp_path / "quotes.db"
    shutil.copy(quotes_db, db)
    async with running_bot(api, db, tmp_path / "state.db", admins=frozenset({ADMIN}), seeds_dir=SEEDS,
                           fetch_allow_hosts=("127.0.0.1",)):
        api.private_text(ADMIN, f"please add {web_server}/lecun-blockquote.md thanks")
        draft = await last_with(api, ADMIN, "Draft #1: lecun-blockquote.md", 1)
        assert "Yann LeCun" in draft.text and "Lex Fridman Podcast" in draft.text


async def test_a_process_is_ready_only_once_it_serves_the_current_corpus(quotes_db, tmp_path):
    from bot.telegram.admin import CorpusDesk

    db = tmp_path / "quotes.db"
    shutil.copy(quotes_db, db)
    store = SQLiteCorpusStore(tmp_path / "state.db")
    desk = CorpusDesk(store, db, SEEDS, frozenset({ADMIN}))
    assert desk.serves_current()  # nothing ever published
    # Published at another replica: this one is not ready until it built it.
    store.publish(store.save_draft(ADMIN, "podcast.vtt", (WILD / "podcast.vtt").read_bytes()), ADMIN)
    assert not desk.serves_current()
    assert await desk.sync()
    assert desk.serves_current()
