"""Transcripts from the wild: the hand-written fixtures of every format, ingested into the seeds.

    .venv/bin/python bench/wild.py [--show]

Builds the seed corpus plus tests/data/wild/ (and its aligned pair) in a temporary
folder, with the speakers and sources entries that folder ships (what an operator adds
after reading its ingest report), and prints what issue 19 targets:
- quotes holding markup (none may);
- paragraphs given with an original, and how many became one quote with it;
- every English sentence (of 5 words or more) of every original, asked as it is: the
  share whose quote comes first (target: 95% or more);
- roles nobody plays (reported, never people), and each document's title, date, URL
  and publisher with where each came from.
--show lists the sentences whose quote did not come first.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from click.testing import CliRunner  # noqa: E402

from bot.cli import cli  # noqa: E402
from bot.extract.markup import find_markup  # noqa: E402
from bot.extract.quotes import split_sentences  # noqa: E402
from bot.quotedb import Quote, QuoteDB  # noqa: E402
from bot.search import Searcher  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "tests" / "data" / "wild"
MIN_WORDS = 5


def build_wild(folder: Path) -> tuple[Path, str]:
    """Build seeds + the wild fixtures into `folder`; the database and the ingest output."""
    seeds = folder / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    for name in ("speakers.toml", "sources.toml"):
        extra = (WILD / name).read_text(encoding="utf-8")
        with (seeds / name).open("a", encoding="utf-8") as handle:
            handle.write("\n" + extra)
    db = folder / "quotes.db"
    result = CliRunner().invoke(
        cli, ["ingest", "--seeds", str(seeds), "--db", str(db), str(WILD), str(WILD / "aligned")]
    )
    if result.exit_code != 0:
        raise SystemExit(f"ingest failed: {result.output}")
    return db, result.output


def original_sentences(quote: Quote) -> list[str]:
    """The English sentences of a quote's original long enough to be asked on their own."""
    return [s.strip() for s in split_sentences(quote.original or "") if len(re.findall(r"[A-Za-z]+", s)) >= MIN_WORDS]


def first_hits(searcher: Searcher, quotes: list[Quote]) -> tuple[int, list[tuple[str, str]]]:
    """How many original sentences find their own quote first, and the ones that do not."""
    hits, misses = 0, []
    for quote in quotes:
        for sentence in original_sentences(quote):
            found = searcher.search(sentence, limit=1)
            if found and found[0].quote.text == quote.text:
                hits += 1
            else:
                misses.append((sentence, found[0].quote.text if found else "(nothing)"))
    return hits, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the sentences that missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db_path, output = build_wild(Path(folder))
        db = QuoteDB(db_path)
        quotes = db.quotes()
        with_markup = [q for q in quotes if find_markup(q.text) or find_markup(q.original or "")]
        bilingual = [q for q in quotes if q.original]
        hits, misses = first_hits(Searcher(db_path), bilingual)
        asked = hits + len(misses)
        print(f"quotes: {len(quotes)}; holding markup: {len(with_markup)}")
        print(f"quotes with an original: {len(bilingual)}")
        print(f"original sentences asked in English: {asked}; their quote first: {hits} "
              f"({100 * hits / max(asked, 1):.1f}%)")
        roles = output[output.index("# Roles nobody"):] if "# Roles nobody" in output else "(none)\n"
        print("roles nobody plays:\n" + roles)
        for row in db.sources():
            source = row.source
            if (WILD / source.file).exists() or (WILD / "aligned" / source.file).exists():
                print(f"{source.file}: {source.title!r}, {source.date}, {source.url}, {source.publisher!r}")
        if args.show:
            for sentence, first in misses:
                print(f"MISS {sentence!r} -> {first[:60]!r}")


if __name__ == "__main__":
    main()
