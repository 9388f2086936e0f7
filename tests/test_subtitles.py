"""Subtitle files (.srt, .vtt) read into paragraphs of whole sentences with labels and start times."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract.paragraphs import split_paragraphs
from bot.extract.subtitles import (
    PARAGRAPH_CHARS,
    SUBTITLE_SUFFIXES,
    clean_cue_text,
    display_name,
    read_subtitles,
)
from bot.moments import format_moment, moment_url
from tests.extract_helpers import extract_text, turns

WILD = Path(__file__).resolve().parent / "data" / "wild"
FIXTURES = sorted(p.name for p in WILD.iterdir() if p.suffix in SUBTITLE_SUFFIXES)


def read(name: str) -> tuple[str, dict[int, float], list[str]]:
    path = WILD / name
    return read_subtitles(path.read_text(encoding="utf-8"), path.suffix)


def paragraphs(text: str) -> list[str]:
    return [p for p in text.rstrip("\n").split("\n\n") if p.strip()]


def time_of(text: str, times: dict[int, float], fragment: str) -> float:
    """The start of the paragraph holding `fragment`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if fragment in line:
            return times[number]
    raise AssertionError(f"{fragment!r} not in the text")


def srt(*cues: tuple[str, str]) -> str:
    """A SubRip file of (start, text) cues, each lasting a second or so."""
    blocks = [f"{i}\n{start},000 --> {start},900\n{text}\n" for i, (start, text) in enumerate(cues, 1)]
    return "\n".join(blocks)


# --- the output format, on every fixture ----------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_paragraphs_are_single_lines_separated_by_one_blank_line_each_with_a_time(name):
    text, times, _ = read(name)
    lines = text.rstrip("\n").split("\n")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert all(line for line in lines[::2]) and not any(line for line in lines[1::2])
    assert sorted(times) == list(range(1, len(lines) + 1, 2))
    found = split_paragraphs(text, times=times)
    assert [p.start for p in found] == [times[n] for n in sorted(times)]
    assert all(p.start is not None for p in found)


@pytest.mark.parametrize("name", FIXTURES)
def test_no_tag_entity_or_annotation_is_left(name):
    text, _, _ = read(name)
    for leftover in ("<", "&amp;", "&gt;", "&quot;", "{\\", "[", "♪", "(laugh", "（笑）", "-->", "WEBVTT"):
        assert leftover not in text, leftover
    assert "  " not in text


@pytest.mark.parametrize("name", FIXTURES)
def test_paragraphs_start_at_a_sentence_and_stay_short(name):
    text, _, _ = read(name)
    for paragraph in paragraphs(text):
        speech = re.sub(r"^(?:>> |[A-Z][a-z]+ [A-Z][a-z]+: )", "", paragraph)
        assert len(speech) <= PARAGRAPH_CHARS, speech
        assert not speech[0].islower() or name == "auto-captions.vtt", speech


# --- one speaker, no marks ---------------------------------------------------------------


def test_a_talk_without_marks_is_one_speakers_unlabelled_text():
    text, _, notes = read("ilya-talk.srt")
    assert not re.search(r"^(?:>>|\w+(?: \w+)?:)", text, re.M)
    assert "subtitles: no speaker marks: the whole file is one speaker's" in notes
    assert "subtitles: 16 cues joined into 5 paragraphs" in notes


def test_cues_are_joined_into_whole_sentences():
    text, _, _ = read("ilya-talk.srt")
    for sentence in (
        "Ten years ago we trained a network that most people thought was far too large for the data we had.",
        "If you have a big dataset and a big neural network, success is almost guaranteed.",
        "The systems of the future will reason, and the more they reason, the more unpredictable they become.",
    ):
        assert sentence in text
    # Every paragraph ends a sentence: none is cut where a cue happened to end.
    assert all(re.search(r"[.?!]$", p) for p in paragraphs(text))


def test_each_paragraph_starts_when_its_first_sentence_is_said():
    text, times, _ = read("ilya-talk.srt")
    assert time_of(text, times, "Thank you. It's a real pleasure") == 4.0  # after the [Applause] cue
    assert time_of(text, times, "Now, pre-training") == 23.1
    # "The systems of the future" starts in cue 13 and runs into cue 14.
    assert time_of(text, times, "The systems of the future") == 37.8


def test_annotations_standing_alone_are_dropped_and_counted():
    text, _, notes = read("ilya-talk.srt")
    assert "Applause" not in text and "laughs" not in text
    assert "subtitles: 3 sound or music annotations dropped" in notes


# --- WebVTT voice tags -------------------------------------------------------------------


