"""`quotebot chat`: the bot's conversation in a terminal, no token and no network needed.

Every answer comes from the same `Replier` the Telegram handlers use, and commands
from the same table (`bot.reply.commands`); this module only reads lines, maps
commands and button numbers to them, and prints `Reply.plain()`. A card (the Card
button, /card) is written as a PNG file in CARDS_DIR and its path printed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.card import card_key, render_card
from bot.messages import DEFAULT_LANGUAGE, Language, say
from bot.reply import CardRequest, Notice, Replier, Reply, find_command
from bot.reply.payload import QUOTE, action_of

LOCAL_CHAT_ID = 1  # the terminal is one private chat
# Where the terminal chat writes cards: the system's temporary folder, not the working one.
CARDS_DIR = Path(tempfile.gettempdir()) / "quotebot-cards"
QUIT = {"/quit", "/exit", "/q", ":q"}
BUTTON_WORDS = {"/another": 0, "/more": 0, "+": 0, "/context": 1, "/source": 2}


class TerminalChat:
    """One private conversation; `handle(line)` returns what the bot would send."""

    def __init__(
        self, replier: Replier, language_code: str | None = None, cards_dir: Path = CARDS_DIR
    ) -> None:
        self.replier = replier
        self.language_code = language_code
        self.cards_dir = cards_dir
        self.last: Reply | None = None  # the message whose buttons can be pressed
        self.last_lang: Language = DEFAULT_LANGUAGE  # the language that message was written in

    def handle(self, line: str) -> str:
        """The bot's answer to one line, as plain text with the buttons listed below it."""
        line = line.strip()
        if not line:
            return ""
        pressed = self._button_index(line)
        if pressed is not None:
            # A button speaks the language of the message it sits under, not of "2".
            return self._press(pressed, self.last_lang)
        lang = self.replier.language(LOCAL_CHAT_ID, self.language_code, line)
        if line.startswith("/"):
            return self._show(self._command(line, lang), lang)
        return self._show(self.replier.answer(LOCAL_CHAT_ID, lang, line), lang)

    def _command(self, line: str, lang: Language) -> Reply:
        """A slash command from the command table, answered as the Telegram handlers answer it."""
        command, arg = find_command(line)
        if command is None:
            return Reply(say(lang, "unknown_command"))
        if command.terminal_text:
            return Reply(say(lang, command.terminal_text))
        return command.action(self.replier, LOCAL_CHAT_ID, lang, arg)

    def _button_index(self, line: str) -> int | None:
        """Which button of the last message a line presses ("1", "/context", ...), if any."""
        if self.last is None or not self.last.buttons:
            return None
        if line.isdigit() and 1 <= int(line) <= len(self.last.buttons):
            return int(line) - 1
        back = [i for i, b in enumerate(self.last.buttons) if action_of(b.payload) == QUOTE]
        if line.lower() == "/quote" and back:
            return back[0]
        index = BUTTON_WORDS.get(line.lower())
        return index if index is not None and index < len(self.last.buttons) else None

    def _press(self, index: int, lang: Language) -> str:
        assert self.last is not None
        result = self.replier.press(LOCAL_CHAT_ID, lang, self.last.buttons[index].payload)
        if isinstance(result, Notice):
            return f"({result.text})"
        return self._show(result, lang)

    def _show(self, reply: Reply, lang: Language) -> str:
        if reply.card is not None:
            return self._write_card(reply.card, lang)
        if reply.buttons:
            self.last = reply
            self.last_lang = lang
            keys = "  ".join(f"[{i}] {b.label}" for i, b in enumerate(reply.buttons, start=1))
            return f"{reply.plain()}\n{keys}"
        return reply.plain()

    def _write_card(self, card: CardRequest, lang: Language) -> str:
        """Draw the card into `cards_dir` and say where it is."""
        name = card_key(card.quote.id, card.lang, card.script, card.theme,
                        card.page_url).replace(":", "-")
        path = self.cards_dir / f"{name}.png"
        try:
            self.cards_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(render_card(card.quote, card.lang, card.script, card.theme,
                                         card.page_url))
        except OSError as error:
            return f"cannot write {path}: {error.strerror or error}"
        return Reply(say(lang, "card_saved", path=path)).plain()


def run_chat(
    replier: Replier,
    lines: Iterable[str],
    write: Callable[[str], None],
    prompt: Callable[[], None] | None = None,
    language_code: str | None = None,
) -> None:
    """Answer each line until the input ends or /quit.

    Interactive: `prompt` is shown before each read. Piped input (no prompt): each
    line is echoed after "› ", so the output reads as a transcript.
    """
    chat = TerminalChat(replier, language_code)
    write(chat.handle("/start"))
    if prompt:
        prompt()
    for line in lines:
        if not prompt and line.strip():
            write(f"\n› {line.strip()}")
        if line.strip().lower() in QUIT:
            break
        answer = chat.handle(line)
        if answer:
            write(answer)
        if prompt:
            prompt()
