"""A translation and its original in two files (`talk.md`, `talk.en.md`): align them.

The files are not cut alike: a quote of the translation is one to a few sentences,
and the translator merges, splits and drops sentences. The multilingual sentence
model the project ships places a Chinese sentence and its English source near each
other (cosine about 0.7–0.8, against under 0.3 for neighbours), so the quotes are
aligned to runs of the original's sentences in order, by dynamic programming over
those similarities. Without the model there is no honest way to align: the original
is left out and the report says so.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from bot import meaning
from bot.extract import original_sentences
from bot.extract.bilingual import language_of
from bot.extract.model import Document
from bot.metadata import Speaker

# A quote takes at most this many consecutive sentences of the original.
MAX_RUN = 4
# Below this similarity a quote and a run of the original are not each other's translation.
MIN_SIMILARITY = 0.45


def add_originals(document: Document, path: Path, speakers: list[Speaker]) -> None:
    """Give the document's quotes their original from the file at `path`, where they align."""
    embedder = meaning.load_embedder()
    if embedder is None:
        document.notes.append(f"original {path.name}: not aligned (the sentence model is not installed)")
        return
    sentences = original_sentences(path, speakers)
    spoken = [i for i, unit in enumerate(document.quotes) if unit.kind == "speech" and not unit.original]
    runs = [[" ".join(sentences[j : j + k]) for j in range(len(sentences))] for k in range(1, MAX_RUN + 1)]
    if not spoken or not sentences:
        return
    quotes = embedder.embed([document.quotes[i].text for i in spoken])
    similarity = [quotes @ embedder.embed(texts).T for texts in runs]  # [k-1][quote, start]
    found = align(similarity, len(sentences))
    for quote, (start, length) in found.items():
        index = spoken[quote]
        original = " ".join(sentences[start : start + length])
        document.quotes[index] = replace(
            document.quotes[index], original=original, original_lang=language_of(original)
        )
    document.notes.append(f"original {path.name}: {len(found)} of {len(spoken)} quotes aligned")


def align(similarity: list[np.ndarray], sentence_count: int) -> dict[int, tuple[int, int]]:
    """quote -> (first sentence, length): the in-order matching with the most similarity
    above the floor, each quote taking one run, each sentence used once at most."""
    quote_count = similarity[0].shape[0]
    gains = [(s - MIN_SIMILARITY).tolist() for s in similarity]  # plain floats: a tight loop
    best = [[0.0] * (sentence_count + 1) for _ in range(quote_count + 1)]
    step: dict[tuple[int, int], tuple[int, int, int]] = {}  # cell -> (came from i, j, run length)
    for i in range(1, quote_count + 1):
        for j in range(1, sentence_count + 1):
            choice = (best[i - 1][j], (i - 1, j, 0))
            if best[i][j - 1] > choice[0]:
                choice = (best[i][j - 1], (i, j - 1, 0))
            for length in range(1, min(MAX_RUN, j) + 1):
                gain = gains[length - 1][i - 1][j - length]
                if gain > 0 and best[i - 1][j - length] + gain > choice[0]:
                    choice = (best[i - 1][j - length] + gain, (i - 1, j - length, length))
            best[i][j], step[(i, j)] = choice
    found: dict[int, tuple[int, int]] = {}
    i, j = quote_count, sentence_count
    while i > 0 and j > 0:
        previous_i, previous_j, length = step[(i, j)]
        if length:
            found[i - 1] = (previous_j, length)
        i, j = previous_i, previous_j
    return found
