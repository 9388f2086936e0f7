"""What a file states about itself: YAML front matter, a page's `<meta>` tags.

Notes kept by translators start with front matter such as

    ---
    title: Sam Altman 谈 GPT-5
    date: 2024-05-01
    source: https://www.youtube.com/watch?v=...
    speaker: Lex Fridman            # the channel that published the video
    people: {host: Lex Fridman, guest: Sam Altman}
    ---

and scraped pages carry `og:title`, `og:site_name`, `article:published_time`.
Both become a `FileFacts`; sources.toml still wins over each field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml


@dataclass(frozen=True)
class FileFacts:
    """What a file states about itself; sources.toml wins over each of them."""

    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    url: str | None = None
    publisher: str | None = None  # the channel, site or account that published it
    people: tuple[str, ...] = ()  # who takes part, as the file names them
    roles: dict[str, str] = field(default_factory=dict)  # role label -> person, when the file says


# Front matter keys, in the order they are tried. In translators' notes `speaker:`
# names the account that published the video, so it counts as the publisher when no
# `publisher` or `channel` says otherwise; a list of speakers is the people instead.
_TITLE_KEYS = ("title",)
_DATE_KEYS = ("date", "published", "published_at", "publish_date", "pubdate", "created")
_URL_KEYS = ("source", "url", "link", "source_url", "original", "original_url", "video", "permalink")
_PUBLISHER_KEYS = ("publisher", "channel", "speaker", "site", "site_name", "author")
_PEOPLE_KEYS = ("people", "speakers", "guests", "participants", "speaker")
# Words that name a part in a conversation: as keys of `people:` (role -> name) or on
# their own at the top level (`host: Lex Fridman`).
ROLE_WORDS = frozenset(
    """host co-host cohost guest interviewer interviewee moderator panelist speaker
    presenter narrator questioner audience 主持人 嘉宾 主持 采访者 受访者 提问者 主讲人 演讲者""".split()
)

_URL = re.compile(r"https?://[^\s<>\"'）)]+")
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ENGLISH_DATES = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%b. %d, %Y")
_FENCE = re.compile(r"^---\s*$")
_FENCE_END = re.compile(r"^(---|\.\.\.)\s*$")
_YAML_LINE = re.compile(r"^[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff -]*:(\s|$)|^\s+\S|^\s*-\s|^\s*#")
_TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", " _ ", "｜", " · ", " :: ")


def split_front_matter(lines: list[str]) -> tuple[str | None, int, list[str]]:
    """The YAML between `---` fences at the top of `lines`, how many lines the block
    takes (fences included) and notes; (None, 0, []) when the file has none.

    A block whose closing fence is missing still ends at the first blank line when
    every line up to there reads like YAML (`key: value`, list items, indented lines).
    """
    if not lines or not _FENCE.match(lines[0]):
        return None, 0, []
    for end in range(1, len(lines)):
        if _FENCE_END.match(lines[end]):
            return "\n".join(lines[1:end]), end + 1, []
    end = 1
    while end < len(lines) and lines[end].strip():
        if not _YAML_LINE.match(lines[end]):
            return None, 0, []
        end += 1
    if end == 1:
        return None, 0, []
    return "\n".join(lines[1:end]), end, ["front matter has no closing ---: it ends at the first blank line"]


def front_matter_facts(source: str) -> tuple[FileFacts, list[str]]:
    """The facts a YAML front matter states, and notes on what could not be read."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        at = f" (line {where.line + 2})" if where is not None else ""
        return FileFacts(), [f"front matter is not valid YAML{at}: ignored"]
    if data is None:
        return FileFacts(), []
    if not isinstance(data, Mapping):
        return FileFacts(), ["front matter is not a set of key: value lines: ignored"]
    fields = {str(key).strip().lower(): value for key, value in data.items()}
    notes: list[str] = []
    date = None
    for key in _DATE_KEYS:
        if fields.get(key) not in (None, ""):
            date = normalize_date(fields[key])
            if date is None:
                notes.append(f"front matter: {key} {str(fields[key])[:40]!r} is not a date: ignored")
            break
    people, roles = _people(fields)
    return FileFacts(
        title=_first_text(fields, _TITLE_KEYS),
        date=date,
        url=_first_url(fields, _URL_KEYS),
        publisher=_first_text(fields, _PUBLISHER_KEYS),
        people=people,
        roles=roles,
    ), notes


