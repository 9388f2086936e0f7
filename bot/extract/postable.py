"""Does a quote stand on its own? A pure judgement for picks the bot makes for the reader.

A reader of `/random`, `/daily` or a channel post sees only the quote, the
speaker and the source. A quote is postable when it is a complete thought that
needs nothing said before it: not a question, not a short reply or a fragment,
not pointing with 它/这些/但 at something unseen, not cut inside a quotation or a
sentence, not a model's output read aloud, not a greeting, thanks or a host's
logistics. Every signal is a short stable reason code, so the judgement can be
shown (`postable_why`) and argued with.

    judge(QuoteContext(...)) -> Judgement(score, postable, reasons)
    judge_document(document) -> one Judgement per document.quotes, in order
    find_hosts(passages)     -> the interviewers of a document, from its dialogue

Chinese (simplified and traditional) and English are read the same way: the
patterns list both scripts, since a user's transcript is judged as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.extract.model import Document, Passage
from bot.extract.quotes import split_sentences
from bot.extract.turns import CLOSERS, SECOND_PERSON, ends_with_question
from bot.metadata import Speaker
from bot.records import SpeechKind
from bot.text import CJK_CHAR, HAN

# Reason codes (stable: stored with each quote and shown in `quotes --json`).
TOO_SHORT = "too-short"
TOO_LONG = "too-long"
QUESTION = "question"
DANGLING_OPENER = "dangling-opener"
STARTS_INSIDE_QUOTATION = "starts-inside-quotation"
STARTS_MID_SENTENCE = "starts-mid-sentence"
CUT_AT_END = "cut-at-end"
REPORTED_MODEL_OUTPUT = "reported-model-output"
GREETING_OR_THANKS = "greeting-or-thanks"
HOST_LOGISTICS = "host-logistics"
TRANSITION = "transition"
ECHOES_OTHER_PERSON = "echoes-other-person"
LIST_OF_NAMES = "list-of-names"
BRIEF = "brief"
REPLY_OPENING = "reply-opening"
INTERVIEWER_REMARK = "interviewer-remark"
ADDRESSES_GUEST = "addresses-guest"
TALKS_ABOUT_GUEST = "talks-about-guest"

# The share of the score each reason takes away (the score starts at 1.0 and
# is multiplied by 1 - weight per reason). Any one heavy reason (>= 0.5) makes a
# quote not postable, and so do two light ones; the score still ranks what is
# left when a scope has nothing postable (the picker's best available).
WEIGHTS = {
    TOO_SHORT: 0.6,
    TOO_LONG: 0.2,
    QUESTION: 0.7,
    DANGLING_OPENER: 0.5,
    STARTS_INSIDE_QUOTATION: 0.8,
    STARTS_MID_SENTENCE: 0.6,
    CUT_AT_END: 0.5,
    REPORTED_MODEL_OUTPUT: 0.9,
    GREETING_OR_THANKS: 0.6,
    HOST_LOGISTICS: 0.6,
    TRANSITION: 0.6,
    ECHOES_OTHER_PERSON: 0.6,
    LIST_OF_NAMES: 0.6,
    # Light signals: one alone leaves a quote postable, two together do not.
    BRIEF: 0.3,
    REPLY_OPENING: 0.3,
    INTERVIEWER_REMARK: 0.3,
    ADDRESSES_GUEST: 0.3,
    TALKS_ABOUT_GUEST: 0.3,
}
POSTABLE_FROM = 0.6

# The readable band, in reading units: one per Han (or kana, hangul) character,
# two per Latin word (an English word carries about what two Han characters do).
# Spoken sentences are long: under 30 units a turn is a reply or a fragment
# (`世界上有很多內容,比大多數人想象的還要多。`), and under 45 it rarely says
# enough alone, so it needs to be clean otherwise.
MIN_UNITS = 30
BRIEF_UNITS = 45
MAX_UNITS = 240
# A reply formula is what is left of a first sentence under this many units
# once its openers are peeled (`是的,我感觉到了。`, `我認為是的。`).
REPLY_UNITS = 6

_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-.]*")
_OPENING_MARKS = "“「『‘"
_CLOSING_MARKS = "”」』’"
_SENTENCE_END = "。！？!?…."
_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?…]")

# Discourse openers that do not by themselves make a quote lean on what came
# before (`所以`, `是的,`, `这是一个好问题。`): peeled off before looking at what follows.
_OPENERS = re.compile(
    r"^(?:\s|[，,、。.!！:：;；—…-])*(?:"
    r"所以|因此|然后|然後|而且|而|嗯|呃|哦|噢|是的|是啊|对的|對的|对|對|没错|沒錯|好的|好|当然|當然|确实|確實|"
    r"实际上|實際上|其实|其實|事实上|事實上|我的意思是|我想说的是|我想說的是|我要表达的意思是|我要表達的意思是|"
    r"我认为|我認為|我觉得|我覺得|我想|我相信|我猜|也许|也許|或许|或許|可能吧|可能|"
    r"(?:这|這)(?:是)?(?:一)?(?:个|個)?(?:很|非常)?好(?:的)?问题|(?:这|這)(?:是)?(?:一)?(?:个|個)?(?:很|非常)?好(?:的)?問題|"
    r"不(?=[,，。])|不是(?=[,，。])|太多了|"
    r"so|and|well|yes|yeah|no|right|of course|i mean|i think|i believe|actually|indeed"
    rf")(?=[\s，,、。.!！:：;；]|[{HAN}])",
    re.I,
)
# After the openers, a first clause with one of these points at something the
# reader cannot see: a pronoun for a thing (它), a demonstrative on a vague noun
# (这个问题, 這種情況, 这些事情), a bare demonstrative as the subject (这是…, 这与…,
# 所有這些都…), `such` (这样的…), `among them` (其中). A demonstrative on a
# concrete noun (这个领域, 这些神经网络, 这次旅行) names its own subject and passes.
_VAGUE_NOUN = (
    r"(?:问题|問題|情况|情況|事情|事|东西|東西|部分|方面|方麵|时间点|時間點|点|點|想法|观点|觀點|说法|說法|话|話|例子|原因|"
    r"讨论|討論|话题|話題)"
)
_POINTS_BACK = re.compile(
    r"它|牠|他们|他們|她们|她們|其中|其余|其餘|对此|對此|比这|比這|"
    # An ordinal part of something unseen: `在第一个方面`, `第二个问题`.
    rf"第[一二三四五六七八九十1-9](?:个|個)?{_VAGUE_NOUN}|"
    rf"(?:这|這|那)(?:一|些|个|個|种|種|样的|樣的|件|类|類)?{_VAGUE_NOUN}|"
    r"(?:这|這|那)(?:些|个|個)?(?:是|就|也|都|与|與|和|似乎|可能|会|會|让|讓|使|意味|说明|說明|听起来|聽起來|很|太|真)|"
    r"^(?:这样|這樣|那样|那樣)|^(?:因为|因為|仅仅是因为|僅僅是因為|他|她)|"
    # A pointer to what was said (`正如所提到的`, `你的问题`, `我不這樣認為`).
    r"我不(?:这样|這樣|这么|這麼)(?:认为|認為|想|看)|\bi don'?t think so\b|"
    r"正如[^，,。]{0,6}(?:提到|说|說)|像你[说說]的|你(?:刚才|剛才)?提到|你的(?:问题|問題)|你(?:刚才|剛才)[说說]|"
    r"\bas (?:i|you|we) (?:said|mentioned)\b|\byour question\b|\byou (?:just )?(?:said|mentioned)\b|"
    r"^(?:it|this|that|these|those|they|them|he|she|because|such)\b",
    re.I,
)
# The very first words of a quote: a demonstrative (`這本書…`, `这在过去…`) or a
# continuation (`包括…`, `随后…`) carries on from text the reader does not have
# (`这次`, `这里`, `那么` are time, place and `so`, not pointers).
_QUOTE_INITIAL = re.compile(
    r"^(?:这|這)(?!次|里|裏|裡|时|時)|^那(?!么|麼|麽|时|時)|"
    r"^(?:包括|以及|或者|比如说|比如說|例如|随后|隨後|后来|後來|接着|接著)|"
    r"^(?:these|those|including)\b",
    re.I,
)
# A quote that opens on a contrast answers something unseen (`但這很棘手。`); checked before the openers are peeled.
_CONTRASTS = re.compile(r"^(?:但是|但|可是|不过|不過|然而|(?:but|however|yet)\b)", re.I)
_MODEL_BOILERPLATE = re.compile(
    r"作[为為](?:一[个個款名]|)\s*(?:AI|人工智能|人工智慧)?\s*(?:语言|語言)?模型|as an ai(?: language)? model", re.I
)
# A quotation in the turn introduced as a model's words: `GPT-4回答:“…”`, `it said, "…"`.
_MODEL_NAMES = (
    r"(?:GPT[-‐]?\d*(?:\.\d)?|ChatGPT|Bing|Claude|Bard|模型|系[统統]|机器人|機器人|它|"
    r"(?<![A-Za-z])(?:the model|the system|it)(?![A-Za-z]))"
)
_MODEL_SAYS = re.compile(
    rf"{_MODEL_NAMES}[^。！？!?“”「」]{{0,12}}?(?:说|說|回答|回复|回覆|写道|寫道|写|寫|输出|輸出|生成|答道|says|said|answered|replied|wrote)"
    r"[^。！？!?“”「」]{0,4}?[:：,，]?\s*[“”「\"]",
    re.I,
)
_GREETING_OR_THANKS = re.compile(
    r"很高[兴興][^。，,]{0,6}(?:加入|参加|參加|来到|來到|你们|你們|大家|各位)|\b(?:glad|pleased|great) to (?:have|be here|join)|"
    r"谢谢|謝謝|感谢|感謝|多谢|多謝|(?<!受)欢迎|(?<!受)歡迎|掌声|掌聲|大家好|你好(?!像)|您好|早上好|晚上好|下午好|"
    r"\bthanks?\b|\bthank you\b|\bwelcome\b|\bapplause\b|\bhello\b|\bgood (?:morning|evening|afternoon)\b",
    re.I,
)
# What a host says to run the event: the audience, the questions, the time, the next part.
_LOGISTICS = re.compile(
    r"观众|觀眾|听众|聽眾|同学们|同學們|学生|學生|提问|提問|问答|問答|环节|環節|节目|節目|播客|掌声|掌聲|"
    r"下一个问题|下一個問題|最后一个问题|最後一個問題|接下来|接下來|时间到|時間到|时间不多|時間不多|"
    r"很荣幸|很榮幸|请到|請到|嘉宾|嘉賓|\bguests?\b|\bhonou?red\b|"
    r"\baudience\b|\bquestions? from\b|\bnext question\b|\bpodcast\b|\bepisode\b|\bsponsor",
    re.I,
)
# Announcing the next part of the talk: `让我们先简要概括一下现状。`, `我想在接下来的发言中重点谈谈…`.
_TRANSITION = re.compile(
    r"(?:让我们|讓我們|我们来|我們來|下面|接下来|接下來|现在|現在|首先|我想|我要|咱们|咱們|let'?s|let us|now|next|i want to|i'?d like to)"
    r"[^。！？!?]{0,16}?(?:谈|談|聊|说说|說說|讨论|討論|探讨|探討|概括|总结|總結|介绍|介紹|回答|进入|進入|转向|轉向|"
    r"talk|turn|move|discuss|summari[sz]e|start|begin|look at)",
    re.I,
)
# A last sentence that announces what comes next (`也许我会从这里开始。`, `Let me start with…`):
# the thought it promises is not in the quote.
_POINTS_FORWARD = re.compile(
    r"(?:从这里|從這裏|從這裡|从这儿|從這兒|从这个|從這個)开始|(?:从这里|從這裏|從這裡)開始|"
    r"(?:我先|讓我先|让我先|我會先|我会先)(?:说|說|谈|談|讲|講|回答)|"
    r"\b(?:let me (?:start|begin)|i'?ll (?:start|begin) (?:with|by))\b",
    re.I,
)
# The interviewer restating the other person: `所以你沒有感覺到這種壓力。`, `也就是說RLHF是…`.
_ECHO = re.compile(r"^(?:所以|那么|那麼|也就是说|也就是說|换句话说|換句話說|so|in other words)[,，\s]*(?:你|您|you\b)?", re.I)
_ECHO_ALWAYS = re.compile(r"^(?:也就是说|也就是說|换句话说|換句話說|in other words)", re.I)
# Names and credentials: transliterated names (`伊利亚·苏茨克维`, keyed by the
# characters round the dot, as Han text has no word breaks), capitalised Latin names, titles.
_NAME_LIKE = re.compile(
    rf"[{HAN}]·[{HAN}]{{2}}|\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+\b|"
    r"教授|博士|院士|首席\w{0,3}官|首席科学家|首席科學家|创始人|創始人|联合创始人|聯合創始人|CEO|CTO|主席|院长|院長|\bProfessor\b|\bDr\.",
)

# A biography read out: degrees, awards, elections, birth, schools.
_CREDENTIALS = re.compile(
    r"院士|学位|學位|学士|學士|硕士|碩士|博士|毕业|畢業|本科|导师|導師|出生|当选|當選|入选|入選|榜单|榜單|"
    r"创始人|創始人|副总裁|副總裁|总裁|總裁|教授|科学家|科學家|获得者|獲得者|获奖者|獲獎者|"
    r"奖学金|獎學金|获得[^。，,]{0,12}奖|獲得[^。，,]{0,12}獎|"
    r"\bdegree\b|\bgraduated\b|\bPhD\b|\bborn\b|\bfellow\b|\baward(?:ed)?\b|\balumn",
    re.I,
)


@dataclass(frozen=True)
class QuoteContext:
    """What the extractor knows about one quote."""

    text: str
    kind: SpeechKind = "speech"  # "reported": a journalist quoting the speaker
    by_host: bool = False  # the speaker is the interviewer or host of this document
    position: int = 0  # index of the quote among its turn's quotes
    turn_text: str = ""  # the whole turn (passage), for what comes just before the quote
    guest_names: tuple[str, ...] = ()  # every name of the document's other speakers (for the host)


@dataclass(frozen=True)
class Judgement:
    """A score in [0, 1], the reasons that lowered it, and the verdict."""

    score: float
    postable: bool
    reasons: tuple[str, ...]


def judge(quote: QuoteContext) -> Judgement:
    """Judge whether `quote` stands on its own; every reason found lowers the score."""
    reasons = [code for code, found in _signals(quote) if found]
    score = 1.0
    for reason in reasons:  # a product, not a sum: the worst quotes still rank among themselves
        score *= 1.0 - WEIGHTS[reason]
    score = round(score, 3)
    return Judgement(score, score >= POSTABLE_FROM, tuple(reasons))


def _signals(quote: QuoteContext) -> Iterable[tuple[str, bool]]:
    text = quote.text.strip()
    sentences = [s.strip() for s in split_sentences(text)]
    first = sentences[0] if sentences else text
    units = reading_units(text)
    before = _text_before(quote)
    yield TOO_SHORT, units < MIN_UNITS
    yield BRIEF, MIN_UNITS <= units < BRIEF_UNITS
    yield TOO_LONG, units > MAX_UNITS
    yield QUESTION, _is_question(sentences, quote.by_host)
    yield DANGLING_OPENER, _points_back(sentences)
    yield STARTS_INSIDE_QUOTATION, _starts_inside_quotation(text, before)
    yield STARTS_MID_SENTENCE, _starts_mid_sentence(text, before)
    yield CUT_AT_END, _cut_at_end(text)
    yield REPORTED_MODEL_OUTPUT, _model_output(text, before)
    yield GREETING_OR_THANKS, _greets_or_thanks(first)
    yield HOST_LOGISTICS, quote.by_host and bool(_LOGISTICS.search(first)) and reading_units(first) < 60
    yield TRANSITION, (
        bool(_TRANSITION.search(first)) and reading_units(first) < 40 and len(sentences) <= 2
    ) or bool(sentences and _POINTS_FORWARD.search(sentences[-1]))
    yield ECHOES_OTHER_PERSON, _echoes(first, quote.by_host)
    yield LIST_OF_NAMES, _lists_names(text, units)
    yield REPLY_OPENING, len(sentences) > 0 and reading_units(_peel_openers(first)) < REPLY_UNITS
    # The interviewer's lines are mostly prompts and reactions to the guest.
    yield INTERVIEWER_REMARK, quote.by_host
    # ...and when they speak to the guest (你/您), they talk about the guest's last words.
    yield ADDRESSES_GUEST, quote.by_host and bool(SECOND_PERSON.search(text))
    # ...or about the guest by name: an introduction, a biography, a premise for a question.
    yield TALKS_ABOUT_GUEST, quote.by_host and _names_anyone(text, quote.guest_names)


def reading_units(text: str) -> int:
    """Length as read: one per Han/kana/hangul character, two per Latin word."""
    return len(CJK_CHAR.findall(text)) + 2 * len(_LATIN_WORD.findall(text))


def _is_question(sentences: list[str], by_host: bool) -> bool:
    """Ends on a question, is mostly questions, or (by the host) asks anything: a host's question is a prompt."""
    if not sentences:
        return False
    asks = [s for s in sentences if ends_with_question(s)]
    if ends_with_question(sentences[-1]) or 2 * len(asks) >= len(sentences):
        return True
    return by_host and bool(asks)


