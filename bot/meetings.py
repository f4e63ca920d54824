"""Stage: a meeting post -> its numbered items. Pure: text in, records out.

A thaigov.go.th "สรุปข่าวการประชุมคณะรัฐมนตรี" post covers one cabinet meeting: a header (site
banner, publication date, the meeting date, who chaired it), a table of contents listing every
item as `N. เรื่อง <title>` under section headings (กฎหมาย, เศรษฐกิจ-สังคม, ต่างประเทศ,
แต่งตั้ง), then the same items again, each with its body, and a footer with the post's link.
Older posts (thaigov-corpus) pad the numbering with runs of spaces and non-breaking spaces;
some TOC lines hold two entries; bodies hold numbered sub-lists of their own (`1. เรื่องเพื่อ
ทราบ`); scrapes can stop part-way through the body, or hold only the header.

The body's headings are found by walking the table of contents in order: item N's heading is
the next `N. เรื่อง` line whose title matches the TOC's title N. A sub-list inside a body has
the wrong number or the wrong title, so it stays in its item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from bot.text import clean
from bot.thaidate import find_thai_date

# The banner every post starts with: a post is recognised by it, and it names the meeting's
# date (`สรุปข่าวการประชุมคณะรัฐมนตรี 26 สิงหาคม 2568`, `สรุปข่าวการประชุม ครม.24 กันยายน 2567`).
POST_MARK = re.compile(r"สรุปข่าวการประชุม\s*(?:คณะรัฐมนตรี|ครม\.?)")
TITLE_MATCH = 0.75  # similarity of a body heading's title to the TOC title (first 60 letters)
TITLE_LETTERS = 60
CHAIR_MARK = "เป็นประธาน"  # `<name and office> เป็นประธานการประชุมคณะรัฐมนตรี`
HEADER_LINE_CHARS = 1000  # header lines are read this far (a file may be one endless line)

SECTIONS = {
    "กฎหมาย": "กฎหมาย",
    "เศรษฐกิจสังคม": "เศรษฐกิจ-สังคม",
    "สังคมเศรษฐกิจ": "เศรษฐกิจ-สังคม",
    "เศรษฐกิจ": "เศรษฐกิจ-สังคม",
    "สังคม": "เศรษฐกิจ-สังคม",
    "ต่างประเทศ": "ต่างประเทศ",
    "แต่งตั้ง": "แต่งตั้ง",
}

_HEADING = re.compile(r"^(?P<number>\d{1,3})\s*\.?\s*เรื่อง\s*[:：]?\s*(?P<title>.*)$")
_LOOSE_HEADING = re.compile(r"^(?P<number>\d{1,3})\s*[.)]\s*(?:เรื่อง)?\s*(?P<title>\S.*)$")
_SPLIT_ENTRY = re.compile(r"(?<=\S)\s{3,}(?=\d{1,3}\s*\.\s*เรื่อง)")  # two TOC entries on a line
_SEPARATOR = re.compile(r"^[*\-_=~.•…·\s]{3,}$")
_URL = re.compile(r"https?://(?:www\.)?thaigov\.go\.th/news/contents/details/(?P<post>\d+)")
_FOOTER = re.compile(r"^(?:ที่มา\s*[:：]|สำนักโฆษก|\(โปรดตรวจสอบมติ|https?://\S*$)")
# What precedes the chair's name on its line: the day, the time, the place.
_BEFORE_CHAIR = re.compile(
    r"วันนี้\s*\([^)]*\)|\d\s*น\.(?:\s*น\.)*|ทำเนียบรัฐบาล|\(หลังนอก\)|จังหวัด\S+|\d{4}(?=\s)"
)
_TITLE_WORD = re.compile(r"^เรื่อง\s+")
_DECISION = re.compile(r"คณะรัฐมนตรี\s*(?:มีมติ|รับทราบ|เห็นชอบ|อนุมัติ)")
_NOT_LETTER = re.compile(r"[^ก-๙A-Za-z0-9]+")


class NotAPostError(ValueError):
    """The text holds no meeting item; the message says what it holds instead."""


@dataclass(frozen=True, slots=True)
class Item:
    """One numbered item of a meeting: its number, title, body, and the section it sits in."""

    number: int
    title: str
    body: str
    section: str | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    """What one post holds: the meeting's date and chair, the post's link, and its items.

    `listed` holds the item numbers its table of contents names (without a TOC: the numbers
    found); `missing` those whose bodies the post does not hold (a scrape cut short ends
    before them).
    """

    meeting_date: date | None
    chair: str | None
    url: str | None
    items: tuple[Item, ...]
    listed: tuple[int, ...]
    missing: tuple[int, ...] = ()

    @property
    def post_id(self) -> str | None:
        """The post's number on thaigov.go.th, when its link is known."""
        match = _URL.search(self.url or "")
        return match["post"] if match else None

    @property
    def truncated(self) -> bool:
        """Whether the post stops before the last item its table of contents lists (the
        scrape was cut short)."""
        return bool(self.missing) and self.missing[-1] == self.listed[-1]


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    number: int | None = None  # set on `N. เรื่อง` lines
    title: str = ""


