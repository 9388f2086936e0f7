"""The conversation: what the bot answers to a message, a command or a button press.

`Replier` is the one place that decides what to answer; the Telegram handlers and the
terminal chat both call it, so they cannot drift apart. It reads the searcher and the
chat's state and leaves the HTML to `bot.reply.render`. Every method takes the chat's
id and the answer's language first, then what is specific to it, so a command in
`bot.reply.commands` is one row naming a method.
"""

from __future__ import annotations

import random as random_module
import re
from collections.abc import Callable, Sequence

from bot.messages import Language, parse_language, say
from bot.reply.greeting import greeting_kind
from bot.reply.language import (
    DEFAULT_THEME,
        answer_language,
    answer_script,
    in_script,
    parse_script,
    parse_theme,
    text_language,
)
from bot.reply.markup import (
    Button,
    CardRequest,
    InlineQuote,
    Notice,
    Reply,
    WebButton,
    Writing,
    clip,
    quote_page,
)
from bot.reply.payload import (
    ANOTHER,
    CARD,
    CONTEXT,
    QUOTE,
    SIMILAR,
    SOURCE,
    buttons,
    language_of_buttons,
    parse_payload,
)
from bot.reply.render import (
    context_html,
    greeting_html,
    no_match_html,
    person_name,
    quote_html,
    source_html,
    sources_html,
    speaker_name,
    speakers_html,
    unknown_speaker_html,
)
from bot.reply.schedule import DEFAULT_ZONE, OFF_WORDS, parse_time, zone_name
from bot.search import Match, Picked, Quote, Searcher
from bot.state import DailySubscription, StateStore
from bot.text import MAX_QUERY_CHARS

INLINE_RESULTS = 10
# Topics a no-match answer suggests; example questions a greeting offers, drawn at random
# from the EXAMPLE_POOL most frequent topics.
NO_MATCH_TOPICS, EXAMPLES, EXAMPLE_POOL = 6, 3, 9
# The kinds of stored query a button refers to ("similar": the text is the quote's id).
SEARCH, RANDOM, SIMILAR_TO = "search", "random", "similar"
# An inline query naming one quote by id ("#17"): what the Mini App's "Send to chat" types.
QUOTE_REFERENCE = re.compile(r"#(\d{1,12})")


def clean_query(text: str) -> str:
    """The query as searched: white space collapsed, cut to MAX_QUERY_CHARS."""
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def found_header(match: Match, lang: Language) -> str:
    """What introduces an answer: nothing, or that it was found by meaning, not by its words."""
    return say(lang, "by_meaning") if match.matched_by == "meaning" else ""


def topic_language(text: str, lang: Language) -> str:
    """The language topics are suggested in for `text`: its own ("en", "zh"), else the answer's."""
    return "en" if (text_language(text) or lang) == "en" else "zh"


def plain_text(html_text: str) -> str:
    """A short HTML message as plain text (for an inline result's description)."""
    return Reply(html_text).plain()


