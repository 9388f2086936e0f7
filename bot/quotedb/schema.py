"""The quote database's shape: table names, columns, the schema, its version, the one error.

The builder (`bot.index`) creates the tables here and writes the speakers and the
meta keys through these functions; `bot.quotedb.reads` checks the version on open.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from bot import normalize
from bot.metadata import Speaker
from bot.records import Source

# Bump when a table changes: a database of another version must be rebuilt.
SCHEMA_VERSION = 6

# Columns the matcher reads: the segmented comparison form (the comparison form
# itself is it without spaces, so it is not stored twice) and the quotability prior.
SEARCH_COLUMNS = {"tokens": str, "quality": float}
# What a translated quote keeps of the speaker's own words (their language: "en", "zh"),
# and when a quote from a recording is said (seconds from its start); NULL when unknown.
ORIGINAL_COLUMNS = {"original": str, "original_lang": str, "start": float}
# Columns the picker reads (/random, /daily, an empty inline query): the postability
# judgement made at ingest (flag, score, reason codes as a JSON list) and the
# quote's near-duplicate group (the smallest id of the quotes saying the same words).
PICK_COLUMNS = {"postable": int, "postable_score": float, "postable_why": str, "twin_group": int}
# The search tables: a contentless FTS5 index of each quote's words, CJK bigrams,
# number sizes and speaker; the document frequency of every term (to pick a query's
# selective terms without touching the index); English -> Chinese translations that
# occur in the corpus; characters' readings (for homophone typos).
FTS_TABLE = "quotes_fts"
VOCAB_TABLE = "vocab"
LEXICON_TABLE = "lexicon"
READINGS_TABLE = "readings"
# The Latin words the corpus knows (its own, its translations' English, its speakers'
# names), each under itself and its one-letter deletions (a SymSpell index, on disk so a
# million quotes cost the searching process no memory), with how common each word is.
SPELLING_TABLE = "spelling"
# Matching by meaning (optional: a database built without the model package has no such
# table, and the bot answers on words alone): one sentence vector per row (4-bit codes,
# `bot.meaning.quantize`), owned by a quote, its rows in sentence order (the next build's cache).
VECTORS_TABLE = "sentence_vectors"
VECTOR_TAG_KEY = "vector_tag"
# From bot.meaning.ANN_THRESHOLD vectors on, the ANN index over them (faiss IVF-PQ), built with them.
VECTOR_GRAPH_TABLE = "vector_graph"
TABLES = ("meta", "speakers", "sources", "passages", "quotes", FTS_TABLE, VOCAB_TABLE,
          LEXICON_TABLE, READINGS_TABLE, SPELLING_TABLE)

MISSING = "no quote database at {path} (build it with `quotebot ingest`)"
DAMAGED = "{path} is damaged ({detail}): rebuild it with `quotebot ingest`"


class DatabaseError(Exception):
    """The quote database is missing, unreadable, not a quote database, or of another version."""


# -- writing (the builder) ----------------------------------------------------------


def create_schema(db: sqlite_utils.Database) -> None:
    """The tables of speakers, sources, passages and quotes (the search tables come later)."""
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("speakers").create(
        {"id": int, "name": str, "name_zh": str, "aliases": str}, pk="id", not_null={"name"}
    )
    db.table("speakers").create_index(["name"], unique=True)
    db.table("sources").create(
        {"id": int, **{name: str for name in Source.__dataclass_fields__}},
        pk="id",
        not_null={"file"},
    )
    db.table("sources").create_index(["file"], unique=True)
    db.table("passages").create(
        {"id": int, "source_id": int, "speaker_id": int, "position": int, "prev_id": int,
         "line": int, "kind": str, "text": str},
        pk="id",
        foreign_keys=[
            ("source_id", "sources", "id"),
            ("speaker_id", "speakers", "id"),
            ("prev_id", "passages", "id"),
        ],
    )
    # The searcher reads a question's answer as the turn after it (QuoteDB.answers).
    db.table("passages").create_index(["prev_id"])
    db.table("quotes").create(
        {"id": int, "passage_id": int, "speaker_id": int, "source_id": int, "position": int,
         "kind": str, "text": str, **ORIGINAL_COLUMNS, **SEARCH_COLUMNS, **PICK_COLUMNS},
        pk="id",
        foreign_keys=[
            ("passage_id", "passages", "id"),
            ("speaker_id", "speakers", "id"),
            ("source_id", "sources", "id"),
        ],
    )
    db.table("quotes").create_index(["speaker_id"])
    # A name alone asks for the speaker's best quotes (QuoteDB.speaker_best).
    db.table("quotes").create_index(["speaker_id", "postable_score", "quality"])
    db.table("quotes").create_index(["passage_id"])


def speaker_row(number: int, speaker: Speaker) -> dict[str, Any]:
    """The stored row of a speaker."""
    aliases = json.dumps(list(speaker.aliases), ensure_ascii=False)
    return {"id": number, "name": speaker.name, "name_zh": speaker.name_zh, "aliases": aliases}


def write_meta(db: sqlite_utils.Database, values: dict[str, str]) -> None:
    """Set keys of the meta table."""
    db.table("meta").insert_all([{"key": k, "value": v} for k, v in values.items()], pk="key", replace=True)


def version_meta() -> dict[str, str]:
    """The versions a reader checks on open."""
    return {"schema_version": str(SCHEMA_VERSION), "normalizer_version": str(normalize.VERSION)}

