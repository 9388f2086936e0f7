"""Turns: several paragraphs, headings, footers, monologues and lost labels."""

from __future__ import annotations

from tests.extract_helpers import extract_text, speaker_of, turns


def test_unlabelled_paragraph_belongs_to_the_current_speaker(tmp_path):
    doc = extract_text(
        tmp_path,
        "Andrew:这是一个很好的观点。我们应该以一种受控的方式推出新技术。\n\n"
        "接下来我们来回答一些网友的问题,谢谢大家提问。\n\n"
        "Yann:当然。我的意思是,如果有一种可能造成实际危害的技术,我们应该立即停止部署该产品。\n",
    )
    assert speaker_of(doc, "接下来我们来回答一些网友的问题") == ["Andrew Ng"]


def test_section_heading_ends_the_turn(tmp_path):
    doc = extract_text(
        tmp_path,
        "Ravi:\n\n大家请给伊利亚一个虚拟的热烈掌声,欢迎他来参加创业思想领袖研讨会。\n\n"
        "GPT很强,但和人类比学习能力很差 \n\n"
        "一段没有标签的话,出现在标题之后,不属于任何人。\n\n"
        "Ravi\n\n所以,如果我理解正确,如果人类是1倍,ChatGPT是多少?\n",
    )
    assert speaker_of(doc, "GPT很强") == []
    assert speaker_of(doc, "一段没有标签的话") == []
    assert [d.reason for d in doc.dropped] == ["heading", "unattributed"]
    assert doc.unattributed[0].line == 7


def test_page_footer_is_not_speech(tmp_path):
    doc = extract_text(
        tmp_path,
        "Yann:我同意这一点。\n\n赞助本站\n\n人工智能实验室\nAiLab云推荐\n展开\n\n热门栏目HotCates\n\n"
        "Copyright © 2010-2024 AiLab Team. 人工智能实验室 版权所有    关于我们 | 联系我们\n",
    )
    assert turns(doc) == [("Yann LeCun", "我同意这一点。")]
    assert doc.unattributed == []


def test_related_articles_list_is_footer(tmp_path):
    doc = extract_text(
        tmp_path,
        "Ravi\n\n非常感谢Ilya进行了这样迷人的讨论。\n\n发布于:北京\n\n相关推荐\n\n"
        "男子频繁与聊天机器人对话后自杀,AI已有自主意识?\n谷歌DeepMind喜事连连:刚推出全能AI模型Gato,又收获GAN之父\n",
    )
    assert turns(doc) == [("Ravi Belani", "非常感谢Ilya进行了这样迷人的讨论。")]
    assert speaker_of(doc, "男子频繁") == []


def test_intro_before_the_first_label_is_narration(tmp_path):
    doc = extract_text(
        tmp_path,
        "吴恩达对话杨立昆\n\nAI研究界有公认的四大天王:Geoffrey Hinton,Yann LeCun(杨立昆), Yoshua Bengio和Andrew Ng(吴恩达)。\n\n"
        "Andrew:这是关于暂停六个月超过某一规模的AI系统研究的话题。\n",
    )
    assert turns(doc) == [("Andrew Ng", "这是关于暂停六个月超过某一规模的AI系统研究的话题。")]
    assert {d.reason for d in doc.dropped} == {"heading", "narration"}


def test_monologue_declared_in_sources_toml(tmp_path):
    doc = extract_text(
        tmp_path,
        "奥特曼认为,目前可以迈出的最有建设性的一步是与国际科技界合作。\n\n"
        "以下为演讲与问答实录,有部分删减:\n\n"
        "潜在的红利是巨大的。人工智能革命可以创造人类共享的财富。\n\n"
        "我想在接下来的发言中重点谈谈,我们可以从哪里开始。\n\n"
        "对话实录:\n\n"
        "智源人工智能研究院理事长张宏江:我们离人工智能还有多远?\n",
        monologues=[("Sam Altman", "以下为演讲与问答实录", "对话实录")],
    )
    assert speaker_of(doc, "人工智能革命可以创造人类共享的财富") == ["Sam Altman"]
    assert doc.passages[0].line == 5  # the talk's first paragraph, not the marker
    assert speaker_of(doc, "我想在接下来的发言中重点谈谈") == ["Sam Altman"]
    assert speaker_of(doc, "目前可以迈出的最有建设性的一步") == []
    assert speaker_of(doc, "我们离人工智能还有多远") == ["Zhang Hongjiang"]