def _peel_openers(sentence: str) -> str:
    """The sentence without its discourse openers (`所以,`, `是的,`, `我認為`)."""
    rest = sentence.strip()
    while True:
        peeled = _OPENERS.sub("", rest, count=1)
        if peeled == rest:
            return rest
        rest = peeled.lstrip(" ，,、。.!！:：;；—…-")


def _first_clause(sentence: str) -> str:
    """The sentence after its discourse openers, up to the first clause break."""
    return _CLAUSE_BREAK.split(_peel_openers(sentence), maxsplit=1)[0]


def _leading_clauses(sentence: str) -> list[str]:
    """The clauses that open the sentence, openers peeled: the first, and more while they are
    too short to have a subject of their own (`不,我認為它們…`, `太多了,他…`)."""
    clauses = []
    for clause in _CLAUSE_BREAK.split(_peel_openers(sentence)):
        clause = _peel_openers(clause)
        clauses.append(clause)
        if reading_units(clause) >= REPLY_UNITS:
            break
    return clauses


def _points_back(sentences: list[str]) -> bool:
    """Does the opening lean on something unseen (它, 这些, 其中, a leading 但 or 因为)?

    A first sentence that is only a reply formula (`這是一個好問題。`, `當然。`)
    is passed over: the sentence after it opens the thought.
    """
    said = [s for s in sentences if reading_units(_peel_openers(s))] or sentences or [""]
    first_sentence = said[0]
    opening = first_sentence.strip().lstrip("，,、。.!！:：;；—…- ")
    if _CONTRASTS.match(opening) or _QUOTE_INITIAL.match(opening):
        return True
    return any(_POINTS_BACK.search(clause) for clause in _leading_clauses(first_sentence))


