"""Speaker labels in every form the seed pages use, each from the real line."""

from __future__ import annotations

import pytest

from tests.extract_helpers import extract_text, speaker_of, turns

OPENING = "张宏江:你感觉到了一种紧迫感吗?\n\nOpenAI创始人山姆·奥特曼:这很难评估具体时间。\n\n"


def test_ascii_and_fullwidth_colons(tmp_path):
    doc = extract_text(tmp_path, "Yann:嗨,Andrew,很高兴在这里与你交谈。\n\nAndrew：让我们先简要概括一下现状。\n")
    assert turns(doc) == [
        ("Yann LeCun", "嗨,Andrew,很高兴在这里与你交谈。"),
        ("Andrew Ng", "让我们先简要概括一下现状。"),
    ]


def test_label_broken_over_two_lines(tmp_path):
    doc = extract_text(
        tmp_path,
        "Lex\nFridman:從高維度來說,GPT-4是什麽?它是如何工作的,最令人驚歎的地方是什麽?\n\n"
        "Sam\nAltman:這是一個人類在未來會回頭翻看的AI係統。\n",
    )
    assert [speaker for speaker, _ in turns(doc)] == ["Lex Fridman", "Sam Altman"]
    assert turns(doc)[0][1].startswith("從高維度來說")


def test_colon_starting_the_next_line(tmp_path):
    doc = extract_text(
        tmp_path,
        "Sam Altman:並不多。\n\nLex Fridman\n:嗯,有些事情在某種程度上被透露出來了,Twitter的文件顯示不同組織對某些事情施加了壓力。\n",
    )
    assert turns(doc)[1] == (
        "Lex Fridman",
        "嗯,有些事情在某種程度上被透露出來了,Twitter的文件顯示不同組織對某些事情施加了壓力。",
    )


def test_double_colon_is_one_label(tmp_path):
    doc = extract_text(tmp_path, "Lex Fridman\n::嗯,有些事情在某種程度上被透露出來了。\n")
    assert turns(doc) == [("Lex Fridman", "嗯,有些事情在某種程度上被透露出來了。")]


def test_label_alone_with_speech_in_following_paragraphs(tmp_path):
    doc = extract_text(
        tmp_path,
        "Ravi:\n\n伊利亚,想象一下掌声欢迎你,任何时候欢迎你回到斯坦福校园。\n\n"
        "关于ChatGPT和大型语言模型,听众的了解程度差异较大。\n\n"
        "Ilya:\n\n是的,我可以解释这项技术是什么,以及为什么它起作用。\n",
    )
    assert turns(doc) == [
        ("Ravi Belani", "伊利亚,想象一下掌声欢迎你,任何时候欢迎你回到斯坦福校园。\n关于ChatGPT和大型语言模型,听众的了解程度差异较大。"),
        ("Ilya Sutskever", "是的,我可以解释这项技术是什么,以及为什么它起作用。"),
    ]


def test_bare_name_without_colon(tmp_path):
    doc = extract_text(
        tmp_path,
        "Ravi:\n\n你认为会有一个奇点吗?\n\nIlya\n\n我不知道这个时间点会是什么时候。\n\nRavi\n\n非常感谢Ilya进行了这样迷人的讨论。\n",
    )
    assert [s for s, _ in turns(doc)] == ["Ravi Belani", "Ilya Sutskever", "Ravi Belani"]


def test_label_glued_to_speech(tmp_path):
    doc = extract_text(tmp_path, OPENING + "张宏江:你在刚才的演讲中也提到了几次全球合作。\n\n山姆·奥特曼是的,我感觉到了。我想强调一下,我们并不真正知道。\n")
    assert turns(doc)[-1] == ("Sam Altman", "是的,我感觉到了。我想强调一下,我们并不真正知道。")


def test_glued_name_is_not_a_label_right_after_a_lone_label(tmp_path):
    doc = extract_text(
        tmp_path, "Ravi:\n\n这是否包括创始人?\n\nIlya:\n\n萨姆·奥尔特曼没有股权,但其他创始人有。\n"
    )
    assert speaker_of(doc, "萨姆·奥尔特曼没有股权") == ["Ilya Sutskever"]


def test_glued_name_needs_a_dialogue_and_a_colon_label_first(tmp_path):
    caption = "山姆·奥特曼引用《道德经》谈AI安全,称需要中国人才助力。(01:23)"
    doc = extract_text(tmp_path, caption + "\n\n" + OPENING)
    assert speaker_of(doc, "引用《道德经》") == []


def test_short_name_glued_to_text_is_speech_about_the_person(tmp_path):
    doc = extract_text(
        tmp_path,
        "Andrew:我是DeepLearning.ai的创始人Andrew,很高兴你们今天能加入我。\n\n"
        "Yann和我已经是朋友很长时间了,关于这个为期六个月的暂停提议,我们已经深入地讨论过。\n",
    )
    assert speaker_of(doc, "Yann和我已经是朋友很长时间了") == ["Andrew Ng"]


