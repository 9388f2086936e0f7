"""Markdown, HTML and plain text are read into plain text on the source's lines, with
the blocks set apart (a speaker's original words) marked and the file's own facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.extract import extract_document
from bot.extract.file_facts import normalize_date
from bot.extract.markup import find_markup
from bot.extract.paragraphs import split_paragraphs
from bot.extract.reading import Reading, read_document
from tests.conftest import DATA
from tests.extract_helpers import SPEAKERS, extract_text, speaker_of

WILD = DATA / "wild"


def read(tmp_path: Path, text: str, name: str = "notes.md", encoding: str = "utf-8") -> Reading:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return read_document(path)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of `text` that holds `fragment` (exactly one must)."""
    found = [n for n, line in enumerate(text.split("\n"), start=1) if fragment in line]
    assert len(found) == 1, (fragment, found)
    return found[0]


def lines_with(reading: Reading, fragment: str) -> list[int]:
    return [n for n, line in enumerate(reading.text.split("\n"), start=1) if fragment in line]


# --- Markdown notes with <details> originals -------------------------------------------

ALTMAN = WILD / "altman-notes.md"


@pytest.fixture(scope="module")
def altman() -> Reading:
    return read_document(ALTMAN)


def test_front_matter_gives_the_notes_facts(altman):
    facts = altman.facts
    assert facts.title == "Sam Altman 谈 GPT-5、算力与 AGI｜中英对照笔记"
    assert facts.date == "2024-05-01"
    assert facts.url == "https://www.youtube.com/watch?v=altman-notes-example"
    assert facts.publisher == "Big Technology Podcast"  # `speaker:` names the channel
    assert facts.people == ("Alex Kantrowitz", "Sam Altman")
    assert altman.notes == ["converted from Markdown to text"]


def test_front_matter_lines_stay_as_blank_lines(altman):
    assert altman.text.split("\n")[:11] == [""] * 11
    assert "title" not in altman.text and "Big Technology" not in altman.text


def test_markdown_marks_are_gone_and_labels_read_plainly(altman):
    text = altman.text
    assert find_markup(text) is None
    assert "Sam Altman: 我们会在它准备好的时候发布。我认为每一代模型都应该比上一代好得多" in text
    assert "主持人: 大家都在问 GPT-5 什么时候发布。" in text
    assert "主持人： 算力是不是现在最大的瓶颈？" in text  # **主持人：** -> 主持人：
    assert "原视频见这里，译文仅供参考" in text  # link text kept, URL dropped
    assert "未来的货币。" in text  # footnote mark gone
    assert "类似的说法" not in text  # footnote definition dropped
    assert "译者注" not in text  # HTML comment dropped
    assert "它会是一个渐进的过程，GPT-4 只是其中的一步。" in text  # struck-out words gone, code kept
    assert "Original English" not in text  # a summary is not text


def test_lines_stay_on_the_source_lines(altman):
    source = ALTMAN.read_text(encoding="utf-8")
    assert line_of(altman.text, "Sam Altman 谈 GPT-5、算力与 AGI") == line_of(source, "# Sam Altman 谈")
    for fragment in (
        "大家都在问 GPT-5 什么时候发布",
        "Everyone is asking when GPT-5 is coming out",
        "我们会在它准备好的时候发布",
        "We'll release it when it's ready",
        "Is compute the biggest bottleneck right now?",
        "我认为算力会成为未来的货币",
        "I think compute is going to be the currency of the future",
        "I don't think there will be a single moment",
    ):
        assert line_of(altman.text, fragment) == line_of(source, fragment), fragment


def test_details_blocks_are_asides_with_their_summary(altman):
    english = [
        "Everyone is asking", "We'll release it", "Is compute the biggest", "I think compute is",
        "I don't think there will be",
    ]
    for fragment in english:
        assert altman.asides[line_of(altman.text, fragment)] == "Original English"
    for fragment in ("大家都在问", "我们会在它准备好", "算力是不是", "未来的货币", "渐进的过程"):
        assert line_of(altman.text, fragment) not in altman.asides
    paragraphs = split_paragraphs(altman.text, asides=altman.asides)
    originals = [p for p in paragraphs if p.aside is not None]
    assert [p.text[:16] for p in originals] == [
        "Everyone is aski", "We'll release it", "Is compute the b", "I think compute ", "I don't think th",
    ]
    before = [paragraphs[paragraphs.index(p) - 1].text[:10] for p in originals]
    assert before == ["主持人: 大家都在问", "Sam Altman", "主持人： 算力是不是", "Sam Altman", "Sam Altman"]


