"""Near-duplicate groups: which stored quotes say the same words (for the picker).

The build stores each quote's group as the smallest id of the quotes that are
near-duplicates of it (`terms.near_duplicate` on their comparison forms, chained),
so /random and /daily never offer the same words twice.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator

from bot import terms
from bot.quotedb import FTS_TABLE, VOCAB_TABLE

# Near-duplicate groups: each quote is filed under its TWIN_KEYS rarest character pairs
# and compared with at most TWIN_CANDIDATES shorter quotes filed under one of its pairs,
# so the build stays linear in the number of quotes.
TWIN_KEYS = 6
TWIN_CANDIDATES = 16
TWIN_VISITS = 4 * TWIN_CANDIDATES  # candidates looked at, counting those already in the group


def fill_twin_groups(conn: sqlite3.Connection) -> None:
    """Store each quote's near-duplicate group: the smallest id of the quotes that say
    the same words (`terms.near_duplicate` on their comparison forms, chained)."""
    groups = twin_groups(_comparison_forms(conn, "id"), _comparison_forms(conn, "length(tokens), id"))
    conn.execute("UPDATE quotes SET twin_group = id")
    conn.executemany(
        "UPDATE quotes SET twin_group = ? WHERE id = ?",
        ((group, qid) for qid, group in groups.items() if group != qid),
    )


def add_twin_groups(conn: sqlite3.Connection, first_quote: int) -> None:
    """Group the quotes from id `first_quote` on (those a build adds to a stored corpus):
    among themselves as `fill_twin_groups` does, and each with the TWIN_VISITS stored quotes
    that share most of its TWIN_KEYS rarest stored terms (found through the full-text index,
    so the stored quotes are not read again). Two stored groups a new quote joins become one,
    under the smaller id. Both this and a build from scratch compare a bounded number of
    candidates, so they may differ on a few pairs (`bench/rebuild.py --full` counts them)."""
    added = list(_comparison_forms(conn, "id", first_quote))
    parent: dict[int, int] = {}

    def root(qid: int) -> int:
        while parent.get(qid, qid) != qid:
            qid = parent[qid]
        return qid

    def join(one: int, other: int) -> None:
        low, high = sorted((root(one), root(other)))
        if low != high:
            parent[high] = low

    for qid, group in twin_groups(added).items():
        join(qid, group)
    for qid, form in added:
        for group, stored_form in _stored_near(conn, qid, first_quote):
            if terms.near_duplicate(form, stored_form):
                join(qid, group)  # a stored quote's group is its smallest id
    conn.execute("UPDATE quotes SET twin_group = id WHERE id >= ?", (first_quote,))
    conn.executemany(
        "UPDATE quotes SET twin_group = ? WHERE id = ?",
        ((root(qid), qid) for qid, _form in added if root(qid) != qid),
    )
    # Stored groups joined under a smaller one: renamed in one pass (twin_group has no index,
    # so one UPDATE per group would read every quote again).
    merged = [(group, root(group)) for group in parent if group < first_quote and root(group) != group]
    conn.execute("CREATE TEMP TABLE regrouped (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
    conn.executemany("INSERT INTO temp.regrouped VALUES (?, ?)", merged)
    conn.execute(
        "UPDATE quotes SET twin_group = (SELECT new FROM temp.regrouped WHERE old = twin_group)"
        " WHERE twin_group IN (SELECT old FROM temp.regrouped)"
    )
    conn.execute("DROP TABLE temp.regrouped")


def _stored_near(conn: sqlite3.Connection, qid: int, first_quote: int) -> list[tuple[int, str]]:
    """(group, comparison form) of the stored quotes (ids below `first_quote`) holding one of
    quote `qid`'s TWIN_KEYS rarest indexed terms that are stored, TWIN_VISITS at most."""
    (tokens,) = conn.execute("SELECT tokens FROM quotes WHERE id = ?", (qid,)).fetchone()
    found = sorted(terms.index_terms(tokens.split(" ") if tokens else []))
    if not found:
        return []
    marks = ",".join("?" * len(found))
    frequency = dict(conn.execute(f"SELECT term, df FROM {VOCAB_TABLE} WHERE term IN ({marks})", found))
    # The rarest of the terms some stored quote holds (a typo's own pairs are in none).
    rarest = sorted((t for t in found if t in frequency), key=lambda term: (frequency[term], term))[:TWIN_KEYS]
    if not rarest:
        return []
    match = " OR ".join('"' + term.replace('"', '""') + '"' for term in rarest)
    return conn.execute(
        f"SELECT q.twin_group, replace(q.tokens, ' ', '') FROM quotes q WHERE q.id IN"
        f" (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid < ? ORDER BY rank LIMIT ?)",
        (match, first_quote, TWIN_VISITS),
    ).fetchall()


