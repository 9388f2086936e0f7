"""bench/rebuild.py: a rebuild with more quotes adds only the new documents and embeds only their sentences."""

from __future__ import annotations

import json

from bench import rebuild


def test_a_rebuild_adds_the_new_documents_and_embeds_only_their_sentences(tmp_path, capsys):
    assert rebuild.main(["--size", "500", "--out", str(tmp_path), "--full"]) == 0
    figures = json.loads((tmp_path / "rebuild-500.json").read_text())
    first, second = figures["first_build"], figures["rebuild_with_1_percent_more"]
    assert first["quotes"] == 500 and first["embedded"] == first["sentences"] > 0
    assert first["added_documents"] is None  # nothing there yet: built from scratch
    assert second["quotes"] == 1_000 and second["added_documents"] == 1  # one whole document more
    assert 0 < second["embedded"] <= second["sentences"] - first["sentences"]
    scratch = figures["full_rebuild_with_1_percent_more"]
    assert scratch["added_documents"] is None and scratch["quotes"] == 1_000
    assert scratch["embedded"] == 0 and scratch["sentences"] == second["sentences"]
    out = capsys.readouterr().out
    assert "rebuild with 1% more" in out and "the same from scratch" in out
    assert 0 <= figures["twin_groups_differing"] <= 1_000 and "near-duplicate groups" in out
    assert [p.name for p in tmp_path.glob("*.db")] == ["synthetic-500.db"]