def test_voice_tags_name_the_speakers_once_per_turn():
    text, times, notes = read("podcast.vtt")
    found = paragraphs(text)
    assert found[0].startswith("Lex Fridman: The following is a conversation with Sam Altman, CEO of OpenAI.")
    assert found[0].endswith("Sam, what do you think AGI will look like when it first arrives?")
    assert found[1] == "Sam Altman: I think it will be much less dramatic than people expect."
    # A later paragraph of the same turn has no label of its own.
    assert found[2].startswith("We will build a system")
    assert [p.split(":")[0] for p in found if p.startswith(("Lex", "Sam"))] == [
        "Lex Fridman", "Sam Altman", "Lex Fridman", "Sam Altman",
    ]
    assert time_of(text, times, "Does that scare you?") == 62.25  # <v.loud Lex Fridman>
    assert "subtitles: speakers named in the captions: Lex Fridman, Sam Altman" in notes


def test_note_style_and_region_blocks_are_not_text():
    text, _, _ = read("podcast.vtt")
    for block_text in ("corrected by hand", "show notes", "overlaps", "::cue", "color", "fred", "40%", "intro"):
        assert block_text not in text


def test_entities_are_decoded_and_styling_removed():
    text, _, _ = read("podcast.vtt")
    assert 'real science & people will say "that\'s not it", and move the goalposts again.' in text
    assert "AGI will look like" in text


def test_two_voices_in_one_cue_are_two_turns():
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Lex Fridman>Hi.</v> <v Sam Altman>Hello, Lex.</v>\n"
    text, times, _ = read_subtitles(vtt, ".vtt")
    assert text == "Lex Fridman: Hi.\n\nSam Altman: Hello, Lex.\n"
    assert times == {1: 1.0, 3: 1.0}


def test_the_extractor_attributes_voice_tagged_turns(tmp_path):
    text, _, _ = read("podcast.vtt")
    found = turns(extract_text(tmp_path, text))
    assert [speaker for speaker, _ in found] == ["Lex Fridman", "Sam Altman", "Lex Fridman", "Sam Altman"]
    assert "move the goalposts again" in found[1][1]


# --- broadcast captions: >> NAME: and bare >> ---------------------------------------------


def test_chevron_names_become_title_case_labels():
    text, _, notes = read("panel-captions.srt")
    found = paragraphs(text)
    assert found[0].startswith(
        "Andrew Ng: I think AI is the new electricity, and that is going to transform every industry."
    )
    assert found[1].startswith("Yann Lecun: I AGREE WITH ANDREW ON THAT,")
    assert found[-1] == "Andrew Ng: And open source is how we all get there faster."  # `>>ANDREW NG:`
    assert "subtitles: speakers named in the captions: Andrew Ng, Yann Lecun" in notes


def test_a_bare_chevron_is_a_turn_by_nobody_named():
    text, times, notes = read("panel-captions.srt")
    assert ">> WHAT WOULD YOU BUILD INSTEAD?" in paragraphs(text)
    assert text.count(">>") == 1
    assert time_of(text, times, "WHAT WOULD YOU BUILD") == 618.5
    # After the unnamed turn, the next named mark starts its own turn.
    assert "Yann Lecun: WORLD MODELS THAT LEARN FROM VIDEO, LIKE A BABY DOES." in paragraphs(text)
    assert "subtitles: 1 speaker change without a name: not attributed" in notes


def test_dialogue_dashes_are_unnamed_speaker_changes():
    text, times, notes = read_subtitles(
        srt(("00:00:01", "- Are you worried about AI?\n- Not really, no."), ("00:00:03", "We will manage.")),
        ".srt",
    )
    assert text == ">> Are you worried about AI?\n\n>> Not really, no. We will manage.\n"
    assert times == {1: 1.0, 3: 1.0}
    assert "subtitles: 2 speaker changes without a name: not attributed" in notes


def test_name_colon_labels_a_cue_when_the_file_labels_its_speakers():
    text, _, _ = read_subtitles(
        srt(
            ("00:00:01", "LEX: So what is AGI?"),
            ("00:00:03", "Demis Hassabis: A system that can do"),
            ("00:00:05", "any cognitive task."),
            ("00:00:07", "LEX: Really?"),
            ("00:00:09", "Step one: scale it."),
        ),
        ".srt",
    )
    assert paragraphs(text) == [
        "Lex: So what is AGI?",
        "Demis Hassabis: A system that can do any cognitive task.",
        "Lex: Really? Step one: scale it.",
    ]


def test_a_lone_capitalised_phrase_with_a_colon_is_not_a_speaker():
    text, _, notes = read_subtitles(
        srt(("00:00:01", "Chapter Two: the bitter lesson."), ("00:00:03", "Search and learning scale.")),
        ".srt",
    )
    assert text == "Chapter Two: the bitter lesson. Search and learning scale.\n"
    assert "subtitles: no speaker marks: the whole file is one speaker's" in notes