def page_facts(
    meta: Mapping[str, str], title: str | None, canonical: str | None, time: str | None
) -> FileFacts:
    """The facts an HTML page states in its head: `meta` is keyed by the lower-cased
    `property`, `name` or `itemprop`; `time` is the first `<time datetime>`."""
    site = _clean(meta.get("og:site_name"))
    stated = _clean(meta.get("og:title")) or _clean(meta.get("twitter:title")) or _clean(title)
    date = None
    for value in (
        meta.get("article:published_time"), time, meta.get("date"), meta.get("pubdate"),
        meta.get("publishdate"), meta.get("datepublished"), meta.get("dc.date"),
        meta.get("og:published_time"),
    ):
        date = normalize_date(value) if value else None
        if date:
            break
    author = _clean(meta.get("author"))
    return FileFacts(
        title=strip_site_name(stated, site) if stated else None,
        date=date,
        url=_url_in(meta.get("og:url")) or _url_in(canonical),
        publisher=site or (author if author and not _URL.match(author) else None),
    )


def strip_site_name(title: str, site: str | None) -> str:
    """`GPT-5 的未来 - 机器之心` -> `GPT-5 的未来` when the site is 机器之心."""
    if site:
        for separator in _TITLE_SEPARATORS:
            head, _, tail = title.rpartition(separator)
            if head.strip() and tail.strip().casefold() == site.strip().casefold():
                return head.strip()
    return title


def normalize_date(value: object) -> str | None:
    """`2024-05-01`, `2024/5/1`, `2024年5月1日`, `May 1, 2024`, a date or a datetime ->
    `2024-05-01`; None when it is not a date."""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    match = _YMD.search(text) or _COMPACT.fullmatch(text)
    if match:
        return _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    for pattern in _ENGLISH_DATES:
        try:
            day = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return _valid(day.year, day.month, day.day)
    return None


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date.isoformat() if 1900 <= year <= 2100 else None


def _clean(value: object) -> str | None:
    """A one-line string, or None for anything else (lists, mappings, empty)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = " ".join(str(value).split())
    return text or None


def _names(value: object) -> list[str]:
    """A name or a list of names as strings; anything else gives none."""
    if isinstance(value, list | tuple):
        return [name for item in value if (name := _clean(item))]
    name = _clean(value)
    return [name] if name else []


def _first_text(fields: Mapping[str, object], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        text = _clean(fields.get(key))
        if text:
            return text
        if key != "speaker" and isinstance(fields.get(key), list | tuple) and _names(fields[key]):
            return "、".join(_names(fields[key]))
    return None


def _url_in(value: object) -> str | None:
    match = _URL.search(value) if isinstance(value, str) else None
    return match.group().rstrip(".,;，。") if match else None


def _first_url(fields: Mapping[str, object], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        url = _url_in(fields.get(key))
        if url:
            return url
    return None


def _people(fields: Mapping[str, object]) -> tuple[tuple[str, ...], dict[str, str]]:
    """Who takes part, and the part each plays when the front matter says."""
    people: list[str] = []
    roles: dict[str, str] = {}

    def add(role: str | None, value: object) -> None:
        names = _names(value)
        people.extend(names)
        if role and len(names) == 1:
            roles.setdefault(role, names[0])

    for key in _PEOPLE_KEYS:
        value = fields.get(key)
        if isinstance(value, Mapping):
            for left, right in value.items():
                label = str(left).strip()
                if label.lower() in ROLE_WORDS or not _is_role(right):
                    add(label, right)  # role -> name(s)
                else:
                    add(str(right).strip(), label)  # name -> role
        elif key != "speaker" or isinstance(value, list | tuple):
            add(None, value)
    for key, value in fields.items():
        if key in ROLE_WORDS and key not in _PEOPLE_KEYS:
            add(key, value)
    return tuple(dict.fromkeys(people)), roles


def _is_role(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in ROLE_WORDS
