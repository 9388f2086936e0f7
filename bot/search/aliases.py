"""Speaker names in a query: any alias, script or case, found and taken out as a filter."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rapidfuzz.distance import DamerauLevenshtein

from bot import normalize
from bot.metadata import Speaker
from bot.text import CJK_RUN, HAN

# A two-character Chinese name inside a run of Chinese is usually part of another word
# (拉维 in 莫拉维克悖论): it names a speaker only where a run starts or ends.
SHORT_CJK_NAME = 2
# A Chinese name this long is still recognised with one character wrong.
MISSPELT_CJK_NAME = 3


class SpeakerAliases:
    """Every name of every stored speaker, by comparison form and as patterns in word form."""

    def __init__(self, speakers: dict[int, Speaker]) -> None:
        self.names = {sid: speaker.name for sid, speaker in speakers.items()}
        self._by_key: dict[str, int] = {}  # normalized alias -> speaker id
        forms: dict[str, int] = {}
        for sid, speaker in speakers.items():
            for alias in speaker.all_names:
                key = normalize.normalize(alias)
                if key:
                    self._by_key.setdefault(key, sid)
                form = normalize.words(alias)
                if form:
                    forms.setdefault(form, sid)
        self._patterns = [
            (_alias_pattern(form), forms[form]) for form in sorted(forms, key=len, reverse=True)
        ]
        self._cjk_names = [
            (form, sid) for form, sid in forms.items()
            if len(form) >= MISSPELT_CJK_NAME and CJK_RUN.fullmatch(form)
        ]
        self._latin_by_speaker: dict[int, set[str]] = {}
        for form, sid in forms.items():
            self._latin_by_speaker.setdefault(sid, set()).update(re.findall(r"[a-z]+", form))
        # Every Latin word of every name: a word the speller must not correct.
        self.latin_words = frozenset(w for words in self._latin_by_speaker.values() for w in words)

    def speaker_id(self, text: str) -> int | None:
        """The speaker an alias names, or None."""
        return self._by_key.get(normalize.normalize(text or ""))

    def take_speaker(self, form: str) -> tuple[int | None, str]:
        """Find speakers' names in a word form; return the first one's id and the rest."""
        first: tuple[int, int] | None = None
        for pattern, sid in self._patterns:
            for match in pattern.finditer(form):
                if first is None or match.start() < first[0]:
                    first = (match.start(), sid)
            form = pattern.sub(" ", form)
        return (first[1] if first else None), form


    def take_near_speaker(
        self, form: str, sound_alike: Callable[[str, str], bool], is_word: Callable[[str], bool]
    ) -> tuple[int | None, str]:
        """A Chinese name of three or more characters typed with one character wrong: one
        that sounds alike (奥特慢 for 奥特曼), or any character where the text there is no
        word of its own (澳大利亚 does not name 伊利亚). The first such name's speaker and
        the rest of the form, or (None, form)."""
        found: tuple[int, int, int] | None = None  # (start, length, speaker id)
        # Only a window inside a run of CJK can be a name: Latin text costs nothing here.
        windows = [
            (name, sid, start)
            for run in CJK_RUN.finditer(form)
            for name, sid in self._cjk_names
            for start in range(run.start(), run.end() - len(name) + 1)
        ]
        for name, sid, start in windows:
            window = form[start : start + len(name)]
            wrong = [i for i, (a, b) in enumerate(zip(window, name, strict=True)) if a != b]
            if len(wrong) != 1 or (found is not None and found[0] <= start):
                continue
            i = wrong[0]
            if sound_alike(window[i], name[i]) or not _inside_a_word(form, start, len(name), is_word):
                found = (start, len(name), sid)
        if found is None:
            return None, form
        start, length, sid = found
        return sid, form[:start] + " " + form[start + length :]

    def drop_name_slips(self, form: str, speaker_id: int, unknown: Iterable[str]) -> str:
        """The form without the unknown Latin words that misspell a part of the named
        speaker's name (`yan` in `Yan LeCun`)."""
        parts = self._latin_by_speaker.get(speaker_id, set())
        slips = {
            w for w in unknown
            if any(DamerauLevenshtein.distance(w, part, score_cutoff=1) <= 1 for part in parts)
        }
        if not slips:
            return form
        return re.sub(r"[a-z]+", lambda m: " " if m[0] in slips else m[0], form)


def _inside_a_word(form: str, start: int, length: int, is_word: Callable[[str], bool]) -> bool:
    """Whether the text at form[start:start+length] is a word, or part of one with a
    character either side (澳大利亚 around 大利亚)."""
    spans = [(start, start + length), (start - 1, start + length), (start, start + length + 1)]
    return any(0 <= a and b <= len(form) and is_word(form[a:b]) for a, b in spans)


def _alias_pattern(form: str) -> re.Pattern[str]:
    """CJK names match as a substring (a short one only at a run's edge), Latin ones as words."""
    body = re.escape(form).replace(r"\ ", " ?")
    if CJK_RUN.fullmatch(form.replace(" ", "")):
        if len(form) <= SHORT_CJK_NAME:
            body = rf"(?:(?<![{HAN}]){body}|{body}(?![{HAN}]))"
        return re.compile(body)
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")