def test_document_without_labels_is_kept_as_narration(tmp_path):
    doc = extract_text(tmp_path, "這是一篇沒有任何說話人標籤的文章。\n\n它只有敘述。\n")
    assert doc.quotes == []
    assert "no speaker labels: kept as narration (no quotes)" in doc.notes


def test_lost_label_after_a_one_line_question(tmp_path):
    doc = extract_text(
        tmp_path,
        "Lex\nFridman:我是那些人的一部分。我從與GPT一起編程中獲得了很多快樂。但其中一部分是恐懼。\n\n"
        "Sam Altman:你能詳細說說嗎?\n\n"
        "我今天看到的一個梗是,每個人都在擔心GPT搶走程序員的工作。\n\n"
        "Sam\nAltman:也許在編程的一天中,你產生了一個非常重要的想法,這就是貢獻。\n",
    )
    assert [s for s, _ in turns(doc)] == ["Lex Fridman", "Sam Altman", "Lex Fridman", "Sam Altman"]
    assert speaker_of(doc, "我今天看到的一個梗") == ["Lex Fridman"]


def test_turn_links_to_the_one_before(tmp_path):
    doc = extract_text(tmp_path, "Lex Fridman:其中有多少是梗?\n\nSam Altman:並不多。也許如果多一點會更有趣。\n")
    assert [p.speaker for p in doc.passages] == ["Lex Fridman", "Sam Altman"]
    assert [p.line for p in doc.passages] == [1, 3]



def _page_lines(first: int, last: int) -> str:
    """Lines `first`..`last` (1-based, inclusive) of the Lex Fridman page, verbatim."""
    from tests.conftest import SEEDS

    lines = (SEEDS / "002_22918ceff47ecff6.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[first - 1:last]) + "\n"


def test_lost_label_after_a_question_closing_a_long_speech(tmp_path):
    # The real page: Lex's turn about Ex Machina ends asking `你認為人工智能可以有意識嗎?`,
    # the unlabelled paragraph after it is Sam's answer, and the next label is Lex's again.
    doc = extract_text(tmp_path, _page_lines(514, 528))
    assert [s for s, _ in turns(doc)] == [
        "Lex Fridman", "Sam Altman", "Lex Fridman", "Sam Altman", "Lex Fridman",
    ]
    assert speaker_of(doc, "我肯定相信意識在某種程度上是基礎物質") == ["Sam Altman"]
    assert speaker_of(doc, "矽穀的模擬宗教和婆羅門教") == ["Sam Altman"]
    assert speaker_of(doc, "你認為人工智能可以有意識嗎") == ["Lex Fridman"]
    assert speaker_of(doc, "她微笑是因為她正在體驗自由") == ["Lex Fridman"]


def test_rhetorical_question_inside_a_speech_does_not_move_it(tmp_path):
    # No question to the other person before the unlabelled text: nothing is given away.
    doc = extract_text(
        tmp_path,
        "Sam Altman:我們從中學到了很多。\n\n"
        "Lex Fridman:很多人擔心這件事,我在節目裏聽過很多這樣的聲音。\n\n"
        "可是這真的有那麼可怕嗎?\n\n"
        "我認為答案是否定的,技術總是在進步,人類也總會適應新的工具。\n\n"
        "Lex Fridman:讓我們談談下一個話題。\n",
    )
    assert speaker_of(doc, "我認為答案是否定的") == ["Lex Fridman"]


def test_question_to_the_other_person_in_english(tmp_path):
    doc = extract_text(
        tmp_path,
        "Sam Altman: We learned a lot from it, and we keep learning every day.\n\n"
        "Lex Fridman: Many people worry about this. It feels strange. Do you think it can be conscious?\n\n"
        "I think it is far from that, and we should say so clearly and often.\n\n"
        "Lex Fridman: Let us turn to alignment.\n",
    )
    assert speaker_of(doc, "I think it is far from that") == ["Sam Altman"]
