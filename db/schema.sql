-- The quote database's schema, as `quotebot ingest` builds it (bot/index/).
-- Generated: python -m tests.test_schema db/quotes.db > db/schema.sql
-- quotes_fts is an FTS5 table; its shadow tables (quotes_fts_*) are left out.

CREATE TABLE lexicon (en TEXT NOT NULL, zh TEXT NOT NULL, weight REAL);

CREATE TABLE "meta" (
   "key" TEXT PRIMARY KEY,
   "value" TEXT
);

CREATE TABLE "passages" (
   "id" INTEGER PRIMARY KEY,
   "source_id" INTEGER REFERENCES "sources"("id"),
   "speaker_id" INTEGER REFERENCES "speakers"("id"),
   "position" INTEGER,
   "prev_id" INTEGER REFERENCES "passages"("id"),
   "line" INTEGER,
   "kind" TEXT,
   "text" TEXT
);

CREATE TABLE "quotes" (
   "id" INTEGER PRIMARY KEY,
   "passage_id" INTEGER REFERENCES "passages"("id"),
   "speaker_id" INTEGER REFERENCES "speakers"("id"),
   "source_id" INTEGER REFERENCES "sources"("id"),
   "position" INTEGER,
   "kind" TEXT,
   "text" TEXT,
   "original" TEXT,
   "original_lang" TEXT,
   "start" REAL,
   "tokens" TEXT,
   "quality" REAL,
   "postable" INTEGER,
   "postable_score" REAL,
   "postable_why" TEXT,
   "twin_group" INTEGER
);

CREATE VIRTUAL TABLE quotes_fts USING fts5(terms, content='', columnsize=0, tokenize='ascii');

CREATE TABLE readings (char TEXT NOT NULL, py TEXT NOT NULL, in_corpus INTEGER);

CREATE TABLE sentence_vectors (row INTEGER PRIMARY KEY, quote_id INTEGER NOT NULL, code BLOB);

CREATE TABLE "sources" (
   "id" INTEGER PRIMARY KEY,
   "file" TEXT NOT NULL,
   "title" TEXT,
   "publisher" TEXT,
   "url" TEXT,
   "date" TEXT,
   "event" TEXT,
   "script" TEXT
);

CREATE TABLE "speakers" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT NOT NULL,
   "name_zh" TEXT,
   "aliases" TEXT
);

CREATE TABLE spelling (key TEXT, word TEXT, freq INTEGER, PRIMARY KEY (key, word)) WITHOUT ROWID;

CREATE TABLE vocab (term TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID;

CREATE INDEX "idx_passages_prev_id"
    ON "passages" ("prev_id");

CREATE INDEX "idx_quotes_passage_id"
    ON "quotes" ("passage_id");

CREATE INDEX "idx_quotes_speaker_id"
    ON "quotes" ("speaker_id");

CREATE INDEX "idx_quotes_speaker_id_postable_score_quality"
    ON "quotes" ("speaker_id", "postable_score", "quality");

CREATE UNIQUE INDEX "idx_sources_file"
    ON "sources" ("file");

CREATE UNIQUE INDEX "idx_speakers_name"
    ON "speakers" ("name");

CREATE INDEX lexicon_en ON lexicon(en);

CREATE INDEX readings_char ON readings(char);

CREATE INDEX readings_py ON readings(py, in_corpus);
