"""What the bench scripts share: where the repository is, and the quote database to measure."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@contextlib.contextmanager
def quote_database(db_path: Path | None) -> Iterator[Path]:
    """`db_path` when given; else a database built from seeds/ into a temporary folder,
    removed when the block ends."""
    if db_path is not None:
        yield db_path
        return
    from bot.index import build_from_paths

    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / "quotes.db"
        build_from_paths([SEEDS], SEEDS, built)
        yield built


def db_help() -> str:
    """The --db option's help, the same in every script."""
    return "the quote database (default: built from seeds/ into a temporary folder)"
