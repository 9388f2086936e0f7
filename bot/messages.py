"""The bot's own words, in English, simplified Chinese and traditional Chinese, in one place.

Quotes are never translated; only what the bot itself says lives here. Templates are
HTML; `say()` escapes every value put into them, so callers pass plain text.
"""

from __future__ import annotations

import html
from typing import Literal

Language = Literal["en", "zh-Hans", "zh-Hant"]
LANGUAGES: tuple[Language, ...] = ("en", "zh-Hans", "zh-Hant")
DEFAULT_LANGUAGE: Language = "en"

# Telegram's language_code is an IETF tag such as "en", "zh-hans", "zh-TW" or plain "zh".
_TRADITIONAL_REGIONS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")
_LANGUAGE_ALIASES: dict[str, Language] = {
    "en": "en",
    "english": "en",
    "zh": "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "hans": "zh-Hans",
    "simplified": "zh-Hans",
    "简体": "zh-Hans",
    "简体中文": "zh-Hans",
    "中文": "zh-Hans",
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "hant": "zh-Hant",
    "traditional": "zh-Hant",
    "繁體": "zh-Hant",
    "繁体": "zh-Hant",
    "繁體中文": "zh-Hant",
}


def language_from_code(code: str | None) -> Language | None:
    """The bot language for a Telegram `language_code`, or None when it gives no hint."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    if code.startswith(_TRADITIONAL_REGIONS):
        return "zh-Hant"
    if code.startswith("zh"):
        return "zh-Hans"
    return "en" if code.startswith("en") else None


def parse_language(text: str) -> Language | None:
    """A language a person typed after /lang ("en", "zh-hant", "繁體", ...), or None."""
    return _LANGUAGE_ALIASES.get(text.strip().lower())


def is_chinese(lang: Language) -> bool:
    """True for both Chinese scripts (they share the 「」——《》 quote convention)."""
    return lang != "en"


_TEXTS: dict[str, dict[Language, str]] = {
    "welcome": {
        "en": (
            "Hello! I answer with quotes from interviews and talks about AI: who said it, "
            "their exact words, and where.\n\n"
            "Send me a topic, for example <code>alignment</code>, <code>对齐</code> or "
            "<code>Ilya 意识</code>, or try /random.\n/help lists everything I can do."
        ),
        "zh-Hans": (
            "你好!我用 AI 访谈和演讲里的原话来回答:谁说的、原文是什么、出自哪里。\n\n"
            "发给我一个话题,例如 <code>对齐</code>、<code>印刷机</code> 或 "
            "<code>Ilya 意识</code>,或者试试 /random。\n/help 查看全部用法。"
        ),
        "zh-Hant": (
            "你好!我用 AI 訪談和演講裡的原話來回答:誰說的、原文是什麼、出自哪裡。\n\n"
            "發給我一個話題,例如 <code>對齊</code>、<code>印刷機</code> 或 "
            "<code>Ilya 意識</code>,或者試試 /random。\n/help 查看全部用法。"
        ),
    },
    "help": {
        "en": (
            "<b>How to use me</b>\n"
            "Send any text in a private chat and I reply with the best matching quote.\n"
            "In groups: <code>/quote TEXT</code>, mention me, or reply to my message.\n"
            "Inline: type <code>@{bot} TEXT</code> in any chat.\n\n"
            "/quote TEXT: best quote (a reply to a message uses its text)\n"
            "/random [speaker]: a random quote\n"
            "/similar [TEXT]: the quote closest in meaning to the last one "
            "(or reply /similar to one of my quotes)\n"
            "/card [TEXT]: the last quote as a picture (or reply /card to one of my quotes)\n"
            "/speakers: who I can quote\n"
            "/sources: the documents I quote from\n"
            "/browse: search and browse every quote on the web\n"
            "/daily HH:MM [time zone] or /daily off: a quote every day\n"
            "/lang en | zh-hans | zh-hant | auto: my language in this chat\n"
            "/script traditional | hongkong | simplified | original: how quotes are written "
            "(traditional: Taiwan standard; hongkong: Hong Kong standard)\n"
            "/theme light | dark: the colours of the pictures\n"
            "/start: the welcome and a first quote\n"
            "/help: this list\n\n"
            "Buttons under a quote: <i>Another</i> (the next best quote), <i>Context</i> "
            "(the passage around it), <i>Source</i> (where it was published), <i>Card</i> "
            "(as a picture), <i>Similar</i> (the closest in meaning; a quote's "
            "<i>Quote</i> button leads back to it)."
        ),
        "zh-Hans": (
            "<b>用法</b>\n"
            "私聊时发送任意文字,我会回复最相关的一句原话。\n"
            "群组里:<code>/quote 文字</code>、@我,或回复我的消息。\n"
            "内联:在任何聊天里输入 <code>@{bot} 文字</code>。\n\n"
            "/quote 文字:最相关的引语(回复某条消息时用那条消息的文字)\n"
            "/random [人名]:随机一句\n"
            "/similar [文字]:与上一句意思最接近的引语(或用 /similar 回复我发的引语)\n"
            "/card [文字]:把上一句引语做成图片(或用 /card 回复我发的引语)\n"
            "/speakers:可以引用的人\n"
            "/sources:引语出处\n"
            "/browse:在网页上搜索和浏览全部引语\n"
            "/daily HH:MM [时区] 或 /daily off:每日一句\n"
            "/lang en | zh-hans | zh-hant | auto:本聊天的界面语言\n"
            "/script traditional | hongkong | simplified | original:"
            "引语显示为繁体(台湾标准)/繁体(香港标准)/简体/原文\n"
            "/theme light | dark:图片的浅色/深色配色\n"
            "/start:欢迎语和第一句引语\n"
            "/help:本说明\n\n"
            "引语下方的按钮:<i>换一句</i>(下一句最相关的)、<i>上下文</i>(前后原文)、"
            "<i>出处</i>(发表在哪里)、<i>卡片</i>(做成图片)、<i>相似</i>(意思最接近的;"
            "<i>引语</i>按钮回到引语本身)。"
        ),
        "zh-Hant": (
            "<b>用法</b>\n"
            "私聊時發送任意文字,我會回覆最相關的一句原話。\n"
            "群組裡:<code>/quote 文字</code>、@我,或回覆我的訊息。\n"
            "內聯:在任何聊天裡輸入 <code>@{bot} 文字</code>。\n\n"
            "/quote 文字:最相關的引語(回覆某則訊息時用那則訊息的文字)\n"
            "/random [人名]:隨機一句\n"
            "/similar [文字]:與上一句意思最接近的引語(或用 /similar 回覆我發的引語)\n"
            "/card [文字]:把上一句引語做成圖片(或用 /card 回覆我發的引語)\n"
            "/speakers:可以引用的人\n"
            "/sources:引語出處\n"
            "/browse:在網頁上搜尋和瀏覽全部引語\n"
            "/daily HH:MM [時區] 或 /daily off:每日一句\n"
            "/lang en | zh-hans | zh-hant | auto:本聊天的介面語言\n"
            "/script traditional | hongkong | simplified | original:"
            "引語顯示為繁體(台灣標準)/繁體(香港標準)/簡體/原文\n"
            "/theme light | dark:圖片的淺色/深色配色\n"
            "/start:歡迎語和第一句引語\n"
            "/help:本說明\n\n"
            "引語下方的按鈕:<i>換一句</i>(下一句最相關的)、<i>上下文</i>(前後原文)、"
            "<i>出處</i>(發表在哪裡)、<i>卡片</i>(做成圖片)、<i>相似</i>(意思最接近的;"
            "<i>引語</i>按鈕回到引語本身)。"
        ),
    },
    "button_another": {"en": "Another", "zh-Hans": "换一句", "zh-Hant": "換一句"},
    "button_context": {"en": "Context", "zh-Hans": "上下文", "zh-Hant": "上下文"},
    "button_source": {"en": "Source", "zh-Hans": "出处", "zh-Hant": "出處"},
    "button_quote": {"en": "Quote", "zh-Hans": "引语", "zh-Hant": "引語"},
    "no_match": {
        "en": (
            "I found no quote about “{query}”.\n"
            "Try a topic such as {topics}, or a speaker: {speakers}."
        ),
        "zh-Hans": "没有找到关于“{query}”的引语。\n可以试试这些话题:{topics};或这些人:{speakers}。",
        "zh-Hant": "沒有找到關於「{query}」的引語。\n可以試試這些話題:{topics};或這些人:{speakers}。",
    },
    "no_more": {
        "en": "That was every quote I have for this.",
        "zh-Hans": "这个话题的引语已经全部看过了。",
        "zh-Hant": "這個話題的引語已經全部看過了。",
    },
    "empty_database": {
        "en": "I have no quotes yet.",
        "zh-Hans": "还没有任何引语。",
        "zh-Hant": "還沒有任何引語。",
    },
    "unknown_speaker": {
        "en": "I have no quotes from “{name}”. Speakers I know: {speakers}.",
        "zh-Hans": "没有“{name}”的引语。我认识的人:{speakers}。",
        "zh-Hant": "沒有「{name}」的引語。我認識的人:{speakers}。",
    },
    "quote_not_found": {
        "en": "That quote is no longer available.",
        "zh-Hans": "这条引语已不存在。",
        "zh-Hant": "這條引語已不存在。",
    },
    "button_expired": {
        "en": "This button has expired; send your question again.",
        "zh-Hans": "这个按钮已失效,请重新发送问题。",
        "zh-Hant": "這個按鈕已失效,請重新發送問題。",
    },
    "speakers_title": {"en": "<b>Speakers</b>", "zh-Hans": "<b>人物</b>", "zh-Hant": "<b>人物</b>"},
    "speaker_line": {
        "en": "• {name} ({name_zh}): {count} quotes",
        "zh-Hans": "• {name_zh}({name}):{count} 句",
        "zh-Hant": "• {name_zh}({name}):{count} 句",
    },
    "speakers_hint": {
        "en": "Try /random followed by a name.",
        "zh-Hans": "试试 /random 加人名。",
        "zh-Hant": "試試 /random 加人名。",
    },
    "sources_title": {"en": "<b>Sources</b>", "zh-Hans": "<b>出处</b>", "zh-Hant": "<b>出處</b>"},
    "source_count": {"en": "{count} quotes", "zh-Hans": "{count} 句", "zh-Hant": "{count} 句"},
    "context_title": {"en": "<b>Context</b>", "zh-Hans": "<b>上下文</b>", "zh-Hant": "<b>上下文</b>"},
    "context_question": {
        "en": "<b>Asked by {speaker}:</b>",
        "zh-Hans": "<b>{speaker}问:</b>",
        "zh-Hant": "<b>{speaker}問:</b>",
    },
    "context_before": {
        "en": "<b>Before, {speaker}:</b>",
        "zh-Hans": "<b>此前,{speaker}:</b>",
        "zh-Hant": "<b>此前,{speaker}:</b>",
    },
    "context_answer": {
        "en": "<b>{speaker} answered:</b>",
        "zh-Hans": "<b>{speaker}答:</b>",
        "zh-Hant": "<b>{speaker}答:</b>",
    },
    "context_missing": {
        "en": "I have no more context for this quote.",
        "zh-Hans": "这条引语没有更多上下文。",
        "zh-Hant": "這條引語沒有更多上下文。",
    },
    "source_title": {"en": "<b>Source</b>", "zh-Hans": "<b>出处</b>", "zh-Hant": "<b>出處</b>"},
    "field_title": {"en": "Title", "zh-Hans": "标题", "zh-Hant": "標題"},
    "field_publisher": {"en": "Publisher", "zh-Hans": "发布者", "zh-Hant": "發布者"},
    "field_date": {"en": "Date", "zh-Hans": "日期", "zh-Hant": "日期"},
    "field_event": {"en": "Event", "zh-Hans": "场合", "zh-Hant": "場合"},
    "field_link": {"en": "Link", "zh-Hans": "链接", "zh-Hant": "連結"},
    "field_moment": {"en": "Said at", "zh-Hans": "时间点", "zh-Hant": "時間點"},
    "field_speaker": {"en": "Speaker", "zh-Hans": "说话人", "zh-Hant": "說話人"},
    "field_share": {"en": "Share this quote", "zh-Hans": "分享这句", "zh-Hant": "分享這句"},
    "untitled": {"en": "untitled", "zh-Hans": "无题", "zh-Hant": "無題"},
    "lang_set": {
        "en": "I will speak English in this chat.",
        "zh-Hans": "本聊天将使用简体中文。",
        "zh-Hant": "本聊天將使用繁體中文。",
    },
    "lang_auto": {
        "en": "I will follow each person's Telegram language here.",
        "zh-Hans": "本聊天将跟随每个人的 Telegram 语言。",
        "zh-Hant": "本聊天將跟隨每個人的 Telegram 語言。",
    },
    "lang_usage": {
        "en": "Usage: /lang en | zh-hans | zh-hant | auto",
        "zh-Hans": "用法:/lang en | zh-hans | zh-hant | auto",
        "zh-Hant": "用法:/lang en | zh-hans | zh-hant | auto",
    },
    "script_set_traditional": {
        "en": "Quotes will be shown in traditional characters (Taiwan standard).",
        "zh-Hans": "引语将以繁体字(台湾标准)显示。",
        "zh-Hant": "引語將以繁體字(台灣標準)顯示。",
    },
    "script_set_hongkong": {
        "en": "Quotes will be shown in traditional characters (Hong Kong standard).",
        "zh-Hans": "引语将以繁体字(香港标准)显示。",
        "zh-Hant": "引語將以繁體字(香港標準)顯示。",
    },
    "script_set_simplified": {
        "en": "Quotes will be shown in simplified characters.",
        "zh-Hans": "引语将以简体字显示。",
        "zh-Hant": "引語將以簡體字顯示。",
    },
    "script_set_original": {
        "en": "Quotes will be shown exactly as published.",
        "zh-Hans": "引语将按原文显示。",
        "zh-Hant": "引語將按原文顯示。",
    },
    "script_usage": {
        "en": "Usage: /script traditional | hongkong | simplified | original",
        "zh-Hans": "用法:/script traditional | hongkong | simplified | original",
        "zh-Hant": "用法:/script traditional | hongkong | simplified | original",
    },
    "daily_set": {
        "en": "Every day at {time} ({zone}) I will post a quote here. /daily off stops it.",
        "zh-Hans": "每天 {time}({zone})我会在这里发一句引语。/daily off 可取消。",
        "zh-Hant": "每天 {time}({zone})我會在這裡發一句引語。/daily off 可取消。",
    },
    "daily_off": {
        "en": "Daily quotes are off for this chat.",
        "zh-Hans": "已取消本聊天的每日一句。",
        "zh-Hant": "已取消本聊天的每日一句。",
    },
    "daily_none": {
        "en": "No daily quote is set here. Usage: /daily HH:MM [time zone], e.g. /daily 08:00 Asia/Shanghai",
        "zh-Hans": "本聊天没有设置每日一句。用法:/daily HH:MM [时区],例如 /daily 08:00 Asia/Shanghai",
        "zh-Hant": "本聊天沒有設定每日一句。用法:/daily HH:MM [時區],例如 /daily 08:00 Asia/Taipei",
    },
    "daily_status": {
        "en": "A quote is posted here every day at {time} ({zone}). /daily off stops it.",
        "zh-Hans": "每天 {time}({zone})在这里发一句引语。/daily off 可取消。",
        "zh-Hant": "每天 {time}({zone})在這裡發一句引語。/daily off 可取消。",
    },
    "daily_bad_time": {
        "en": "“{value}” is not a time. Use HH:MM, e.g. /daily 08:30",
        "zh-Hans": "“{value}”不是有效时间。请用 HH:MM,例如 /daily 08:30",
        "zh-Hant": "「{value}」不是有效時間。請用 HH:MM,例如 /daily 08:30",
    },
    "daily_bad_zone": {
        "en": "“{value}” is not a time zone I know. Use a name like Asia/Shanghai or UTC.",
        "zh-Hans": "不认识时区“{value}”。请用 Asia/Shanghai 或 UTC 这样的名称。",
        "zh-Hant": "不認識時區「{value}」。請用 Asia/Taipei 或 UTC 這樣的名稱。",
    },
    "daily_terminal": {
        "en": "Daily quotes are posted by the Telegram bot; here, try /random.",
        "zh-Hans": "每日一句由 Telegram 机器人发送;在这里可以试试 /random。",
        "zh-Hant": "每日一句由 Telegram 機器人發送;在這裡可以試試 /random。",
    },
    "daily_header": {
        "en": "<b>Quote of the day</b>",
        "zh-Hans": "<b>每日一句</b>",
        "zh-Hant": "<b>每日一句</b>",
    },
    "admins_only": {
        "en": "Only the group's admins can change this.",
        "zh-Hans": "只有群管理员可以修改这项设置。",
        "zh-Hant": "只有群組管理員可以修改這項設定。",
    },
    "throttled": {
        "en": "You are sending messages faster than I can read them. Give me a few seconds.",
        "zh-Hans": "消息发得太快啦,请稍等几秒。",
        "zh-Hant": "訊息發得太快啦,請稍等幾秒。",
    },
    "throttled_command": {
        "en": (
            "You are sending messages faster than I can read them, so I did not run "
            "/{command}. Send it again in {seconds} s."
        ),
        "zh-Hans": "消息发得太快啦,/{command} 没有执行。请 {seconds} 秒后再发一次。",
        "zh-Hant": "訊息發得太快啦,/{command} 沒有執行。請 {seconds} 秒後再發一次。",
    },
    "error": {
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
        "zh-Hans": "抱歉,我这边出了点问题,请稍后再试。",
        "zh-Hant": "抱歉,我這邊出了點問題,請稍後再試。",
    },
    "unknown_command": {
        "en": "I don't know that command. /help lists what I can do.",
        "zh-Hans": "不认识这个命令。/help 查看全部用法。",
        "zh-Hant": "不認識這個命令。/help 查看全部用法。",
    },
    "not_text": {
        "en": "Send me some text and I will find a quote about it.",
        "zh-Hans": "请发给我文字,我会找一句相关的引语。",
        "zh-Hant": "請發給我文字,我會找一句相關的引語。",
    },
    # Quote cards (bot/card): the button, /card and /theme.
    "button_card": {"en": "Card", "zh-Hans": "卡片", "zh-Hant": "卡片"},
    "card_nothing": {
        "en": "Ask for a quote first, or reply /card to one of my quotes.",
        "zh-Hans": "请先查一句引语,或用 /card 回复我发的引语。",
        "zh-Hant": "請先查一句引語,或用 /card 回覆我發的引語。",
    },
    "card_failed": {
        "en": "I could not send the picture, so here is the quote as text.",
        "zh-Hans": "图片发送失败,这是文字版引语。",
        "zh-Hant": "圖片傳送失敗,這是文字版引語。",
    },
    "theme_set": {
        "en": "Cards in this chat now use the {theme} theme.",
        "zh-Hans": "此聊天的卡片已改用{theme}主题。",
        "zh-Hant": "此聊天的卡片已改用{theme}主題。",
    },
    "theme_usage": {
        "en": "Use /theme light or /theme dark.",
        "zh-Hans": "用法:/theme light 或 /theme dark。",
        "zh-Hant": "用法:/theme light 或 /theme dark。",
    },
    "theme_light": {"en": "light", "zh-Hans": "浅色", "zh-Hant": "淺色"},
    "theme_dark": {"en": "dark", "zh-Hans": "深色", "zh-Hant": "深色"},
    "card_sent_private": {
        "en": "I sent the card to our private chat.",
        "zh-Hans": "卡片已发到我们的私聊。",
        "zh-Hant": "卡片已發到我們的私聊。",
    },
    "card_start_private": {
        "en": "Open a private chat with me and press Start, then I can send you cards.",
        "zh-Hans": "请先打开与我的私聊并点“开始”,我才能把卡片发给你。",
        "zh-Hant": "請先打開與我的私聊並點「開始」,我才能把卡片傳給你。",
    },
    "card_saved": {
        "en": "Card written to {path}",
        "zh-Hans": "卡片已保存到 {path}",
        "zh-Hant": "卡片已儲存到 {path}",
    },
    # Matching by meaning: an answer that shares no words with the question says so.
    "elsewhere_theirs": {
        "en": "<i>{speaker} never spoke of this here; the nearest they came:</i>",
        "zh-Hans": "<i>{speaker}在这里没有谈过这个话题;最接近的一句:</i>",
        "zh-Hant": "<i>{speaker}在這裡沒有談過這個話題;最接近的一句:</i>",
    },
    "elsewhere_others": {
        "en": "<i>{speaker} never spoke of this here; on it, {other} said:</i>",
        "zh-Hans": "<i>{speaker}在这里没有谈过这个话题;{other}是这样说的:</i>",
        "zh-Hant": "<i>{speaker}在這裡沒有談過這個話題;{other}是這樣說的:</i>",
    },
    "by_meaning": {
        "en": "<i>No quote uses these words; this one is closest in meaning:</i>",
        "zh-Hans": "<i>没有引语用到这些词;这一句的意思最接近:</i>",
        "zh-Hant": "<i>沒有引語用到這些詞;這一句的意思最接近:</i>",
    },
    "button_similar": {"en": "Similar", "zh-Hans": "相似", "zh-Hant": "相似"},
    "similar_header": {
        "en": "<i>Closest in meaning to the quote you chose:</i>",
        "zh-Hans": "<i>与所选引语意思最接近的一句:</i>",
        "zh-Hant": "<i>與所選引語意思最接近的一句:</i>",
    },
    "similar_nothing": {
        "en": "Ask for a quote first, or reply /similar to one of my quotes.",
        "zh-Hans": "请先查一句引语,或用 /similar 回复我发的引语。",
        "zh-Hant": "請先查一句引語,或用 /similar 回覆我發的引語。",
    },
    "similar_none": {
        "en": "I found no other quote close in meaning to this one.",
        "zh-Hans": "没有找到与这句意思相近的其他引语。",
        "zh-Hant": "沒有找到與這句意思相近的其他引語。",
    },
    # Picks (/random, /daily): said when nothing in the scope stands well on its own.
    "pick_best_of_speaker": {
        "en": "None of {speaker}'s quotes stands well on its own; this is the closest:",
        "zh-Hans": "{speaker}的引语都不太适合单独阅读,这是最接近的一句:",
        "zh-Hant": "{speaker}的引語都不太適合單獨閱讀,這是最接近的一句:",
    },
    "pick_best_available": {
        "en": "None of these quotes stands well on its own; this is the closest:",
        "zh-Hans": "这些引语都不太适合单独阅读,这是最接近的一句:",
        "zh-Hant": "這些引語都不太適合單獨閱讀,這是最接近的一句:",
    },
    # A message that only greets or thanks the bot: a short answer and example questions.
    "greeting_hello": {
        "en": (
            "Hello! Ask me about AI and I answer with a real quote: who said it, their "
            "exact words, and where. Try one of these:"
        ),
        "zh-Hans": "你好!问我任何关于 AI 的话题,我用真实的原话回答:谁说的、原文、出处。试试这些:",
        "zh-Hant": "你好!問我任何關於 AI 的話題,我用真實的原話回答:誰說的、原文、出處。試試這些:",
    },
    "greeting_thanks": {
        "en": "You're welcome! There is more to ask, for example:",
        "zh-Hans": "不客气!还可以问问这些:",
        "zh-Hant": "不客氣!還可以問問這些:",
    },
    # The web face (QUOTEBOT_PUBLIC_URL): /browse and the chat's menu button.
    "browse": {
        "en": "Search and browse every quote on the web: {url}",
        "zh-Hans": "在网页上搜索和浏览全部引语:{url}",
        "zh-Hant": "在網頁上搜尋和瀏覽全部引語:{url}",
    },
    "browse_button": {"en": "Browse quotes", "zh-Hans": "浏览引语", "zh-Hant": "瀏覽引語"},
    "browse_off": {
        "en": "This bot has no web pages yet: send me a topic here instead.",
        "zh-Hans": "这个机器人还没有网页版:直接在这里发给我一个话题吧。",
        "zh-Hant": "這個機器人還沒有網頁版:直接在這裡發給我一個話題吧。",
    },
    "menu_button": {"en": "Quotes", "zh-Hans": "引语", "zh-Hant": "引語"},
}


def say(lang: Language, key: str, **values: object) -> str:
    """The HTML text `key` in `lang`, with every value HTML-escaped before it is inserted."""
    template = _TEXTS[key].get(lang) or _TEXTS[key][DEFAULT_LANGUAGE]
    if not values:
        return template
    return template.format(**{name: html.escape(str(value)) for name, value in values.items()})
