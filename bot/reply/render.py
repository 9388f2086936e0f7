"""Pure rendering: a quote, its context, its source, lists and a no-match answer as HTML.

No state and no searcher: each function turns the data it is given into escaped HTML
in the chat's language (en, zh-Hans, zh-Hant), quotes in the chat's chosen script, and
within Telegram's limits.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.messages import Language, is_chinese, say
from bot.moments import format_moment, moment_url
from bot.reply.language import in_script
from bot.reply.markup import (
    MAX_MESSAGE_CHARS,
    clip,
    escape,
    escape_within,
    fair_shares,
    fit,
    safe_url,
    telegram_length,
)
from bot.search import Context, Quote, Source

MAX_ECHO_CHARS = 60  # how much of a query a no-match answer repeats back
CONTEXT_WINDOW = 700  # characters of the passage kept on each side of the quote
QUESTION_CHARS = 700  # characters of the question kept in the context view

SpeakerRow = tuple[str, str | None, int]  # name, Chinese name, number of quotes


def speaker_name(quote: Quote, lang: Language, script: str | None) -> str:
    """The speaker as readers of `lang` know them (Chinese name in Chinese chats)."""
    return person_name(quote.speaker, quote.speaker_zh, lang, script)


def person_name(name: str, name_zh: str, lang: Language, script: str | None) -> str:
    """A person as readers of `lang` know them (Chinese name in Chinese chats)."""
    if is_chinese(lang) and name_zh:
        return chinese_name(name_zh, lang, script)
    return name


def chinese_name(name_zh: str, lang: Language, script: str | None) -> str:
    """A Chinese name in the chat's script; names are ours to write, unlike quotes."""
    return in_script(name_zh, script or ("traditional" if lang == "zh-Hant" else None))


def list_separator(lang: Language) -> str:
    """How items of a list are joined in running text: 、 in Chinese, a comma in English."""
    return "、" if is_chinese(lang) else ", "


def is_question(text: str) -> bool:
    """True when a turn reads as a question (so the context view can say "asked")."""
    tail = text.rstrip()[-12:]
    return "?" in tail or "?" in tail or tail.endswith(("吗", "呢", "嗎"))


def title_html(source: Source, lang: Language, script: str | None, start: float | None = None) -> str:
    """The source title (else its event) in the chat's script, linked when the source has a
    URL (a video at the moment `start`, in seconds, when the player can open there)."""
    title = in_script(source.title or source.event, script)
    if not title:
        return ""
    url = safe_url(moment_url(source.url, start))
    text = escape(clip(title, 200))
    return f'<a href="{escape(url)}">{text}</a>' if url else text


def source_details(source: Source, script: str | None) -> str:
    """Publisher (in the chat's script, like the quote) and date, as one line of HTML
    ("" when neither is known)."""
    return escape(details_text(source, script))


def details_text(source: Source, script: str | None) -> str:
    """Publisher and date as one plain-text line, each cut to 150 characters."""
    parts = (in_script(source.publisher, script), source.date)
    return " · ".join(clip(part, 150) for part in parts if part)


def attribution_html(quote: Quote, lang: Language, script: str | None) -> str:
    """The lines after a quote: speaker, source title (linked), publisher and date."""
    speaker = escape(speaker_name(quote, lang, script))
    title = title_html(quote.source, lang, script, quote.start)
    details = source_details(quote.source, script)
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
    """A quote as a message: 「quote」——Speaker《title》 in Chinese, quote / — Speaker in English.

    A translated quote shows the speaker's own words too: first in English chats, with
    the translation under it; in Chinese chats in an expandable block quote under the
    translation, one tap away.
    """
    frame_after = "\n" + attribution_html(quote, lang, script)
    frame_before = header + "\n\n" if header else ""
    marks = ("「", "」") if is_chinese(lang) else ("", "")
    text = in_script(quote.text, script)
    if quote.original:
        return fit(frame_before + _bilingual_body(quote, text, lang, frame_before + frame_after) + frame_after)
    budget = (
        MAX_MESSAGE_CHARS
        - telegram_length(frame_before + frame_after)
        - telegram_length("".join(marks))
    )
    body = escape_within(text, budget)
    return fit(f"{frame_before}{marks[0]}{body}{marks[1]}{frame_after}")


def reads_original_first(quote: Quote, lang: Language) -> bool:
    """Whether readers of `lang` get the speaker's own words first (English chats, when the
    speaker spoke English): the card and the caption then show those words."""
    return bool(quote.original) and not is_chinese(lang) and quote.original_lang == "en"


def reader_text(quote: Quote, lang: Language, script: str | None) -> str:
    """The words a reader of `lang` reads first: the original or the text in their script."""
    if reads_original_first(quote, lang) and quote.original:
        return quote.original
    return in_script(quote.text, script)


def _bilingual_body(quote: Quote, text: str, lang: Language, frame: str) -> str:
    """The translation and the original, in the order and form the chat's readers want."""
    original = quote.original or ""
    wrappers = (
        ("", "\n<i>", "</i>")
        if reads_original_first(quote, lang)
        else ("「" if is_chinese(lang) else "", ("」" if is_chinese(lang) else "") + "\n<blockquote expandable>", "</blockquote>")
    )
    room = MAX_MESSAGE_CHARS - telegram_length(frame + "".join(wrappers))
    first, second = (original, text) if reads_original_first(quote, lang) else (text, original)
    first_room, second_room = fair_shares([telegram_length(escape(first)), telegram_length(escape(second))], room)
    return (
        f"{wrappers[0]}{escape_within(first, first_room)}{wrappers[1]}"
        f"{escape_within(second, second_room)}{wrappers[2]}"
    )


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