def looks_like_post(text: str) -> bool:
    """Whether a text is a meeting post (its banner names the summary in its first lines)."""
    return bool(POST_MARK.search("\n".join(text[:3000].split("\n")[:12])))


def section_name(line: str) -> str | None:
    """The canonical name of a section heading line (`เศรษฐกิจ - สังคม` -> เศรษฐกิจ-สังคม)."""
    if len(line) > 30:
        return None
    return SECTIONS.get(_NOT_LETTER.sub("", line))


def same_title(listed: str, found: str) -> bool:
    """Whether a body heading's title is the TOC's title (spacing, wrapping, typos aside)."""
    a, b = _key(listed), _key(found)
    if not a or not b:
        return not a and not b
    shorter = min(len(a), len(b))
    if a[:shorter] == b[:shorter] and shorter >= min(12, max(len(a), len(b))):
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= TITLE_MATCH


def parse_post(text: str, url: str | None = None) -> Meeting:
    """The items of a meeting post (or of any text listing `N. เรื่อง` items);
    NotAPostError when it holds no item."""
    lines = _lines(text)
    found = _URL.search(url or "") or next(filter(None, map(_URL.search, _texts(lines))), None)
    # Old posts link over http; one post, one link.
    url = f"https://www.thaigov.go.th/news/contents/details/{found['post']}" if found else url
    toc = _table_of_contents(lines)
    if toc:
        listed = [(lines[at].number or 0, lines[at].title) for at in toc]
        sections = _toc_sections(lines, toc)
        headings = _match_headings(lines, toc[-1] + 1, listed)
    else:
        listed, sections = [], {}
        headings = _counted_headings(lines)
    if not headings:
        raise NotAPostError("only a table of contents" if toc else "header only, no numbered item")
    meeting_date, chair = _header_facts(lines, toc[0] if toc else headings[0][1])
    items: list[Item] = []
    section = None
    titles = dict(listed)
    for place, (number, at) in enumerate(headings):
        end = headings[place + 1][1] if place + 1 < len(headings) else len(lines)
        title, rest, body_start = _heading_title(lines, at, titles.get(number, ""))
        body, next_section = _strip_tail(rest + [line.text for line in lines[body_start:end]])
        if place == 0:
            section = _section_before(lines, at) or section
        items.append(Item(number, title, "\n".join(body), sections.get(number) or section))
        section = next_section or section
    found = {item.number for item in items}
    missing = tuple(number for number, _ in listed if number not in found)
    numbers = tuple(number for number, _ in listed) or tuple(item.number for item in items)
    return Meeting(meeting_date, chair, url, tuple(items), numbers, missing)


