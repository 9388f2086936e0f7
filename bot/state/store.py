"""The bot's own writable state, as callers see it: the `StateStore` interface and its records.

Per-chat settings, quotes already shown, daily subscriptions, leases and the durable
record of received updates live apart from the read-only quote database, so they survive
restarts and rebuilds of the quote index. Callers use this interface only; the stores are
`SQLiteStateStore` (bot.state.sqlite, the embedded default) and `PostgresStateStore`
(bot.state.postgres, shared by several replicas). The limits below hold for both.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# A chat that keeps pressing "Another" should not grow the table without bound.
MAX_SEEN_PER_QUERY = 500
# Nor should one chat asking thousands of different questions (inline queries included).
MAX_SEEN_PER_CHAT = 5_000
# Stored queries and seen-lists unused for this long are deleted (`expire`).
QUERY_TTL_SECONDS = 30 * 24 * 3600
SEEN_TTL_SECONDS = 30 * 24 * 3600
# All stored queries together: the least recently used go first beyond this.
MAX_QUERIES = 100_000
# Answered updates are remembered this long, so a late duplicate delivery is recognised
# (Telegram keeps an unconfirmed update for 24 hours).
DONE_UPDATE_TTL_SECONDS = 2 * 24 * 3600


@dataclass(frozen=True)
class ChatSettings:
    """What a chat chose with /lang, /script and /theme (None: not chosen)."""

    language: str | None = None
    script: str | None = None
    theme: str | None = None


@dataclass(frozen=True)
class StoredQuery:
    """A query a button refers to by id: kind "search" (text is the query) or "random"
    (text is the speaker's canonical name, or "" for anyone)."""

    id: int
    kind: str
    text: str


@dataclass(frozen=True)
class DailySubscription:
    """A chat's daily quote: local time "HH:MM" in an IANA time zone."""

    chat_id: int
    time: str
    timezone: str
    language: str | None = None


@dataclass(frozen=True)
class PendingUpdate:
    """An update received (and recorded) but not yet answered: its id and its JSON."""

    update_id: int
    payload: str


class StateStore(ABC):
    """Everything the bot remembers between messages and restarts."""

    # True for a store several replicas of the bot share: its `pending_updates` hands out
    # the updates of replicas that fell silent, so the bot asks it every few seconds.
    shared = False

    @abstractmethod
    def chat_settings(self, chat_id: int) -> ChatSettings:
        """The chat's settings (defaults when it never chose any)."""

    @abstractmethod
    def set_language(self, chat_id: int, language: str | None) -> None:
        """Store the chat's language (None: follow each person's Telegram language)."""

    @abstractmethod
    def set_script(self, chat_id: int, script: str | None) -> None:
        """Store the chat's script for quotes (None: as published)."""

    @abstractmethod
    def set_theme(self, chat_id: int, theme: str | None) -> None:
        """Store the chat's theme for quote cards (None: the default)."""

    @abstractmethod
    def last_shown(self, chat_id: int) -> int | None:
        """The id of the quote most recently shown in this chat (what /card alone draws)."""

    @abstractmethod
    def card_file(self, key: str) -> str | None:
        """Telegram's file_id of the card uploaded under `key`, or None."""

    @abstractmethod
    def set_card_file(self, key: str, file_id: str | None) -> None:
        """Remember the file_id of an uploaded card (None: forget it, it no longer works)."""

    @abstractmethod
    def remember_query(self, kind: str, text: str) -> int:
        """The stable id of a query, so buttons can carry an id instead of text."""

    @abstractmethod
    def query(self, query_id: int) -> StoredQuery | None:
        """The query with this id, or None."""

    @abstractmethod
    def seen(self, chat_id: int, query_id: int) -> frozenset[int]:
        """Quote ids already shown in this chat for this query."""

    @abstractmethod
    def seen_in_order(self, chat_id: int, query_id: int) -> list[int]:
        """Quote ids already shown in this chat for this query, oldest first (for the picker)."""

    @abstractmethod
    def mark_seen(self, chat_id: int, query_id: int, quote_id: int) -> None:
        """Record that a quote was shown in this chat for this query."""

    @abstractmethod
    def forget_seen(self, chat_id: int, query_id: int) -> None:
        """Start this query afresh in this chat."""

    @abstractmethod
    def set_daily(self, subscription: DailySubscription) -> None:
        """Create or replace the chat's daily subscription."""

    @abstractmethod
    def remove_daily(self, chat_id: int) -> bool:
        """Remove the chat's daily subscription; True when there was one."""

    @abstractmethod
    def daily(self, chat_id: int) -> DailySubscription | None:
        """The chat's daily subscription, or None."""

    @abstractmethod
    def all_daily(self) -> list[DailySubscription]:
        """Every daily subscription (to schedule them at start-up)."""

    @abstractmethod
    def claim_daily(self, chat_id: int, day: str, holder: str) -> bool:
        """Claim the chat's daily quote of `day` (local "YYYY-MM-DD") for sending; False
        when it was sent, or is being sent by a live holder."""

    @abstractmethod
    def mark_daily_sent(self, chat_id: int, day: str) -> None:
        """Record the claimed daily quote as sent."""

    @abstractmethod
    def hold_lease(self, name: str, holder: str, seconds: float) -> bool:
        """Take or renew the lease `name` for `seconds`; False while another holds it."""

    @abstractmethod
    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up at once (a clean stop), so another takes over without waiting."""

    @abstractmethod
    def watermark(self, name: str) -> float | None:
        """The time (epoch seconds) up to which the lease's work is done, or None."""

    @abstractmethod
    def set_watermark(self, name: str, holder: str, value: float) -> None:
        """Advance the lease's watermark (only while `holder` holds it)."""

    def ping(self) -> bool:
        """True when the storage answers and takes writes (for a health check). Blocks
        (callers run it off the event loop), but not for long."""
        return True

    @abstractmethod
    def record_updates(self, updates: Iterable[PendingUpdate]) -> list[int]:
        """Record received updates durably before they are confirmed to Telegram.

        Returns the ids that were new; an id already recorded (pending or done) is a
        duplicate delivery and must not be answered again. Blocks until written.
        """

    @abstractmethod
    def mark_updates_done(self, update_ids: Iterable[int]) -> None:
        """The updates were handled (answered, or failed for good): never redo them.
        Blocks until written (callers run it off the event loop)."""

    @abstractmethod
    def pending_updates(self) -> list[PendingUpdate]:
        """Updates recorded but not done that nobody alive is answering, oldest first (to
        finish them at start-up; on a `shared` store, claimed for this process)."""

    @abstractmethod
    def expire(self, now: float | None = None) -> int:
        """Delete stored queries, seen-lists and done update records past their time
        (`QUERY_TTL_SECONDS`, `SEEN_TTL_SECONDS`, `DONE_UPDATE_TTL_SECONDS`) and beyond
        their caps (`MAX_QUERIES`, `MAX_SEEN_PER_CHAT`); returns the rows deleted."""

    @abstractmethod
    def close(self) -> None:
        """Release the storage."""


def new_query_id() -> int:
    """A random id below 2**53: buttons carry it, and another chat cannot guess it."""
    return secrets.randbelow(2**53 - 2) + 1


class SQLReads(StateStore):
    """The plain reads both SQL stores make alike, written once with `?` placeholders."""

    @abstractmethod
    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of one SELECT (the store turns `?` into its own placeholder)."""

    def chat_settings(self, chat_id: int) -> ChatSettings:
        rows = self._read(
            "SELECT language, script, theme FROM chat_settings WHERE chat_id = ?", (chat_id,)
        )
        return ChatSettings(*rows[0]) if rows else ChatSettings()

    def last_shown(self, chat_id: int) -> int | None:
        rows = self._read(
            "SELECT quote_id FROM seen WHERE chat_id = ? ORDER BY shown_at DESC LIMIT 1", (chat_id,)
        )
        return int(rows[0][0]) if rows else None

    def card_file(self, key: str) -> str | None:
        rows = self._read("SELECT file_id FROM card_files WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def seen(self, chat_id: int, query_id: int) -> frozenset[int]:
        rows = self._read(
            "SELECT quote_id FROM seen WHERE chat_id = ? AND query_id = ?", (chat_id, query_id)
        )
        return frozenset(int(row[0]) for row in rows)

    def seen_in_order(self, chat_id: int, query_id: int) -> list[int]:
        rows = self._read(
            "SELECT quote_id FROM seen WHERE chat_id = ? AND query_id = ? ORDER BY shown_at",
            (chat_id, query_id),
        )
        return [int(row[0]) for row in rows]

    def daily(self, chat_id: int) -> DailySubscription | None:
        rows = self._read(
            "SELECT chat_id, time, timezone, language FROM daily WHERE chat_id = ?", (chat_id,)
        )
        return DailySubscription(*rows[0]) if rows else None

    def all_daily(self) -> list[DailySubscription]:
        rows = self._read("SELECT chat_id, time, timezone, language FROM daily ORDER BY chat_id")
        return [DailySubscription(*row) for row in rows]

    def watermark(self, name: str) -> float | None:
        rows = self._read("SELECT watermark FROM leases WHERE name = ?", (name,))
        return rows[0][0] if rows else None


class StateStoreUnavailable(Exception):
    """The state server cannot be reached or used; the message is one clear line."""


class StateStoreBusy(Exception):
    """A write could not be made in time (a lock held elsewhere, e.g. by a backup): it was
    not made, and will not be made later. Try again later."""