def _text_before(quote: QuoteContext) -> str:
    """The paragraph's text before this quote (empty when unknown, or when it opens the paragraph).

    A reported quote was cut out of a journalist's quotation on purpose, so
    what surrounds it says nothing about where it starts.
    """
    if not quote.turn_text or quote.kind == "reported":
        return ""
    at = quote.turn_text.find(quote.text.strip())
    return quote.turn_text[:at].rsplit("\n", 1)[-1] if at > 0 else ""


def _open_quotation(text: str) -> bool:
    """Is a quotation still open at the end of `text`?

    Pages use “…” or 「…」 properly, but some use ” for both ends, so when a
    text has only ” marks an odd count means one is open.
    """
    depth = 0
    for char in text:
        if char in "“「『":
            depth += 1
        elif char in "”」』\"" and depth:
            depth -= 1
    plain = text.count("”") if "“" not in text else 0
    straight = text.count('"') if "“" not in text else 0
    return depth > 0 or plain % 2 == 1 or straight % 2 == 1


def _starts_inside_quotation(text: str, before: str) -> bool:
    """The quote begins inside someone else's quoted words."""
    if before and _open_quotation(before):
        return True
    marks = [ch for ch in text if ch in _OPENING_MARKS + _CLOSING_MARKS]
    if not marks or marks[0] in _OPENING_MARKS:
        return False
    at = text.index(marks[0])
    if marks[0] == "”" and "“" not in text:
        # A page that writes ” at both ends: it closes when it follows a sentence end.
        return at == 0 or text[at - 1] in _SENTENCE_END
    return True


