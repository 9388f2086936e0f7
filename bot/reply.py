"""From a person's words to what they see: quote text, attribution, source and buttons.

`Replier` is the one place that decides what to answer; the Telegram handlers and the
terminal chat both call it, so they cannot drift apart. Everything it returns is HTML
with every piece escaped, never longer than Telegram's 4,096-character limit, in the
chat's language (en, zh-Hans, zh-Hant) with quotes in the chat's chosen script.
"""

from __future__ import annotations

import html
import random as random_module
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.messages import (
    DEFAULT_LANGUAGE,
    Language,
    is_chinese,
    language_from_code,
    parse_language,
    say,
)
from bot.search import Context, Quote, Searcher, Source
from bot.state import StateStore
from bot.text import MAX_QUERY_CHARS, has_han, to_simplified, to_traditional

MAX_MESSAGE_CHARS = 4096  # Telegram's limit for a text message, after entity parsing
MAX_ECHO_CHARS = 60  # how much of a query a no-match answer repeats back
MAX_NOTICE_CHARS = 200  # Telegram's limit for a callback answer
MAX_PAYLOAD_BYTES = 64  # Telegram's limit for callback data
CONTEXT_WINDOW = 700  # characters of the passage kept on each side of the quote
QUESTION_CHARS = 700  # characters of the question kept in the context view
INLINE_RESULTS = 10
SCRIPTS = ("traditional", "simplified")

SEARCH, RANDOM = "search", "random"
ANOTHER, CONTEXT, SOURCE, QUOTE = "a", "c", "s", "q"

_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


@dataclass(frozen=True)
class Button:
    """A button under a message: its label and the callback payload (ids only)."""

    label: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """A message to send or to put in place of the one a button was under."""

    html: str
    buttons: tuple[Button, ...] = ()
    quote_id: int | None = None

    def plain(self) -> str:
        """The message as plain text for a terminal: links as `text <url>`, tags dropped."""
        # Mark the URL with control characters so stripping tags cannot take it for one.
        text = _LINK.sub(lambda m: f"{m.group(2)} \x00{m.group(1)}\x01", self.html)
        text = html.unescape(_TAG.sub("", text))
        return text.replace("\x00", "<").replace("\x01", ">")


@dataclass(frozen=True)
class Notice:
    """A short plain-text answer to a button press that leaves the message as it is."""

    text: str


@dataclass(frozen=True)
class InlineQuote:
    """One inline-mode result: title (speaker), description (the quote's start), message."""

    quote_id: int
    title: str
    description: str
    reply: Reply


# -- text helpers --------------------------------------------------------------


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); an upper bound once tags are parsed."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str | None) -> str:
    """HTML-escape for Telegram's HTML parse mode (quotes too, so it is safe in attributes)."""
    return html.escape(text or "", quote=True)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    text = text.strip()
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def escape_within(text: str, budget: int) -> str:
    """`text` escaped and cut so the escaped form takes at most `budget` Telegram characters."""
    escaped = escape(text)
    while telegram_length(escaped) > budget and text:
        excess = telegram_length(escaped) - budget
        text = text[: max(len(text) - max(excess, 1) - 1, 0)]
        escaped = escape(text) + "…"
    return escaped if telegram_length(escaped) <= budget else ""


def has_chinese(text: str) -> bool:
    """True when the text contains Chinese characters."""
    return has_han(text)


def clean_query(text: str) -> str:
    """The query as searched: white space collapsed, cut to MAX_QUERY_CHARS."""
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None (never put other schemes in a link)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def in_script(text: str | None, script: str | None) -> str:
    """Quote text converted to the chat's chosen script; unchanged when none was chosen."""
    if not text or script not in SCRIPTS:
        return text or ""
    return to_traditional(text) if script == "traditional" else to_simplified(text)


def fit(html_text: str) -> str:
    """A last guard: cut an over-long message at a line boundary, never mid-tag."""
    if telegram_length(html_text) <= MAX_MESSAGE_CHARS:
        return html_text
    kept: list[str] = []
    used = 1  # the final ellipsis
    for line in html_text.split("\n"):
        cost = telegram_length(line) + 1
        if used + cost > MAX_MESSAGE_CHARS:
            break
        kept.append(line)
        used += cost
    return "\n".join(kept) + "\n…"


# -- payloads ------------------------------------------------------------------


def payload(action: str, *ids: int) -> str:
    """Callback data such as "c:1234:56" (action, quote id, query id), always within 64 bytes."""
    data = ":".join([action, *map(str, ids)])
    assert len(data.encode()) <= MAX_PAYLOAD_BYTES, data
    return data


