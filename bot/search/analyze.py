"""Query analysis: a message taken apart into weighted concepts.

Speaker names are taken out first (they become a filter). The rest is cut into
words and analysed into *concepts*, each satisfied by any of a few alternative
terms: a CJK character pair (or, when the pair never occurs, its homophones that
do: 洗晚 -> 洗碗), an English word (itself, or its Chinese translations that occur
in the corpus), a number (itself, or its rough size: 两万 ~ 22,000). Each concept
weighs its rarity (IDF). A real word that the corpus never uses (天气, bread)
weighs fully and matches nothing: it is evidence against every quote. Function
words weigh little.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from bot import lexicon, normalize, terms
from bot.normalize import Segmenter
from bot.quotedb import QuoteDB
from bot.search.aliases import SpeakerAliases
from bot.search.tuning import Tuning
from bot.search.types import Analysis, Concept, TokenKind
from bot.text import CJK_RUN


class Analyzer:
    """Turns a query into concepts, reading term statistics from the database.

    One per open database: it keeps the homophones it has looked up.
    """

    def __init__(
        self, db: QuoteDB, aliases: SpeakerAliases, segmenter: Segmenter, tuning: Tuning
    ) -> None:
        self.db = db
        self.aliases = aliases
        self.segmenter = segmenter
        self.tuning = tuning
        self.total = db.total
        self.max_idf = math.log(1 + self.total / 0.5)
        self._homophone_cache: dict[str, tuple[str, ...]] = {}

    def idf(self, df: int) -> float:
        return math.log(1 + self.total / (df + 0.5))

    def analyze(self, query: str) -> Analysis:
        form = normalize.words(query)
        speaker_id, form = self.aliases.take_speaker(form)
        tokens = self.segmenter.segment(form)
        norm = "".join(tokens)
        stats = self._document_frequencies(tokens, norm)
        concepts: list[Concept] = []
        latin: list[str] = []
        run: list[str] = []
        for token in tokens + [""]:
            kind: TokenKind = _token_kind(token) if token else "end"
            if kind != "cjk" and run:
                concepts.extend(self._cjk_concepts(run, stats))
                run = []
            if kind != "latin" and latin:
                concepts.extend(self._latin_concepts(latin, stats))
                latin = []
            if kind == "cjk":
                run.append(token)
            elif kind == "latin":
                latin.append(token)
            elif kind == "number":
                concepts.append(self._number_concept(token, stats))
        return Analysis(speaker_id, norm, tokens, _distinct_concepts(concepts), self.max_idf)

    def _document_frequencies(self, tokens: list[str], norm: str) -> dict[str, int]:
        found = set(tokens) | set(terms.bigrams(norm)) | set(terms.number_terms(norm))
        return self._lookup(found)

    def _lookup(self, found_terms: Iterable[str]) -> dict[str, int]:
        return self.db.document_frequencies(found_terms)

    # CJK text: character pairs, with typo alternatives.

    def _cjk_concepts(self, run_tokens: list[str], stats: dict[str, int]) -> list[Concept]:
        text = "".join(run_tokens)
        if len(text) == 1:
            return [self._single_char_concept(text, stats)]
        seams = set()
        position = 0
        for token in run_tokens[:-1]:
            position += len(token)
            seams.add(position)  # a word boundary before text[position]
        stop_spans = _stop_spans(run_tokens)
        word_chars = _multichar_positions(run_tokens)
        concepts = []
        for i in range(len(text) - 1):
            pair = text[i : i + 2]
            inside = (i + 1) not in seams
            if terms.is_stop(pair) or (i in stop_spans and inside):
                concepts.append(Concept(pair, [(pair, 1.0)], self.tuning.stop_weight * self.idf(1000)))
                continue
            df = stats.get(pair, 0)
            scale = 1.0 if inside else self.tuning.seam_weight
            if df:
                concepts.append(Concept(pair, [(pair, 1.0)], self.idf(df) * scale, retrieval=[pair]))
            else:
                # A seam next to a real word (多|训练) is the query's own grammar; one
                # between lone characters (消|争|期) is what noise looks like.
                lone = i not in word_chars and i + 1 not in word_chars
                concepts.append(self._unknown_pair(pair, inside, lone))
        # Long words (神经元, 可解释性) find their quotes precisely.
        for token in run_tokens:
            if len(token) >= 3 and stats.get(token, 0):
                concepts[0].retrieval.append(token)
        return concepts

    def _single_char_concept(self, char: str, stats: dict[str, int]) -> Concept:
        if char in terms.STOPWORDS:
            return Concept(char, [(char, 1.0)], 0.0)
        df = stats.get(char, 0)
        weight = self.tuning.single_char_weight * (self.idf(df) if df else self.max_idf)
        return Concept(char, [(char, 1.0)], weight, retrieval=[char] if df else [])

    def _unknown_pair(self, pair: str, inside: bool, lone: bool = True) -> Concept:
        """A pair the corpus never uses: a typo (try homophones), a real word (count it), or a seam."""
        variants = self._homophone_pairs(pair)
        real_word = self.segmenter.is_dictionary_word(pair)
        if variants:
            rarest = min(variants.values())
            credit = self.tuning.typo_credit * (0.6 if real_word else 1.0)
            weight = self.idf(rarest) * (1.0 if inside or not real_word else self.tuning.seam_weight)
            return Concept(
                pair,
                [(v, credit) for v in variants],
                weight,
                retrieval=sorted(variants, key=lambda v: variants[v])[:3],
            )
        if real_word and inside:
            return Concept(pair, [], self.max_idf)  # 天气 in a corpus without weather
        # Neither a word nor a typo of one: a seam between words, or noise. It cannot
        # match, and counts a little against every quote (random strings are all noise).
        return Concept(pair, [], (self.tuning.noise_weight if inside or lone else 0.0) * self.max_idf)

    def _homophone_pairs(self, pair: str) -> dict[str, int]:
        """Pairs the corpus uses that sound like `pair` with one character changed."""
        candidates = set()
        for position in range(2):
            for char in self._homophones(pair[position]):
                if char != pair[position]:
                    candidates.add(pair[:position] + char + pair[position + 1 :])
        # Only real words: a typo is a misspelt word, and noise has homophones too.
        candidates = {c for c in candidates if self.segmenter.is_dictionary_word(c)}
        return self._lookup(candidates) if candidates else {}

    def _homophones(self, char: str) -> tuple[str, ...]:
        cached = self._homophone_cache.get(char)
        if cached is None:
            cached = self.db.homophones(char)
            if len(self._homophone_cache) < 20000:
                self._homophone_cache[char] = cached
        return cached

    # Latin words: the word itself, or its Chinese translations.

    def _latin_concepts(self, words: list[str], stats: dict[str, int]) -> list[Concept]:
        concepts = []
        covered = [False] * len(words)
        translations = self._translations(words)
        for start, end, key in lexicon.phrases(words):
            if end - start < 2 or any(covered[start:end]) or key not in translations:
                continue
            from_glossary = any(w >= lexicon.GLOSSARY_WEIGHT for _zh, w in translations[key])
            edges = (words[start], words[end - 1])
            if not from_glossary and any(w in terms.STOPWORDS for w in edges):
                continue  # "what time" -> 几点 is a function phrase, not a topic
            concepts.append(self._translated(" ".join(words[start:end]), [], translations[key]))
            covered[start:end] = [True] * (end - start)
        concepts.extend(self._compound_concepts(words, covered, translations))
        for i, word in enumerate(words):
            if covered[i] or word in terms.STOPWORDS:
                continue
            found = self._word_translations(word, translations)
            literal = [(word, 1.0)] if stats.get(word, 0) else []
            concepts.append(self._translated(word, literal, found, stats.get(word, 0)))
        return concepts

    @staticmethod
    def _word_translations(
        word: str, translations: dict[str, list[tuple[str, float]]]
    ) -> list[tuple[str, float]]:
        """The Chinese terms one English word (or its plain form) translates to."""
        return [t for key in lexicon.key_variants(word) for t in translations.get(key, [])]

    def _compound_concepts(
        self,
        words: list[str],
        covered: list[bool],
        translations: dict[str, list[tuple[str, float]]],
    ) -> list[Concept]:
        """Two English words the dictionary lacks as a phrase, whose translations the corpus
        writes as one word: `data centers` -> 数据 + 中心 -> 数据中心."""
        concepts = []
        for i in range(len(words) - 1):
            pair = words[i : i + 2]
            if covered[i] or covered[i + 1] or any(w in terms.STOPWORDS for w in pair):
                continue
            firsts = self._word_translations(pair[0], translations)
            seconds = self._word_translations(pair[1], translations)
            compounds = {
                a + b: min(wa, wb) for a, wa in firsts for b, wb in seconds if len(a + b) >= 3
            }
            known = self._lookup(compounds)
            if known:
                found = [(zh, compounds[zh]) for zh in known]
                concepts.append(self._translated(" ".join(pair), [], found))
                covered[i] = covered[i + 1] = True
        return concepts

    def _translations(self, words: list[str]) -> dict[str, list[tuple[str, float]]]:
        keys = {key for _s, _e, key in lexicon.phrases(words)}
        for word in words:
            keys.update(lexicon.key_variants(word))
        return self.db.translations(k for k in keys if k)

    def _translated(
        self,
        label: str,
        literal: list[tuple[str, float]],
        translations: list[tuple[str, float]],
        literal_df: int = 0,
    ) -> Concept:
        """A concept for an English word or phrase: itself, or its Chinese translations."""
        best: dict[str, float] = {}
        for zh, weight in translations:
            credit = self.tuning.translation_credit * weight * (self.tuning.single_char_weight if len(zh) == 1 else 1.0)
            best[zh] = max(best.get(zh, 0.0), credit)
        alts = literal + sorted(best.items(), key=lambda kv: -kv[1])
        if not alts:
            # A word the corpus never uses and that translates to nothing it uses.
            return Concept(label, [], self.max_idf if len(label) >= 3 else 0.0, kind="word")
        stats = self._lookup([zh for zh in best] + [p for zh in best for p in terms.bigrams(zh)])
        dfs = {label: literal_df} if literal else {}
        retrieval = [label] if literal else []
        for zh in best:
            df = stats.get(zh) or min(
                (stats.get(p, 0) for p in terms.bigrams(zh) if stats.get(p)), default=0
            )
            if df:
                dfs[zh] = df
                retrieval.append(zh if zh in stats else _rarest_pair(zh, stats))
        if not dfs:
            return Concept(label, [], self.max_idf if len(label) >= 3 else 0.0, kind="word")
        # The concept weighs as its best form (the literal word, else the glossary's
        # term); a more common form (time -> 时间) earns only its own, smaller, IDF.
        alts = [(term, credit) for term, credit in alts if term in dfs]
        primary = max(alts, key=lambda alt: (alt[1], -dfs[alt[0]]))[0]
        weight = self.idf(dfs[primary])
        alts = [(term, credit * min(1.0, self.idf(dfs[term]) / weight)) for term, credit in alts]
        return Concept(label, alts, weight, kind="word", retrieval=retrieval)

    def _number_concept(self, digits: str, stats: dict[str, int]) -> Concept:
        alts = [(digits, 1.0)]
        retrieval = [digits] if stats.get(digits) else []
        size = terms.approximate_number(digits)
        if size:
            approx = terms.APPROX_PREFIX + size
            alts.append((approx, self.tuning.approx_number_credit))
            if stats.get(approx):
                retrieval.append(approx)
        df = min((stats[t] for t in retrieval), default=0)
        weight = self.tuning.number_weight * (self.idf(df) if df else self.max_idf)
        return Concept(digits, alts, weight, kind="number", retrieval=retrieval)


def _distinct_concepts(concepts: list[Concept]) -> list[Concept]:
    """Weighty concepts, each once: a pair typed twice (哈哈哈哈) is not twice the evidence."""
    best: dict[tuple[str, str], Concept] = {}
    for concept in concepts:
        key = (concept.kind, concept.label)
        if concept.weight > 0 and (key not in best or concept.weight > best[key].weight):
            best[key] = concept
    return list(best.values())


def _rarest_pair(term: str, stats: dict[str, int]) -> str:
    pairs = [p for p in terms.bigrams(term) if stats.get(p)]
    return min(pairs, key=lambda p: stats[p]) if pairs else term


def _multichar_positions(run_tokens: list[str]) -> set[int]:
    """Positions of the characters that belong to a word of two or more characters."""
    positions: set[int] = set()
    position = 0
    for token in run_tokens:
        if len(token) > 1:
            positions.update(range(position, position + len(token)))
        position += len(token)
    return positions


def _stop_spans(run_tokens: list[str]) -> set[int]:
    """Start positions of pairs that lie inside a function word (什么 in 为什么)."""
    spans: set[int] = set()
    position = 0
    for token in run_tokens:
        if token in terms.STOPWORDS:
            spans.update(range(position, position + len(token) - 1))
        position += len(token)
    return spans


def _token_kind(token: str) -> TokenKind:
    if token.isdigit():
        return "number"
    if CJK_RUN.fullmatch(token):
        return "cjk"
    return "latin"