def _starts_mid_sentence(text: str, before: str) -> bool:
    """The quote begins inside a sentence: a lower-case word, clause punctuation, or a cut before it."""
    if re.match(r"^[a-z]", text) or text[:1] in "，,、；;：:)）":
        return True
    tail = before.rstrip()
    return bool(tail) and tail[-1] not in _SENTENCE_END + CLOSERS


def _cut_at_end(text: str) -> bool:
    """The quote stops inside a sentence (or trails off with …)."""
    tail = text.rstrip().rstrip(CLOSERS)
    if not tail:
        return True
    return tail[-1] not in "。！？!?." or tail.endswith(("…", "...")) or _open_quotation(text)


def _model_output(text: str, before: str) -> bool:
    """A model's words read aloud: its boilerplate, or a quotation the turn introduces as its output."""
    if _MODEL_BOILERPLATE.search(text):
        return True
    return bool(_open_quotation(before) and _MODEL_SAYS.search(before[-60:]))


def _names_anyone(text: str, names: tuple[str, ...]) -> bool:
    folded = text.lower()
    return any(name.lower() in folded for name in names)


def _greets_or_thanks(first_sentence: str) -> bool:
    """A greeting or thanks opens the quote (in a short first sentence: `欢迎` inside an argument is not one)."""
    return bool(_GREETING_OR_THANKS.search(first_sentence)) and reading_units(first_sentence) < 60


