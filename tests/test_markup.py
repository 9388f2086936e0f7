"""A quote that still holds markup is found; prose that only looks like it is not."""

from __future__ import annotations

import pytest

from bot.extract import extract_document
from bot.extract.markup import find_markup
from bot.metadata import load_sources, load_speakers
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    "text, snippet",
    [
        ("我认为<details>这很重要", "<details>"),
        ("这很重要。</p>", "</p>"),
        ("第一行<br/>第二行", "<br/>"),
        ("第一行<BR>第二行", "<BR>"),
        ('见<a href="https://openai.com">官网</a>', '<a href="https://openai.com">'),
        ("<summary>Original English</summary>", "<summary>"),
        ("研究 &amp; 开发", "&amp;"),
        ("it&#39;s", "&#39;"),
        ("it&#x27;s", "&#x27;"),
        ("AI&nbsp;安全", "&nbsp;"),
        ("**Sam Altman**: 我认为", "**Sam Altman**"),
        ("Sam Altman：**我认为", "**"),
        ("这是__非常__重要的", "__非常__"),
        ("见[这里](https://example.com)的视频", "[这里](https://example.com)"),
        ("![封面](cover.png)", "!["),
        ("算力是未来的货币[^1]。", "[^1]"),
        ("## 关于算力", "## 关于算力"),
        ("GPT-4 只是`一步`而已", "`一步`"),
        ("{\\an8}我认为这很重要", "{\\an8}"),
        ("<!-- 译者注 -->", "<!--"),
    ],
)
def test_markup_is_found(text, snippet):
    assert find_markup(text) == snippet


@pytest.mark.parametrize(
    "text",
    [
        "如果 a < b，那么模型就更小。",
        "我爱你 <3",
        "x<y 并且 y>z",
        "这篇论文叫 <Attention Is All You Need>，影响很大。",
        "R&D 投入和 AT&T 的网络",
        "研发&创新;两者都要",
        "第 #1 名的模型",
        "#AI 话题下的讨论",
        "2 * 3 * 4 = 24",
        "snake_case_name 和 __init__ 方法",
        "____ 是一个填空题",
        "[笑] 我们再看一下 [1] 这篇论文",
        "他说：“AGI 会来的。”",
        "Sam Altman: 我认为这很重要。",
        "",
    ],
)
def test_prose_is_not_markup(text):
    assert find_markup(text) is None


def test_no_quote_from_the_seeds_is_flagged():
    """The real transcripts' quotes (and passages, and what was dropped) hold no markup."""
    speakers, sources = load_speakers(SEEDS), load_sources(SEEDS)
    flagged, quotes = [], 0
    for path in sorted(SEEDS.glob("*.txt")):
        document = extract_document(path, speakers, sources.get(path.name))
        texts = [q.text for q in document.quotes]
        quotes += len(texts)
        texts += [p.text for p in document.passages] + [d.text for d in document.dropped]
        flagged += [(path.name, find_markup(t), t[:60]) for t in texts if find_markup(t)]
    assert quotes > 500
    assert flagged == []