def test_a_details_block_right_after_its_paragraph_is_still_set_apart(altman):
    """`**主持人：** ...` is followed by `<details>` with no blank line between."""
    paragraphs = split_paragraphs(altman.text, asides=altman.asides)
    host = next(p for p in paragraphs if p.text.startswith("主持人： 算力"))
    assert host.text == "主持人： 算力是不是现在最大的瓶颈？" and host.aside is None


def test_notes_speakers_are_attributed():
    document = extract_document(ALTMAN, SPEAKERS)
    assert speaker_of(document, "未来的货币") == ["Sam Altman"]
    originals = {q.text[:8]: (q.original or "")[:30] for q in document.quotes}
    assert originals == {
        "我们会在它准备好": "We'll release it when it's rea",
        "我认为算力会成为": "I think compute is going to be",
        "我不认为会有某一": "I don't think there will be a ",
    }
    assert document.source.title == "Sam Altman 谈 GPT-5、算力与 AGI｜中英对照笔记"
    assert document.source.publisher == "Big Technology Podcast"
    assert document.source.date == "2024-05-01"


# --- Markdown notes with block-quote originals ---------------------------------------

LECUN = WILD / "lecun-blockquote.md"


def test_people_as_a_role_mapping():
    facts = read_document(LECUN).facts
    assert facts.roles == {"host": "Lex Fridman", "guest": "Yann LeCun"}
    assert facts.people == ("Lex Fridman", "Yann LeCun")
    assert facts.publisher == "Lex Fridman Podcast"  # channel:
    assert facts.url == "https://www.youtube.com/watch?v=lecun-blockquote-example"  # link:
    assert facts.date == "2024-03-07"  # a datetime with a time zone
    assert facts.title == "杨立昆：自回归大模型不是通往人类水平智能的道路"


def test_block_quotes_are_asides_on_their_source_lines():
    reading = read_document(LECUN)
    source = LECUN.read_text(encoding="utf-8")
    assert find_markup(reading.text) is None
    for fragment in (
        "You've said that autoregressive LLMs",  # right after its paragraph, no blank line
        "For a number of reasons",
        "A four-year-old child has seen through vision",
        "about fifty times more data",
        "So language alone is not enough?",
    ):
        line = line_of(reading.text, fragment)
        assert line == line_of(source, fragment)
        assert reading.asides[line] == ""
    for fragment in ("你说过", "原因有很多", "一个四岁的孩子", "大约是最大的", "所以仅靠语言"):
        line = line_of(reading.text, fragment)
        assert line == line_of(source, fragment) and line not in reading.asides
    paragraphs = split_paragraphs(reading.text, asides=reading.asides)
    assert [(p.text[:11], p.aside) for p in paragraphs[1:]] == [
        ("Lex Fridman", None), ("You've said", ""),
        ("Yann LeCun：", None), ("For a numbe", ""),
        ("Yann LeCun：", None), ("A four-year", ""),
        ("Lex Fridman", None), ("So language", ""),
    ]
    assert paragraphs[6].text == "A four-year-old child has seen through vision about fifty times more data than the biggest LLMs."
    document = extract_document(LECUN, SPEAKERS)
    assert [(document.passages[q.passage].speaker, (q.original or "")[:12]) for q in document.quotes] == [
        ("Lex Fridman", "You've said "), ("Yann LeCun", "For a number"), ("Yann LeCun", "A four-year-"),
        ("Lex Fridman", "So language "),
    ]


# --- An HTML page ------------------------------------------------------------------------

PANEL = WILD / "panel.html"


@pytest.fixture(scope="module")
def panel() -> Reading:
    return read_document(PANEL)


def test_page_facts_come_from_its_head(panel):
    facts = panel.facts
    assert facts.title == "吴恩达、杨立昆对谈：为什么暂停 AI 研究六个月是个坏主意"  # og:title, site name cut
    assert facts.date == "2023-04-08"  # article:published_time over <time>
    assert facts.url == "https://ml-frontier.example.com/posts/ng-lecun-pause"  # og:url over canonical
    assert facts.publisher == "机器学习前沿"  # og:site_name over author
    assert panel.notes == ["converted from HTML to text"]


