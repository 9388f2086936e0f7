"""What one query may cost: how much of it is analysed and how much of it is embedded.

Every step of a search grows with the query: speaker names are looked for at every
position, each Chinese character pair gets homophone alternatives, each unknown word a
spelling correction, and the meaning model reads every token. People ask in a few words
(the longest question in the dev sets is 78 characters); a 300-character message costs
ten times what a question does and answers no better. So a query is analysed on its first
`MAX_QUERY_TERMS` terms and embedded on its first `MAX_EMBED_CHARS` characters. The
candidates each stage hands on are bounded by `Tuning` (`candidates`,
`meaning_candidates`, `similar_candidates`, `max_retrieval_terms`).
"""

from __future__ import annotations

import re
from itertools import islice

from bot.text import CJK_CLASS, MAX_QUERY_CHARS

# A term: one CJK character (a pair of them is the unit searched), or a run of anything
# else between spaces (a word, a number).
MAX_QUERY_TERMS = 32
MAX_EMBED_CHARS = 160

_TERM = re.compile(f"[{CJK_CLASS}]|[^\\s{CJK_CLASS}]+")


def bounded_query(query: str) -> str:
    """The query cut after its first MAX_QUERY_TERMS terms (and MAX_QUERY_CHARS characters)."""
    query = query[:MAX_QUERY_CHARS]
    terms = list(islice(_TERM.finditer(query), MAX_QUERY_TERMS + 1))
    if len(terms) <= MAX_QUERY_TERMS:
        return query
    return query[: terms[MAX_QUERY_TERMS - 1].end()]


def embedded_part(text: str) -> str:
    """The part of a query the meaning model reads."""
    return text[:MAX_EMBED_CHARS]
