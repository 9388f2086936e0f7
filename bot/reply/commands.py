"""The bot's commands in one table: what each does, who may change things, how it is described.

The Telegram layer registers a handler per row and sends the descriptions with
setMyCommands; the terminal chat dispatches on the same rows. Adding a command is one
`Command` row here plus the `Replier` method it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.messages import Language
from bot.reply.conversation import Replier
from bot.reply.markup import Reply

# A Replier method: (replier, chat_id, lang, what follows the command) -> the answer.
Action = Callable[[Replier, int, Language, str], Reply]
# A Replier method for a command replying to one of the bot's messages: (..., the id of
# the quote that message shows, None when it shows none) -> the answer.
QuoteAction = Callable[[Replier, int, Language, int | None], Reply]


@dataclass(frozen=True)
class Command:
    """One command: its name, its `Replier` action, its rules and its menu descriptions."""

    name: str
    action: Action
    descriptions: dict[Language, str]
    # In groups, only admins may run it with an argument (the bare command only shows).
    admin_only: bool = False
    # What follows the command is something to look up, so its language counts.
    takes_query: bool = False
    # Bare, as a reply to a message, it takes that message's text as its argument.
    uses_replied_text: bool = False
    # Bare, as a reply to one of the bot's own messages, this acts on the quote it shows
    # (read from its buttons), never on its text: a search could find another quote.
    on_replied_quote: QuoteAction | None = None
    # The key of what the terminal chat says instead, for commands only Telegram carries out.
    terminal_text: str | None = None


# In the order clients show them in the command menu.
COMMANDS: tuple[Command, ...] = (
    Command("quote", Replier.answer,
            {"en": "Best quote for a topic", "zh-Hans": "查找相关引语", "zh-Hant": "查找相關引語"},
            takes_query=True, uses_replied_text=True),
    Command("random", Replier.random_quote,
            {"en": "A random quote [speaker]", "zh-Hans": "随机一句 [人名]", "zh-Hant": "隨機一句 [人名]"},
            takes_query=True),
    Command("card", Replier.card,
            {"en": "The last quote as a picture", "zh-Hans": "把引语做成图片卡片",
             "zh-Hant": "把引語做成圖片卡片"},
            takes_query=True, uses_replied_text=True, on_replied_quote=Replier.card_of),
    Command("similar", Replier.similar,
            {"en": "Quotes closest in meaning to one", "zh-Hans": "意思相近的引语",
             "zh-Hant": "意思相近的引語"},
            takes_query=True, uses_replied_text=True, on_replied_quote=Replier.similar_of),
    Command("speakers", Replier.speakers,
            {"en": "Who I can quote", "zh-Hans": "可引用的人物", "zh-Hant": "可引用的人物"}),
    Command("sources", Replier.sources,
            {"en": "Where the quotes come from", "zh-Hans": "引语出处", "zh-Hant": "引語出處"}),
    Command("browse", Replier.browse,
            {"en": "Search every quote on the web", "zh-Hans": "在网页上浏览引语",
             "zh-Hant": "在網頁上瀏覽引語"}),
    Command("daily", Replier.daily,
            {"en": "A quote every day: HH:MM [zone] | off", "zh-Hans": "每日一句:HH:MM [时区] | off",
             "zh-Hant": "每日一句:HH:MM [時區] | off"},
            admin_only=True, terminal_text="daily_terminal"),
    Command("lang", Replier.set_language,
            {"en": "Bot language: en | zh-hans | zh-hant", "zh-Hans": "界面语言", "zh-Hant": "介面語言"},
            admin_only=True),
    Command("script", Replier.set_script,
            {"en": "Quote script: traditional | hongkong | simplified | original",
             "zh-Hans": "引语繁简转换", "zh-Hant": "引語繁簡轉換"},
            admin_only=True),
    Command("theme", Replier.set_theme,
            {"en": "Card colours: light | dark", "zh-Hans": "卡片配色:light | dark",
             "zh-Hant": "卡片配色:light | dark"},
            admin_only=True),
    Command("help", Replier.help, {"en": "How to use me", "zh-Hans": "用法", "zh-Hant": "用法"}),
    Command("start", Replier.start, {"en": "Welcome", "zh-Hans": "欢迎", "zh-Hant": "歡迎"}),
)
BY_NAME: dict[str, Command] = {command.name: command for command in COMMANDS}
# Descriptions by command name (setMyCommands; the README's command table is checked against it).
DESCRIPTIONS: dict[str, dict[Language, str]] = {c.name: c.descriptions for c in COMMANDS}


def find_command(text: str) -> tuple[Command | None, str]:
    """The command a line starts with ("/quote@Bot  x" → quote) and what follows it, stripped."""
    head, _, rest = text.strip().partition(" ")
    if not head.startswith("/"):
        return None, rest.strip()
    name = head[1:].split("@", 1)[0].lower()
    return BY_NAME.get(name), rest.strip()