def test_page_text_is_the_article_only(panel):
    text = panel.text
    assert find_markup(text) is None
    for chrome in ("首页", "关于我们", "相关阅读", "转载请注明出处", "不是正文", "dataLayer", "color"):
        assert chrome not in text
    assert "吴恩达: 我认为暂停六个月是一个非常糟糕的主意。" in text
    assert "主持人: 欢迎两位。" in text
    assert "还很远—它们甚至没有一只猫聪明。" in text  # &mdash; decoded
    assert "Original English" not in text
    # <br> is a line break inside the paragraph, not a new paragraph
    first = line_of(text, "它们甚至没有一只猫聪明")
    assert line_of(text, "现在就去监管研究本身") == first + 1


def test_page_blockquote_and_details_are_asides(panel):
    quote = line_of(panel.text, "I think the six-month pause is a really bad idea")
    details = line_of(panel.text, "I agree. Today's systems are very far")
    assert panel.asides == {quote: "", details: "Original English"}
    paragraphs = split_paragraphs(panel.text, asides=panel.asides)
    asides = [i for i, p in enumerate(paragraphs) if p.aside is not None]
    assert [paragraphs[i - 1].text[:4] for i in asides] == ["吴恩达:", "杨立昆:"]


def test_page_speakers_are_attributed():
    document = extract_document(PANEL, SPEAKERS)
    assert speaker_of(document, "暂停六个月是一个非常糟糕的主意") == ["Andrew Ng"]
    originals = [(q.original or "")[:24] for q in document.quotes]
    assert originals == ["I think the six-month pa", "I agree. Today's systems", "", ""]
    assert speaker_of(document, "产品是应该监管的") == ["Yann LeCun"]
    assert document.source.url == "https://ml-frontier.example.com/posts/ng-lecun-pause"


def test_page_facts_fall_back_to_title_canonical_time_and_author(tmp_path):
    reading = read(tmp_path, (
        "<html><head><title>Ilya Sutskever 访谈全文 | AI 科技评论</title>"
        '<meta name="author" content="AI 科技评论">'
        '<meta property="og:site_name" content="AI 科技评论">'
        '<link rel="canonical" href="https://ai-review.example.com/p/42"></head>'
        '<body><p><time datetime="2023-03-15T09:00:00Z">三月</time></p><p>伊利亚: 你好。</p></body></html>'
    ), "page.html")
    facts = reading.facts
    assert (facts.title, facts.url, facts.date, facts.publisher) == (
        "Ilya Sutskever 访谈全文", "https://ai-review.example.com/p/42", "2023-03-15", "AI 科技评论",
    )
    author_only = read(tmp_path, '<html><head><meta name="author" content="新智元"></head><body>x</body></html>', "a.html")
    assert author_only.facts.publisher == "新智元"
    assert author_only.facts.title is None


def test_a_page_is_known_by_its_content_too(tmp_path):
    reading = read(tmp_path, "<!DOCTYPE html><html><body><p>Sam Altman: 你好。</p><details><summary>EN</summary>Hello.</details></body></html>", "page.txt")
    assert reading.text == "Sam Altman: 你好。\n\nHello.\n"
    assert reading.asides == {3: "EN"}


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><p>吴恩达: 我认为<b>这很<details><summary>原文",
        "<p>杨立昆: 好的。</blockquote></details></summary><p>还有",
        "<html><head><title>没有结束",
        "<p>Sam Altman: 你好<scr",
        "<div><<<>>> & &amp &#xZZ; <p =x>文字</p>",
        "<p>图<![i](j)> 和 <![if !IE]>文字<![endif]> 和 <!foo> <![CDATA[x]]></p><!",
        "",
    ],
)
@pytest.mark.parametrize("name", ["broken.html", "broken.md"])
def test_broken_html_does_not_crash(tmp_path, page, name):
    reading = read(tmp_path, page, name)
    assert isinstance(reading.text, str)
    assert "<p>" not in reading.text
    lines = reading.text.split("\n")
    assert all(lines[n - 1].strip() for n in reading.asides)


