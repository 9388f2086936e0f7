"""The search tables the build writes over the inserted quotes.

A contentless FTS5 index of each quote's terms and speaker, the document frequency
of every term (`vocab`), the English -> Chinese translations that occur in the
corpus (`lexicon`) and characters' readings (`readings`). Their names live in
`bot.quotedb`; the searcher reads them through `QuoteDB`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import sqlite_utils

from bot import lexicon, normalize, terms
from bot.quotedb import FTS_TABLE, LEXICON_TABLE, READINGS_TABLE, SPELLING_TABLE, VOCAB_TABLE


def build_search_index(db: sqlite_utils.Database, glossary: dict[str, list[str]]) -> None:
    """The search tables over the inserted quotes (owned by the matching work)."""
    conn = db.conn
    _fill_fts(conn)
    _fill_translations(conn, glossary, _fill_vocab(conn))


def add_to_search_index(db: sqlite_utils.Database, glossary: dict[str, list[str]], first_quote: int) -> None:
    """Index the quotes from id `first_quote` on (those a build adds): their terms into the
    full-text index and the document frequencies; the translations and readings, which
    depend on what occurs in the whole corpus, are made again."""
    conn = db.conn
    conn.execute("CREATE VIRTUAL TABLE temp.added USING fts5(terms, content='', columnsize=0, tokenize='ascii')")
    for batch in _quote_term_rows(conn, first_quote):
        conn.executemany(f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (?, ?)", batch)
        conn.executemany("INSERT INTO temp.added(rowid, terms) VALUES (?, ?)", batch)
    # The new quotes' frequencies, counted by the very tokenizer of the index, added.
    conn.execute("CREATE VIRTUAL TABLE temp.added_rows USING fts5vocab(temp, added, 'row')")
    conn.execute(
        f"INSERT INTO {VOCAB_TABLE}(term, df) SELECT term, doc FROM temp.added_rows WHERE true"
        " ON CONFLICT(term) DO UPDATE SET df = df + excluded.df"
    )
    conn.execute("DROP TABLE temp.added_rows")
    conn.execute("DROP TABLE temp.added")
    conn.execute(f"DROP TABLE {LEXICON_TABLE}")
    conn.execute(f"DROP TABLE {READINGS_TABLE}")
    conn.execute(f"DROP TABLE {SPELLING_TABLE}")
    _fill_translations(conn, glossary, dict(conn.execute(f"SELECT term, df FROM {VOCAB_TABLE}")))


def _fill_translations(conn: sqlite3.Connection, glossary: dict[str, list[str]], vocab: dict[str, int]) -> None:
    """The English -> Chinese translations and the readings of the characters that occur in
    the corpus (judged from its indexed terms, `vocab`)."""
    occurs = _occurs_in(vocab)
    corpus_chars = {ch for term in vocab for ch in term}
    conn.execute(f"CREATE TABLE {LEXICON_TABLE} (en TEXT NOT NULL, zh TEXT NOT NULL, weight REAL)")
    conn.executemany(
        f"INSERT INTO {LEXICON_TABLE} VALUES (?, ?, ?)", lexicon.translations(glossary, occurs)
    )
    conn.execute(f"CREATE INDEX {LEXICON_TABLE}_en ON {LEXICON_TABLE}(en)")
    conn.execute(
        f"CREATE TABLE {READINGS_TABLE} (char TEXT NOT NULL, py TEXT NOT NULL, in_corpus INTEGER)"
    )
    conn.executemany(
        f"INSERT INTO {READINGS_TABLE} VALUES (?, ?, ?)",
        ((ch, py, int(ch in corpus_chars)) for ch, py in lexicon.readings()),
    )
    conn.execute(f"CREATE INDEX {READINGS_TABLE}_char ON {READINGS_TABLE}(char)")
    conn.execute(f"CREATE INDEX {READINGS_TABLE}_py ON {READINGS_TABLE}(py, in_corpus)")
    _fill_spelling(conn, vocab)


def _fill_spelling(conn: sqlite3.Connection, vocab: dict[str, int]) -> None:
    """The Latin words a query may be corrected to, filed under themselves and their
    one-letter deletions: the corpus's own words, the English of its translations and
    its speakers' names, each as common as the corpus says. And, under themselves alone
    with no frequency, the dictionary's other English words: real words the corpus never
    uses (bread), which are meant as typed, not typos of a word it does (dread)."""
    known = _known_words(conn, vocab)
    conn.execute(
        f"CREATE TABLE {SPELLING_TABLE} (key TEXT, word TEXT, freq INTEGER,"
        " PRIMARY KEY (key, word)) WITHOUT ROWID"
    )
    conn.executemany(
        f"INSERT INTO {SPELLING_TABLE} VALUES (?, ?, ?)",
        ((key, word, freq) for word, freq in known.items() for key in {word} | terms.deletions(word)),
    )
    conn.executemany(
        f"INSERT INTO {SPELLING_TABLE} VALUES (?, ?, 0)",
        ((word, word) for word in lexicon.english_words() - known.keys() if len(word) >= terms.MIN_SPELLED),
    )


def _known_words(conn: sqlite3.Connection, vocab: dict[str, int]) -> dict[str, int]:
    """Latin word -> how common it is: its quotes, or its translations' quotes; a speaker's
    name counts as all their quotes."""
    known: dict[str, int] = {}

    def add(word: str, freq: int) -> None:
        if len(word) >= terms.MIN_SPELLED and word.isascii() and word.isalpha():
            known[word] = max(known.get(word, 0), freq)

    for term, df in vocab.items():
        add(term, df)
    for en, zh in conn.execute(f"SELECT en, zh FROM {LEXICON_TABLE}"):
        add(en, vocab.get(zh, 1))
    for names, count in conn.execute(
        "SELECT s.name || ' ' || s.aliases, count(q.id) FROM speakers s"
        " LEFT JOIN quotes q ON q.speaker_id = s.id GROUP BY s.id"
    ):
        for word in normalize.words(names).split(" "):
            add(word, max(count, 1))
    return known


def _fill_fts(conn: sqlite3.Connection) -> None:
    """Index every quote's terms, from the words stored with it.

    The FTS5 table is contentless (the terms are only ever matched, never shown) and
    keeps no column sizes (quotes are short; bm25 then needs no per-row lookup).
    """
    conn.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
        "terms, content='', columnsize=0, tokenize='ascii')"
    )
    for batch in _quote_term_rows(conn, 0):
        conn.executemany(f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (?, ?)", batch)
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


def _quote_term_rows(conn: sqlite3.Connection, first_quote: int) -> Iterator[list[tuple[int, str]]]:
    """(quote id, its indexed terms) of the quotes from id `first_quote` on, in batches."""
    rows = conn.execute("SELECT id, speaker_id, tokens FROM quotes WHERE id >= ? ORDER BY id", (first_quote,))
    while batch := rows.fetchmany(5000):
        yield [(qid, " ".join(_quote_terms(tokens, speaker))) for qid, speaker, tokens in batch]


def _quote_terms(tokens: str, speaker_id: int) -> list[str]:
    found = terms.index_terms(tokens.split(" ") if tokens else [])
    return sorted(found) + [f"{terms.SPEAKER_PREFIX}{speaker_id}"]


def _fill_vocab(conn: sqlite3.Connection) -> dict[str, int]:
    """Each indexed term's document frequency, in a plain table the searcher reads by key."""
    conn.execute(f"CREATE VIRTUAL TABLE temp.fts_rows USING fts5vocab(main, {FTS_TABLE}, 'row')")
    conn.execute(f"CREATE TABLE {VOCAB_TABLE} (term TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID")
    conn.execute(f"INSERT INTO {VOCAB_TABLE} SELECT term, doc FROM temp.fts_rows")
    conn.execute("DROP TABLE temp.fts_rows")
    return dict(conn.execute(f"SELECT term, df FROM {VOCAB_TABLE}"))


def _occurs_in(vocab: dict[str, int]) -> Callable[[str], bool]:
    """Whether a normalized term occurs in the corpus, judged from the indexed terms."""

    def occurs(term: str) -> bool:
        if term in vocab:
            return True
        pairs = terms.bigrams(term)
        return len(pairs) >= 2 and len(pairs) == len(term) - 1 and all(p in vocab for p in pairs)

    return occurs
