"""The words of the server-rendered pages, in the three languages the bot writes.

The search page's own words live with its script (`static/app.js`); these are the quote
page's, the error pages' and the API page's.
"""

from __future__ import annotations

from bot.messages import Language

WORDS: dict[str, dict[Language, str]] = {
    "site": {"en": "AI quotes", "zh-Hans": "AI 语录", "zh-Hant": "AI 語錄"},
    "search": {"en": "Search quotes", "zh-Hans": "搜索语录", "zh-Hant": "搜尋語錄"},
    "said_by": {"en": "said by", "zh-Hans": "说话人", "zh-Hant": "說話人"},
    "source": {"en": "Source", "zh-Hans": "出处", "zh-Hant": "出處"},
    "date": {"en": "Date", "zh-Hans": "日期", "zh-Hant": "日期"},
    "publisher": {"en": "Published by", "zh-Hans": "发布者", "zh-Hant": "發布者"},
    "link": {"en": "Read the source", "zh-Hans": "阅读原文", "zh-Hant": "閱讀原文"},
    "moment": {"en": "Said at", "zh-Hans": "时间点", "zh-Hant": "時間點"},
    "context": {"en": "In context", "zh-Hans": "上下文", "zh-Hant": "上下文"},
    "original": {"en": "In the speaker's own words", "zh-Hans": "原话", "zh-Hant": "原話"},
    "translation": {"en": "Translation", "zh-Hans": "译文", "zh-Hant": "譯文"},
    "copy_link": {"en": "Copy link", "zh-Hans": "复制链接", "zh-Hant": "複製連結"},
    "share": {"en": "Share on Telegram", "zh-Hans": "分享到 Telegram", "zh-Hant": "分享到 Telegram"},
    "card": {"en": "Quote card", "zh-Hans": "语录卡片", "zh-Hant": "語錄卡片"},
    "card_alt": {"en": "The quote as a card", "zh-Hans": "语录卡片图片", "zh-Hant": "語錄卡片圖片"},
    "language": {"en": "Language", "zh-Hans": "语言", "zh-Hant": "語言"},
    "script": {"en": "Chinese script", "zh-Hans": "中文字体", "zh-Hant": "中文字體"},
    "as_published": {"en": "As published", "zh-Hans": "原样", "zh-Hant": "原樣"},
    "simplified": {"en": "Simplified", "zh-Hans": "简体", "zh-Hant": "簡體"},
    "traditional": {"en": "Traditional", "zh-Hans": "繁体", "zh-Hant": "繁體"},
    "not_found": {"en": "No such quote", "zh-Hans": "没有这条语录", "zh-Hant": "沒有這條語錄"},
    "not_found_detail": {
        "en": "This quote does not exist, or was removed from the collection.",
        "zh-Hans": "这条语录不存在，或已从语录库中删除。",
        "zh-Hant": "這條語錄不存在，或已從語錄庫中刪除。",
    },
    "back": {"en": "Search all quotes", "zh-Hans": "搜索全部语录", "zh-Hant": "搜尋全部語錄"},
}

LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}


def word(lang: Language, key: str, **values: str) -> str:
    """One of the pages' words in `lang`, with its {placeholders} filled."""
    return WORDS[key][lang].format(**values)
