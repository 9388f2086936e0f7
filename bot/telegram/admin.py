"""Bot admins grow the corpus from a private chat: send a transcript or a link, review, publish.

Only the user ids in QUOTEBOT_ADMINS reach these handlers (a `filters.User`); anyone else
gets the bot's usual answers and no hint of them. The raw file is stored as a draft
before any work; the review and the builds run off the event loop; builds are one at a
time per process (and publishing is serialised in the state store across replicas).
Every replica polls the corpus version and rebuilds its quote database when another
published, so all of them answer from the same documents.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import FileSizeLimit
from telegram.error import TelegramError

from bot.extract import DOCUMENT_SUFFIXES
from bot.fetch import FetchError, FetchLimits, fetch
from bot.index import build_from_paths
from bot.index.added import corpus_paths
from bot.index.published import built_version, mark_built, published_folder, write_published
from bot.index.review import Review, ReviewError, review
from bot.metadata import load_speakers, merge_speakers
from bot.reply.markup import Button, escape
from bot.reply.review import review_buttons, review_html
from bot.state.corpus import CorpusError, CorpusFile, CorpusStore
from bot.telegram.context import QuoteBotContext

log = logging.getLogger("bot.telegram.admin")

LINK = re.compile(r"https?://\S+")
FACT_COMMANDS = {"title": "title", "date": "date", "publisher": "publisher", "link": "url"}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class CorpusDesk:
    """What the admin handlers share: the corpus store, where the corpus is built, limits."""

    store: CorpusStore
    db_path: Path
    seeds_dir: Path
    admins: frozenset[int]
    fetch_limits: FetchLimits = field(default_factory=FetchLimits)
    poll_seconds: float = 5.0  # how often the corpus version is checked (other replicas' publishes)
    building: asyncio.Lock = field(default_factory=asyncio.Lock)
    open_drafts: dict[int, int] = field(default_factory=dict)  # admin -> their draft being reviewed
    first_sync: bool = True  # the first poll checks the folder against the store whatever the version

    def speaker_names(self) -> list[str]:
        """Everyone the corpus knows, in name order (the buttons' indices point into it)."""
        speakers = load_speakers(self.seeds_dir)
        folder = published_folder(self.db_path)
        if folder.is_dir():
            speakers = merge_speakers(speakers, load_speakers(folder))
        return sorted(s.name for s in speakers)

    async def review(self, draft: CorpusFile) -> Review:
        """The draft as the next build would make it (off the event loop)."""
        return await asyncio.to_thread(review, draft.name, draft.data, draft.facts, self.seeds_dir, self.db_path)

    async def rebuild(self, extra: CorpusFile | None = None) -> dict[str, int]:
        """Make this process's quote database the seeds plus the published documents (and
        `extra`, a draft being published); the database is renamed into place only once built."""
        async with self.building:
            return await asyncio.to_thread(self._rebuild, extra)

    def _rebuild(self, extra: CorpusFile | None) -> dict[str, int]:
        version = self.store.version()
        files = [f for f in self.store.published() if extra is None or f.name != extra.name]
        write_published(((f.name, f.data, f.facts) for f in [*files, *([extra] if extra else [])]), self.db_path)
        try:
            _documents, counts = build_from_paths(corpus_paths(self.seeds_dir, self.db_path), self.seeds_dir,
                                                  self.db_path)
        finally:
            # The folder holds what is published: a draft is in it only for its own build.
            write_published(((f.name, f.data, f.facts) for f in files), self.db_path)
        if extra is None:
            mark_built(self.db_path, version)
        return counts

    def serves_current(self) -> bool:
        """Whether this process's quote database holds the current corpus version (readiness)."""
        try:
            version = self.store.version()
        except Exception:  # the store unreachable: the state check says so; not this one's fault
            return True
        built = built_version(self.db_path)
        return built == version or (built is None and version == 0)

    async def sync(self, startup: bool = False) -> bool:
        """Rebuild when the corpus changed (published at another replica), and at start-up
        when the folder is not what the store holds (a new container, a build killed
        mid-way); whether this process rebuilt."""
        version = await asyncio.to_thread(self.store.version)
        built = built_version(self.db_path)
        if not startup and (built == version or (built is None and version == 0)):
            return False
        async with self.building:
            rebuilt = await asyncio.to_thread(self._sync_now, version)
        if rebuilt:
            log.info("corpus version %s built", version)
        return rebuilt

    def _sync_now(self, version: int) -> bool:
        changed = write_published(((f.name, f.data, f.facts) for f in self.store.published()), self.db_path)
        built = built_version(self.db_path)
        if not changed and (built == version or (built is None and version == 0)):
            return False
        build_from_paths(corpus_paths(self.seeds_dir, self.db_path), self.seeds_dir, self.db_path)
        mark_built(self.db_path, version)
        return True


# -- sending a transcript or a link --


async def admin_document(update: Update, context: QuoteBotContext) -> None:
    """Store a transcript an admin sent as a draft, then show its review."""
    message, desk = update.effective_message, context.services.corpus
    if message is None or message.document is None or desk is None or update.effective_user is None:
        return
    document = message.document
    name = Path(document.file_name or "transcript.txt").name
    if Path(name).suffix.lower() not in DOCUMENT_SUFFIXES:
        kinds = ", ".join(sorted(DOCUMENT_SUFFIXES))
        await _say(update, f"{name} is not a transcript the bot reads: send {kinds}.")
        return
    if (document.file_size or 0) > FileSizeLimit.FILESIZE_DOWNLOAD:
        await _say(update, f"{name} is over the {FileSizeLimit.FILESIZE_DOWNLOAD // 2**20} MB a bot may download.")
        return
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
    except TelegramError as error:
        await _say(update, f"Could not download {name}: {error.message}")
        return
    await _new_draft(update, context, name, data)


async def admin_link(update: Update, context: QuoteBotContext) -> None:
    """Fetch the transcript at a link an admin sent (within limits, never inside), as a draft."""
    message, desk = update.effective_message, context.services.corpus
    if message is None or desk is None:
        return
    found = LINK.search(message.text or "")
    if found is None:
        return
    try:
        fetched = await fetch(found.group(0), desk.fetch_limits)
    except FetchError as error:
        await _say(update, f"Not fetched: {error}")
        return
    name = fetched.filename if Path(fetched.filename).suffix.lower() in DOCUMENT_SUFFIXES else _name_for(fetched)
    await _new_draft(update, context, name, fetched.data)


def _name_for(fetched: Any) -> str:
    """A file name for a fetched page without one of ours: by its type."""
    stem = re.sub(r"[^\w.-]+", "-", Path(fetched.filename).stem or "page")[:60] or "page"
    return stem + (".html" if "html" in fetched.content_type else ".txt")


async def _new_draft(update: Update, context: QuoteBotContext, name: str, data: bytes) -> None:
    desk, user = context.services.corpus, update.effective_user
    assert desk is not None and user is not None
    if not data.strip():
        await _say(update, f"{name} is empty: nothing to review.")
        return
    draft_id = await asyncio.to_thread(desk.store.save_draft, user.id, name, data)
    desk.open_drafts[user.id] = draft_id
    log.info("draft %s stored from admin %s", draft_id, user.id)
    await show_draft(update, context, draft_id)


async def show_draft(update: Update, context: QuoteBotContext, draft_id: int, edit: bool = False) -> None:
    """Send (or put in place) the review of a draft, with its buttons."""
    desk = context.services.corpus
    assert desk is not None
    draft = await asyncio.to_thread(desk.store.get, draft_id)
    if draft is None or draft.status != "draft":
        await _say(update, f"Draft #{draft_id} is no longer open.")
        return
    try:
        found = await desk.review(draft)
    except ReviewError as error:
        await _say(update, f"Draft #{draft_id} cannot be read: {error}")
        return
    if found.skipped:
        await asyncio.to_thread(desk.store.discard, draft_id, draft.added_by)
        await _say(update, f"{draft.name} is not a transcript ({found.skipped}).")
        return
    html = review_html(found, draft_id, draft.error)
    keyboard = _keyboard(review_buttons(found, draft_id, desk.speaker_names()))
    if edit and update.callback_query and update.callback_query.message:
        await update.callback_query.edit_message_text(html, reply_markup=keyboard)
    else:
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_message(chat.id, html, reply_markup=keyboard)


# -- decisions: commands and buttons --


async def admin_fact(update: Update, context: QuoteBotContext) -> None:
    """/title, /date, /publisher, /link VALUE: change a fact of the admin's open draft."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command, _, value = message.text.partition(" ")
    key = FACT_COMMANDS[command.lstrip("/").split("@")[0].lower()]
    value = value.strip()
    if key == "date" and not DATE.fullmatch(value):
        await _say(update, "Write the date as YYYY-MM-DD.")
        return
    if key == "url" and not LINK.fullmatch(value):
        await _say(update, "Write the link as http(s)://…")
        return
    await _decide(update, context, lambda facts: facts.__setitem__(key, value[:500]))


async def admin_who(update: Update, context: QuoteBotContext) -> None:
    """/who LABEL = NAME: the unknown label is this person (known or new)."""
    label, name = _pair(update)
    if not label or not name:
        await _say(update, "Write it as /who LABEL = NAME, e.g. /who 李飞飞 = Fei-Fei Li")
        return
    await _decide(update, context, lambda facts: _add_person(facts, name, label))


async def admin_role(update: Update, context: QuoteBotContext) -> None:
    """/role LABEL = NAME: who plays this role label in the open draft."""
    label, name = _pair(update)
    if not label or not name:
        await _say(update, "Write it as /role LABEL = NAME, e.g. /role 主持人 = Lex Fridman")
        return

    def decide(facts: dict[str, Any]) -> None:
        facts.setdefault("roles", {})[label] = name
        _add_person(facts, name, None)

    await _decide(update, context, decide)


def _pair(update: Update) -> tuple[str, str]:
    text = (update.effective_message.text or "") if update.effective_message else ""
    rest = text.partition(" ")[2]
    label, _, name = rest.partition("=")
    return label.strip()[:64], name.strip()[:64]


def _add_person(facts: dict[str, Any], name: str, label: str | None) -> None:
    """Record that `label` (if any) names `name`, a person the speakers may not know yet."""
    people = facts.setdefault("people", [])
    entry = next((p for p in people if p["name"] == name), None)
    if entry is None:
        entry = {"name": name, "aliases": []}
        people.append(entry)
    if label and label != name and label not in entry["aliases"]:
        entry["aliases"].append(label)


async def _decide(update: Update, context: QuoteBotContext, change: Any) -> None:
    """Apply `change` to the admin's open draft's decisions, then show it again."""
    desk, user = context.services.corpus, update.effective_user
    assert desk is not None and user is not None
    # The draft last shown to this admin; after a restart, their newest open one.
    draft_id = desk.open_drafts.get(user.id) or await asyncio.to_thread(desk.store.latest_draft, user.id)
    draft = await asyncio.to_thread(desk.store.get, draft_id) if draft_id else None
    if draft is None or draft.status != "draft":
        await _say(update, "No draft is open: send a transcript or a link first.")
        return
    facts = dict(draft.facts)
    change(facts)
    await asyncio.to_thread(desk.store.set_facts, draft.id, facts)
    await show_draft(update, context, draft.id)


async def admin_button(update: Update, context: QuoteBotContext) -> None:
    """A press on a review or /documents button (payloads `adm:ACTION:ID[:…]`)."""
    query, desk, user = update.callback_query, context.services.corpus, update.effective_user
    if query is None or desk is None or user is None or user.id not in desk.admins:
        return
    await query.answer()
    action, *args = (query.data or "").split(":")[1:]
    if action in ("who", "none", "role"):
        await _press_decision(update, context, action, [int(a) for a in args])
    elif action == "publish":
        await publish(update, context, int(args[0]))
    elif action == "discard":
        await asyncio.to_thread(desk.store.discard, int(args[0]), user.id)
        await query.edit_message_text(f"Draft #{args[0]} discarded.")
    elif action == "remove":
        await _confirm_remove(update, args[0])
    elif action == "removeyes":
        await remove(update, context, args[0])
    elif action == "restore":
        await restore(update, context)


async def _press_decision(update: Update, context: QuoteBotContext, action: str, args: list[int]) -> None:
    desk = context.services.corpus
    assert desk is not None and update.effective_user is not None
    draft_id, index = args[0], args[1]
    draft = await asyncio.to_thread(desk.store.get, draft_id)
    if draft is None or draft.status != "draft":
        return
    desk.open_drafts[update.effective_user.id] = draft_id
    found = await desk.review(draft)
    labels = list(found.unmapped_roles if action == "role" else found.unknown_labels)
    if index >= len(labels):
        return
    label, facts = labels[index], dict(draft.facts)
    if action == "none":
        facts["not_people"] = sorted({*facts.get("not_people", []), label})
    else:
        name = desk.speaker_names()[args[2]]
        if action == "role":
            facts.setdefault("roles", {})[label] = name
        else:
            _add_person(facts, name, label)
    await asyncio.to_thread(desk.store.set_facts, draft_id, facts)
    await show_draft(update, context, draft_id, edit=True)


# -- publishing and the corpus list --


async def publish(update: Update, context: QuoteBotContext, draft_id: int) -> None:
    """Build the corpus with the draft; only once built is it published (and the others told)."""
    desk, user = context.services.corpus, update.effective_user
    assert desk is not None and user is not None
    draft = await asyncio.to_thread(desk.store.get, draft_id)
    if draft is None or draft.status != "draft":
        await _say(update, f"Draft #{draft_id} is no longer open.")
        return
    await _say(update, f"Publishing {draft.name}…")
    try:
        counts = await desk.rebuild(extra=draft)
        await asyncio.to_thread(desk.store.publish, draft_id, user.id)
    except Exception as error:  # a failed build: the previous corpus goes on serving
        log.exception("publishing draft %s failed", draft_id)
        await asyncio.to_thread(desk.store.set_facts, draft_id, draft.facts, str(error)[:500])
        await _say(update, f"Publishing {draft.name} failed, the corpus is as it was: {error}")
        return
    desk.open_drafts.pop(user.id, None)
    await desk.sync()  # the folder takes the published draft and the new version (no second build)
    await _say(update, f"Published {draft.name}: the corpus now has {counts['documents']} documents, "
                       f"{counts['quotes']} quotes.")


async def documents(update: Update, context: QuoteBotContext) -> None:
    """/documents (admins): the corpus with counts; remove a published one, restore the last removed."""
    desk = context.services.corpus
    chat = update.effective_chat
    if desk is None or chat is None:
        return
    rows = await asyncio.to_thread(context.services.replier.searcher.sources)
    published = {f.name for f in await asyncio.to_thread(desk.store.published)}
    lines = [f"<b>{len(rows)} documents</b>"]
    buttons = []
    for source, quotes in rows:
        origin = "published from Telegram" if source.file in published else "seed or added by the operator"
        lines.append(f"• {escape(source.file)}: {quotes} quotes ({origin})")
        if source.file in published:
            buttons.append([InlineKeyboardButton(f"Remove {source.file}"[:60],
                                                 callback_data=f"adm:remove:{source.file}"[:64])])
    buttons.append([InlineKeyboardButton("Restore the last removed", callback_data="adm:restore")])
    await context.bot.send_message(chat.id, "\n".join(lines)[:4000], reply_markup=InlineKeyboardMarkup(buttons))


async def _confirm_remove(update: Update, name: str) -> None:
    query = update.callback_query
    assert query is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(f"Yes, remove {name}"[:60],
                                                           callback_data=f"adm:removeyes:{name}"[:64])]])
    await query.edit_message_text(f"Remove {escape(name)} from the corpus?", reply_markup=keyboard)


async def remove(update: Update, context: QuoteBotContext, name: str) -> None:
    """Take a published document out and rebuild."""
    desk, user = context.services.corpus, update.effective_user
    assert desk is not None and user is not None
    try:
        await asyncio.to_thread(desk.store.remove, name, user.id)
    except CorpusError as error:
        await _say(update, str(error))
        return
    counts = await desk.rebuild()
    await _say(update, f"Removed {name}: the corpus now has {counts['documents']} documents, {counts['quotes']} quotes.")


async def restore(update: Update, context: QuoteBotContext) -> None:
    """Publish again the document removed last, and rebuild."""
    desk, user = context.services.corpus, update.effective_user
    assert desk is not None and user is not None
    try:
        name = await asyncio.to_thread(desk.store.restore_last, user.id)
    except CorpusError as error:
        await _say(update, str(error))
        return
    counts = await desk.rebuild()
    await _say(update, f"Restored {name}: the corpus now has {counts['documents']} documents, {counts['quotes']} quotes.")


async def sync_corpus(context: QuoteBotContext) -> None:
    """Job: rebuild when the corpus version changed (published at another replica)."""
    desk = context.services.corpus
    if desk is not None and not desk.building.locked():
        try:
            await desk.sync(startup=desk.first_sync)
            desk.first_sync = False
        except Exception:  # the previous database goes on serving; the next poll tries again
            log.exception("could not build the corpus published elsewhere")


async def _say(update: Update, text: str) -> None:
    chat = update.effective_chat
    if chat is not None:
        await update.get_bot().send_message(chat.id, escape(text))


def _keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label[:60], callback_data=b.payload) for b in row]
                                 for row in rows])
