"""What a build was made from, stored with it, so the next build can tell whether it may
only add the new documents (`bot.index.append`) instead of building everything again.

A document's fingerprint covers what extraction made of it: the source's facts, each
passage and each quote. The inputs' fingerprint covers what every stored row depends on
besides its document: the speakers, the glossary (jieba's user words), the versions, the
model, and the code that turns a document into rows (judging, cutting words, indexing),
so that a change there builds everything again instead of mixing old rows with new.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
from pathlib import Path

from bot.extract.model import Document
from bot.metadata import Speaker

DOCUMENTS_KEY = "documents"  # meta: the JSON list of the stored documents' fingerprints, in order
INPUTS_KEY = "build_inputs"  # meta: the inputs' fingerprint
# The modules whose code decides what a document's rows hold (this package: every module in it).
ROW_MAKERS = ("bot.extract.postable", "bot.terms", "bot.normalize", "bot.lexicon", "bot.meaning", "bot.text")

_FIELD, _RECORD = "\x1f", "\x1e"  # separators no transcript text holds


def document_fingerprint(document: Document) -> str:
    """A short hash of what extraction made of `document` (hashed field by field: it runs
    over every document of a corpus on each build)."""
    digest = hashlib.sha1(json.dumps(dataclasses.asdict(document.source), sort_keys=True).encode())
    for passage in document.passages:
        digest.update(f"{passage.speaker}{_FIELD}{passage.kind}{_FIELD}{passage.line}{_FIELD}{passage.text}{_RECORD}".encode())
    for quote in document.quotes:
        digest.update(f"{quote.passage}{_FIELD}{quote.kind}{_FIELD}{quote.text}{_RECORD}".encode())
        if quote.original or quote.start is not None:
            digest.update(f"{quote.original}{_FIELD}{quote.original_lang}{_FIELD}{quote.start}{_RECORD}".encode())
    return digest.hexdigest()[:20]


def inputs_fingerprint(
    speakers: list[Speaker], glossary: dict[str, list[str]], versions: dict[str, str], vector_tag: str | None
) -> str:
    """A short hash of what every stored row depends on besides its own document."""
    facts = {
        "speakers": [dataclasses.asdict(s) for s in speakers],
        "glossary": glossary,
        "versions": versions,
        "vectors": vector_tag,
        "code": _code_digest(),
    }
    text = json.dumps(facts, ensure_ascii=False, sort_keys=True, default=list)
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def _code_digest() -> str:
    """A hash of the source of the modules that make the rows (ROW_MAKERS and bot.index)."""
    digest = hashlib.sha1()
    files = [Path(importlib.import_module(name).__file__ or "") for name in ROW_MAKERS]
    files += sorted(Path(__file__).parent.glob("*.py"))
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()
