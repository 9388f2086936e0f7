"""Re-ranking: score the candidates, apply the no-match threshold, drop repeats.

The score combines the weighted share of the query's concepts a quote holds,
rapidfuzz similarity of the comparison forms, the retrieval signals (FTS5 bm25)
and the quotability prior into 0..1. A quote is an answer only when the evidence
is sufficient (`Tuning.min_*`); near-duplicates and excluded ids never appear.
"""

from __future__ import annotations

from collections.abc import Set

from rapidfuzz import fuzz

from bot import terms
from bot.search.tuning import Tuning
from bot.search.types import Analysis, Candidate, Concept
from bot.text import CJK_RUN


def rank(analysis: Analysis, candidates: list[Candidate], tuning: Tuning) -> list[Candidate]:
    """Score every candidate; keep those above the no-match threshold, best first."""
    if not candidates:
        return []
    concepts = sorted(analysis.concepts, key=lambda c: -c.weight)
    total = sum(c.weight for c in concepts)
    best_bm25 = min(c.signals.get("bm25", 0.0) for c in candidates) or -1.0
    weights = tuning.feature_weights()
    query_norm = analysis.norm[:200]
    query_tokens = " ".join(analysis.tokens)
    has_cjk = CJK_RUN.search(query_norm) is not None
    kept = []
    for cand in candidates:
        cand.norm = cand.tokens.replace(" ", "")
        found = _coverage(concepts, total, analysis.max_idf, cand, tuning)
        if found is None:
            continue
        coverage, evidence, matched = found
        cand.coverage, cand.evidence = coverage, evidence
        features = {
            "coverage": coverage,
            "chars": (
                fuzz.partial_ratio(query_norm, cand.norm, processor=None) / 100
                if has_cjk
                else coverage  # an English query is not spelled like the Chinese it finds
            ),
            "tokens": fuzz.token_set_ratio(query_tokens, cand.tokens, processor=None) / 100,
            "bm25": cand.signals.get("bm25", 0.0) / best_bm25 if best_bm25 < 0 else 0.0,
            "quality": cand.quality,
        }
        cand.score = sum(weights[k] * v for k, v in features.items())
        cand.terms = matched
        if cand.score >= tuning.min_score:
            cand.matched_by = "words"
            set_order(cand, analysis, tuning)
            kept.append(cand)
    return in_order(kept)


def set_order(cand: Candidate, analysis: Analysis, tuning: Tuning) -> None:
    """Rank a candidate that passed the threshold by its score and its worth: among the
    quotes that match, the one that stands on its own comes first. The worth only orders
    the answers, never decides whether there is one (a query only a question matches
    still gets it). An interviewer's own line is worth little unless the query names them."""
    worth = cand.worth
    if cand.by_host and cand.speaker_id != analysis.speaker_id:
        worth *= 1.0 - tuning.host_penalty
    cand.order = cand.score + tuning.worth_weight * worth


def in_order(candidates: list[Candidate]) -> list[Candidate]:
    """Best first (by `Candidate.order`), ties by id so that an answer never depends on chance."""
    return sorted(candidates, key=lambda c: (-c.order, c.id))


def label_agreement(answers: list[Candidate], tuning: Tuning) -> None:
    """Answers by words whose meaning is near the query too (signal "meaning") were found by both."""
    for cand in answers:
        agrees = cand.signals.get("meaning", 0.0) >= tuning.min_meaning_more
        cand.matched_by = "both" if agrees else "words"


def weigh_words(analysis: Analysis, candidates: list[Candidate], tuning: Tuning) -> None:
    """When the words answered nothing: the score by words with no threshold (signal
    "words") of the `tuning.meaning_candidates` nearest in meaning, the evidence the
    decision by meaning adds to its own (a quote far in meaning cannot be chosen anyway)."""
    near = sorted(
        (c for c in candidates if "meaning" in c.signals), key=lambda c: -c.signals["meaning"]
    )[: tuning.meaning_candidates]
    for cand in rank(analysis, near, tuning.without_threshold()):
        cand.signals["words"] = cand.score


def by_meaning(
    analysis: Analysis, candidates: list[Candidate], answered: list[Candidate], tuning: Tuning
) -> list[Candidate]:
    """The answers by meaning, best first, after those by words (`answered`).

    When the words found nothing, each candidate weighs its meaning (cosine) plus
    `tuning.meaning_words_weight` times its score by words below their threshold: words
    and meaning that agree on a quote count more than either alone. A quote that is itself
    a question answers nothing and is left out before choosing (an interviewer's question
    near the query must not hide the answer that follows it). The query must be long
    enough to carry an idea, the best quote must reach `tuning.min_meaning` and lead the
    next by `min_meaning_margin`, or nothing is answered: a wrong quote is worse than none.
    The margin is over the next quote that is not a near-duplicate of the best, and taken
    before any exclusion, so what is answered never depends on what was shown. A quote
    whose words cover a real share of the query (`min_coverage`) was found by both; one
    that shares none of it, by meaning.
    """
    taken = {c.id for c in answered}
    near = [
        c for c in candidates
        if "meaning" in c.signals and c.id not in taken and not c.signals.get("question")
    ]
    if not near:
        return []
    weight = 0.0 if answered else tuning.meaning_words_weight
    weighed = {c.id: c.signals["meaning"] + weight * c.signals.get("words", 0.0) for c in near}
    near.sort(key=lambda c: (-weighed[c.id], c.id))
    if not answered:
        if len(analysis.norm) < tuning.meaning_min_chars:
            return []
        top = near[0]
        # The margin is over the next other quote: the same words again (the quote as
        # published twice) do not make the answer any less clear.
        top_norm = top.norm or top.tokens.replace(" ", "")
        others = (
            c for c in near[1:]
            if not terms.near_duplicate(top_norm, c.norm or c.tokens.replace(" ", ""), tuning.near_duplicate)
        )
        runner_up = next((weighed[c.id] for c in others), 0.0)
        if (
            weighed[top.id] < tuning.min_meaning
            or weighed[top.id] - runner_up < tuning.min_meaning_margin
        ):
            return []
    kept = []
    for cand in near:
        if cand.signals["meaning"] < tuning.min_meaning_more:
            continue
        cand.norm = cand.norm or cand.tokens.replace(" ", "")
        cand.score = cand.signals["meaning"]  # the order is by weight; the score stays 0..1
        if not answered and cand.coverage >= tuning.min_coverage:
            cand.matched_by = "both"
        else:
            cand.matched_by, cand.terms = "meaning", ()
        kept.append(cand)
    return kept


