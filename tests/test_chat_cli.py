"""`quotebot chat`: the same conversation in a terminal, through the same Replier."""

from __future__ import annotations

import random

from click.testing import CliRunner

from bot.chat import LOCAL_CHAT_ID, TerminalChat
from bot.cli import cli
from bot.reply import Replier
from bot.search import Searcher
from bot.state import SQLiteStateStore


def run_chat(quotes_db, lines: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["chat", "--db", str(quotes_db), *args], input=lines)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_short_session(quotes_db):
    output = run_chat(quotes_db, "alignment\n2\n3\n明天天气怎么样\n/speakers\n/quit\nnever read\n")
    assert output.startswith("Hello!")
    assert "› alignment" in output and "[1] Another  [2] Context  [3] Source  [4] Card" in output
    assert "Context\n" in output and "[2] Quote" in output  # button 2 opened the context
    assert "Title:" in output  # button 3 opened the source
    assert "没有找到关于“明天天气怎么样”的引语" in output
    assert "山姆·奥特曼" in output or "Sam Altman" in output
    assert "never read" not in output.split("/quit")[-1]
    assert "<b>" not in output and "&amp;" not in output  # plain text, not HTML


def test_answers_are_the_replier_answers(quotes_db):
    searcher = Searcher(quotes_db)
    chat = TerminalChat(Replier(searcher, SQLiteStateStore(":memory:"), rng=random.Random(0)))
    direct = Replier(searcher, SQLiteStateStore(":memory:")).answer(LOCAL_CHAT_ID, "zh-Hans", "对齐")
    assert chat.handle("对齐").startswith(direct.plain())


def test_language_option_and_settings(quotes_db):
    output = run_chat(quotes_db, "/script traditional\n对齐\n/lang en\n/help\n", "--lang", "zh-hant")
    assert output.startswith("你好")
    assert "引語將以繁體字(台灣標準)顯示" in output
    assert "「" in output and "換一句" in output
    assert "How to use me" in output


def test_missing_database_without_seeds_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("QUOTEBOT_SEEDS", str(tmp_path / "no-seeds"))
    result = CliRunner().invoke(cli, ["chat", "--db", str(tmp_path / "missing.db")], input="")
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert "no quote database" in result.output and "Traceback" not in result.output


def test_buttons_speak_the_language_of_their_message(quotes_db):
    output = run_chat(quotes_db, "印刷机\n2\n")
    assert "[1] 换一句  [2] 上下文  [3] 出处" in output
    assert "\n上下文\n" in output and "[2] 引语" in output  # not "Context" / "Quote"


def test_card_choice_writes_the_png_and_prints_its_path(quotes_db, tmp_path):
    replier = Replier(Searcher(quotes_db), SQLiteStateStore(":memory:"))
    chat = TerminalChat(replier, cards_dir=tmp_path / "cards")
    shown = chat.handle("alignment")
    assert "[4] Card" in shown
    written = chat.handle("4")
    path = tmp_path / "cards" / f"card-{replier.state.last_shown(LOCAL_CHAT_ID)}-en-original-light.png"
    assert written == f"Card written to {path}"
    assert path.read_bytes().startswith(b"\x89PNG")
    chat.handle("/theme dark")
    assert chat.handle("/card").endswith("-dark.png")
    assert chat.handle("2").startswith("Context")  # the quote's buttons still answer


def test_card_choice_says_so_when_the_folder_cannot_be_written(quotes_db, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    chat = TerminalChat(Replier(Searcher(quotes_db), SQLiteStateStore(":memory:")),
                        cards_dir=blocker / "cards")
    chat.handle("alignment")
    assert chat.handle("4").startswith(f"cannot write {blocker / 'cards'}")


def test_traditional_script_and_its_variants_in_the_terminal(quotes_db):
    output = run_chat(quotes_db, "印刷機是什麼\n2\n/script hongkong\n印刷机\n/script\n")
    asked, pressed, chose, hongkong, usage = output.split("\n› ")[1:]
    assert "人工智能實驗室" in asked and "[1] 換一句  [2] 上下文  [3] 出處" in asked
    assert "「當一項新技術出現時" in asked  # the quote in Taiwan script
    assert "\n上下文\n" in pressed and "[2] 引語" in pressed  # the button kept the writing
    assert "Hong Kong standard" in chose
    assert "人工智能實驗室" in hongkong and "[1] 換一句" in hongkong
    assert "traditional | hongkong | simplified | original" in usage