def parse_payload(data: str | None) -> tuple[str, tuple[int, ...]] | None:
    """(action, ids) from callback data, or None when it is not ours or malformed."""
    if not data:
        return None
    action, *parts = data.split(":")
    if action not in (ANOTHER, CONTEXT, SOURCE, QUOTE) or not parts:
        return None
    try:
        ids = tuple(int(part) for part in parts)
    except ValueError:
        return None
    expected = 1 if action == ANOTHER else 2
    return (action, ids) if len(ids) == expected else None


def buttons(lang: Language, quote_id: int, query_id: int, showing: str = QUOTE) -> tuple[Button, ...]:
    """Another / Context / Source, with the view being shown replaced by a way back to the quote."""
    context = (
        Button(say(lang, "button_quote"), payload(QUOTE, quote_id, query_id))
        if showing == CONTEXT
        else Button(say(lang, "button_context"), payload(CONTEXT, quote_id, query_id))
    )
    source = (
        Button(say(lang, "button_quote"), payload(QUOTE, quote_id, query_id))
        if showing == SOURCE
        else Button(say(lang, "button_source"), payload(SOURCE, quote_id, query_id))
    )
    return (Button(say(lang, "button_another"), payload(ANOTHER, query_id)), context, source)


# -- formatting ----------------------------------------------------------------


def speaker_name(quote: Quote, lang: Language, script: str | None) -> str:
    """The speaker as readers of `lang` know them (Chinese name in Chinese chats)."""
    if is_chinese(lang) and quote.speaker_zh:
        return chinese_name(quote.speaker_zh, lang, script)
    return quote.speaker


def chinese_name(name_zh: str, lang: Language, script: str | None) -> str:
    """A Chinese name in the chat's script; names are ours to write, unlike quotes."""
    return in_script(name_zh, script or ("traditional" if lang == "zh-Hant" else None))


def is_question(text: str) -> bool:
    """True when a turn reads as a question (so the context view can say "asked")."""
    tail = text.rstrip()[-12:]
    return "?" in tail or "?" in tail or tail.endswith(("吗", "呢", "嗎"))


def title_html(source: Source, lang: Language, script: str | None) -> str:
    """The source title, linked when the source has a URL."""
    title = in_script(source.title, script) or source.event or ""
    if not title:
        return ""
    url = safe_url(source.url)
    text = escape(clip(title, 200))
    return f'<a href="{escape(url)}">{text}</a>' if url else text


def source_details(source: Source) -> str:
    """Publisher and date, as one line ("" when neither is known)."""
    return " · ".join(escape(clip(part, 150)) for part in (source.publisher, source.date) if part)


def attribution_html(quote: Quote, lang: Language, script: str | None) -> str:
    """The lines after a quote: speaker, source title (linked), publisher and date."""
    speaker = escape(speaker_name(quote, lang, script))
    title = title_html(quote.source, lang, script)
    details = source_details(quote.source)
    if is_chinese(lang):
        lines = [f"——{speaker}" + (f"《{title}》" if title else "")]
        if details:
            lines.append(details)
    else:
        lines = [f"— {speaker}"]
        source_line = ", ".join(part for part in (title, details) if part)
        if source_line:
            lines.append(source_line)
    return "\n".join(lines)


def quote_html(quote: Quote, lang: Language, script: str | None, header: str = "") -> str:
    """A quote as a message: 「quote」——Speaker《title》 in Chinese, quote / — Speaker in English."""
    frame_after = "\n" + attribution_html(quote, lang, script)
    frame_before = header + "\n\n" if header else ""
    marks = ("「", "」") if is_chinese(lang) else ("", "")
    budget = (
        MAX_MESSAGE_CHARS
        - telegram_length(frame_before + frame_after)
        - telegram_length("".join(marks))
    )
    body = escape_within(in_script(quote.text, script), budget)
    return fit(f"{frame_before}{marks[0]}{body}{marks[1]}{frame_after}")


def passage_window(passage: str, quote_text: str) -> tuple[str, str, str]:
    """(before, quote, after) around the quote inside its passage, each side cut to the window."""
    start = passage.find(quote_text)
    if start < 0:
        return "", clip(passage, 2 * CONTEXT_WINDOW), ""
    before = passage[:start]
    after = passage[start + len(quote_text) :]
    if len(before) > CONTEXT_WINDOW:
        before = "…" + before[-CONTEXT_WINDOW:].lstrip()
    if len(after) > CONTEXT_WINDOW:
        after = after[:CONTEXT_WINDOW].rstrip() + "…"
    return before, quote_text, after