def test_broken_html_keeps_what_it_can(tmp_path):
    reading = read(tmp_path, "<p>杨立昆: 好的。</blockquote></details></summary><p>还有一点</p>", "broken.html")
    assert reading.text == "杨立昆: 好的。\n\n还有一点\n"
    assert reading.asides == {}


# --- Markdown, piece by piece ----------------------------------------------------------


@pytest.mark.parametrize(
    "source, expected",
    [
        ("**Sam Altman**: 我认为这很重要。", "Sam Altman: 我认为这很重要。"),
        ("**Sam Altman：** 我认为这很重要。", "Sam Altman： 我认为这很重要。"),
        ("**主持人：**你怎么看？", "主持人：你怎么看？"),  # CommonMark leaves this ** alone
        ("__Lex Fridman__: 你好。", "Lex Fridman: 你好。"),
        ("见[官网][oa]。\n\n[oa]: https://openai.com", "见官网。"),
        ("见 <https://openai.com> 和 <a href='x'>链接</a>。", "见 https://openai.com 和 链接。"),
        ("封面![GPT-4 发布会现场](cover.png)之后", "封面之后"),
        ("R&amp;D 和 &#x4E2D;文 &copy;", "R&D 和 中文 ©"),
        ("这篇 <Attention Is All You Need> 论文，a < b，<3", "这篇 <Attention Is All You Need> 论文，a < b，<3"),
        ("`GPT-4` 和 *强调* 和 _斜体_ 和 ~~删掉~~保留", "GPT-4 和 强调 和 斜体 和 保留"),
        ("句子[^note]。\n\n[^note]: 注释的内容。", "句子。"),
        ("句子[^missing]。", "句子。"),
        ("- 第一点\n- 第二点", "第一点\n\n第二点"),
        ("1. 第一点\n2. 第二点", "第一点\n\n第二点"),
        ("上<!-- 一段\n注释 -->下", "上下"),
        ("<!--\n整段注释\n-->\n\n正文", "\n\n\n\n正文"),
        ("| 说话人 | 内容 |\n|---|---|\n| Sam | 你好 |", "说话人 内容\n\nSam 你好"),
    ],
)
def test_markdown_becomes_plain_text(tmp_path, source, expected):
    assert read(tmp_path, source).text == expected + "\n"


def test_br_is_a_line_break(tmp_path):
    reading = read(tmp_path, "Sam Altman: 第一句。<br>第二句。<br/><br/>Lex Fridman: 第三句。\n")
    assert reading.text == "Sam Altman: 第一句。\n第二句。\n\nLex Fridman: 第三句。\n"


def test_fenced_code_is_left_out_with_a_note(tmp_path):
    reading = read(tmp_path, "Sam Altman: 看这段代码。\n\n```python\nprint('hi')\n```\n\nLex Fridman: 好。\n")
    assert reading.text == "Sam Altman: 看这段代码。\n\n\n\n\n\nLex Fridman: 好。\n"
    assert "1 fenced code block left out" in reading.notes


def test_an_indented_block_after_a_paragraph_is_an_aside(tmp_path):
    reading = read(tmp_path, "Sam Altman: 我认为这很重要。\n\n    I think this matters.\n    A lot.\n\n    Second paragraph.\n")
    assert reading.text == "Sam Altman: 我认为这很重要。\n\nI think this matters.\nA lot.\n\nSecond paragraph.\n"
    assert reading.asides == {3: "", 4: "", 6: ""}


def test_an_indented_block_after_a_heading_is_plain_text(tmp_path):
    reading = read(tmp_path, "# 标题\n\n    缩进的正文。\n")
    assert reading.text == "标题\n\n缩进的正文。\n"
    assert reading.asides == {}


@pytest.mark.parametrize(
    "source",
    [
        "中文。\n<details><summary>Original English</summary>English.</details>\n",
        "中文。\n<details>\n<summary>Original English</summary>\nEnglish.\n</details>\n",
        "中文。\n\n<details>\n\n<summary>Original English</summary>\n\nEnglish.\n\n</details>\n",
        "中文。\n<details><summary>Original English</summary>\n\nEnglish.\n\n</details>\n",
        "中文。\n\n<details>\n<summary>\n**Original** English\n</summary>\n\nEnglish.\n</details>\n",
    ],
)
def test_details_blocks_in_every_layout(tmp_path, source):
    reading = read(tmp_path, source)
    english = line_of(reading.text, "English.")
    assert english == line_of(source, "English.")
    assert reading.asides == {english: "Original English"}
    assert [p.text for p in split_paragraphs(reading.text, asides=reading.asides)] == ["中文。", "English."]


