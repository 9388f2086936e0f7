"""An interviewer's question found by the words gives its place to its answer.

A reader who asks about a topic wants what was said about it, not the interviewer's
question that named it: the question's answer (the next turn, by the person asked)
takes the question's rank, and the question is what its Context shows. Only an answer
that speaks of what the question matched takes its place: a question only it matches
stays an answer (ranked low by its worth), and so does a guest's rhetorical question.
"""

from __future__ import annotations

from bot.quotedb import QuoteDB
from bot.search import rank, retrieve
from bot.search.tuning import Tuning
from bot.search.types import Analysis, Candidate


def answer_questions(
    db: QuoteDB, ranked: list[Candidate], analysis: Analysis, speaker_id: int | None, tuning: Tuning
) -> list[Candidate]:
    """`ranked` with each question replaced by its answer, ranked again.

    The answer keeps the better of its own score and the question's. With a speaker
    filter, a question is answered only by that speaker (else the question stays: the
    query named the one who asked it).
    """
    answer_of = db.answers(c.id for c in ranked if _answerable(c))
    if not answer_of:
        return ranked
    by_id = {c.id: c for c in ranked}
    missing: retrieve.Found = {i: {} for i in answer_of.values() if i not in by_id}
    fetched = retrieve.merge(db, [missing])
    rank.rank(analysis, fetched, tuning.without_threshold())  # their own coverage of the query
    by_id.update((c.id, c) for c in fetched)
    taken: dict[int, Candidate] = {}
    for cand in ranked:
        answer = by_id.get(answer_of.get(cand.id, -1))
        if answer is None or not _answers_to(answer, cand, speaker_id, tuning):
            taken.setdefault(cand.id, cand)
            continue
        _take_rank(answer, cand, analysis, tuning)
        taken[answer.id] = answer
    return rank.in_order(list(taken.values()))


def _answerable(cand: Candidate) -> bool:
    """An interviewer's question (a guest's rhetorical one is their own statement)."""
    return cand.asks and cand.by_host


def _answers_to(answer: Candidate, question: Candidate, speaker_id: int | None, tuning: Tuning) -> bool:
    """Whether `answer` may take `question`'s place: it speaks of what the question matched
    (its own words cover `tuning.answer_coverage` of the question's share of the query),
    and is by the speaker the query names, if any."""
    if speaker_id is not None and answer.speaker_id != speaker_id:
        return False
    return answer.coverage >= tuning.answer_coverage * question.coverage


def _take_rank(answer: Candidate, question: Candidate, analysis: Analysis, tuning: Tuning) -> None:
    """The answer ranks at least as its question did (its terms are those it holds)."""
    answer.norm = answer.norm or answer.tokens.replace(" ", "")
    if answer.score >= question.score and answer.order:
        return
    answer.score = max(answer.score, question.score)
    answer.coverage, answer.evidence = question.coverage, question.evidence
    answer.terms = answer.terms or tuple(t for t in question.terms if t in answer.norm)
    answer.matched_by = question.matched_by
    rank.set_order(answer, analysis, tuning)


def lend_nearness(db: QuoteDB, candidates: list[Candidate], speaker_id: int | None) -> list[Candidate]:
    """By meaning, the same rule: an interviewer's question near the query lends its
    nearness (signal "meaning") to its answer, which becomes a candidate if it was not
    one; the question itself answers nothing (`rank.by_meaning` leaves questions out)."""
    questions = [c for c in candidates if c.signals.get("question") and c.by_host and "meaning" in c.signals]
    answer_of = db.answers(c.id for c in questions)
    if not answer_of:
        return candidates
    by_id = {c.id: c for c in candidates}
    missing: retrieve.Found = {i: {} for i in answer_of.values() if i not in by_id}
    fetched = retrieve.merge(db, [missing])
    asking = db.questions(c.id for c in fetched)
    for cand in fetched:
        cand.signals["question"] = float(cand.id in asking)
    by_id.update((c.id, c) for c in fetched)
    for question in questions:
        answer = by_id.get(answer_of.get(question.id, -1))
        if answer is None or (speaker_id is not None and answer.speaker_id != speaker_id):
            continue
        nearness = max(answer.signals.get("meaning", 0.0), question.signals["meaning"])
        answer.signals["meaning"] = nearness
    return candidates + [c for c in fetched if "meaning" in c.signals]