def _comparison_forms(conn: sqlite3.Connection, order: str, first_quote: int = 0) -> Iterator[tuple[int, str]]:
    """(id, comparison form) of every stored quote (from id `first_quote` on), in this SQL
    order, streamed."""
    for qid, tokens in conn.execute(f"SELECT id, tokens FROM quotes WHERE id >= ? ORDER BY {order}", (first_quote,)):
        yield qid, (tokens or "").replace(" ", "")


def twin_groups(
    forms: Iterable[tuple[int, str]], shortest_first: Iterable[tuple[int, str]] | None = None
) -> dict[int, int]:
    """Quote id -> the smallest id of its near-duplicate group, for every quote that has a
    near-duplicate (the others are groups of one), from (id, comparison form) pairs;
    `shortest_first` is the same pairs again, shortest form first (for a stream read twice).

    Quotes are taken shortest first, each filed under its TWIN_KEYS rarest character
    pairs; each is compared with the latest quotes filed under any of its pairs, rarest
    pair first, TWIN_CANDIDATES at most, skipping those already in its group. A shorter
    quote held in a longer one has all its pairs there, and near-equal quotes share most
    of theirs, so this finds them without comparing every pair of quotes, and memory
    holds only the latest quotes of each pair.
    """
    if shortest_first is None:
        forms = list(forms)
        shortest_first = sorted(forms, key=lambda item: (len(item[1]), item[0]))
    frequency: Counter[str] = Counter()
    for _qid, form in forms:
        frequency.update(set(_pairs(form)))
    parent: dict[int, int] = {}

    def root(qid: int) -> int:
        while parent.get(qid, qid) != qid:
            parent[qid] = parent.get(parent[qid], parent[qid])  # halve the path as it is walked
            qid = parent[qid]
        return qid

    latest: dict[str, list[int]] = {}
    held: dict[int, str] = {}  # the forms of the quotes some `latest` list holds
    holders: Counter[int] = Counter()  # how many `latest` lists hold each
    for qid, form in shortest_first:
        pairs = sorted(set(_pairs(form)), key=lambda pair: (frequency[pair], pair))
        keys = pairs[:TWIN_KEYS]
        tried = 0
        filed = (o for pair in pairs for o in reversed(latest.get(pair, ())))
        for other in itertools.islice(_unique(filed), TWIN_VISITS):
            if tried == TWIN_CANDIDATES:
                break
            if root(other) == root(qid):
                continue
            tried += 1
            if terms.near_duplicate(form, held[other]):
                low, high = sorted((root(other), root(qid)))
                parent[high] = low
        if keys:
            held[qid] = form
        for key in keys:
            ids = latest.setdefault(key, [])
            ids.append(qid)
            holders[qid] += 1
            if len(ids) > TWIN_CANDIDATES:
                dropped = ids.pop(0)
                holders[dropped] -= 1
                if not holders[dropped]:
                    del held[dropped], holders[dropped]
    return {qid: root(qid) for qid in parent}


def _unique(ids: Iterable[int]) -> Iterator[int]:
    """`ids` without repeats, lazily."""
    seen: set[int] = set()
    for item in ids:
        if item not in seen:
            seen.add(item)
            yield item


def _pairs(form: str) -> list[str]:
    """The character pairs of a comparison form (the single character of a one-character form)."""
    return [form[i : i + 2] for i in range(len(form) - 1)] or ([form] if form else [])
