"""English -> Chinese terms (CC-CEDICT + glossary), readings, the segmenter's user words."""

from __future__ import annotations

from functools import lru_cache

import pytest

from bot import lexicon, normalize
from bot.metadata import load_glossary, load_speakers
from tests.conftest import SEEDS


def test_english_keys_ignore_case_spaces_and_hyphens():
    assert lexicon.english_key("Red-Teaming") == lexicon.english_key("red teaming") == "redteaming"


def test_key_variants_reach_the_plain_form():
    assert "regulation" in lexicon.key_variants("regulations")
    assert "policy" in lexicon.key_variants("policies")
    assert lexicon.key_variants("alignment")[0] == "alignment"


def test_phrases_come_longest_first():
    found = list(lexicon.phrases(["red", "teaming", "works"]))
    assert found[0] == (0, 3, "redteamingworks")
    assert (0, 2, "redteaming") in found
    assert found[-1] == (2, 3, "works")


@pytest.mark.parametrize(
    ("definition", "keys"),
    [
        ("to align; alignment", ["align", "alignment"]),
        ("printing press", ["printingpress"]),
        ("nonprofit organization", ["nonprofitorganization"]),
        ("CL:個|个[ge4]", []),
        ("variant of 著[zhe5]", []),
        ("a very long description of something that is not a translation", []),
    ],
)
def test_gloss_keys(definition, keys):
    assert lexicon.gloss_keys(definition) == keys


@lru_cache(maxsize=1)
def _cedict_sample() -> dict[str, list]:
    return {simplified: defs for simplified, _py, defs in lexicon.cedict_entries()}


def test_cedict_is_read_from_the_installed_package():
    entries = _cedict_sample()
    assert "印刷机" in entries
    assert any("printing press" in d for d in entries["印刷机"])


def test_translations_keep_only_terms_in_the_corpus_and_glossary_wins():
    corpus = {"印刷机", "对齐", "意识"}
    rows = lexicon.translations({"alignment": ["对齐"]}, corpus.__contains__)
    by_key: dict[str, dict[str, float]] = {}
    for key, term, weight in rows:
        by_key.setdefault(key, {})[term] = weight
    assert by_key["alignment"]["对齐"] == lexicon.GLOSSARY_WEIGHT
    assert "印刷机" in by_key["printingpress"]
    assert "意识" in by_key["consciousness"]
    assert all(term in corpus for _key, term, _weight in rows)


def test_readings_give_homophones():
    readings = set(lexicon.readings())
    assert {("碗", "wan"), ("晚", "wan"), ("气", "qi"), ("汽", "qi")} <= readings


def test_glossary_file_is_well_formed():
    glossary = load_glossary(SEEDS)
    assert glossary["alignment"][0] == "对齐"
    assert glossary["red teaming"]
    assert all(terms and all(t.strip() for t in terms) for terms in glossary.values())
    assert all(key == key.lower() for key in glossary)


def test_user_words_hold_names_and_domain_terms_normalized():
    words = lexicon.user_words(load_speakers(SEEDS), load_glossary(SEEDS))
    assert {"山姆奥特曼", "杨立昆", "可扩展监督", "红队测试"} <= set(words)
    assert all(w == normalize.normalize(w) for w in words)