def _lines(text: str) -> list[_Line]:
    """The post's non-blank lines with spacing folded, two TOC entries on a line split."""
    lines: list[_Line] = []
    for raw in clean(text).replace("\xa0", " ").replace("\u3000", " ").split("\n"):
        for piece in _SPLIT_ENTRY.split(raw.strip()):
            piece = " ".join(piece.split())
            if not piece:
                continue
            heading = _HEADING.match(piece)
            if heading:
                lines.append(_Line(piece, int(heading["number"]), heading["title"].strip()))
            else:
                lines.append(_Line(piece))
    return lines


def _texts(lines: Sequence[_Line]) -> list[str]:
    return [line.text for line in lines]


def _key(title: str) -> str:
    """What titles are compared by: their first letters and digits, without spacing."""
    return _NOT_LETTER.sub("", title)[:TITLE_LETTERS]


def _table_of_contents(lines: Sequence[_Line]) -> list[int]:
    """Line numbers of the TOC entries, or [] when the post has no TOC before its body.

    The TOC is the run of `N. เรื่อง` lines counting up from the first `1. เรื่อง`; the body
    starts where the numbering goes back, at a heading whose title is the TOC's title of
    that number (item 1's heading may have lost its `เรื่อง`, so any number will do).
    """
    first = next((at for at, line in enumerate(lines) if line.number == 1), None)
    if first is None:
        return []
    entries = [first]
    for at in range(first + 1, len(lines)):
        number = lines[at].number
        if number is None:
            continue
        last = lines[entries[-1]]
        if number > (last.number or 0):
            entries.append(at)
            continue
        listed = next((lines[e] for e in entries if lines[e].number == number), None)
        if listed is not None and same_title(listed.title, lines[at].title):
            return entries
    return []


def _toc_sections(lines: Sequence[_Line], toc: Sequence[int]) -> dict[int, str]:
    """The section heading each TOC entry sits under."""
    sections: dict[int, str] = {}
    current = None
    start = toc[0]
    for at in range(max(start - 3, 0), toc[-1] + 1):
        name = section_name(lines[at].text)
        if name:
            current = name
        number = lines[at].number
        if number is not None and at >= start and current:
            sections[number] = current
    return sections


def _match_headings(
    lines: Sequence[_Line], start: int, listed: Sequence[tuple[int, str]]
) -> list[tuple[int, int]]:
    """(number, line) of each listed item's body heading, in order, from line `start` on.

    A heading is first looked for as `N. เรื่อง <the TOC's title N>`; one still missing is
    looked for between its neighbours' headings (see `_loose_heading`).
    """
    found: dict[int, int] = {}
    at = start
    for number, title in listed:
        for candidate in range(at, len(lines)):
            line = lines[candidate]
            if line.number == number and same_title(title, line.title):
                found[number] = candidate
                at = candidate + 1
                break
    for place, (number, title) in enumerate(listed):
        if number in found:
            continue
        before = [found[n] for n, _ in listed[:place] if n in found]
        after = [found[n] for n, _ in listed[place + 1 :] if n in found]
        low = before[-1] + 2 if before else start
        high = after[0] if after else len(lines)
        for candidate in range(low, high):
            if _loose_heading(lines[candidate], number, title):
                found[number] = candidate
                break
    return sorted(((number, line) for number, line in found.items()), key=lambda pair: pair[1])


def _loose_heading(line: _Line, number: int, title: str) -> bool:
    """Whether a line is item `number`'s heading gone astray: its title under another
    number (the body numbered differently from the TOC), or without `เรื่อง` or a number."""
    if line.number is not None:
        return same_title(title, line.title)
    match = _LOOSE_HEADING.match(line.text)
    if match and int(match["number"]) == number:
        return same_title(title, match["title"])
    return len(_key(line.text)) >= 12 and same_title(title, line.text)


def _counted_headings(lines: Sequence[_Line]) -> list[tuple[int, int]]:
    """Without a TOC: the `N. เรื่อง` lines that count up 1, 2, 3..."""
    headings: list[tuple[int, int]] = []
    for at, line in enumerate(lines):
        if line.number == len(headings) + 1:
            headings.append((line.number, at))
    return headings