def test_label_with_a_title_in_front(tmp_path):
    doc = extract_text(
        tmp_path,
        "智源人工智能研究院理事长张宏江:我们离人工智能还有多远?\n\n"
        "OpenAI创始人山姆·奥特曼:这很难评估具体时间。因为它需要新的研究思路。\n",
    )
    assert [s for s, _ in turns(doc)] == ["Zhang Hongjiang", "Sam Altman"]
    assert turns(doc)[1][1].startswith("这很难评估具体时间")


def test_label_inline_in_a_paragraph(tmp_path):
    doc = extract_text(tmp_path, "Ravi:\n\n你同意吗?\n\nIlya:我想也许,我不记得他说了什么,但也许他的意思是轻易扩展的时代结束了。\n")
    assert turns(doc)[1] == ("Ilya Sutskever", "我想也许,我不记得他说了什么,但也许他的意思是轻易扩展的时代结束了。")


def test_turns_on_consecutive_lines_without_blank_lines(tmp_path):
    doc = extract_text(tmp_path, "Yann:我同意这一点。\nAndrew:未来还有很多令人兴奋的研究要做。\nYann:是的。\n")
    assert [s for s, _ in turns(doc)] == ["Yann LeCun", "Andrew Ng", "Yann LeCun"]


def test_lines_that_only_look_like_labels(tmp_path):
    doc = extract_text(
        tmp_path,
        "来源:晰数塔互联网快讯 时间:2023年04月25日 22:09\n\n"
        "Lex Fridman:你們還發布了一個很棒的文檔,叫做係統卡片。\n\n"
        "早期的GPT-4模型回答:\n\n5c56834263794a1b1ef7a744066c595b\n\n"
        "而GPT-4發布版本的回答:\n\n01214dfcb3fc05cbb54d0739b576a530\n\n"
        "我甚至不能確定這是否算是一個不好的輸出,因為它明確地表達了你的意圖。\n\n"
        "本文地址:http://www.python88.com/topic/156216\n",
    )
    assert [s for s, _ in turns(doc)] == ["Lex Fridman"]
    assert speaker_of(doc, "我甚至不能確定這是否算是一個不好的輸出") == ["Lex Fridman"]
    for fake in ("早期的GPT-4模型回答", "而GPT-4發布版本的回答", "来源", "本文地址", "5c56834263794a1b"):
        assert speaker_of(doc, fake) == []


def test_numbered_summary_heading_is_not_a_speaker(tmp_path):
    doc = extract_text(
        tmp_path,
        "访谈要点\n\n6)关于开源与闭源:\n\n• 开源有好处,可以防止AI建设者手中集中太多权力。\n\n"
        "关于Ilya的介绍\n\nRavi:\n\n欢迎YouTube和斯坦福社区参加创业思想领袖研讨会。\n",
    )
    assert turns(doc) == [("Ravi Belani", "欢迎YouTube和斯坦福社区参加创业思想领袖研讨会。")]


def test_label_of_someone_not_in_the_speaker_table_is_not_run_on(tmp_path):
    doc = extract_text(
        tmp_path,
        "Lex Fridman:你們在哪裏產生了分歧?\n\nElon Musk:我認為這是一個錯誤。\n\n這一段仍然是他說的。\n\n"
        "主持人:下一个问题。\n\nSam Altman:我同意。\n",
    )
    assert turns(doc) == [("Lex Fridman", "你們在哪裏產生了分歧?"), ("Sam Altman", "我同意。")]
    assert [(d.reason, d.line) for d in doc.unattributed] == [
        ("unknown-speaker", 3), ("unattributed", 5), ("unmapped-role", 7)
    ]
    assert doc.unmapped_roles == {"主持人": 1}


@pytest.mark.parametrize("label", ["李飞飞:", "李飞飞：", "李飛飛:", "黄仁勋 :"])
def test_an_unknown_chinese_name_ends_the_turn_before_it_and_is_reported(tmp_path, label):
    # 李飞飞 is not in speakers.toml: her words must never become Lex's quote.
    text = (
        "Lex Fridman: 你认为年轻的研究者应该具备什么品质?\n\n"
        f"{label}保持好奇心,并且愿意花很多年去研究一个问题。\n\n"
        "Lex Fridman: 谢谢你。这是非常好的建议,我会记住它的。\n"
    )
    document = extract_text(tmp_path, text)
    assert not speaker_of(document, "保持好奇心")
    name = label.rstrip(": ：")
    assert document.unknown_labels == {name: 1}


def test_a_chinese_heading_with_a_colon_is_not_a_speaker(tmp_path):
    text = "Lex Fridman: 我们先看看这一段话,它讲的是开源模型。\n\n来源:网络\n\nLex Fridman: 这是第二段话。\n"
    document = extract_text(tmp_path, text)
    assert "来源" not in document.unknown_labels
