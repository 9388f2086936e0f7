"""What a build was made from, stored with it, so the next build can tell whether it may
only add the new documents (`bot.index.append`) instead of building everything again.

A document's fingerprint covers everything the build stores from it: the source's facts,
each passage and quote, and each quote's postability judgement (a change in extraction or
in the judging rules changes it). The inputs' fingerprint covers what every document's
rows depend on: the speakers, the glossary (jieba's user words), the versions and the model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from bot.extract.model import Document
from bot.extract.postable import Judgement
from bot.metadata import Speaker

DOCUMENTS_KEY = "documents"  # meta: the JSON list of the stored documents' fingerprints, in order
INPUTS_KEY = "build_inputs"  # meta: the inputs' fingerprint


def document_fingerprint(document: Document, judgements: list[Judgement]) -> str:
    """A short hash of everything the build stores from `document`."""
    return _digest(
        {
            "source": dataclasses.asdict(document.source),
            "passages": [dataclasses.asdict(p) for p in document.passages],
            "quotes": [dataclasses.asdict(q) for q in document.quotes],
            "judgements": [dataclasses.asdict(j) for j in judgements],
        }
    )


def inputs_fingerprint(
    speakers: list[Speaker], glossary: dict[str, list[str]], versions: dict[str, str], vector_tag: str | None
) -> str:
    """A short hash of what every stored row depends on besides its own document."""
    return _digest(
        {
            "speakers": [dataclasses.asdict(s) for s in speakers],
            "glossary": glossary,
            "versions": versions,
            "vectors": vector_tag,
        }
    )


def _digest(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=list)
    return hashlib.sha1(text.encode()).hexdigest()[:20]