def context_html(context: Context, lang: Language, script: str | None) -> str:
    """The question the quote answered and the passage around it, the quote in bold."""
    quote = context.quote
    speaker = speaker_name(quote, lang, script)
    parts = [say(lang, "context_title")]
    if context.previous:
        before_speaker = context.previous_speaker or "?"
        if is_chinese(lang) and context.previous_speaker_zh:
            before_speaker = chinese_name(context.previous_speaker_zh, lang, script)
        asked = is_question(context.previous)
        parts.append(say(lang, "context_question" if asked else "context_before",
                         speaker=before_speaker))
        parts.append("<i>" + escape(clip(in_script(context.previous, script), QUESTION_CHARS)) + "</i>")
        parts.append(
            say(lang, "context_answer", speaker=speaker) if asked else f"<b>{escape(speaker)}:</b>"
        )
    else:
        parts.append(f"<b>{escape(speaker)}:</b>")
    before, middle, after = passage_window(context.passage or quote.text, quote.text)
    parts.append(
        escape(in_script(before, script))
        + "<b>"
        + escape(in_script(middle, script))
        + "</b>"
        + escape(in_script(after, script))
    )
    title = title_html(quote.source, lang, script)
    if title:
        parts.append(f"《{title}》" if is_chinese(lang) else title)
    return fit("\n".join(parts))


def source_html(quote: Quote, lang: Language, script: str | None, share_link: str | None) -> str:
    """Everything known about where a quote comes from."""
    source = quote.source
    lines = [say(lang, "source_title")]

    def field(key: str, value: str | None, raw_html: bool = False) -> None:
        if value:
            lines.append(f"{say(lang, key)}: {value if raw_html else escape(clip(value, 300))}")

    field("field_title", title_html(source, lang, script), raw_html=True)
    field("field_publisher", source.publisher)
    field("field_date", source.date)
    field("field_event", source.event)
    url = safe_url(source.url)
    field("field_link", url)
    name = quote.speaker + (f" ({quote.speaker_zh})" if quote.speaker_zh else "")
    field("field_speaker", name)
    field("field_share", share_link)
    return fit("\n".join(lines))


# -- the conversation ----------------------------------------------------------