def test_details_without_a_summary_and_markdown_inside_raw_html(tmp_path):
    reading = read(tmp_path, "中文。\n\n<details>\nI **really** think [so](http://x).\n</details>\n")
    assert reading.text == "中文。\n\n\nI really think so.\n"
    assert reading.asides == {4: ""}


def test_crlf_and_gb18030_markdown(tmp_path):
    source = "---\r\ntitle: 标题\r\n---\r\n\r\n**Sam Altman**: 我认为这很重要。\r\n> I think this matters.\r\n"
    reading = read(tmp_path, source, encoding="gb18030")
    assert reading.text == "\n\n\n\nSam Altman: 我认为这很重要。\nI think this matters.\n"
    assert reading.asides == {6: ""}
    assert reading.facts.title == "标题"
    assert reading.notes == ["converted from GB18030 to UTF-8", "converted from Markdown to text"]


# --- Front matter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-01", "2024-05-01"),
        ("2024/5/1", "2024-05-01"),
        ("2024.05.01", "2024-05-01"),
        ("2024年5月1日", "2024-05-01"),
        ("May 1, 2024", "2024-05-01"),
        ("1 May 2024", "2024-05-01"),
        ("2024-05-01T10:00:00Z", "2024-05-01"),
        ("20240501", "2024-05-01"),
        (dt.date(2024, 5, 1), "2024-05-01"),
        (dt.datetime(2024, 5, 1, 23, 59), "2024-05-01"),
        ("2024-13-01", None),
        ("last Tuesday", None),
        (True, None),
        (None, None),
    ],
)
def test_dates(value, expected):
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    "front_matter, date",
    [("date: 2024-05-01", "2024-05-01"), ("date: 2024/5/1", "2024-05-01"),
     ("date: 2024-05-01 08:30:00", "2024-05-01"), ("date: '2024年5月1日'", "2024-05-01")],
)
def test_front_matter_dates(tmp_path, front_matter, date):
    assert read(tmp_path, f"---\n{front_matter}\n---\n正文\n").facts.date == date


def test_publisher_and_channel_win_over_speaker(tmp_path):
    assert read(tmp_path, "---\nspeaker: Lex Fridman\n---\n").facts.publisher == "Lex Fridman"
    both = read(tmp_path, "---\nspeaker: Lex Fridman\nchannel: Lex Clips\n---\n").facts
    assert both.publisher == "Lex Clips"
    assert read(tmp_path, "---\nauthor: 译者甲\nsite: 机器之心\n---\n").facts.publisher == "机器之心"
    assert read(tmp_path, "---\nauthor: 译者甲\n---\n").facts.publisher == "译者甲"


def test_people_in_every_shape(tmp_path):
    listed = read(tmp_path, "---\nguests: [Andrew Ng, Yann LeCun]\n---\n").facts
    assert listed.people == ("Andrew Ng", "Yann LeCun") and listed.roles == {}
    top = read(tmp_path, "---\nhost: Alex Kantrowitz\nguest: Sam Altman\n---\n").facts
    assert top.roles == {"host": "Alex Kantrowitz", "guest": "Sam Altman"}
    assert top.people == ("Alex Kantrowitz", "Sam Altman")
    named = read(tmp_path, "---\npeople:\n  Lex Fridman: host\n  Ilya Sutskever: guest\n---\n").facts
    assert named.roles == {"host": "Lex Fridman", "guest": "Ilya Sutskever"}
    chinese = read(tmp_path, "---\npeople: {主持人: 张宏江, 嘉宾: Sam Altman}\n---\n").facts
    assert chinese.roles == {"主持人": "张宏江", "嘉宾": "Sam Altman"}
    speakers = read(tmp_path, "---\nspeaker: [Andrew Ng, Yann LeCun]\n---\n").facts
    assert speakers.people == ("Andrew Ng", "Yann LeCun") and speakers.publisher is None


