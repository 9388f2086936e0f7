"""The matcher's tuning: one frozen value, passed in, swept by bench/calibrate.py.

    Searcher(db, tuning=Tuning(min_score=0.65))
    dataclasses.replace(searcher.tuning, min_coverage=0.4)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot import terms


@dataclass(frozen=True)
class Tuning:
    """Every number the matcher weighs or cuts by, with the values calibrated on the seeds."""

    # Retrieval takes the rarest terms until their summed document frequency passes this.
    posting_budget: int = 800
    max_retrieval_terms: int = 16
    # When every term is common, candidates must hold this many of the rarest ones.
    common_terms_anded: int = 2
    # How many candidates retrieval hands to the re-ranker; also the most answers one
    # query has, however many are asked for.
    candidates: int = 100

    # Concept weights relative to a term's IDF.
    seam_weight: float = 0.35  # a character pair across a word boundary (个人 in 一个人要)
    stop_weight: float = 0.15  # function words
    single_char_weight: float = 0.5  # one CJK character is weak evidence
    number_weight: float = 0.5  # numbers support a match but never make one
    noise_weight: float = 0.12  # a pair no quote holds that is neither a word nor a typo of one
    typo_credit: float = 0.8  # a homophone stands in for the typed pair
    # A dictionary word the corpus never uses is read as a typo of a homophone this many
    # times more common (jieba's frequencies): 开原 (a town) for 开源, not 天气 for 天启.
    typo_frequency_ratio: float = 10.0
    # A run of Chinese this short (a topic word, a name) is also read with the sounds a
    # pinyin keyboard confuses (n/l, an/ang...) and as its topic's other words (related_credit);
    # in a sentence that guesses too much.
    short_run_chars: int = 4
    approx_number_credit: float = 0.7
    translation_credit: float = 0.9
    sense_penalty: float = 0.1  # the credit a translation the corpus rarely uses loses
    related_credit: float = 0.7  # another word of the query word's topic (开源: 开放研究)
    correction_credit: float = 0.9  # a misspelt Latin word, corrected (bot.search.spelling)

    # Score = weighted sum of these features (each 0..1).
    coverage_weight: float = 0.55
    chars_weight: float = 0.2
    tokens_weight: float = 0.05
    bm25_weight: float = 0.1
    quality_weight: float = 0.1

    # The order of the answers that pass the threshold: score + worth_weight x the quote's
    # stored worth (its postable score, 0..1), an interviewer's line (not named in the
    # query) keeping 1 - host_penalty of it. `bench/eval.py --queries tests/data/topics.jsonl
    # --set worth_weight=W`: good at rank 1 68% at 0, 100% at 0.15 and at 0.3, with
    # queries.jsonl and queries_extra.jsonl all right at rank 1 for each; the smaller weight
    # leaves more of the order to how well the words match.
    worth_weight: float = 0.15
    host_penalty: float = 0.8
    # An interviewer's question gives its place to its answer when the answer's words cover
    # this share of what the question's cover (bot/search/answers.py).
    answer_coverage: float = 0.3

    # The no-match threshold (calibrated by bench/calibrate.py; see its output for the
    # data). Evidence is in units of the IDF of a term no quote holds, so it means the
    # same at any corpus size. `bench/calibrate.py --seed 0` on the seeds (1576 generated
    # positives, 150 negatives): positives answered right 93-98% by kind, 1 of 50 chatter
    # lines and 4 of 100 random strings answered.
    min_coverage: float = 0.3
    min_evidence: float = 0.25
    min_score: float = 0.6

    # Answers by meaning (bot/search/semantic.py), taken only when the words found nothing:
    # each candidate weighs its meaning (cosine of its best sentence) plus
    # `meaning_words_weight` x its score by words below their threshold; the best quote
    # that is not itself a question must weigh at least `min_meaning` and lead the next by
    # `min_meaning_margin`. Once a query has an answer (by words or by meaning), further answers
    # ("Another") are the next nearest quotes down to `min_meaning_more`; a word answer
    # whose meaning also reaches `min_meaning_more` was found by both.
    # `bench/calibrate.py --meaning-only` sweeps the three. On its generated positives
    # (interviewers' questions, Cilin-synonym paraphrases) no gate pays: the best that
    # answers anything costs more in wrong answers than it gains. These values answer the
    # own-words development set (bench/eval.py --queries tests/data/queries_semantic.jsonl)
    # with no wrong answer and no hard negative; on the generated set they answer 17 of 286
    # (8 "wrong" by its labels, most of them restating the question) and 2 of 35 on-topic
    # negatives.
    meaning_candidates: int = 30
    # A shorter query (comparison form, in characters) is not asked by meaning: "谢谢你",
    # "嗯嗯", "收到" sit close to thanks and short replies in any transcript.
    meaning_min_chars: int = 6
    meaning_words_weight: float = 0.5
    min_meaning: float = 0.68
    min_meaning_margin: float = 0.12
    min_meaning_more: float = 0.5
    # "Similar" (rank.by_similarity): the quotes on the same idea as a shown one, other
    # speakers first. Candidates: the `similar_candidates` nearest in meaning and the
    # `similar_term_candidates` holding most of its salient terms (bot/search/salient.py:
    # its `similar_terms` heaviest nouns by IDF x frequency, a glossary topic weighing
    # `similar_topic_boost` times more). A quote is similar when its meaning (cosine) plus
    # `similar_terms_weight` x the share of the salient weight it holds reaches
    # `min_similar` and its meaning alone `min_similar_meaning`; among those,
    # + `similar_postable_weight` x its postability score
    # puts the quotes that stand on their own first. Chosen by
    # `.venv/bin/python bench/similar.py --db db/quotes.db --sweep` (its first row: the best
    # objective with the thresholds either side) on tests/data/similar.jsonl, 23 origins:
    # 91% answered, a good answer first for 70% and among three for 83%, no bad answer
    # (the cosine alone: 30%, 39%, 6 bad answers).
    similar_candidates: int = 30
    similar_term_candidates: int = 30
    similar_terms: int = 16
    similar_topic_boost: float = 2.0
    similar_terms_weight: float = 1.5
    similar_postable_weight: float = 0.3
    min_similar: float = 0.9
    min_similar_meaning: float = 0.3

    # Two results this similar (rapidfuzz ratio on comparison forms) are one quote.
    near_duplicate: int = terms.NEAR_DUPLICATE_RATIO

    def feature_weights(self) -> dict[str, float]:
        """The score's weight of each feature, in the order they are summed."""
        return {
            "coverage": self.coverage_weight,
            "chars": self.chars_weight,
            "tokens": self.tokens_weight,
            "bm25": self.bm25_weight,
            "quality": self.quality_weight,
        }

    def thresholds(self) -> dict[str, float]:
        """The no-match threshold by feature (what bench/calibrate.py prints)."""
        return {"coverage": self.min_coverage, "evidence": self.min_evidence, "score": self.min_score}

    def without_threshold(self) -> Tuning:
        """The same tuning answering every candidate (for explain and calibration)."""
        return replace(self, min_coverage=0.0, min_evidence=0.0, min_score=0.0)


DEFAULT = Tuning()
