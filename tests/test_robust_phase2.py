"""Issue 10's items left for phase 2 (their modules are being rewritten): failing tests now,
expected to fail until then (strict: a pass means the xfail mark must go)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def damaged_copy(quotes_db: Path, tmp_path: Path) -> Path:
    """The quote database with 200 KB in the middle overwritten (its full-text index broken)."""
    copy = tmp_path / "damaged.db"
    shutil.copy(quotes_db, copy)
    data = bytearray(copy.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 200_000] = bytes(range(256)) * (200_000 // 256) + bytes(200_000 % 256)
    copy.write_bytes(bytes(data))
    return copy


@pytest.mark.xfail(strict=True, reason="phase 2: item 4 (corrupt database), search/index rewrite")
def test_a_damaged_database_given_to_ask_is_one_clear_line(quotes_db, tmp_path):
    result = CliRunner().invoke(cli, ["ask", "--db", str(damaged_copy(quotes_db, tmp_path)),
                                      "alignment"])
    assert isinstance(result.exception, SystemExit), result.exception  # no uncaught error
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.xfail(strict=True, reason="phase 2: item 8 (ingest without speakers.toml)")
def test_ingest_without_speakers_toml_does_not_crash(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / "000_d92ff2301d41232c.txt", seeds)
    result = CliRunner().invoke(
        cli, ["ingest", "--seeds", str(seeds), "--db", str(tmp_path / "q.db")]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code != 0:
        assert "speakers.toml" in result.output