def test_a_url_is_found_in_the_source_field(tmp_path):
    facts = read(tmp_path, "---\nsource: YouTube（https://www.youtube.com/watch?v=x1）\n---\n").facts
    assert facts.url == "https://www.youtube.com/watch?v=x1"
    assert read(tmp_path, "---\nsource: 某播客\n---\n").facts.url is None


@pytest.mark.parametrize(
    "front_matter, note",
    [
        ("title: [没有闭合\ndate: 2024-05-01", "front matter is not valid YAML"),
        ("title: 'a\n  b: c: d", "front matter is not valid YAML"),
        ("- 一个\n- 列表", "front matter is not a set of key: value lines"),
        ("title: 标题\ndate: 某天", "date '某天' is not a date"),
    ],
)
def test_malformed_front_matter_is_a_note(tmp_path, front_matter, note):
    source = f"---\n{front_matter}\n---\n\nSam Altman: 你好。\n"
    reading = read(tmp_path, source)
    assert any(note in n for n in reading.notes), reading.notes
    assert reading.text.split("\n")[: front_matter.count("\n") + 3] == [""] * (front_matter.count("\n") + 3)
    assert line_of(reading.text, "Sam Altman: 你好。") == line_of(source, "Sam Altman: 你好。")


def test_front_matter_without_its_closing_fence_ends_at_a_blank_line(tmp_path):
    reading = read(tmp_path, "---\ntitle: 标题\ndate: 2024-05-01\n\nSam Altman: 你好。\n")
    assert reading.text == "\n\n\n\nSam Altman: 你好。\n"
    assert reading.facts.title == "标题"
    assert any("no closing ---" in note for note in reading.notes)


def test_a_rule_at_the_top_is_not_front_matter(tmp_path):
    reading = read(tmp_path, "---\n\nSam Altman: 你好。\n")
    assert reading.text == "\n\nSam Altman: 你好。\n"
    assert reading.facts.title is None


# --- Plain text ------------------------------------------------------------------------


def test_an_indented_paragraph_after_an_unindented_one_is_an_aside(tmp_path):
    source = (
        "Sam Altman：我认为这很重要。\n\n  I think this matters.\n  A lot.\n\n"
        "Lex Fridman：为什么？\n\n\tWhy?\n"
    )
    reading = read(tmp_path, source, "notes.txt")
    assert reading.text == source
    assert reading.asides == {3: "", 4: "", 8: ""}


def test_a_file_that_indents_every_paragraph_has_no_asides(tmp_path):
    source = "标题\n\n  第一段。\n\n  第二段。\n\n  第三段。\n"
    assert read(tmp_path, source, "story.txt").asides == {}


def test_plain_text_is_kept_as_it_is(tmp_path):
    source = "**不是** Markdown <br> &amp;\n"
    reading = read(tmp_path, source, "plain.txt")
    assert (reading.text, reading.asides, reading.notes) == (source, {}, [])


def test_binary_files_are_skipped(tmp_path):
    path = tmp_path / "x.md"
    path.write_bytes(b"\x00\x01\x02" * 10)
    reading = read_document(path)
    assert (reading.text, reading.notes) == ("", ["binary, not text: skipped"])


# --- Subtitles go to bot.extract.subtitles.read_subtitles(text, suffix) -------------------


def test_subtitles_go_to_their_reader(tmp_path):
    reading = read(tmp_path, "1\n00:00:12,500 --> 00:00:14,000\nSam Altman: 我认为这很重要。\n", "talk.srt")
    assert "我认为这很重要。" in reading.text
    assert reading.times[line_of(reading.text, "我认为这很重要。")] == 12.5
    assert reading.asides == {}


def test_markdown_notes_extract_end_to_end(tmp_path):
    document = extract_text(
        tmp_path,
        "---\ntitle: 访谈\n---\n\n**Yann:** 我认为这个领域将很快实现民主化。\n\n> I think this field will be democratized very quickly.\n",
        name="talk.md",
    )
    assert speaker_of(document, "民主化") == ["Yann LeCun"]
    assert document.source.title == "访谈"


def test_a_details_block_never_closed_is_a_note(tmp_path):
    reading = read(tmp_path, "中文。\n\n<details><summary>Original English</summary>\n\nEnglish.\n\n后面的中文。\n")
    assert reading.asides == {5: "Original English", 7: "Original English"}
    assert any("never closed" in note for note in reading.notes)