class Replier:
    """What the bot answers, for Telegram and the terminal alike.

    `chat_id` keys what a chat has already seen and what it chose with /lang and
    /script; the Telegram layer passes the chat's id, the terminal a fixed one.
    Each answer is written one way throughout (`Writing`: the language of the bot's
    words, the script of the quote, its source and its buttons), and its buttons carry
    that writing, so what they open reads the same.

    `public_url` (QUOTEBOT_PUBLIC_URL) is the web face's address: with it, share links
    and cards' QR codes lead to the quote's page there, and /browse opens its search.
    """

    def __init__(
        self,
        searcher: Searcher,
        state: StateStore,
        bot_username: str | None = None,
        rng: random_module.Random | None = None,
        public_url: str | None = None,
    ) -> None:
        self.searcher = searcher
        self.state = state
        self.bot_username = bot_username
        self.rng = rng or random_module.Random()
        self.public_url = public_url.rstrip("/") if public_url else None
        # Told the chat's id after /daily changed its subscription (Telegram schedules it).
        self.on_daily_change: Callable[[int], None] | None = None

    # settings

    def language(self, chat_id: int, language_code: str | None = None, text: str = "") -> Language:
        """The chat's /lang choice, else the person's Telegram language, else the text's."""
        chosen = self.state.chat_settings(chat_id).language
        return answer_language(chosen, language_code=language_code, text=text)

    def writing(self, chat_id: int, lang: Language, text: str = "") -> Writing:
        """How an answer in `lang` to `text` is written: the chat's /script choice, else
        traditional characters for a message or a language written in them."""
        return Writing(lang, answer_script(self.state.chat_settings(chat_id).script, lang, text))

    def press_writing(
        self, chat_id: int, lang: Language, data: str | None, labels: Sequence[str] = ()
    ) -> Writing:
        """How the answer to a button press is written: the chat's /lang and /script
        choices, else as the message the button is under, so a press by someone whose
        Telegram gives no language keeps that message's language. The payload says how
        it was written; a payload from before it did, the `labels` of the message's
        buttons tell its language. `lang` (the presser's) serves when neither says."""
        parsed = parse_payload(data)
        tagged = parsed.writing if parsed else None
        settings = self.state.chat_settings(chat_id)
        if tagged is None:
            labelled = None if settings.language else language_of_buttons(labels)
            return self.writing(chat_id, labelled or lang)
        lang = parse_language(settings.language or "") or tagged.lang
        script = answer_script(settings.script, lang) if settings.script else tagged.script
        return Writing(lang, script)

    def set_language(self, chat_id: int, lang: Language, arg: str) -> Reply:
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

    def set_script(self, chat_id: int, lang: Language, arg: str) -> Reply:
        """/script: show quotes in traditional (Taiwan or Hong Kong) or simplified
        characters, or as published. "original" is stored too: it is a choice, which
        no message written in traditional characters overrides."""
        script = parse_script(arg)
        if script is None:
            return Reply(say(lang, "script_usage"))
        self.state.set_script(chat_id, script)
        return Reply(say(lang, f"script_set_{script}"))

    def set_theme(self, chat_id: int, lang: Language, arg: str) -> Reply:
        """/theme: draw this chat's quote cards light or dark."""
        theme = parse_theme(arg)
        if theme is None:
            return Reply(say(lang, "theme_usage"))
        self.state.set_theme(chat_id, theme)
        return Reply(say(lang, "theme_set", theme=say(lang, f"theme_{theme}")))

    def card_request(self, chat_id: int, writing: Writing, quote: Quote) -> CardRequest:
        """The card of `quote` as this answer is written, in this chat's theme."""
        theme = self.state.chat_settings(chat_id).theme or DEFAULT_THEME
        return CardRequest(quote, writing.lang, writing.script, theme, self.page_url(quote.id))

    def daily(self, chat_id: int, lang: Language, arg: str = "") -> Reply:
        """/daily: show the chat's daily quote, set it (HH:MM [time zone]) or stop it (off)."""
        args = arg.split()
        if not args:
            current = self.state.daily(chat_id)
            if current is None:
                return Reply(say(lang, "daily_none"))
            return Reply(say(lang, "daily_status", time=current.time, zone=current.timezone))
        if args[0].lower() in OFF_WORDS:
            self.state.remove_daily(chat_id)
            self._daily_changed(chat_id)
            return Reply(say(lang, "daily_off"))
        at = parse_time(args[0])
        if at is None:
            return Reply(say(lang, "daily_bad_time", value=args[0][:20]))
        given = args[1] if len(args) > 1 else DEFAULT_ZONE
        zone = zone_name(given)
        if zone is None:
            return Reply(say(lang, "daily_bad_zone", value=given[:40]))
        # The daily post has no sender to take a language from: keep the subscriber's.
        self.state.set_daily(DailySubscription(chat_id, at.strftime("%H:%M"), zone, lang))
        self._daily_changed(chat_id)
        return Reply(say(lang, "daily_set", time=at.strftime("%H:%M"), zone=zone))

    # fixed texts

    def start(self, chat_id: int, lang: Language, deep_link: str = "") -> Reply:
        """/start: the welcome with a first quote, or the quote a deep link ("q123") points at."""
        match = re.fullmatch(r"q(\d{1,12})", (deep_link.split() or [""])[0])
        if match:
            return self.open_quote(chat_id, lang, int(match.group(1)))
        query_id = self.state.remember_query(RANDOM, "")
        picked = self._next_pick(chat_id, query_id, None)
        if picked is None:
            return Reply(say(lang, "welcome"))
        writing = self.writing(chat_id, lang)
        return self._show(chat_id, writing, picked.quote, query_id, header=say(lang, "welcome"))

    def help(self, chat_id: int, lang: Language, arg: str = "") -> Reply:
        """/help: every command and button."""
        return Reply(say(lang, "help", bot=self.bot_username or "QuoteBot"))

    def browse(self, chat_id: int, lang: Language, arg: str = "") -> Reply:
        """/browse: the web's search page (a Mini App in private chats), when there is one."""
        if not self.public_url:
            return Reply(say(lang, "browse_off"))
        home = f"{self.public_url}/"
        return Reply(say(lang, "browse", url=home), web=WebButton(say(lang, "browse_button"), home))

    def speakers(self, chat_id: int, lang: Language, arg: str = "") -> Reply:
        """/speakers: who can be quoted, with counts."""
        return Reply(speakers_html(self.searcher.speakers(), lang))

    def sources(self, chat_id: int, lang: Language, arg: str = "") -> Reply:
        """/sources: the documents quoted, with dates and counts."""
        return Reply(sources_html(self.searcher.sources(), lang))

    # quotes

    def answer(self, chat_id: int, lang: Language, text: str) -> Reply:
        """The best quote for `text` not yet shown in this chat; a no-match answer if none
        fits; a greeting (only "hi", "谢谢"...) is greeted back with example questions."""
        query = clean_query(text)
        if not query:
            return self.random_quote(chat_id, lang)
        writing = self.writing(chat_id, lang, query)
        kind = greeting_kind(query)
        if kind is not None:
            return self.greeting(writing, kind, query)
        query_id = self.state.remember_query(SEARCH, query.casefold())
        seen = self.state.seen(chat_id, query_id)
        found = self._found(writing, query, tuple(seen))
        if not found and seen:
            # Everything was shown before: asking again starts the list over.
            self.state.forget_seen(chat_id, query_id)
            found = self._found(writing, query, ())
        if not found:
            return self.no_match(chat_id, lang, query)
        quote, header = found[0]
        return self._show(chat_id, writing, quote, query_id, header)

    def _found(
        self, writing: Writing, query: str, seen: tuple[int, ...], limit: int = 1
    ) -> list[tuple[Quote, str]]:
        """The best quotes for `query` not in `seen`, each with what introduces it; for a
        name with a topic that person never spoke about, that said in one line, and their
        nearest quotes or someone else's on the topic instead."""
        matches = self.searcher.search(query, limit=limit, exclude=seen)
        if matches:
            return [(m.quote, found_header(m, writing.lang)) for m in matches]
        other = self.searcher.elsewhere(query, limit=limit, exclude=seen)
        if other is None:
            return []
        named = person_name(other.speaker, other.speaker_zh, writing.lang, writing.script)
        if other.by_them:
            header = say(writing.lang, "elsewhere_theirs", speaker=named)
            return [(m.quote, header) for m in other.matches]
        return [
            (m.quote, say(writing.lang, "elsewhere_others", speaker=named,
                          other=speaker_name(m.quote, writing.lang, writing.script)))
            for m in other.matches
        ]

    def greeting(self, writing: Writing, kind: str, text: str) -> Reply:
        """A short greeting (or you're welcome) and three example questions in the
        message's language, each one a query the database answers."""
        examples = self._examples(topic_language(text, writing.lang), EXAMPLES)
        return Reply(greeting_html(kind, writing.lang, examples, writing.script))

    def random_quote(self, chat_id: int, lang: Language, speaker_text: str = "") -> Reply:
        """A random quote, from one speaker when a name is given; never a repeat until all were shown."""
        speaker = None
        if speaker_text.strip():
            speaker = self.searcher.resolve_speaker(clean_query(speaker_text))
            if not speaker:
                return Reply(unknown_speaker_html(speaker_text, lang, self.searcher.speakers()))
        query_id = self.state.remember_query(RANDOM, speaker or "")
        picked = self._next_pick(chat_id, query_id, speaker)
        if picked is None:
            return Reply(say(lang, "empty_database"))
        writing = self.writing(chat_id, lang, speaker_text)
        return self._show_pick(chat_id, writing, picked, query_id, speaker)

    def daily_quote(self, chat_id: int, lang: Language) -> Reply:
        """The quote of the day for a subscribed chat."""
        query_id = self.state.remember_query(RANDOM, "")
        picked = self._next_pick(chat_id, query_id, None)
        if picked is None:
            return Reply(say(lang, "empty_database"))
        writing = self.writing(chat_id, lang)
        return self._show(chat_id, writing, picked.quote, query_id, header=say(lang, "daily_header"))

    def open_quote(self, chat_id: int, lang: Language, quote_id: int) -> Reply:
        """One quote by id (deep links); "Another" then continues with random quotes."""
        quote = self.searcher.get(quote_id)
        if quote is None:
            return Reply(say(lang, "quote_not_found"))
        query_id = self.state.remember_query(RANDOM, "")
        return self._show(chat_id, self.writing(chat_id, lang), quote, query_id)

    def card(self, chat_id: int, lang: Language, arg: str = "") -> Reply:
        """/card: the card of the quote last shown here, or of the best match for `arg`."""
        query = clean_query(arg)
        if not query:
            return self.card_of(chat_id, lang, self.state.last_shown(chat_id))
        matches = self.searcher.search(query, limit=1)
        if not matches:
            return self.no_match(chat_id, lang, query)
        writing = self.writing(chat_id, lang, query)
        return self._card(chat_id, writing, matches[0].quote, self.state.remember_query(RANDOM, ""))

    def card_of(self, chat_id: int, lang: Language, quote_id: int | None) -> Reply:
        """/card as a reply to one of the bot's messages: the card of the quote it shows."""
        quote = self.searcher.get(quote_id) if quote_id is not None else None
        if quote is None:
            return Reply(say(lang, "card_nothing"))
        query_id = self.state.remember_query(RANDOM, "")
        return self._card(chat_id, self.writing(chat_id, lang), quote, query_id)

    def no_match(self, chat_id: int, lang: Language, query: str) -> Reply:
        """A friendly no: names the query, suggests topics (in the query's language) and
        speakers that do exist."""
        writing = self.writing(chat_id, lang, query)
        language = topic_language(query, lang)
        topics = self.searcher.suggestions(NO_MATCH_TOPICS, language) or self.searcher.suggestions(
            NO_MATCH_TOPICS
        )
        return Reply(no_match_html(query, lang, topics, self.searcher.speakers(), writing.script))

    # buttons

    def press(
        self, chat_id: int, lang: Language, data: str | None, labels: Sequence[str] = ()
    ) -> Reply | Notice:
        """A button press: the message to put in place, or a short notice. The answer is
        written as the message the button is under (`press_writing`; `labels`: its buttons')."""
        parsed = parse_payload(data)
        if parsed is None:
            return Notice(say(lang, "button_expired"))
        writing = self.press_writing(chat_id, lang, data, labels)
        if parsed.action == ANOTHER:
            return self.another(chat_id, writing, parsed.ids[0])
        quote_id, query_id = parsed.ids
        if parsed.action == CONTEXT:
            return self.context(chat_id, writing, quote_id, query_id)
        if parsed.action == SOURCE:
            return self.source(chat_id, writing, quote_id, query_id)
        quote = self.searcher.get(quote_id)
        if quote is None:
            return Notice(say(writing.lang, "quote_not_found"))
        if parsed.action == CARD:
            return self._card(chat_id, writing, quote, query_id)
        if parsed.action == SIMILAR:
            return self._similar(chat_id, writing, quote.id) or Notice(say(writing.lang, "similar_none"))
        return self._render(writing, quote, query_id)

    def another(self, chat_id: int, writing: Writing, query_id: int) -> Reply | Notice:
        """The next best quote for the same query, never one this chat has already seen for it."""
        lang = writing.lang
        stored = self.state.query(query_id)
        if stored is None:
            return Notice(say(lang, "button_expired"))
        if stored.kind not in (SEARCH, SIMILAR_TO):
            picked = self._next_pick(chat_id, query_id, stored.text or None)
            if picked is None:
                return Notice(say(lang, "no_more"))
            return self._show_pick(chat_id, writing, picked, query_id, stored.text or None)
        seen = tuple(self.state.seen(chat_id, query_id))
        if stored.kind == SIMILAR_TO:
            matches = self.searcher.similar(int(stored.text), limit=1, exclude=seen)
            header = say(lang, "similar_header")
        else:
            found = self._found(writing, stored.text, seen)
            if not found:
                return Notice(say(lang, "no_more"))
            return self._show(chat_id, writing, found[0][0], query_id, found[0][1])
        if not matches:
            return Notice(say(lang, "no_more"))
        return self._show(chat_id, writing, matches[0].quote, query_id, header)

    def similar(self, chat_id: int, lang: Language, arg: str = "") -> Reply:
        """/similar: the quote closest in meaning to the one last shown here (or to the best
        match for `arg`), other speakers first; "Another" goes on down the list."""
        query = clean_query(arg)
        if not query:
            return self.similar_of(chat_id, lang, self.state.last_shown(chat_id))
        matches = self.searcher.search(query, limit=1)
        if not matches:
            return self.no_match(chat_id, lang, query)
        writing = self.writing(chat_id, lang, query)
        nearest = self._similar(chat_id, writing, matches[0].quote.id)
        return nearest or Reply(say(lang, "similar_none"))

    def similar_of(self, chat_id: int, lang: Language, quote_id: int | None) -> Reply:
        """/similar as a reply to one of the bot's messages: the closest in meaning to its quote."""
        if quote_id is None or self.searcher.get(quote_id) is None:
            return Reply(say(lang, "similar_nothing"))
        nearest = self._similar(chat_id, self.writing(chat_id, lang), quote_id)
        return nearest or Reply(say(lang, "similar_none"))

    def _similar(self, chat_id: int, writing: Writing, quote_id: int) -> Reply | None:
        """The nearest quote in meaning not yet shown for this one, or None."""
        query_id = self.state.remember_query(SIMILAR_TO, str(quote_id))
        seen = tuple(self.state.seen(chat_id, query_id))
        matches = self.searcher.similar(quote_id, limit=1, exclude=seen)
        if not matches and seen:
            self.state.forget_seen(chat_id, query_id)  # all were shown: start over
            matches = self.searcher.similar(quote_id, limit=1)
        if not matches:
            return None
        header = say(writing.lang, "similar_header")
        return self._show(chat_id, writing, matches[0].quote, query_id, header)

    def context(self, chat_id: int, writing: Writing, quote_id: int, query_id: int) -> Reply | Notice:
        """The passage around a quote and the question it answered."""
        context = self.searcher.context(quote_id)
        if context is None:
            return Notice(say(writing.lang, "quote_not_found"))
        return Reply(
            context_html(context, writing.lang, writing.script),
            self._buttons(writing, quote_id, query_id, showing=CONTEXT),
            quote_id,
        )

    def source(self, chat_id: int, writing: Writing, quote_id: int, query_id: int) -> Reply | Notice:
        """Full details of a quote's source, with a link to share the quote."""
        quote = self.searcher.get(quote_id)
        if quote is None:
            return Notice(say(writing.lang, "quote_not_found"))
        return Reply(
            source_html(quote, writing.lang, writing.script, self.share_link(quote_id)),
            self._buttons(writing, quote_id, query_id, showing=SOURCE),
            quote_id,
        )

    def share_link(self, quote_id: int) -> str | None:
        """The quote's page on the web; without one, a t.me deep link that opens the
        quote in a private chat with the bot."""
        if self.public_url:
            return self.page_url(quote_id)
        return f"https://t.me/{self.bot_username}?start=q{quote_id}" if self.bot_username else None

    def page_url(self, quote_id: int) -> str | None:
        """The quote's page on the web, when the bot has a public address."""
        return quote_page(self.public_url, quote_id)

    # inline mode

    def inline(
        self, chat_id: int, lang: Language, text: str, limit: int = INLINE_RESULTS
    ) -> list[InlineQuote]:
        """Up to `limit` quotes for an inline query; a random selection when it is empty.

        `chat_id` is the asking person's private chat, whose /script choice applies.
        "#17" offers that one quote (none for an unknown id).
        """
        query = clean_query(text)
        writing = self.writing(chat_id, lang, query)
        query_id, found = self._inline_found(chat_id, writing, query, limit)
        return [
            InlineQuote(
                quote_id=quote.id,
                title=speaker_name(quote, lang, writing.script),
                # An answer by meaning says so in the list too, before its text.
                description=clip(
                    (plain_text(header) + " " if header else "")
                    + in_script(quote.text, writing.script), 100
                ),
                reply=self._render(writing, quote, query_id, header),
                card=self.card_request(chat_id, writing, quote),
            )
            for quote, header in found
        ]

    def _inline_found(
        self, chat_id: int, writing: Writing, query: str, limit: int
    ) -> tuple[int, list[tuple[Quote, str]]]:
        """The query id the results' buttons carry, and the quotes offered, each with what
        introduces it: the one quote "#17" names, the best for a query, random picks for none."""
        reference = QUOTE_REFERENCE.fullmatch(query)
        if reference:
            quote = self.searcher.get(int(reference.group(1)))
            # Its buttons go on as after a deep link: Another brings random quotes.
            return self.state.remember_query(RANDOM, ""), [(quote, "")] if quote else []
        if query:
            query_id = self.state.remember_query(SEARCH, query.casefold())
            return query_id, self._found(writing, query, (), limit)
        query_id = self.state.remember_query(RANDOM, "")
        return query_id, [(quote, "") for quote in self._offered_picks(chat_id, query_id, limit)]

    # helpers

    def _show(
        self, chat_id: int, writing: Writing, quote: Quote, query_id: int, header: str = ""
    ) -> Reply:
        """Render a quote with its buttons and remember that this chat has seen it."""
        self.state.mark_seen(chat_id, query_id, quote.id)
        return self._render(writing, quote, query_id, header)

    def _render(self, writing: Writing, quote: Quote, query_id: int, header: str = "") -> Reply:
        return Reply(
            quote_html(quote, writing.lang, writing.script, header=header),
            self._buttons(writing, quote.id, query_id),
            quote.id,
        )

    def _buttons(
        self, writing: Writing, quote_id: int, query_id: int, showing: str = QUOTE
    ) -> tuple[Button, ...]:
        """The buttons under a quote, labelled in the quote's script too; Similar only when
        the bot can match by meaning."""
        row = buttons(writing, quote_id, query_id, showing, similar=self.searcher.matches_meaning())
        return tuple(Button(in_script(b.label, writing.script), b.payload) for b in row)

    def _card(self, chat_id: int, writing: Writing, quote: Quote, query_id: int) -> Reply:
        """The quote's card, with the quote as text to send should the picture fail."""
        text = self._render(writing, quote, query_id)
        return Reply(text.html, text.buttons, quote.id, self.card_request(chat_id, writing, quote))

    def _examples(self, language: str, n: int) -> list[str]:
        """Up to `n` topic words in `language` ("en", "zh") the database answers, picked at
        random among the most frequent, so a second greeting suggests others."""
        candidates = self.searcher.suggestions(EXAMPLE_POOL, language) or self.searcher.suggestions(
            EXAMPLE_POOL
        )
        self.rng.shuffle(candidates)
        answered: list[str] = []
        for topic in candidates:
            if len(answered) == n:
                break
            if self.searcher.search(topic, limit=1):
                answered.append(topic)
        return answered

    def _next_pick(self, chat_id: int, query_id: int, speaker: str | None) -> Picked | None:
        """The picker's next quote for this chat and scope (a speaker's, or anyone's)."""
        picked = self.searcher.pick(speaker, self.state.seen_in_order(chat_id, query_id), self.rng)
        if picked is not None and picked.new_round:
            # Every postable quote of the scope was shown: the chat's list starts over.
            self.state.forget_seen(chat_id, query_id)
        return picked

    def _show_pick(
        self, chat_id: int, writing: Writing, picked: Picked, query_id: int, speaker: str | None
    ) -> Reply:
        """Show a picked quote; when nothing in its scope stands alone, say it is the best there is."""
        header = ""
        if not picked.postable and speaker:
            name = speaker_name(picked.quote, writing.lang, writing.script)
            header = say(writing.lang, "pick_best_of_speaker", speaker=name)
        elif not picked.postable:
            header = say(writing.lang, "pick_best_available")
        return self._show(chat_id, writing, picked.quote, query_id, header)

    def _offered_picks(self, chat_id: int, query_id: int, limit: int) -> list[Quote]:
        """Up to `limit` different picks to offer (an empty inline query), none of them
        shown in the chat's current round; offering is not showing, so nothing is marked."""
        shown = self.state.seen_in_order(chat_id, query_id)
        quotes: list[Quote] = []
        for _ in range(limit):
            picked = self.searcher.pick(None, shown + [q.id for q in quotes], self.rng)
            if picked is not None and picked.new_round and shown:
                shown = []  # the chat's round is used up: offer from a fresh one
                picked = self.searcher.pick(None, [q.id for q in quotes], self.rng)
            if picked is None or picked.new_round:
                break
            quotes.append(picked.quote)
        return quotes

    def _daily_changed(self, chat_id: int) -> None:
        if self.on_daily_change is not None:
            self.on_daily_change(chat_id)