@pytest.mark.parametrize(
    ("raw", "name"),
    [("SAM ALTMAN", "Sam Altman"), ("YANN LECUN", "Yann Lecun"), ("Lex Fridman", "Lex Fridman"),
     ("CONAN O'BRIEN", "Conan O'Brien"), ("  FEI-FEI   LI ", "Fei-Fei Li"), ("李飞飞", "李飞飞")],
)
def test_display_name(raw, name):
    assert display_name(raw) == name


# --- YouTube auto-captions ---------------------------------------------------------------


def test_rolling_caption_repeats_are_dropped():
    text, _, notes = read("auto-captions.vtt")
    for line in ("so today I want to talk about", "scaling laws and why they still hold",
                 "when you add more compute the loss", "goes down smoothly", "but for how long"):
        assert text.count(line) == 1, line
    assert text.startswith(
        "so today I want to talk about scaling laws and why they still hold "
        "when you add more compute the loss goes down smoothly\n"
    )
    assert "subtitles: 8 repeated caption lines dropped (rolling captions)" in notes


def test_karaoke_timestamps_and_escaped_chevrons():
    text, times, _ = read("auto-captions.vtt")
    assert "<" not in text and "&gt;" not in text and "Music" not in text
    assert paragraphs(text)[1:] == [">> but for how long", ">> nobody knows yet"]
    assert time_of(text, times, "nobody knows yet") == 14.51


def test_a_line_growing_cue_by_cue_is_said_once():
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nwe scaled\n\n"
        "00:00:02.000 --> 00:00:03.000\nwe scaled the model\n\n"
        "00:00:03.000 --> 00:00:04.000\nwe scaled the model again.\n"
    )
    text, _, _ = read_subtitles(vtt, ".vtt")
    assert text == "we scaled the model again.\n"


def test_unpunctuated_runs_are_cut_where_cues_begin():
    vtt = "WEBVTT\n\n" + "".join(
        f"00:00:{i:02d}.000 --> 00:00:{i:02d}.900\nthis is part {i} of a talk with no punctuation\n\n"
        for i in range(30)
    )
    text, times, notes = read_subtitles(vtt, ".vtt")
    found = paragraphs(text)
    assert len(found) > 5 and all(len(p) <= PARAGRAPH_CHARS for p in found)
    assert all(p.startswith("this is part ") for p in found)  # each starts with a cue
    for number, paragraph in zip(sorted(times), found, strict=True):
        assert times[number] == int(paragraph.split()[3])
    assert "subtitles: 1 run without sentence punctuation cut where cues begin" in notes


# --- Chinese -----------------------------------------------------------------------------


def test_chinese_cues_join_without_spaces():
    text, times, _ = read("kaifu-zh.srt")
    assert "我认为大模型的时代才刚刚开始。" in text
    assert "中国的创业者最擅长的是把技术做成产品，而不是只发论文。" in text
    assert "未来五年，每个应用都会被AI重写一遍！" in text
    assert "笑" not in text and "font" not in text
    assert times[1] == 2.0


# --- cleaning ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<i>Scaling</i> <b>is</b> <u>not</u> <c.yellow.bg_blue>enough</c>.", "Scaling is not enough."),
        ("so<00:00:00.320><c> today</c>", "so today"),
        ('{\\an8}<font color="#ffff00">Hello</font>', "Hello"),
        ("<ruby>人工知能<rt>じんこうちのう</rt></ruby>は未来です。", "人工知能は未来です。"),
        ("R&amp;D &gt; marketing &lt;3", "R&D > marketing <3"),
        ("[Music]", ""),
        ("[APPLAUSE]", ""),
        ("(laughs)", ""),
        ("（笑）", ""),
        ("[SPEAKING FRENCH]", ""),
        ("(audience murmurs)", ""),
        ("【字幕组：AI前线】", ""),
        ("♪ we are the robots ♪", ""),
        ("♪♪", ""),
        ("That was a joke. (laughter) Anyway.", "That was a joke. Anyway."),
        ("It worked [applause] really well.", "It worked really well."),
        ("The model (which surprised us) generalised.", "The model (which surprised us) generalised."),
        ("a < b and c > d", "a < b and c > d"),
    ],
)
def test_clean_cue_text(raw, clean):
    assert clean_cue_text(raw) == clean


# --- malformed input: notes, never exceptions ----------------------------------------------


@pytest.mark.parametrize(
    ("content", "suffix", "note"),
    [
        ("", ".srt", "subtitles: empty file"),
        ("\ufeff \n\n", ".vtt", "subtitles: empty file"),
        ("this is not a subtitle file\njust words\n", ".srt", "subtitles: no cues could be read: not a SubRip file"),
        ("<html><body>no</body></html>", ".vtt", "subtitles: no cues could be read: not a WebVTT file"),
        ("WEBVTT\n", ".vtt", "subtitles: no cues could be read: not a WebVTT file"),
        ("\x00\x01\x02-->\x03", ".srt", "subtitles: no cues could be read: not a SubRip file"),
        ("1\n00:00:01,000 --> 00:00:02,000\n[Music]\n", ".srt", "subtitles: 1 cue joined into 0 paragraphs"),
    ],
)
def test_malformed_input_gives_notes_not_exceptions(content, suffix, note):
    text, times, notes = read_subtitles(content, suffix)
    assert text == "" and times == {}
    assert note in notes


