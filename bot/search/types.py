"""The values passed between the search stages, and the result type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.extract.postable import INTERVIEWER_REMARK, QUESTION
from bot.quotedb import Quote

# "text": CJK text, matched inside a quote's comparison form; "word": a Latin word,
# matched as a whole word; "number": matched whole or by its rough size.
ConceptKind = Literal["text", "word", "number"]
# How an answer was found: its words, its meaning, or both agreeing.
MatchedBy = Literal["words", "meaning", "both"]
# How a query token is analysed.
TokenKind = Literal["cjk", "latin", "number", "end"]


@dataclass(frozen=True)
class Match:
    """A quote found for a query, its score (0..1), the query terms it matched, and how
    it was found (a quote found by meaning alone is presented as such)."""

    quote: Quote
    score: float
    terms: tuple[str, ...]
    matched_by: MatchedBy = "words"


@dataclass(frozen=True)
class Elsewhere:
    """For a name with a topic that person never spoke about: who was named, and the
    answer offered instead, their quote nearest the topic in meaning (`by_them`) or
    someone else's on the topic."""

    speaker: str
    speaker_zh: str
    matches: list[Match]
    by_them: bool


@dataclass(frozen=True)
class Picked:
    """A quote the bot chose for a reader (`Searcher.pick`)."""

    quote: Quote
    postable: bool  # False: nothing in the scope stands on its own; this is the best available
    new_round: bool = False  # every postable quote of the scope had been shown


@dataclass
class Concept:
    """One thing the query asks for, satisfied by any of its alternative terms."""

    label: str
    alts: list[tuple[str, float]]  # (term in comparison form, credit 0..1)
    weight: float
    kind: ConceptKind = "text"
    retrieval: list[str] = field(default_factory=list)  # FTS terms that find it


@dataclass
class Analysis:
    """A query taken apart: the speaker it names, its comparison form, its concepts."""

    speaker_id: int | None
    norm: str
    tokens: list[str]
    concepts: list[Concept]
    max_idf: float = 1.0
    text: str = ""  # the query as typed (what the meaning stage embeds)

    @property
    def has_content(self) -> bool:
        return any(c.weight > 0 and c.kind != "number" for c in self.concepts)


@dataclass
class Candidate:
    """A quote a retrieval stage found, with what each stage found it by, then its score."""

    id: int
    tokens: str
    quality: float
    signals: dict[str, float] = field(default_factory=dict)  # stage evidence: {"bm25": -3.1}
    score: float = 0.0
    terms: tuple[str, ...] = ()
    norm: str = ""
    coverage: float = 0.0
    evidence: float = 0.0  # in units of the largest IDF
    matched_by: MatchedBy = "words"
    worth: float = 1.0  # the stored judgement of how well it stands on its own, 0..1
    why: tuple[str, ...] = ()  # that judgement's reason codes
    speaker_id: int = 0
    order: float = 0.0  # what answers are ranked by: the score, with the quote's worth

    @property
    def asks(self) -> bool:
        """Whether the quote is a question (its answer is worth more than it)."""
        return QUESTION in self.why

    @property
    def by_host(self) -> bool:
        """Whether an interviewer said it (their own lines are not what a reader asks for)."""
        return INTERVIEWER_REMARK in self.why
