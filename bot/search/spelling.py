"""Typos in Latin script: a word the corpus does not know, corrected to one it does.

The known words (the corpus's own Latin words, the English of its translations, its
speakers' names) are filed at build time under themselves and their one-letter
deletions (`bot.index.search_tables`, a SymSpell index on disk). A typed word's own
deletions find every known word within two edits; Damerau-Levenshtein (rapidfuzz)
keeps those within the bound for the word's length, and the nearest, then the most
common, wins. Short words are left alone: too many real words lie one letter away. So
are the dictionary's real words the corpus never uses (filed with no frequency): `bread`
is not a typo of `dread`, nor `rain` of `train`.
"""

from __future__ import annotations

from rapidfuzz.distance import DamerauLevenshtein

from bot import terms
from bot.quotedb import QuoteDB

# Words this long may be two edits off; shorter ones, one.
TWO_EDITS_FROM = 8


def max_edits(word: str) -> int:
    """How far a typo of `word` may be from the word meant."""
    return 2 if len(word) >= TWO_EDITS_FROM else 1


def correct(db: QuoteDB, word: str) -> str | None:
    """The known word `word` most likely misspells, or None (too short, a real word, or
    nothing near)."""
    if len(word) < terms.MIN_SPELLED or not word.isascii() or not word.isalpha():
        return None
    found = db.spellings({word} | terms.deletions(word))
    if word in found:
        return None  # a real word (bread), meant as typed even where the corpus never uses it
    bound = max_edits(word)
    near = [
        (DamerauLevenshtein.distance(word, known, score_cutoff=bound), -freq, known)
        for known, freq in found.items()
        if freq > 0
    ]
    near = [n for n in near if n[0] <= bound]
    return min(near)[2] if near else None
