"""What is not speech never becomes a quote; what is speech is kept verbatim."""

from __future__ import annotations

from bot.extract.quotes import MAX_QUOTE, paragraph_quotes, split_sentences
from tests.extract_helpers import extract_text, speaker_of


def test_editors_notes_are_removed_from_quotes(tmp_path):
    doc = extract_text(
        tmp_path,
        "Andrew:这是一个很好的观点。我认为,在推出诸如自动驾驶汽车等产品时,有不负责任的方式(注:明显在黑马斯克,哈哈)。\n\n"
        "Lex\nFridman:我想稍微轉到一個與喬丹·皮特森(編者注:加拿大多倫多大學的心理學教授,臨床心理學和文化評論家)有關的話題。\n",
    )
    texts = [q.text for q in doc.quotes]
    assert "在推出诸如自动驾驶汽车等产品时,有不负责任的方式。" in texts[0]
    assert "我想稍微轉到一個與喬丹·皮特森有關的話題。" in texts[1]
    assert not any("注:" in t for t in texts)


def test_hard_wrapped_lines_are_joined(tmp_path):
    doc = extract_text(
        tmp_path,
        "Lex\nFridman:你是否能分享在這個過程中你學到的一些智慧,比如如何解決一致性問題(alignment\nproblem)?\n\n"
        "Sam\nAltman:嚐試尋找不同的方法來規範模型(align\nthe\nmodel)。\n",
    )
    texts = [q.text for q in doc.quotes]
    assert texts == [
        "你是否能分享在這個過程中你學到的一些智慧,比如如何解決一致性問題(alignment problem)?",
        "嚐試尋找不同的方法來規範模型(align the model)。",
    ]


def test_image_hashes_and_photo_credits_are_dropped(tmp_path):
    doc = extract_text(
        tmp_path,
        "3萬字全文詳述技術、競爭、恐懼和人類與AI的未來\n\n1be3eba854166a9b964d862612b470f5\n\n圖片來源@視覺中國\n\n文|源碼資本\n\n"
        "Lex Fridman:100萬億!當GPT-3剛發布時,我在YouTube上做了演講。\n\n330bbc2746669c5db6023ee26523121a\n",
    )
    reasons = {d.text: d.reason for d in doc.dropped}
    assert reasons["1be3eba854166a9b964d862612b470f5"] == "image"
    assert reasons["330bbc2746669c5db6023ee26523121a"] == "image"
    assert reasons["圖片來源@視覺中國"] == "boilerplate"
    assert reasons["文|源碼資本"] == "boilerplate"
    assert len(doc.quotes) == 1


def test_an_editors_definition_inside_a_turn_is_dropped(tmp_path):
    doc = extract_text(
        tmp_path,
        "Lex\nFridman:你一直是人工智能背景下普遍基本收入(UBI)的支持者。\n\n"
        "UBI(Universal Basic\nIncome,全球基本收入)是一種社會保障製度,旨在為每個公民或居民提供定期的無條件現金支付。\n",
    )
    assert speaker_of(doc, "社會保障製度") == []


def test_a_block_repeated_in_the_source_is_stored_once(tmp_path):
    block = "Lex Fridman:在Twitter上,然後可能是其他地方。\n\nSam Altman:我的觀點是我們不會知道。這是一種真正的危險。\n\n"
    doc = extract_text(tmp_path, block + "恐懼\n\n" + block)
    assert len(doc.quotes) == 2
    assert [d.reason for d in doc.dropped].count("duplicate") == 2


def test_short_replies_that_recur_are_kept(tmp_path):
    doc = extract_text(tmp_path, "Sam Altman:當然。\n\nLex Fridman:你同意嗎?\n\nSam Altman:當然。\n")
    assert [q.text for q in doc.quotes] == ["當然。", "你同意嗎?", "當然。"]


def test_interview_summary_is_not_a_quote(tmp_path):
    doc = extract_text(
        tmp_path,
        "访谈要点\n\n8)OpenAI 的公司结构是独一无二的,它是一家限制利润的公司而不是一家正常的营利公司。\n\n"
        "Ravi:\n\n这是否包括创始人?\n",
    )
    assert speaker_of(doc, "限制利润的公司") == []


def test_reported_speech_in_narration_is_kept_and_marked(tmp_path):
    doc = extract_text(
        tmp_path,
        "“随着日益强大的AI系统的出现,全球合作的赌注从未如此之大。”奥特曼表示,“真心希望我们都能同意,推进AGI安全是最重要领域之一。”\n\n"
        "“距离通用人工智能(AGI)还有多远?”似乎OpenAI联合创始人山姆·奥特曼(Sam Altman)总是被问到这个问题。\n\n"
        "他引用《道德经》:“千里之行,始于足下,这是一句古话”。\n",
    )
    reported = [(q.kind, doc.passages[q.passage].speaker, q.text) for q in doc.quotes]
    assert reported == [
        ("reported", "Sam Altman", "随着日益强大的AI系统的出现,全球合作的赌注从未如此之大。"),
        ("reported", "Sam Altman", "真心希望我们都能同意,推进AGI安全是最重要领域之一。"),
    ]


def test_quotes_are_cut_at_sentence_punctuation_within_bounds():
    paragraph = (
        "我们有的系统在语言上非常流畅,但它们接受的训练数据量高达数万亿个单词。一个人每天阅读8小时,需要大约22,000年才能完成。"
        "这简直令人难以置信。因此,这种智能与我们在人类身上观察到的智能类型并不相同。如果我们确实观察到了这种智能,这就是莫拉维克悖论的另一个例子,"
        "那些看似复杂的智能任务,如下棋和写作文,对于机器来说实际上相对简单。而那些我们认为理所当然的事情,比如任何10岁小孩都可以做的,"
        "如收拾餐桌,装满洗碗机,我们还没有能做到这些的机器人。Andrew,我记得你在Facebook上也研究过这个问题。"
    )
    quotes = paragraph_quotes(paragraph)
    assert "".join(quotes) == paragraph
    assert len(quotes) == 2
    assert all(15 <= len(q) <= MAX_QUOTE for q in quotes)
    assert all(q[-1] in "。!?" for q in quotes)


def test_a_very_long_sentence_is_cut_at_clauses():
    sentence = "，".join(["这是一个很长的从句"] * 60) + "。"
    quotes = paragraph_quotes(sentence)
    assert "".join(quotes) == sentence
    assert all(len(q) <= MAX_QUOTE for q in quotes)


def test_sentences_keep_their_closing_quotes():
    assert split_sentences("他说:“是的。”然后走了。") == ["他说:“是的。”", "然后走了。"]
