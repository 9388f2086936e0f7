"""A build that only adds new documents to the stored corpus (bot/index/append.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import numpy as np
import pytest

from bot import index, meaning
from bot.index import append
from bot.quotedb import QuoteDB
from bot.search import Searcher
from tests.conftest import SEEDS

QUERIES = ["对齐", "alignment", "开源", "AI会毁灭人类吗", "we could try using AI systems to assist humans"]
# Every stored table but the near-duplicate groups, which an added build may join less.
TABLES = {
    "speakers": "SELECT * FROM speakers ORDER BY id",
    "sources": "SELECT * FROM sources ORDER BY id",
    "passages": "SELECT * FROM passages ORDER BY id",
    "quotes": "SELECT id, passage_id, speaker_id, source_id, position, kind, text, tokens, quality,"
    " postable, postable_score, postable_why FROM quotes ORDER BY id",
    "vocab": "SELECT * FROM vocab ORDER BY term",
    "lexicon": "SELECT * FROM lexicon ORDER BY en, zh",
    "readings": "SELECT * FROM readings ORDER BY char, py",
    "vectors": "SELECT * FROM sentence_vectors ORDER BY row",
    "meta": "SELECT * FROM meta WHERE key != 'counts' ORDER BY key",
}


@pytest.fixture(scope="module")
def corpus():
    return index.extract_paths([SEEDS], SEEDS)


def _build(corpus, path, documents=None, **options) -> dict[str, int]:
    count = len(corpus.documents) if documents is None else documents
    return index.build(
        corpus.documents[:count], corpus.speakers, path, corpus.glossary, corpus.judgements[:count], **options
    )


def _rows(path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        rows = {name: conn.execute(query).fetchall() for name, query in TABLES.items()}
        # The full-text index, as the searcher reads it: each term's rows.
        conn.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, quotes_fts, 'instance')")
        rows["fts"] = conn.execute("SELECT term, doc FROM temp.terms ORDER BY term, doc").fetchall()
        return rows
    finally:
        conn.close()


@pytest.fixture(scope="module")
def grown(corpus, tmp_path_factory):
    """(counts of the build that added the last two documents, its file, a full build's file)."""
    folder = tmp_path_factory.mktemp("append")
    _build(corpus, folder / "grown.db", documents=len(corpus.documents) - 2)
    counts = _build(corpus, folder / "grown.db")
    _build(corpus, folder / "full.db")
    return counts, folder / "grown.db", folder / "full.db"


def test_adding_documents_stores_what_a_full_build_stores(grown):
    counts, grown_db, full_db = grown
    assert counts["added"] == 2
    added, full = _rows(grown_db), _rows(full_db)
    for table in added:
        assert added[table] == full[table], table
    assert counts["embedded"] < counts["sentences"]  # only the new documents' sentences


def test_the_added_quotes_keep_their_near_duplicate_groups(grown):
    _counts, grown_db, full_db = grown
    read = "SELECT id, twin_group FROM quotes ORDER BY id"
    added, full = (dict(sqlite3.connect(path).execute(read).fetchall()) for path in (grown_db, full_db))
    joined = sum(added[q] != q for q in added)
    assert joined and joined == sum(full[q] != q for q in full)
    assert added == full


def test_the_searcher_answers_alike_from_either_build(grown):
    _counts, grown_db, full_db = grown
    on_grown, on_full = Searcher(grown_db), Searcher(full_db)
    for query in QUERIES:
        found = [(m.quote.id, m.matched_by) for m in on_grown.search(query, limit=3)]
        assert found == [(m.quote.id, m.matched_by) for m in on_full.search(query, limit=3)], query


def test_a_changed_or_reordered_document_builds_everything_again(corpus, tmp_path):
    path = tmp_path / "q.db"
    built = _build(corpus, path)
    before = path.stat()
    same = _build(corpus, path)  # the same documents: nothing to add, the file left as it is
    assert same == {**built, "embedded": 0, "added": 0}
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    first = corpus.documents[0]
    changed = replace(first, source=replace(first.source, title="Another title"))
    documents = [changed, *corpus.documents[1:]]
    counts = index.build(documents, corpus.speakers, path, corpus.glossary)
    assert "added" not in counts
    reordered = corpus.documents[::-1]
    assert "added" not in index.build(reordered, corpus.speakers, path, corpus.glossary)


def test_other_inputs_or_asking_for_it_build_everything_again(corpus, tmp_path):
    path = tmp_path / "q.db"
    _build(corpus, path, documents=2)
    assert "added" not in _build(corpus, path, full=True)
    _build(corpus, path, documents=2)
    glossary = {**corpus.glossary, "spaceship": ["飞船"]}
    counts = index.build(corpus.documents, corpus.speakers, path, glossary, corpus.judgements)
    assert "added" not in counts
    assert append.documents_to_add(tmp_path / "missing.db", {}) is None


def test_an_added_build_grows_the_ann_index_without_training_it_again(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(meaning, "ANN_THRESHOLD", 100)
    monkeypatch.setattr(meaning, "PQ_MIN_ROWS", 100)
    path = tmp_path / "q.db"
    _build(corpus, path, documents=len(corpus.documents) - 1)
    conn = sqlite3.connect(path)
    before = conn.execute("SELECT data FROM vector_graph").fetchone()[0]
    conn.close()
    counts = _build(corpus, path)
    assert counts["added"] == 1
    conn = sqlite3.connect(path)
    after = conn.execute("SELECT data FROM vector_graph").fetchone()[0]
    rows = conn.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0]
    conn.close()
    faiss = pytest.importorskip("faiss")
    grown_ann = faiss.deserialize_index(np.frombuffer(after, np.uint8))
    old_ann = faiss.deserialize_index(np.frombuffer(before, np.uint8))
    assert grown_ann.ntotal == rows > old_ann.ntotal
    # The same lists (centroids): added to, not trained again.
    centroids = [ann.quantizer.reconstruct_n(0, ann.nlist) for ann in (grown_ann, old_ann)]
    assert np.array_equal(*centroids)
    [match] = Searcher(path).search("we could try using AI systems to assist humans in supervising other AI systems", limit=1)
    assert "监督" in match.quote.text


def test_a_damaged_database_is_built_again_not_added_to(corpus, tmp_path):
    from tests.test_damaged_database import scrambled_index_copy

    good, path = tmp_path / "good.db", tmp_path / "q.db"
    _build(corpus, good, documents=2)
    scrambled_index_copy(good, path)  # every page sound, the full-text postings noise
    counts = _build(corpus, path)
    assert "added" not in counts and counts["documents"] == len(corpus.documents)
    QuoteDB(path).close()  # its checks pass: built again, not copied on
