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
            kept.append(cand)
    kept.sort(key=lambda c: (-c.score, c.id))
    return kept


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

