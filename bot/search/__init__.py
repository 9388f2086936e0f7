"""Find the quotes that answer a message: a package by pipeline stage.

    aliases   speaker names in a query (any alias, script or case, one slip) -> a filter
    spelling  Latin words the corpus does not know -> the known words they misspell
    sounds    homophones and near-homophones, as a pinyin keyboard mistypes them
    analyze   the query -> weighted concepts, each satisfied by alternative terms
    retrieve  the stages that find candidates (FTS5, meaning), merged before ranking
    rank      score, no-match threshold, the order by score and worth, near-duplicates
    answers   an interviewer's question gives its place to its answer
    sample    random picks and a speaker's best quotes
    searcher  the Searcher: one open database and the pipeline over it
    tuning    every weight and threshold, as one frozen value
    types     the values passed between the stages, and Match

Results are `Match(quote, score, terms)`; the quote and its source are the quote
database's own records (`bot.quotedb.Quote`, `bot.records.Source`).
"""

from bot.quotedb import Context, Quote
from bot.records import Source
from bot.search.retrieve import quote_fts
from bot.search.searcher import Searcher, SearchError
from bot.search.tuning import Tuning
from bot.search.types import Elsewhere, Match, Picked

__all__ = [
    "Context",
    "Elsewhere",
    "Match",
    "Picked",
    "Quote",
    "SearchError",
    "Searcher",
    "Source",
    "Tuning",
    "quote_fts",
]
