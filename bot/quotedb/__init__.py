"""The quote database's one owner: its tables, its version, how it is opened and read.

The builder (`bot.index`) creates the schema here and writes the rows; everything
that reads (the searcher, the CLI, the benches) opens the file here, read-only,
and reads through these queries. A file that is missing, unreadable, not a quote
database or built by another version is one error, `DatabaseError`, whose message
says what to do.

- `schema`: table names and columns, `create_schema`, the rows and meta keys the
  builder writes, `SCHEMA_VERSION`, `DatabaseError`;
- `vectors`: the stored sentence vectors and ANN graph (written, and reused by the next build);
- `check`: the damage checks run on open (quick_check, the full-text walk);
- `reads`: `QuoteDB`, every read query, and the records it returns.
"""

from bot.quotedb.reads import (
    Context,
    Pickable,
    Quote,
    QuoteDB,
    SearchRow,
    StoredSource,
    StoredSpeaker,
)
from bot.quotedb.schema import (
    DAMAGED,
    FTS_TABLE,
    LEXICON_TABLE,
    MISSING,
    PICK_COLUMNS,
    READINGS_TABLE,
    SCHEMA_VERSION,
    SEARCH_COLUMNS,
    SPELLING_TABLE,
    TABLES,
    VECTOR_GRAPH_TABLE,
    VECTOR_TAG_KEY,
    VECTORS_TABLE,
    VOCAB_TABLE,
    DatabaseError,
    create_schema,
    speaker_row,
    version_meta,
    write_meta,
)
from bot.quotedb.vectors import (
    append_vectors,
    read_all_codes,
    read_vector_graph,
    stored_vectors,
    write_vector_graph,
    write_vectors,
)

__all__ = [
    "append_vectors",
    "read_all_codes",
    "read_vector_graph",
    "DAMAGED",
    "FTS_TABLE",
    "LEXICON_TABLE",
    "MISSING",
    "PICK_COLUMNS",
    "READINGS_TABLE",
    "SCHEMA_VERSION",
    "SEARCH_COLUMNS",
    "SPELLING_TABLE",
    "TABLES",
    "VECTORS_TABLE",
    "VECTOR_GRAPH_TABLE",
    "VECTOR_TAG_KEY",
    "VOCAB_TABLE",
    "Context",
    "DatabaseError",
    "Pickable",
    "Quote",
    "QuoteDB",
    "SearchRow",
    "StoredSource",
    "StoredSpeaker",
    "create_schema",
    "speaker_row",
    "stored_vectors",
    "version_meta",
    "write_meta",
    "write_vector_graph",
    "write_vectors",
]