def context_speakers(context: Context, lang: Language, script: str | None) -> tuple[list[str], str]:
    """The line naming who spoke before (none without a turn before) and the one naming the quoted."""
    speaker = speaker_name(context.quote, lang, script)
    if not context.previous:
        return [], f"<b>{escape(speaker)}:</b>"
    before_speaker = context.previous_speaker or "?"
    if is_chinese(lang) and context.previous_speaker_zh:
        before_speaker = chinese_name(context.previous_speaker_zh, lang, script)
    if is_question(context.previous):
        return ([say(lang, "context_question", speaker=before_speaker)],
                say(lang, "context_answer", speaker=speaker))
    return [say(lang, "context_before", speaker=before_speaker)], f"<b>{escape(speaker)}:</b>"


def context_html(context: Context, lang: Language, script: str | None) -> str:
    """The question the quote answered and the passage around it, the quote in bold.

    The texts are cut to fit before they go inside tags, so no cut can leave a tag
    open: the quote whole when it takes at most half the room, the question and the
    passage on either side sharing the rest.
    """
    quote = context.quote
    asker, answerer = context_speakers(context, lang, script)
    title = title_html(quote.source, lang, script)
    footer = [f"《{title}》" if is_chinese(lang) else title] if title else []

    def layout(question: str, before: str, middle: str, after: str) -> str:
        asked = [f"<i>{question}</i>"] if context.previous else []
        lines = [say(lang, "context_title"), *asker, *asked, answerer, f"{before}<b>{middle}</b>{after}"]
        return "\n".join(lines + footer)

    question = clip(in_script(context.previous, script), QUESTION_CHARS)
    before, middle, after = (
        in_script(part, script) for part in passage_window(context.passage or quote.text, quote.text)
    )
    room = MAX_MESSAGE_CHARS - telegram_length(layout("", "", "", ""))
    middle_html = escape_within(middle, room // 2)
    question_room, before_room, after_room = fair_shares(
        [telegram_length(escape(text)) for text in (question, before, after)],
        room - telegram_length(middle_html),
    )
    return fit(layout(
        escape_within(question, question_room),
        escape_within(before, before_room, keep_end=True),
        middle_html,
        escape_within(after, after_room),
    ))


def source_html(quote: Quote, lang: Language, script: str | None, share_link: str | None) -> str:
    """Everything known about where a quote comes from."""
    source = quote.source
    lines = [say(lang, "source_title")]

    def field(key: str, value: str | None, raw_html: bool = False) -> None:
        if value:
            lines.append(f"{say(lang, key)}: {value if raw_html else escape(clip(value, 300))}")

    field("field_title", title_html(source, lang, script), raw_html=True)
    field("field_publisher", in_script(source.publisher, script))
    field("field_date", source.date)
    field("field_event", in_script(source.event, script))
    url = safe_url(source.url)
    field("field_link", url)
    if quote.start is not None:
        moment = safe_url(moment_url(source.url, quote.start))
        label = escape(format_moment(quote.start))
        shown = f'<a href="{escape(moment)}">{label}</a>' if moment and moment != url else label
        field("field_moment", shown, raw_html=True)
    name = quote.speaker + (f" ({quote.speaker_zh})" if quote.speaker_zh else "")
    field("field_speaker", name)
    field("field_share", share_link)
    return fit("\n".join(lines))


def speakers_html(rows: Iterable[SpeakerRow], lang: Language) -> str:
    """/speakers: who can be quoted, with counts."""
    lines = [say(lang, "speakers_title")]
    for name, name_zh, count in rows:
        shown_zh = chinese_name(name_zh, lang, None) if name_zh else name
        lines.append(say(lang, "speaker_line", name=name, name_zh=shown_zh, count=count))
    lines.append(say(lang, "speakers_hint"))
    return fit("\n".join(lines))


def sources_html(rows: Iterable[tuple[Source, int]], lang: Language) -> str:
    """/sources: the documents quoted, with dates and counts."""
    lines = [say(lang, "sources_title")]
    for source, count in rows:
        title = title_html(source, lang, None) or escape(source.file)
        details = source_details(source, None)
        counted = say(lang, "source_count", count=count)
        lines.append("• " + " · ".join(part for part in (title, details, counted) if part))
    return fit("\n".join(lines))


def best_known(rows: Iterable[SpeakerRow], lang: Language, n: int, script: str | None = None) -> str:
    """The `n` speakers with most quotes, as running text in the chat's language."""
    ranked = sorted(rows, key=lambda row: -row[2])[:n]
    return list_separator(lang).join(
        chinese_name(zh, lang, script) if is_chinese(lang) and zh else name for name, zh, _ in ranked
    )


def no_match_html(
    query: str, lang: Language, topics: list[str], speakers: Iterable[SpeakerRow],
    script: str | None = None,
) -> str:
    """A friendly no: names the query, suggests topics (in the caller's choice of language,
    written in `script`) and speakers that do exist."""
    shown = [in_script(topic, script) for topic in topics]
    return say(lang, "no_match", query=clip(query, MAX_ECHO_CHARS),
               topics=list_separator(lang).join(shown),
               speakers=best_known(speakers, lang, 5, script))


def greeting_html(kind: str, lang: Language, examples: list[str], script: str | None) -> str:
    """A short greeting (or you're-welcome) and example questions, one a line, each in
    <code> so a tap copies it."""
    lines = [say(lang, f"greeting_{kind}")]
    lines += [f"• <code>{escape(in_script(example, script))}</code>" for example in examples]
    return "\n".join(lines)


def unknown_speaker_html(name: str, lang: Language, speakers: Iterable[SpeakerRow]) -> str:
    """/random with a name nobody in the database has: say so and list who is known."""
    return say(lang, "unknown_speaker", name=clip(name, MAX_ECHO_CHARS),
               speakers=best_known(speakers, lang, 8))