class Replier:
    """What the bot answers, for Telegram and the terminal alike.

    `chat_id` keys what a chat has already seen and what it chose with /lang and
    /script; the Telegram layer passes the chat's id, the terminal a fixed one.
    """

    def __init__(
        self,
        searcher: Searcher,
        state: StateStore,
        bot_username: str | None = None,
        rng: random_module.Random | None = None,
    ) -> None:
        self.searcher = searcher
        self.state = state
        self.bot_username = bot_username
        self.rng = rng or random_module.Random()

    # settings

    def language(self, chat_id: int, language_code: str | None = None, text: str = "") -> Language:
        """The chat's /lang choice, else the person's Telegram language, else the text's."""
        chosen = parse_language(self.state.chat_settings(chat_id).language or "")
        if chosen:
            return chosen
        from_code = language_from_code(language_code)
        if from_code:
            return from_code
        return "zh-Hans" if has_chinese(text) else DEFAULT_LANGUAGE

    def script(self, chat_id: int) -> str | None:
        """The chat's /script choice (None: quotes as published)."""
        return self.state.chat_settings(chat_id).script

    def set_language(self, chat_id: int, arg: str, lang: Language) -> Reply:
        """/lang: set (or with "auto", clear) the chat's language."""
        arg = arg.strip()
        if arg.lower() == "auto":
            self.state.set_language(chat_id, None)
            return Reply(say(lang, "lang_auto"))
        chosen = parse_language(arg)
        if not chosen:
            return Reply(say(lang, "lang_usage"))
        self.state.set_language(chat_id, chosen)
        return Reply(say(chosen, "lang_set"))

    def set_script(self, chat_id: int, arg: str, lang: Language) -> Reply:
        """/script: show quotes in traditional or simplified characters, or as published."""
        arg = arg.strip().lower()
        aliases = {"繁體": "traditional", "繁体": "traditional", "简体": "simplified",
                   "簡體": "simplified", "原文": "original", "off": "original"}
        arg = aliases.get(arg, arg)
        if arg not in (*SCRIPTS, "original"):
            return Reply(say(lang, "script_usage"))
        self.state.set_script(chat_id, None if arg == "original" else arg)
        return Reply(say(lang, f"script_set_{arg}"))

    # fixed texts

    def start(self, chat_id: int, lang: Language, deep_link: str = "") -> Reply:
        """/start: the welcome, or the quote a deep link ("q123") points at."""
        match = re.fullmatch(r"q(\d{1,12})", deep_link.strip())
        if match:
            return self.open_quote(chat_id, int(match.group(1)), lang)
        return Reply(say(lang, "welcome"))

    def help(self, lang: Language) -> Reply:
        """/help: every command and button."""
        return Reply(say(lang, "help", bot=self.bot_username or "QuoteBot"))

    def speakers(self, lang: Language) -> Reply:
        """/speakers: who can be quoted, with counts."""
        lines = [say(lang, "speakers_title")]
        for name, name_zh, count in self.searcher.speakers():
            shown_zh = chinese_name(name_zh, lang, None) if name_zh else name
            lines.append(say(lang, "speaker_line", name=name, name_zh=shown_zh, count=count))
        lines.append(say(lang, "speakers_hint"))
        return Reply(fit("\n".join(lines)))

    def sources(self, lang: Language) -> Reply:
        """/sources: the documents quoted, with dates and counts."""
        lines = [say(lang, "sources_title")]
        for source, count in self.searcher.sources():
            title = title_html(source, lang, None) or escape(source.file)
            details = source_details(source)
            counted = say(lang, "source_count", count=count)
            lines.append("• " + " · ".join(part for part in (title, details, counted) if part))
        return Reply(fit("\n".join(lines)))

    # quotes

    def answer(self, chat_id: int, text: str, lang: Language) -> Reply:
        """The best quote for `text` not yet shown in this chat; a no-match answer if none fits."""
        query = clean_query(text)
        if not query:
            return self.random_quote(chat_id, lang)
        query_id = self.state.remember_query(SEARCH, query.casefold())
        seen = self.state.seen(chat_id, query_id)
        matches = self.searcher.search(query, limit=1, exclude=tuple(seen))
        if not matches and seen:
            # Everything was shown before: asking again starts the list over.
            self.state.forget_seen(chat_id, query_id)
            matches = self.searcher.search(query, limit=1)
        if not matches:
            return self.no_match(query, lang)
        return self._show(chat_id, matches[0].quote, query_id, lang)

    def random_quote(self, chat_id: int, lang: Language, speaker_text: str = "") -> Reply:
        """A random quote, from one speaker when a name is given; never a repeat until all were shown."""
        speaker = None
        if speaker_text.strip():
            speaker = self.searcher.resolve_speaker(clean_query(speaker_text))
            if not speaker:
                return Reply(
                    say(lang, "unknown_speaker", name=clip(speaker_text, MAX_ECHO_CHARS),
                        speakers=self._speaker_names(lang, 8))
                )
        query_id = self.state.remember_query(RANDOM, speaker or "")
        quote = self._next_random(chat_id, query_id, speaker)
        if quote is None:
            return Reply(say(lang, "empty_database"))
        return self._show(chat_id, quote, query_id, lang)

    def daily_quote(self, chat_id: int, lang: Language) -> Reply:
        """The quote of the day for a subscribed chat."""
        query_id = self.state.remember_query(RANDOM, "")
        quote = self._next_random(chat_id, query_id, None)
        if quote is None:
            return Reply(say(lang, "empty_database"))
        self.state.mark_seen(chat_id, query_id, quote.id)
        script = self.script(chat_id)
        return Reply(
            quote_html(quote, lang, script, header=say(lang, "daily_header")),
            buttons(lang, quote.id, query_id),
            quote.id,
        )

    def open_quote(self, chat_id: int, quote_id: int, lang: Language) -> Reply:
        """One quote by id (deep links); "Another" then continues with random quotes."""
        quote = self.searcher.get(quote_id)
        if quote is None:
            return Reply(say(lang, "quote_not_found"))
        return self._show(chat_id, quote, self.state.remember_query(RANDOM, ""), lang)

    def no_match(self, query: str, lang: Language) -> Reply:
        """A friendly no: names the query, suggests topics and speakers that do exist."""
        separator = "、" if is_chinese(lang) else ", "
        topics = separator.join(self.searcher.suggestions(6))
        return Reply(
            say(lang, "no_match", query=clip(query, MAX_ECHO_CHARS), topics=topics,
                speakers=self._speaker_names(lang, 5))
        )

    # buttons

    def press(self, chat_id: int, data: str | None, lang: Language) -> Reply | Notice:
        """A button press: the message to put in place, or a short notice."""
        parsed = parse_payload(data)
        if parsed is None:
            return Notice(say(lang, "button_expired"))
        action, ids = parsed
        if action == ANOTHER:
            return self.another(chat_id, ids[0], lang)
        quote_id, query_id = ids
        if action == CONTEXT:
            return self.context(quote_id, query_id, lang, chat_id)
        if action == SOURCE:
            return self.source(quote_id, query_id, lang, chat_id)
        quote = self.searcher.get(quote_id)
        if quote is None:
            return Notice(say(lang, "quote_not_found"))
        return self._render(chat_id, quote, query_id, lang)

    def another(self, chat_id: int, query_id: int, lang: Language) -> Reply | Notice:
        """The next best quote for the same query, never one this chat has already seen for it."""
        stored = self.state.query(query_id)
        if stored is None:
            return Notice(say(lang, "button_expired"))
        seen = tuple(self.state.seen(chat_id, query_id))
        if stored.kind == SEARCH:
            matches = self.searcher.search(stored.text, limit=1, exclude=seen)
            quote = matches[0].quote if matches else None
        else:
            quote = self.searcher.random(speaker=stored.text or None, exclude=seen, rng=self.rng)
        if quote is None:
            return Notice(say(lang, "no_more"))
        return self._show(chat_id, quote, query_id, lang)

    def context(self, quote_id: int, query_id: int, lang: Language, chat_id: int) -> Reply | Notice:
        """The passage around a quote and the question it answered."""
        context = self.searcher.context(quote_id)
        if context is None:
            return Notice(say(lang, "quote_not_found"))
        return Reply(
            context_html(context, lang, self.script(chat_id)),
            buttons(lang, quote_id, query_id, showing=CONTEXT),
            quote_id,
        )

    def source(self, quote_id: int, query_id: int, lang: Language, chat_id: int) -> Reply | Notice:
        """Full details of a quote's source, with a link to share the quote."""
        quote = self.searcher.get(quote_id)
        if quote is None:
            return Notice(say(lang, "quote_not_found"))
        return Reply(
            source_html(quote, lang, self.script(chat_id), self.share_link(quote_id)),
            buttons(lang, quote_id, query_id, showing=SOURCE),
            quote_id,
        )

    def share_link(self, quote_id: int) -> str | None:
        """A t.me deep link that opens this quote in a private chat with the bot."""
        return f"https://t.me/{self.bot_username}?start=q{quote_id}" if self.bot_username else None

    # inline mode

    def inline(
        self, user_id: int, text: str, lang: Language, script: str | None,
        limit: int = INLINE_RESULTS,
    ) -> list[InlineQuote]:
        """Up to `limit` quotes for an inline query; a random selection when it is empty."""
        query = clean_query(text)
        if query:
            query_id = self.state.remember_query(SEARCH, query.casefold())
            quotes = [match.quote for match in self.searcher.search(query, limit=limit)]
        else:
            query_id = self.state.remember_query(RANDOM, "")
            quotes = []
            for _ in range(limit):
                quote = self.searcher.random(exclude=tuple(q.id for q in quotes), rng=self.rng)
                if quote is None:
                    break
                quotes.append(quote)
        return [
            InlineQuote(
                quote_id=quote.id,
                title=speaker_name(quote, lang, script),
                description=clip(in_script(quote.text, script), 100),
                reply=Reply(quote_html(quote, lang, script), buttons(lang, quote.id, query_id),
                            quote.id),
            )
            for quote in quotes
        ]

    # helpers

    def _show(self, chat_id: int, quote: Quote, query_id: int, lang: Language) -> Reply:
        """Render a quote with its buttons and remember that this chat has seen it."""
        self.state.mark_seen(chat_id, query_id, quote.id)
        return self._render(chat_id, quote, query_id, lang)

    def _render(self, chat_id: int, quote: Quote, query_id: int, lang: Language) -> Reply:
        return Reply(
            quote_html(quote, lang, self.script(chat_id)), buttons(lang, quote.id, query_id), quote.id
        )

    def _next_random(self, chat_id: int, query_id: int, speaker: str | None) -> Quote | None:
        seen = tuple(self.state.seen(chat_id, query_id))
        quote = self.searcher.random(speaker=speaker, exclude=seen, rng=self.rng)
        if quote is None and seen:
            # Every quote was shown: begin a new round.
            self.state.forget_seen(chat_id, query_id)
            quote = self.searcher.random(speaker=speaker, rng=self.rng)
        return quote

    def _speaker_names(self, lang: Language, n: int) -> str:
        separator = "、" if is_chinese(lang) else ", "
        ranked = sorted(self.searcher.speakers(), key=lambda row: -row[2])[:n]
        return separator.join(
            chinese_name(zh, lang, None) if is_chinese(lang) and zh else name
            for name, zh, _ in ranked
        )
