"""The salient terms of a stored quote, and the evidence "Similar" weighs besides the meaning.

The sentence encoder alone is weak between two Chinese texts: under Ilya Sutskever's
thought experiment on consciousness it finds Andrew Ng on the Asilomar conference nearer
than the quotes on consciousness, since both talk of AI systems and research. The words
two quotes share tell what they are about. A quote's salient terms are its nouns (the
words jieba's dictionary classes as nouns, and words it does not know) weighed by their
rarity in the corpus (IDF, from the vocabulary's document frequencies) and by how often
the quote says them; a topic of the hand-kept glossary (意识, 对齐, 监管) weighs
`tuning.similar_topic_boost` times more, since a word the corpus often uses can still be
what the quote is about, and is held by a quote that uses any of the glossary's words
for the same English key (非营利 or 非盈利 for "nonprofit").

    salient_terms(db, quote_id, tuning)  -> Salient: the quote's heaviest terms, weighed
    quotes_holding(db, salient, tuning)  -> the quotes holding the most salient weight (FTS5)
    similarity_signals(db, origin, candidates, salient) -> each candidate's signals:
        "terms" (the share of the salient weight it holds), "postable" (its stored
        postability score), "same_speaker", "question"
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from bot import terms
from bot.extract import postable
from bot.quotedb import QuoteDB
from bot.search.retrieve import Found, quote_fts
from bot.search.topics import glossary_topics
from bot.search.tuning import Tuning
from bot.search.types import Candidate
from bot.text import CJK_RUN

# jieba's word classes (its dictionary's tags) that can name a topic: nouns (n, nr, ns,
# nz...), verbal and adjectival nouns (vn, an), abbreviations (j), places (s).
NOUN_CLASSES = ("n", "vn", "an", "j", "s")


@dataclass(frozen=True)
class Salient:
    """A quote's salient terms: each term's weight, and the forms that hold it (the term
    and, for a glossary topic, the glossary's other words for it)."""

    weights: dict[str, float] = field(default_factory=dict)
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.weights.values())


def salient_terms(db: QuoteDB, quote_id: int, tuning: Tuning) -> Salient:
    """The quote's `tuning.similar_terms` heaviest words (an empty Salient for an unknown
    id). A word no other quote holds is left out: it tells no quote apart."""
    fields = db.search_fields([quote_id])
    if not fields:
        return Salient()
    topics = glossary_topics(db)
    counts = Counter(word for word in fields[0][1].split(" ") if _is_content_word(word, topics))
    forms = {word: topics.get(word, (word,)) for word in counts}
    frequencies = db.document_frequencies(form for word in counts for form in forms[word])
    weights = {}
    for word, count in counts.items():
        # A topic is as rare as its commonest form; another quote must hold some form.
        df = max(frequencies.get(form, 0) for form in forms[word])
        if df < 2:
            continue
        boost = tuning.similar_topic_boost if word in topics else 1.0
        weights[word] = _idf(db.total, df) * (1.0 + math.log(count)) * boost
    heaviest = sorted(weights, key=lambda word: (-weights[word], word))[: tuning.similar_terms]
    return Salient({w: weights[w] for w in heaviest}, {w: forms[w] for w in heaviest})


def quotes_holding(db: QuoteDB, salient: Salient, tuning: Tuning) -> Found:
    """The `tuning.similar_term_candidates` quotes holding the most salient weight, by the
    full-text index: each term's quotes are read whole, heaviest term first, while their
    postings stay within `tuning.posting_budget` (a term over it is skipped), so a common
    topic word never makes the search a scan. Signal: "held", the salient weight found."""
    frequencies = db.document_frequencies(f for forms in salient.forms.values() for f in forms)
    held: dict[int, float] = {}
    postings = 0
    for term in sorted(salient.weights, key=lambda t: (-salient.weights[t], t)):
        df = sum(frequencies.get(form, 0) for form in salient.forms[term])
        if postings + df > tuning.posting_budget:
            continue
        postings += df
        expression = " OR ".join(quote_fts(form) for form in salient.forms[term])
        for quote_id in db.full_text(expression, df, ranked=False):
            held[quote_id] = held.get(quote_id, 0.0) + salient.weights[term]
    best = sorted(held, key=lambda i: (-held[i], i))[: max(0, tuning.similar_term_candidates)]
    return {quote_id: {"held": held[quote_id]} for quote_id in best}


def similarity_signals(db: QuoteDB, origin: int, candidates: list[Candidate], salient: Salient) -> None:
    """Give each candidate its signals besides the meaning: "terms", "postable",
    "same_speaker" (1.0 when the origin's speaker said it), "question" (1.0 for a
    question: it is never offered)."""
    ids = [c.id for c in candidates]
    pickables = {p.id: p for p in db.pickables_by_id([origin, *ids])}
    # A question by its last character, or by the stored judgement (an interviewer's
    # question that goes on with a remark, a quote that is mostly questions).
    reasons = db.postable_reasons(ids)
    questions = db.questions(ids) | {i for i, why in reasons.items() if postable.QUESTION in why}
    speaker = pickables[origin].speaker_id if origin in pickables else None
    for cand in candidates:
        found = pickables.get(cand.id)
        cand.signals["terms"] = share(salient, cand.tokens)
        cand.signals["postable"] = found.score if found is not None else 0.0
        cand.signals["same_speaker"] = float(found is not None and found.speaker_id == speaker)
        cand.signals["question"] = float(cand.id in questions)


def share(salient: Salient, tokens: str) -> float:
    """The share (0..1) of the salient weight a quote holds, by its segmented words: a
    Chinese term anywhere in its text (有意识 holds 意识), a Latin word as a whole word."""
    if not salient.total:
        return 0.0
    words = set(tokens.split(" "))
    norm = tokens.replace(" ", "")
    held = sum(
        weight for term, weight in salient.weights.items()
        if any(form in words if form.isascii() else form in norm for form in salient.forms[term])
    )
    return held / salient.total


def _is_content_word(word: str, topics: Mapping[str, object]) -> bool:
    """A word that can name a topic: a glossary topic, a Latin word, or a Chinese word of
    two characters or more that jieba's dictionary does not class as anything but a noun
    (its adverbs, prepositions, numerals, idioms, verbs and adjectives, 除了 or 永远, are
    rare in a small corpus without being what a quote is about). Never a function word or
    a number."""
    if terms.is_stop(word) or word.isdigit():
        return False
    if word in topics:
        return True
    if word.isascii():
        return len(word) >= 2 and word.isalnum()
    return len(word) >= 2 and CJK_RUN.search(word) is not None and word not in _not_nouns()


@lru_cache(maxsize=1)
def _not_nouns() -> frozenset[str]:
    """The words of two characters or more that jieba's dictionary classes as anything but
    a noun, a verbal noun, a name or an abbreviation (about 100,000 words: 13 MB, 0.2 s,
    read on the first Similar). A word it does not know (a glossary term, a name) is a noun."""
    import jieba  # the segmenter's own dependency; its dictionary holds each word's class

    found = set()
    with jieba.get_dict_file() as entries:
        for line in entries:
            parts = line.decode("utf-8").split()
            if len(parts) == 3 and len(parts[0]) >= 2 and not parts[2].startswith(NOUN_CLASSES):
                found.add(parts[0])
    return frozenset(found)


def _idf(total: int, df: int) -> float:
    """The analyzer's rarity of a term held by `df` of `total` quotes."""
    return math.log(1 + total / (df + 0.5))
