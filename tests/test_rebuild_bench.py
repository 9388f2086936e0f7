"""bench/rebuild.py: a rebuild with more quotes reuses the vectors of the quotes it had."""

from __future__ import annotations

import json

from bench import rebuild


def test_a_rebuild_embeds_only_the_new_quotes_sentences(tmp_path, capsys):
    assert rebuild.main(["--size", "500", "--out", str(tmp_path)]) == 0
    figures = json.loads((tmp_path / "rebuild-500.json").read_text())
    first, second = figures["first_build"], figures["rebuild_with_1_percent_more"]
    assert first["quotes"] == 500 and first["embedded"] == first["sentences"] > 0
    assert second["quotes"] == 1_000  # one whole document more
    assert 0 < second["embedded"] <= second["sentences"] - first["sentences"]
    assert "rebuild with 1% more" in capsys.readouterr().out