def banner_date(text: str) -> date | None:
    """The meeting's date as a post's banner names it (`สรุปข่าวการประชุมคณะรัฐมนตรี 26
    สิงหาคม 2568`), even in a post that holds nothing else."""
    return _banner_date([line[:HEADER_LINE_CHARS] for line in text[:5000].split("\n")[:40]])


def _banner_date(header: Sequence[str]) -> date | None:
    for text in header:
        mark = POST_MARK.search(text)
        meeting = find_thai_date(text[mark.end() :]) if mark else None
        if meeting:
            return meeting
    return None


def _header_facts(lines: Sequence[_Line], first_item: int) -> tuple[date | None, str | None]:
    """The meeting date (the banner's, not the day the post was published) and the chair."""
    header = [line.text[:HEADER_LINE_CHARS] for line in lines[: max(first_item, 1)][:40]]
    meeting = _banner_date(header)
    if meeting is None:
        meeting = next(filter(None, (find_thai_date(text) for text in header)), None)
    chairs = []
    for place, text in enumerate(header):
        at = text.find(CHAIR_MARK)
        if at > 0:
            chairs.append(_chair(text[:at]))
        elif at == 0 and place:  # the name on the line before: `นาย ก นายกรัฐมนตรี\nเป็นประธาน...`
            chairs.append(_chair(header[place - 1]))
    # Some headers write the office alone on one line and the name with it on another.
    return meeting, max(chairs, key=len, default=None) or None


def _chair(words: str) -> str:
    """The chair's name and office, from the words before `เป็นประธานการประชุม`."""
    cut = max((match.end() for match in _BEFORE_CHAIR.finditer(words)), default=0)
    return words[cut:].lstrip(" .,:)").rstrip(" .,:")


def _heading_title(lines: Sequence[_Line], at: int, listed: str) -> tuple[str, list[str], int]:
    """The title at heading line `at`, any text after it on that line, and the next line.

    A title wrapped over several lines is joined up while it is still a beginning of the
    TOC's title; a heading line that runs on into the decision (`... ส่วนภูมิภาค คณะรัฐมนตรี
    มีมติ...`) is cut where the decision starts.
    """
    line = lines[at]
    loose = _LOOSE_HEADING.match(line.text)
    title = line.title if line.number is not None else (loose["title"] if loose else line.text)
    title = _TITLE_WORD.sub("", title, count=1)  # `1. เรื่อง เรื่อง ...`: the word written twice
    rest: list[str] = []
    decision = _DECISION.search(title, 1)
    head = _NOT_LETTER.sub("", title[: decision.start()]) if decision else ""
    target = _NOT_LETTER.sub("", listed)
    prefix = target.startswith(head) or head.startswith(target)
    if decision and head and prefix and len(head) >= 0.5 * len(target):
        title, rest = title[: decision.start()].rstrip(), [title[decision.start() :]]
    body = at + 1
    while (
        not rest
        and body < len(lines)
        and lines[body].number is None
        and len(_NOT_LETTER.sub("", title)) < len(target)
        and target.startswith(_NOT_LETTER.sub("", title + lines[body].text))
    ):
        title = f"{title} {lines[body].text}"
        body += 1
    return title or listed, rest, body


def _strip_tail(body: list[str]) -> tuple[list[str], str | None]:
    """A body without the separator, footer and next section's heading at its end; and that
    section's name, when there was one."""
    section = None
    while body:
        last = body[-1]
        name = section_name(last)
        if name and section is None:
            section = name
        elif not (_SEPARATOR.match(last) or _FOOTER.match(last)):
            break
        body = body[:-1]
    return body, section


def _section_before(lines: Sequence[_Line], at: int) -> str | None:
    """The section heading just above line `at` (separator lines aside), if any."""
    for back in range(at - 1, max(at - 4, -1), -1):
        name = section_name(lines[back].text)
        if name:
            return name
        if not _SEPARATOR.match(lines[back].text):
            return None
    return None
