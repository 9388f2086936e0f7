"""What a paragraph is when it is not a speaker label: page furniture, a heading, or text.

These rules are about how scraped article pages are built, not about any one
document: menus and footers, image hashes and photo credits, section headings,
lead-in lines that end in a colon, and editors' notes inside speech.
"""

from __future__ import annotations

import re

# A whole line that is page furniture: by-lines, source lines, URLs, counters, copyright.
BOILERPLATE = re.compile(
    r"""^(
        (来源|來源|出处|出處|作者|编辑|編輯|责编|責編|文|图|圖|原标题|原標題|本文地址|网址|網址|
         发布于|發布於|发布日期|發布日期|发布时间|時間|时间|所属分类|所屬分類|标签|標籤|关键词|
         关键字|導讀|导读|阅读|閱讀|浏览|瀏覽)\s*[:：|｜]
      | skip\s+to\s+content
      | .*(https?://|www\.)\S+\s*$
      | \d+\s*(次点击|次點擊|次阅读|次閱讀|阅读|閱讀|浏览|瀏覽)
      | .*(版权所有|版權所有|copyright|©|all\s+rights\s+reserved)
      | .*(如有侵权|如有侵權|侵删|侵刪|请联系删除|請聯繫刪除)
      | (图片来源|圖片來源|图源|圖源|摄影|攝影|供图|供圖|题图|題圖|图为|圖為|从左到右|從左到右|左起)\b.*
      | (赞助本站|分享到|扫一扫|掃一掃|点赞|點讚|收藏|返回顶部|返回頂部|上一篇|下一篇)
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Markers after which the rest of the page is furniture (until the next speaker label).
FOOTER_START = re.compile(
    r"^(end|全文完|（完）|\(完\)|相关推荐|相關推薦|相关文章|相關文章|推荐阅读|推薦閱讀|延伸阅读|"
    r"延伸閱讀|热门栏目.*|熱門欄目.*|热门文章|熱門文章|猜你喜欢|猜你喜歡|赞助本站|本文来源.*)$",
    re.IGNORECASE,
)

IMAGE_HASH = re.compile(r"^[0-9a-f]{32}(\.(jpe?g|png|gif|webp))?$", re.IGNORECASE)

# Sentence-final punctuation: speech ends with it, headings and menu items do not.
TERMINAL = re.compile(r"[。！？!?…；;.”」』）)\"'~～]$")

# `(注:…)`, `(編者注:…)`, `(译者注:…)`: an editor speaking, not the speaker.
EDITORS_NOTE = re.compile(
    r"\s*[(（]\s*(编者注|編者注|编注|編注|译者注|譯者注|译注|譯注|小编注|小編注|注)\s*[:：][^()（）]*[)）]"
)

# An explanatory paragraph an editor inserts: `UBI(Universal Basic Income,…)是一种…`.
DEFINITION_NOTE = re.compile(
    r"^[^,，。]{0,30}[(（][^)）]*[A-Za-z]{3,}[^)）]*[)）]\s*(是一种|是一種|是指|指的是|即)"
)

MAX_HEADING = 40


def remove_editors_notes(text: str) -> str:
    """The text without editors' notes in brackets."""
    return EDITORS_NOTE.sub("", text).strip()


def is_boilerplate(text: str) -> bool:
    """Menus, by-lines, source and URL lines, counters, copyright and photo credits."""
    return bool(BOILERPLATE.match(text.strip()))


def starts_footer(text: str) -> bool:
    """`相关推荐`, `END`, `本文来源…`: the article is over."""
    return bool(FOOTER_START.match(text.strip()))


def is_image_hash(text: str) -> bool:
    """The 32-hex-digit name a scraper leaves where an image was."""
    return bool(IMAGE_HASH.match(text.strip()))


def is_lead_in(text: str) -> bool:
    """A short line ending in a colon that introduces what follows (`早期的GPT-4模型回答:`)."""
    text = text.strip()
    return len(text) <= MAX_HEADING and text[-1:] in {":", "："}


def is_heading(text: str) -> bool:
    """A short line with no sentence-final punctuation: a title, section heading or menu item."""
    text = text.strip()
    return len(text) <= MAX_HEADING and not TERMINAL.search(text) and not is_lead_in(text)


def is_definition_note(text: str) -> bool:
    """An editor's paragraph explaining a term, set inside someone's turn."""
    return bool(DEFINITION_NOTE.match(text.strip()))
