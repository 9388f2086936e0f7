"""`quotebot ingest`, `quotes`, `speakers`, `sources`: the corpus commands, through CliRunner."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from bot import index
from bot.cli import cli
from tests.conftest import SEEDS, metadata_seeds

DIALOGUE = "Yann:我认为这个领域将很快实现民主化。\n\nAndrew:我们回答一个最后的问题,尽量快速结束。\n"


@pytest.fixture
def seeds(tmp_path):
    """A seeds folder with the real metadata and no documents yet."""
    return metadata_seeds(tmp_path / "seeds")


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


def dump(db_path) -> list:
    """Every row of the content tables, for comparing two builds."""
    conn = sqlite3.connect(db_path)
    rows = [
        conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        for table in ("speakers", "sources", "passages", "quotes")
    ]
    conn.close()
    return rows


def test_ingest_prints_a_summary_per_document_and_speaker(tmp_path):
    result = run("ingest", "--seeds", SEEDS, "--db", tmp_path / "q.db")
    assert result.exit_code == 0, result.output
    for expected in ("000_d92ff2301d41232c.txt", "Zhang Hongjiang", "unattributed", "non-speech", "built"):
        assert expected in result.output


def test_ingest_twice_gives_the_same_database(tmp_path):
    run("ingest", "--seeds", SEEDS, "--db", tmp_path / "a.db")
    run("ingest", "--seeds", SEEDS, "--db", tmp_path / "b.db")
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")


def test_failed_build_leaves_the_previous_database_untouched(tmp_path, seeds, monkeypatch):
    (seeds / "one.txt").write_text(DIALOGUE, encoding="utf-8")
    db = tmp_path / "q.db"
    assert run("ingest", "--seeds", seeds, "--db", db).exit_code == 0
    before = dump(db)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(index.rows, "insert_quotes", explode)
    (seeds / "two.txt").write_text(DIALOGUE.replace("Yann", "Ilya"), encoding="utf-8")
    with pytest.raises(RuntimeError):
        run("ingest", "--seeds", seeds, "--db", db)
    assert dump(db) == before
    assert list(tmp_path.glob("q.db.*")) == []  # no temporary file left behind


def test_ingest_adds_new_documents_and_builds_all_again_when_asked(tmp_path, seeds):
    db = tmp_path / "q.db"
    (seeds / "one.txt").write_text(DIALOGUE, encoding="utf-8")
    assert f"built {db}: 1 documents" in run("ingest", "--seeds", seeds, "--db", db).output
    (seeds / "two.txt").write_text(DIALOGUE.replace("Yann", "Ilya"), encoding="utf-8")
    added = run("ingest", "--seeds", seeds, "--db", db)
    assert f"added 1 new document(s) to {db}: 2 documents" in added.output
    assert len(dump(db)[3]) == 3  # Andrew's words, in both documents, are stored once
    again = run("ingest", "--seeds", seeds, "--db", db)
    assert f"{db} holds these documents already: 2 documents" in again.output
    full = run("ingest", "--seeds", seeds, "--db", db, "--full")
    assert f"built {db}: 2 documents" in full.output


def test_malformed_metadata_is_one_clear_line(tmp_path, seeds):
    (seeds / "speakers.toml").write_text("[[speaker]\nname = ", encoding="utf-8")
    result = run("ingest", "--seeds", seeds, "--db", tmp_path / "q.db")
    assert result.exit_code != 0
    assert "speakers.toml" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "name, payload, message",
    [
        ("gbk.txt", DIALOGUE.encode("gbk"), "converted from GB18030 to UTF-8"),
        ("big5.txt", "Yann:我認為這個領域將很快實現民主化。\n\nAndrew:我們回答一個最後的問題。\n".encode("big5"),
         "converted from"),
        ("page.html", f"<html><body><nav>首页</nav><p>{DIALOGUE.splitlines()[0]}</p><p>{DIALOGUE.splitlines()[2]}</p></body></html>".encode(),
         "converted from HTML to text"),
        ("empty.txt", b"", "empty: skipped"),
        ("story.txt", "這是一篇沒有任何說話人標籤的文章。\n".encode(), "no speaker labels: kept as narration"),
        ("noise.txt", bytes(range(256)) * 4, "binary, not text: skipped"),
        ("latin1.txt", "Yann: café crème, très bien.\n".encode("latin-1") + bytes([0x80, 0xFF]), "not valid UTF-8, GBK or Big5"),
    ],
)
def test_bad_documents_get_one_line_and_the_build_goes_on(tmp_path, seeds, name, payload, message):
    (seeds / "good.txt").write_text(DIALOGUE, encoding="utf-8")
    (seeds / name).write_bytes(payload)
    db = tmp_path / "q.db"
    result = run("ingest", "--seeds", seeds, "--db", db)
    assert result.exit_code == 0, result.output
    assert f"{name}: {message}" in result.output
    assert "Traceback" not in result.output
    speakers = {row[0] for row in sqlite3.connect(db).execute("SELECT DISTINCT speaker_id FROM quotes")}
    assert len(speakers) >= 2  # good.txt made it in


def test_converted_documents_are_attributed(tmp_path, seeds):
    (seeds / "big5.txt").write_bytes("Yann:我認為這個領域將很快實現民主化。\n".encode("big5"))
    run("ingest", "--seeds", seeds, "--db", tmp_path / "q.db")
    result = run("quotes", "--json", "--db", tmp_path / "q.db")
    assert json.loads(result.output.splitlines()[0])["speaker"] == "Yann LeCun"


def test_ingest_accepts_files_and_markdown(tmp_path, seeds):
    md = tmp_path / "talk.md"
    md.write_text("# 标题\n\n**Yann:** 我认为这个领域将很快实现民主化。\n\n**Andrew:** 好的。谢谢大家。\n", encoding="utf-8")
    result = run("ingest", md, "--seeds", seeds, "--db", tmp_path / "q.db")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in run("quotes", "--json", "--db", tmp_path / "q.db").output.splitlines()]
    assert [(r["speaker"], r["text"]) for r in rows] == [
        ("Yann LeCun", "我认为这个领域将很快实现民主化。"),
        ("Andrew Ng", "好的。谢谢大家。"),
    ]


def test_strict_fails_on_unattributed_speech(tmp_path, seeds):
    (seeds / "doc.txt").write_text(DIALOGUE + "\n访谈结束\n\n这句话没有说话人,出现在标题之后。\n", encoding="utf-8")
    assert run("ingest", "--seeds", seeds, "--db", tmp_path / "q.db").exit_code == 0
    result = run("ingest", "--strict", "--seeds", seeds, "--db", tmp_path / "q.db")
    assert result.exit_code != 0
    assert "doc.txt:7: unattributed: 这句话没有说话人" in result.output
    assert "left as it was" in result.output


def test_strict_failure_keeps_the_previous_database(tmp_path, seeds):
    (seeds / "doc.txt").write_text(DIALOGUE, encoding="utf-8")
    db = tmp_path / "q.db"
    assert run("ingest", "--seeds", seeds, "--db", db).exit_code == 0
    before = dump(db)
    (seeds / "bad.txt").write_text("Yann:好的。\n\nElon Musk:我不在名单上。\n", encoding="utf-8")
    result = run("ingest", "--strict", "--seeds", seeds, "--db", db)
    assert result.exit_code != 0
    assert "bad.txt:3: unknown-speaker: Elon Musk" in result.output
    assert dump(db) == before


def test_quotes_json_schema(quotes_db):
    result = run("quotes", "--json", "--db", quotes_db)
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) > 500
    for row in rows:
        assert set(row) >= {"id", "speaker", "text", "kind", "passage_id", "source"}
        assert isinstance(row["id"], int) and isinstance(row["passage_id"], int)
        assert row["kind"] in {"speech", "reported"}
        assert row["text"].strip() == row["text"] and row["text"]
        source = row["source"]
        assert set(source) >= {"file", "title", "publisher", "url", "date"}
        assert source["date"] is None or len(source["date"]) == 10
    assert len({row["id"] for row in rows}) == len(rows)


def test_quote_text_is_verbatim_from_the_source(quotes_db):
    """Every quote, after undoing line wraps, appears in its seed file (editors' notes aside)."""
    rows = [json.loads(line) for line in run("quotes", "--json", "--db", quotes_db).output.splitlines()]
    pages = {}
    for row in rows:
        file = row["source"]["file"]
        if file not in pages:
            raw = (SEEDS / file).read_text(encoding="utf-8")
            pages[file] = "".join(raw.split())
        assert "".join(row["text"].split()) in pages[file] or "注:" in pages[file], row["text"]


def test_speakers_and_sources_tables(quotes_db):
    speakers = run("speakers", "--db", quotes_db).output
    for name in ("Sam Altman", "Yann LeCun", "Andrew Ng", "Ilya Sutskever", "Lex Fridman", "Zhang Hongjiang", "Ravi Belani"):
        assert name in speakers
    assert "吴恩达" in speakers
    sources = run("sources", "--db", quotes_db).output
    assert "2023-06-10" in sources and "traditional" in sources


def test_missing_database_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(cli, ["quotes", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert "no quote database" in result.output


def test_ingest_report_counts_the_postable_quotes_of_each_document(tmp_path, seeds):
    (seeds / "talk.txt").write_text(
        "Yann:开源的人工智能平台会让更多的研究者和创业公司参与进来,这个领域将很快实现民主化,"
        "就像互联网早期发生的那样,每个人都能在上面建设自己的应用。\n\nAndrew:好的。谢谢大家。\n",
        encoding="utf-8",
    )
    result = run("ingest", "--seeds", seeds, "--db", tmp_path / "q.db")
    header = next(line for line in result.output.splitlines() if line.startswith("document"))
    row = next(line for line in result.output.splitlines() if line.startswith("talk.txt"))
    assert dict(zip(header.split(), row.split(), strict=True))["postable"] == "1"
    # The user's transcript is judged as the seeds are: the judgement is stored and shown.
    rows = [json.loads(line) for line in run("quotes", "--json", "--db", tmp_path / "q.db").output.splitlines()]
    assert [(r["speaker"], r["postable"]) for r in rows] == [("Yann LeCun", True), ("Andrew Ng", False)]
    assert rows[1]["postable_why"]
