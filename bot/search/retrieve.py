"""Retrieval: the stages that find candidate quotes for an analysed query.

Each stage is an object with `retrieve(db, analysis, speaker_id, tuning)` that
returns {quote id: {signal name: value}}, the evidence it found each quote by
(the lexical stage: {"bm25": ...}). `merge` joins the stages' findings, so a
quote two stages found carries both signals, and loads what the ranker reads.
The stages in use are listed once, in `bot.search.searcher.STAGES`.
"""

from __future__ import annotations

from typing import Protocol

from bot import terms
from bot.quotedb import QuoteDB
from bot.search.tuning import Tuning
from bot.search.types import Analysis, Candidate

Found = dict[int, dict[str, float]]


class Retriever(Protocol):
    """A retrieval stage."""

    def retrieve(
        self, db: QuoteDB, analysis: Analysis, speaker_id: int | None, tuning: Tuning
    ) -> Found:
        """Quote id -> the signals this stage found it by, at most `tuning.candidates`."""
        ...


def merge(db: QuoteDB, found: list[Found]) -> list[Candidate]:
    """One candidate per quote any stage found, with every stage's signals."""
    signals: Found = {}
    for stage in found:
        for quote_id, evidence in stage.items():
            signals.setdefault(quote_id, {}).update(evidence)
    return [
        Candidate(row.id, row.tokens, row.quality, signals[row.id], worth=row.worth, why=row.why,
                  speaker_id=row.speaker_id)
        for row in db.search_fields(signals)
    ]


def quote_fts(term: str) -> str:
    """A term as an FTS5 string literal: nothing a user types is ever read as syntax."""
    return '"' + term.replace('"', '""') + '"'


class LexicalRetriever:
    """The quotes holding the query's most selective terms (FTS5), with their bm25.

    Only the rarest terms are asked for (up to a posting budget), so a common term
    never makes a query expensive; common terms only re-rank. When even the rarest
    term is common, ranking all its quotes would cost as much as a scan: then the
    quotes holding all of the few rarest terms are taken as they come, and
    re-ranking alone orders them.
    """

    def retrieve(
        self, db: QuoteDB, analysis: Analysis, speaker_id: int | None, tuning: Tuning
    ) -> Found:
        chosen, postings = selective_terms(db, analysis, tuning)
        if not chosen:
            return {}
        ranked = postings <= tuning.posting_budget
        if ranked:
            expression = " OR ".join(quote_fts(t) for t in chosen)
        else:
            expression = " AND ".join(quote_fts(t) for t in chosen[: tuning.common_terms_anded])
        if speaker_id is not None:
            expression = f"({expression}) AND {quote_fts(terms.SPEAKER_PREFIX + str(speaker_id))}"
        # Excluded quotes stay candidates: what else counts as a repeat is judged against
        # them, and the set of answers never depends on what was shown.
        scores = db.full_text(expression, tuning.candidates, ranked)
        return {qid: {"bm25": score} for qid, score in scores.items()}


def selective_terms(db: QuoteDB, analysis: Analysis, tuning: Tuning) -> tuple[list[str], int]:
    """The rarest retrieval terms, until their postings pass the budget, and their postings.

    Always at least one term; when the rarest alone is over budget, the few rarest.
    """
    wanted = {t for c in analysis.concepts if c.weight > 0 for t in c.retrieval}
    if not wanted:
        return [], 0
    dfs = sorted(db.document_frequencies(wanted).items(), key=lambda item: (item[1], item[0]))
    if dfs and dfs[0][1] > tuning.posting_budget:
        chosen = dfs[: tuning.common_terms_anded]
        return [t for t, _df in chosen], sum(df for _t, df in chosen)
    picked: list[str] = []
    postings = 0
    for term, df in dfs:
        if picked and (
            postings + df > tuning.posting_budget or len(picked) >= tuning.max_retrieval_terms
        ):
            break
        picked.append(term)
        postings += df
    return picked, postings
