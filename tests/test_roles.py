"""Hosts and guests: a role label is never a speaker; sources.toml or the file says who plays it."""

from __future__ import annotations

import pytest

from bot.extract.roles import RoleMap, check_people, default_roles, match_role, sources_toml_roles
from bot.metadata import MetadataError, Speaker
from tests.extract_helpers import extract_text, speaker_of, turns

DIALOGUE = (
    "主持人:你如何看待今天的开源模型?\n\n"
    "Yann LeCun:开源是唯一能让人工智能平台保持多样性的方法。\n\n"
    "主持人:那安全问题呢?\n\n"
    "我的意思是,坏人也能用它。\n\n"
    "Yann LeCun:坏人用不用开源,都会找到办法。开放的系统反而更容易被检查。\n\n"
    "观众:我想问一下,您觉得大学还应该做大模型研究吗?\n\n"
    "Yann LeCun:当然应该,大学的研究比以往任何时候都更重要。\n"
)


def test_an_unmapped_role_is_nobodys_and_is_reported(tmp_path):
    document = extract_text(tmp_path, DIALOGUE)
    assert {speaker for speaker, _ in turns(document)} == {"Yann LeCun"}
    assert document.unmapped_roles == {"主持人": 2}
    assert not speaker_of(document, "我的意思是")  # the host's next paragraph is not LeCun's
    assert "主持人" not in document.unknown_labels  # a role, not a person to add


def test_sources_toml_maps_a_role_to_a_person(tmp_path):
    document = extract_text(tmp_path, DIALOGUE, roles={"主持人": "Lex Fridman"})
    assert speaker_of(document, "开源模型") == ["Lex Fridman"]
    assert speaker_of(document, "我的意思是") == ["Lex Fridman"]
    assert document.unmapped_roles == {}
    assert document.hosts == {"Lex Fridman"}


def test_a_kind_maps_every_label_of_that_kind(tmp_path):
    text = "Host: What is your view on regulation?\n\nQ: And on open source?\n\nSam Altman: I think we need some regulation.\n"
    document = extract_text(tmp_path, text, roles={"host": "Lex"})
    assert speaker_of(document, "regulation?") == ["Lex Fridman"]
    assert speaker_of(document, "open source?") == ["Lex Fridman"]


@pytest.mark.parametrize("label", ["观众", "Audience", "audience member", "觀眾"])
def test_an_audience_question_is_never_quoted_even_when_roles_are_mapped(tmp_path, label):
    text = f"Lex Fridman:今天就到这里。\n\n{label}:请问您对通用人工智能的时间表怎么看?\n\nSam Altman:我不知道,但它会比很多人想的更早到来。\n"
    document = extract_text(tmp_path, text, roles={"host": "Lex Fridman", label: "Sam Altman"})
    assert not speaker_of(document, "时间表")
    assert [d.reason for d in document.dropped if "时间表" in d.text] == ["audience"]
    assert document.unmapped_roles == {}


def test_match_role_needs_a_colon_and_keeps_the_label_as_written():
    role = match_role("HOST：欢迎回来。")
    assert role is not None and (role.label, role.kind, role.rest) == ("HOST", "host", "欢迎回来。")
    assert match_role("Question everything you read.") is None
    assert match_role("问题:这是一个标题") is None
    assert match_role("Q: Why?").kind == "host" and match_role("A: Because.").kind == "guest"


def test_the_files_people_settle_a_role_only_when_unambiguous():
    def labelled(*names):
        return lambda person: person in names

    assert default_roles(["主持人", "主持人"], ["Lex Fridman", "Sam Altman"], labelled("Sam Altman")) == {
        "host": "Lex Fridman"
    }
    assert default_roles(["Q", "A"], ["Lex Fridman", "Sam Altman"], labelled()) == {}  # who is who?
    assert default_roles(["Host"], ["Lex Fridman", "Sam Altman"], labelled()) == {}


def test_a_person_the_files_people_name_but_speakers_toml_lacks_is_reported_for_the_role(tmp_path):
    text = "---\npeople: [Alex Kantrowitz, Sam Altman]\n---\n\n**主持人**: 你好。GPT-5 什么时候发布？\n\n**Sam Altman**: 准备好的时候。\n"
    document = extract_text(tmp_path, text, name="notes.md")
    assert document.unknown_labels == {"Alex Kantrowitz": 1}
    assert document.unmapped_roles == {"主持人": 1}


def test_role_map_prefers_the_exact_label_to_the_kind():
    roles = RoleMap({"host": "A Person", "记者": "Other Person"})
    assert roles.speaker(match_role("记者: hi")) == "Other Person"
    assert roles.speaker(match_role("主持人: hi")) == "A Person"
    assert roles.speaker(match_role("嘉宾: hi")) is None


def test_a_role_listed_as_a_person_in_speakers_toml_is_refused():
    with pytest.raises(MetadataError, match="'Host' is a role"):
        check_people([Speaker("Sam Altman"), Speaker("Host")])


def test_the_report_pastes_into_sources_toml():
    import tomllib

    lines = sources_toml_roles({"notes.md": {"主持人": 715, "Host": 3}})
    assert "主持人: 715 labels, Host: 3 labels" in lines
    assert tomllib.loads(lines)["source"]["notes.md"]["roles"] == {"主持人": "", "Host": ""}
