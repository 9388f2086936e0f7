"""The hand-labelled attribution dev set: each text lies in quotes of its speaker only."""

from __future__ import annotations

import sqlite3
import unicodedata
from functools import cache

import opencc
import pytest

from tests.conftest import read_jsonl

SPEAKER_LINES = read_jsonl("speakers.jsonl")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def dev_normalize(text: str) -> str:
    """The dev set's own comparison form (tests/data/README.md): NFKC, simplified, lower case,
    white space and punctuation removed. Kept separate from bot.normalize on purpose."""
    folded = _converter().convert(unicodedata.normalize("NFKC", text)).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


@pytest.fixture(scope="module")
def quotes_by_file(quotes_db) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Per source file: (normalized text, speaker, speaker's names) of every quote."""
    conn = sqlite3.connect(quotes_db)
    rows = conn.execute(
        """SELECT s.file, q.text, sp.name, sp.name_zh, sp.aliases FROM quotes q
           JOIN speakers sp ON sp.id = q.speaker_id JOIN sources s ON s.id = q.source_id"""
    ).fetchall()
    conn.close()
    import json

    result: dict[str, list] = {}
    for file, text, name, name_zh, aliases in rows:
        names = [name, name_zh, *json.loads(aliases)]
        result.setdefault(file, []).append((dev_normalize(text), name, names))
    return result


@pytest.mark.parametrize("line", SPEAKER_LINES, ids=lambda line: line["text"][:16])
def test_dev_line_is_attributed_exactly(line, quotes_by_file):
    needle = dev_normalize(line["text"])
    holders = [(name, names) for text, name, names in quotes_by_file[line["file"]] if needle in text]
    if line["speaker"] is None:
        assert holders == [], f"non-speech found in quotes of {[h[0] for h in holders]}"
    else:
        assert holders, "text not found in any quote"
        wrong = [name for name, names in holders if line["speaker"] not in names]
        assert wrong == [], f"also found in quotes of {wrong}"
