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
import re
from collections.abc import Iterable

from bot import lexicon, normalize, terms
from bot.normalize import Segmenter
from bot.quotedb import QuoteDB
from bot.search import spelling
from bot.search.aliases import SpeakerAliases
from bot.search.limits import bounded_query
from bot.search.sounds import Sounds
from bot.search.topics import glossary_topics
from bot.search.tuning import Tuning
from bot.search.types import Analysis, Concept, TokenKind
from bot.text import CJK_RUN

_LATIN_WORD = re.compile(r"[a-z]+")


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
        self.sounds = Sounds(db)
        topics = glossary_topics(db)
        self.topics = frozenset(topics)
        self.related = _related_terms(topics)

    def idf(self, df: int) -> float:
        return math.log(1 + self.total / (df + 0.5))

    def analyze(self, query: str) -> Analysis:
        query = bounded_query(query)  # what one query may cost (bot.search.limits)
        form, corrected, unknown = self._spelled(normalize.words(query))
        speaker_id, form = self.aliases.take_speaker(form)
        if speaker_id is None:
            speaker_id, form = self.aliases.take_near_speaker(
                form, self.sounds.sound_alike, self.segmenter.is_dictionary_word
            )
        else:
            form = self.aliases.drop_name_slips(form, speaker_id, unknown)
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
        for concept in concepts:
            if concept.kind == "word" and corrected & set(concept.label.split(" ")):
                concept.alts = [(t, c * self.tuning.correction_credit) for t, c in concept.alts]
        return Analysis(
            speaker_id, norm, tokens, _distinct_concepts(concepts), self.max_idf, text=query
        )

    def _spelled(self, form: str) -> tuple[str, set[str], set[str]]:
        """The word form with each Latin word the corpus does not know corrected to the
        known word it most likely misspells (bot.search.spelling); the corrected words;
        the unknown words left as they are."""
        sequence = _LATIN_WORD.findall(form)
        words = set(sequence)
        unknown = words - terms.STOPWORDS - self.aliases.latin_words - set(self._lookup(words))
        if not unknown:
            return form, set(), set()
        translated = self._translations(sequence)
        # A word is known on its own or inside a known phrase ("neural" in "neural network").
        in_phrases = {
            word for start, end, key in lexicon.phrases(sequence) if key in translated
            for word in sequence[start:end]
        }
        unknown = {w for w in unknown - in_phrases if not self._word_translations(w, translated)}
        fixes = {w: fix for w in unknown if (fix := spelling.correct(self.db, w))}
        left = unknown - set(fixes)
        if not fixes:
            return form, set(), left
        return _LATIN_WORD.sub(lambda m: fixes.get(m[0], m[0]), form), set(fixes.values()), left

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
        short = len(text) <= self.tuning.short_run_chars  # a topic word or a name, not a sentence
        word_chars = _multichar_positions(run_tokens)
        concepts = []
        for i in range(len(text) - 1):
            pair = text[i : i + 2]
            inside = (i + 1) not in seams
            if terms.is_stop(pair) or (i in stop_spans and inside):
                concepts.append(self._stop_or_topic(pair))
                continue
            df = stats.get(pair, 0)
            scale = 1.0 if inside else self.tuning.seam_weight
            if df:
                concepts.append(Concept(pair, [(pair, 1.0)], self.idf(df) * scale, retrieval=[pair]))
            else:
                # A seam next to a real word (多|训练) is the query's own grammar; one
                # between lone characters (消|争|期) is what noise looks like.
                lone = i not in word_chars and i + 1 not in word_chars
                concepts.append(self._unknown_pair(pair, inside, lone, short))
        # Long words (神经元, 可解释性) find their quotes precisely.
        for token in run_tokens:
            if len(token) >= 3 and stats.get(token, 0):
                concepts[0].retrieval.append(token)
        if short:
            self._add_related(run_tokens, concepts)
        return concepts

    def _add_related(self, run_tokens: list[str], concepts: list[Concept]) -> None:
        """A word of a topic (the glossary's terms under one English key) is also found as
        the topic's other words, weighted below itself: 开源 finds 开放研究 too. The other
        words stand in for the word's first pair (a concept per pair, in order)."""
        position = 0
        for token in run_tokens:
            related = self.related.get(token, ())
            if related and position < len(concepts):
                stats = self._lookup([*related, *(p for r in related for p in terms.bigrams(r))])
                concept = concepts[position]
                for term in related:
                    if stats.get(term) or all(stats.get(p) for p in terms.bigrams(term)):
                        concept.alts.append((term, self.tuning.related_credit))
                        concept.retrieval.append(term if term in stats else _rarest_pair(term, stats))
            position += len(token)

    def _single_char_concept(self, char: str, stats: dict[str, int]) -> Concept:
        if char in terms.STOPWORDS:
            return Concept(char, [(char, 1.0)], 0.0)
        df = stats.get(char, 0)
        weight = self.tuning.single_char_weight * (self.idf(df) if df else self.max_idf)
        return Concept(char, [(char, 1.0)], weight, retrieval=[char] if df else [])

    def _unknown_pair(self, pair: str, inside: bool, lone: bool = True, short: bool = False) -> Concept:
        """A pair the corpus never uses: a typo (try homophones; in a `short` run, a topic
        word or a name, near-homophones too), a real word (count it), or a seam."""
        variants = self._homophone_pairs(pair) or (short and self._homophone_pairs(pair, near=True)) or {}
        real_word = self.segmenter.is_dictionary_word(pair)
        if variants:
            rarest = min(variants.values())
            # A rare word that sounds like a common one is the keyboard's slip (开原 for
            # 开源); a common word (天气) is meant as typed.
            meant = not real_word or self._far_more_common(variants, pair)
            credit = self.tuning.typo_credit * (1.0 if meant else 0.6)
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

    def _far_more_common(self, variants: Iterable[str], typed: str) -> bool:
        """Whether a variant is far more common a word than the typed one."""
        typed_frequency = self.segmenter.word_frequency(typed)
        best = max(self.segmenter.word_frequency(v) for v in variants)
        return best >= self.tuning.typo_frequency_ratio * typed_frequency

    def _stop_or_topic(self, pair: str) -> Concept:
        """A pair of function characters, unless it sounds exactly like a glossary topic
        (对其 for 对齐): then both, the topic as a typo."""
        stop = Concept(pair, [(pair, 1.0)], self.tuning.stop_weight * self.idf(1000))
        topics = {v: df for v, df in self._homophone_pairs(pair).items() if v in self.topics}
        if not topics:
            return stop
        rarest = min(topics.values())
        alts = [(pair, self.tuning.stop_weight), *((t, self.tuning.typo_credit) for t in topics)]
        return Concept(pair, alts, self.idf(rarest), retrieval=sorted(topics, key=topics.__getitem__)[:3])

    def _homophone_pairs(self, pair: str, near: bool = False) -> dict[str, int]:
        """Pairs the corpus uses that sound like `pair` (with `near`, or nearly:
        bot.search.sounds) with one character changed."""
        candidates = set()
        for position in range(2):
            for char in self.sounds.alike(pair[position], near):
                if char != pair[position]:
                    candidates.add(pair[:position] + char + pair[position + 1 :])
        # Only real words: a typo is a misspelt word, and noise has homophones too.
        candidates = {c for c in candidates if self.segmenter.is_dictionary_word(c)}
        return self._lookup(candidates) if candidates else {}

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
        # term, else the sense the corpus uses most); a more common form earns only its
        # own, smaller, IDF.
        alts = [(term, credit) for term, credit in alts if term in dfs]
        primary = max(alts, key=lambda alt: (alt[1], dfs[alt[0]]))[0]
        weight = self.idf(dfs[primary])
        alts = [(term, credit * min(1.0, self.idf(dfs[term]) / weight)) for term, credit in alts]
        return Concept(label, self._by_sense(alts, dfs, label), weight, kind="word", retrieval=retrieval)

    def _by_sense(
        self, alts: list[tuple[str, float]], dfs: dict[str, int], literal: str
    ) -> list[tuple[str, float]]:
        """An English word with several Chinese senses means, most likely, the one the
        corpus uses most (future: 未来 before 将来; cooperation: 合作 before 协作): a rarer
        translation keeps less credit, down to 1 - `tuning.sense_penalty`."""
        common = max((dfs[t] for t, _c in alts if t != literal), default=0)
        if not common:
            return alts
        penalty = self.tuning.sense_penalty
        return [
            (t, c if t == literal else c * (1.0 - penalty * (1.0 - dfs[t] / common))) for t, c in alts
        ]

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


def _related_terms(topics: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Each Chinese glossary term -> the other Chinese words of its topic."""
    related = {
        term: tuple(o for o in others[1:] if len(o) >= 2 and CJK_RUN.fullmatch(o))
        for term, others in topics.items()
        if CJK_RUN.fullmatch(term)
    }
    return {term: others for term, others in related.items() if others}


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