def _echoes(first_sentence: str, by_host: bool) -> bool:
    """The host restating the other person's last turn (`所以你…`, `也就是說…`)."""
    if _ECHO_ALWAYS.match(first_sentence.strip()):
        return by_host
    match = _ECHO.match(first_sentence.strip())
    return by_host and match is not None and bool(re.search(r"你|您|you\b", match.group(0), re.I))


def _lists_names(text: str, units: int) -> bool:
    """Mostly names and titles, or a string of credentials (an introduction, a biography)."""
    if len(set(_CREDENTIALS.findall(text))) >= 3:
        return True
    names = set(_NAME_LIKE.findall(text))
    if len(names) < 3:
        return False
    return sum(max(reading_units(n), 4) for n in names) * 3 >= units


def find_hosts(passages: Iterable[Passage]) -> set[str]:
    """The interviewer of a dialogue: the speaker whose turns end on a question far more often.

    The seeds' metadata names no roles, and a user's transcript has none, so
    the dialogue decides: at least three turns ending on a question, at least
    a quarter of the speaker's turns, and twice the share of anyone else.
    """
    turns: Counter[str] = Counter()
    asks: Counter[str] = Counter()
    for passage in passages:
        if passage.kind != "speech":
            continue
        turns[passage.speaker] += 1
        asks[passage.speaker] += ends_with_question(passage.text)
    if len(turns) < 2:
        return set()
    share = {speaker: asks[speaker] / turns[speaker] for speaker in turns}
    hosts = set()
    for speaker, value in share.items():
        others = max(v for s, v in share.items() if s != speaker)
        if asks[speaker] >= 3 and value >= 0.25 and value >= 2 * others:
            hosts.add(speaker)
    return hosts


def judge_document(
    document: Document, speakers: Iterable[Speaker] = (), hosts: set[str] | None = None
) -> list[Judgement]:
    """One judgement per quote of `document`, in order.

    `speakers` (the speaker table) gives the names a host may call the guest
    by; the hosts are found from the dialogue unless given.
    """
    if hosts is None:
        hosts = find_hosts(document.passages) | document.hosts
    in_document = {p.speaker for p in document.passages}
    names = {
        s.name: tuple(n for n in s.all_names if len(n) >= 2) for s in speakers if s.name in in_document
    }
    position: Counter[int] = Counter()
    judgements = []
    for quote in document.quotes:
        passage = document.passages[quote.passage]
        context = QuoteContext(
            text=quote.text,
            kind=quote.kind,
            by_host=passage.speaker in hosts and passage.kind == "speech",
            position=position[quote.passage],
            turn_text=passage.text,
            guest_names=tuple(n for speaker, ns in names.items() if speaker != passage.speaker for n in ns),
        )
        position[quote.passage] += 1
        judgements.append(judge(context))
    return judgements