def by_similarity(candidates: list[Candidate], origin: int, tuning: Tuning) -> list[Candidate]:
    """The quotes on the same idea as `origin`: `origin` first (to be excluded, so that its
    near-duplicates count as repeats), then other speakers', then its speaker's.

    A quote's relevance is its meaning (cosine, signal "meaning") plus
    `tuning.similar_terms_weight` times the share of the origin's salient terms it holds
    (signal "terms"): the encoder alone pairs two Chinese texts on AI loosely, the rare
    words and the glossary's topics they share say what both are about. Only a quote
    whose relevance reaches `tuning.min_similar` is similar, and only when its meaning
    alone reaches `tuning.min_similar_meaning` (shared words alone, 意识到 "realize" for
    意识 "consciousness", prove nothing); a question never is. Within
    each group the most relevant come first, a quote that stands on its own (signal
    "postable", its stored score) lifted by `tuning.similar_postable_weight`. The score
    is the relevance scaled to 0..1.
    """
    relevance = {
        c.id: c.signals.get("meaning", 0.0) + tuning.similar_terms_weight * c.signals.get("terms", 0.0)
        for c in candidates
    }
    near = [
        c for c in candidates
        if c.id == origin or (
            relevance[c.id] >= tuning.min_similar
            and c.signals.get("meaning", 0.0) >= tuning.min_similar_meaning
            and not c.signals.get("question")
        )
    ]
    for cand in near:
        cand.norm = cand.tokens.replace(" ", "")
        cand.matched_by = "meaning"
        cand.score = min(1.0, max(0.0, relevance[cand.id] / (1.0 + tuning.similar_terms_weight)))
    preference = {
        c.id: relevance[c.id] + tuning.similar_postable_weight * c.signals.get("postable", 0.0) for c in near
    }
    near.sort(key=lambda c: (c.id != origin, c.signals.get("same_speaker", 0.0), -preference[c.id], c.id))
    return near


def _coverage(
    concepts: list[Concept], total: float, max_idf: float, cand: Candidate, tuning: Tuning
) -> tuple[float, float, tuple[str, ...]] | None:
    """(weighted share of the concepts the candidate holds, evidence, the terms that matched).

    None as soon as the candidate cannot reach the coverage or evidence threshold:
    `concepts` come heaviest first, so most candidates are dropped after a few checks.
    """
    needed = tuning.min_coverage * total
    matched = evidence = 0.0
    remaining = total
    matched_terms = []
    words: set[str] | None = None
    sizes: set[str] | None = None
    for concept in concepts:
        remaining -= concept.weight
        credit, term = 0.0, ""
        for alt, alt_credit in concept.alts:
            if alt_credit <= credit:
                continue
            if alt.startswith(terms.APPROX_PREFIX):
                if sizes is None:
                    sizes = set(terms.number_terms(cand.norm))
                hit = alt in sizes
            elif concept.kind == "number" or (concept.kind == "word" and alt.isascii()):
                if words is None:
                    words = set(cand.tokens.split(" "))
                hit = alt in words
            else:
                hit = alt in cand.norm
            if hit:
                credit, term = alt_credit, alt
        if credit:
            matched += concept.weight * credit
            if concept.kind != "number":
                evidence += concept.weight * credit
            matched_terms.append(concept.label if term.startswith(terms.APPROX_PREFIX) else term)
        if matched + remaining < needed:
            return None
    if evidence < tuning.min_evidence * max_idf or not total:
        return None
    return matched / total, evidence / max_idf, tuple(dict.fromkeys(matched_terms))


def distinct(
    ranked: list[Candidate], limit: int, tuning: Tuning, excluded: Set[int] = frozenset()
) -> list[Candidate]:
    """The best `limit` candidates, skipping the excluded and any that repeats one
    already chosen or excluded (a near-duplicate of a quote already shown is a repeat)."""
    chosen: list[Candidate] = []
    seen: list[Candidate] = []
    for cand in ranked:
        if any(terms.near_duplicate(cand.norm, other.norm, tuning.near_duplicate) for other in seen):
            continue
        seen.append(cand)
        if cand.id in excluded:
            continue
        chosen.append(cand)
        if len(chosen) == limit:
            break
    return chosen

