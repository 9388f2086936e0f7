"""How characters sound: homophones and near-homophones, as a pinyin keyboard mistypes them.

A pinyin keyboard offers every character of a syllable, tones aside, so a typo is
usually a character that sounds the same (书据 for 数据) or nearly so: speakers who
merge n and l, zh and z, ch and c, sh and s, or the nasal finals an/ang, en/eng,
in/ing type one for the other. Each reading is folded to a key in which those pairs
are one; two characters sound alike when they share a key.
"""

from __future__ import annotations

from bot.quotedb import QuoteDB

# Initials and finals that many speakers merge (the "fuzzy pinyin" of input methods).
_FOLDED_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FOLDED_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))
# Characters whose sounds are kept in memory (a corpus uses a few thousand).
_CACHE_LIMIT = 20_000


def fold(syllable: str) -> str:
    """A toneless pinyin syllable with the commonly merged sounds made one: nang -> lan."""
    for long, short in _FOLDED_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long):]
            break
    for long, short in _FOLDED_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


class Sounds:
    """The sounds of one quote database's characters (one per open database)."""

    def __init__(self, db: QuoteDB) -> None:
        self.db = db
        self._same: dict[str, set[str]] = {}  # sound -> the corpus's characters
        self._near: dict[str, set[str]] = {}  # folded sound -> the corpus's characters
        for char, syllable in db.corpus_readings():
            self._same.setdefault(syllable, set()).add(char)
            self._near.setdefault(fold(syllable), set()).add(char)
        self._readings: dict[str, tuple[str, ...]] = {}

    def readings(self, char: str) -> tuple[str, ...]:
        """The toneless readings of a character (none for a character without one)."""
        found = self._readings.get(char)
        if found is None:
            found = self.db.readings(char)
            if len(self._readings) < _CACHE_LIMIT:
                self._readings[char] = found
        return found

    def keys(self, char: str) -> frozenset[str]:
        """The folded sounds of a character."""
        return frozenset(fold(py) for py in self.readings(char))

    def alike(self, char: str, near: bool = False) -> set[str]:
        """The corpus's characters that sound like `char` (itself included); with `near`,
        also those that nearly do."""
        if near:
            return {other for key in self.keys(char) for other in self._near.get(key, ())}
        return {other for py in self.readings(char) for other in self._same.get(py, ())}

    def sound_alike(self, first: str, second: str) -> bool:
        """Whether two characters sound the same or nearly so."""
        return first == second or bool(self.keys(first) & self.keys(second))
