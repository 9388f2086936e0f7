"""The glossary's topics: the Chinese terms translating one English key are one topic to a
reader (意识 and 有意识 for consciousness; 就业, 工作 and 岗位 for jobs).

Read once per open database: a few hundred terms, whatever the corpus size.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from weakref import WeakKeyDictionary

from bot import lexicon
from bot.quotedb import QuoteDB

_topics: WeakKeyDictionary[QuoteDB, dict[str, tuple[str, ...]]] = WeakKeyDictionary()
_topics_lock = threading.Lock()


def glossary_topics(db: QuoteDB) -> dict[str, tuple[str, ...]]:
    """Each glossary term -> every glossary term for the same English key (itself first)."""
    with _topics_lock:
        if db not in _topics:
            by_key: defaultdict[str, set[str]] = defaultdict(set)
            for key, term in db.translations_from(lexicon.GLOSSARY_WEIGHT):
                by_key[key].add(term)
            siblings: defaultdict[str, set[str]] = defaultdict(set)
            for group in by_key.values():
                for term in group:
                    siblings[term] |= group
            _topics[db] = {t: (t, *sorted(s - {t})) for t, s in siblings.items()}
        return _topics[db]
