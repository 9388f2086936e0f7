"""Speaker names in a query: any alias, script or case, found and taken out as a filter."""

from __future__ import annotations

import re

from bot import normalize
from bot.metadata import Speaker
from bot.text import CJK_RUN, HAN

# A two-character Chinese name inside a run of Chinese is usually part of another word
# (拉维 in 莫拉维克悖论): it names a speaker only where a run starts or ends.
SHORT_CJK_NAME = 2


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


def _alias_pattern(form: str) -> re.Pattern[str]:
    """CJK names match as a substring (a short one only at a run's edge), Latin ones as words."""
    body = re.escape(form).replace(r"\ ", " ?")
    if CJK_RUN.fullmatch(form.replace(" ", "")):
        if len(form) <= SHORT_CJK_NAME:
            body = rf"(?:(?<![{HAN}]){body}|{body}(?![{HAN}]))"
        return re.compile(body)
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")