def test_a_file_in_the_other_format_or_without_header_is_still_read():
    cases = [
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there.\n", ".srt", "SubRip"),
        ("1\n00:00:01,000 --> 00:00:02,000\nHello there.\n", ".vtt", "WebVTT"),
        ("00:00:01.000 --> 00:00:02.000\nHello there.\n", ".vtt", "WebVTT"),
        ("00:00:01,000 --> 00:00:02,000\nHello there.\n", ".srt", "SubRip"),  # no cue numbers
    ]
    for content, suffix, expected in cases:
        text, times, notes = read_subtitles(content, suffix)
        assert (text, times) == ("Hello there.\n", {1: 1.0}), content
        assert f"subtitles: not valid {expected}: read as WebVTT-like captions" in notes


def test_a_cue_with_bad_timings_is_skipped_and_reported():
    content = "1\n00:00:xx,000 --> 00:00:02,000\nLost.\n\n2\n00:00:03,000 --> 00:00:04,000\nKept.\n"
    text, times, notes = read_subtitles(content, ".srt")
    assert (text, times) == ("Kept.\n", {1: 3.0})
    assert "subtitles: 1 cue not read (bad timings or no text)" in notes


def test_hours_minutes_and_milliseconds_become_float_seconds():
    text, times, _ = read_subtitles("1\n01:02:03,500 --> 01:02:05,000\nLate in the talk.\n\r\n", ".SRT")
    assert times == {1: 3723.5}


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(sorted(SUBTITLE_SUFFIXES)))
def test_any_text_reads_without_raising(content, suffix):
    text, times, notes = read_subtitles(content, suffix)
    assert notes and set(times) <= set(range(1, text.count("\n") + 1))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), max_size=8))
def test_any_cue_text_reads_without_raising(texts):
    content = "WEBVTT\n\n" + "".join(
        f"00:00:{i:02d}.000 --> 00:00:{i:02d}.500\n{text}\n\n" for i, text in enumerate(texts)
    )
    text, times, _ = read_subtitles(content, ".vtt")
    assert len(times) == len(paragraphs(text))


# --- moments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "seconds", "moment"),
    [
        ("https://www.youtube.com/watch?v=L_Guz73e6fw", 754.9, "https://www.youtube.com/watch?v=L_Guz73e6fw&t=754s"),
        ("https://youtu.be/L_Guz73e6fw?si=abc", 61, "https://youtu.be/L_Guz73e6fw?si=abc&t=61s"),
        ("https://www.youtube.com/watch?v=abc&t=10s&list=PL1", 3723.5, "https://www.youtube.com/watch?v=abc&t=3723s&list=PL1"),
        ("https://m.youtube.com/watch?v=abc&feature=share", 5, "https://m.youtube.com/watch?v=abc&feature=share&t=5s"),
        ("https://www.youtube.com/live/abc123", 90, "https://www.youtube.com/live/abc123?t=90s"),
        ("https://youtu.be/abc#t=30", 90, "https://youtu.be/abc?t=90s"),
        ("https://www.bilibili.com/video/BV1GJ411x7h7/?p=2", 125.7, "https://www.bilibili.com/video/BV1GJ411x7h7/?p=2&t=125"),
        ("https://www.bilibili.com/video/BV1GJ411x7h7?t=3", 60, "https://www.bilibili.com/video/BV1GJ411x7h7?t=60"),
        ("https://b23.tv/xYz12", 60, "https://b23.tv/xYz12"),
        ("https://www.youtube.com/@lexfridman", 60, "https://www.youtube.com/@lexfridman"),
        ("https://www.youtube.com/watch?list=PL1", 60, "https://www.youtube.com/watch?list=PL1"),
        ("https://example.com/talk?t=1", 60, "https://example.com/talk?t=1"),
        ("https://www.youtube.com/watch?v=abc", None, "https://www.youtube.com/watch?v=abc"),
        ("https://www.youtube.com/watch?v=abc", float("nan"), "https://www.youtube.com/watch?v=abc"),
        (None, 60, None),
    ],
)
def test_moment_url(url, seconds, moment):
    assert moment_url(url, seconds) == moment


@pytest.mark.parametrize(
    ("seconds", "label"), [(0, "0:00"), (5.9, "0:05"), (754, "12:34"), (3723.5, "1:02:03"), (36000, "10:00:00")]
)
def test_format_moment(seconds, label):
    assert format_moment(seconds) == label
