"""The range of meeting dates a question restricts itself to, when it names one.

"ระหว่างมกราคมถึงมีนาคม 2565", "ตั้งแต่ปี 2566", "since 2023", "before June 2020", "ในปี 2564",
"in 2021", "เดือนที่แล้ว", "last year": a range the question states in so many words is a
filter, not a hint. A year named alone ("ค่าจ้างขั้นต่ำ ปี 2563") is not: what a year names is
often decided the year before, so it only lifts that time's reports (bot.index.search).
Questions are read after bot.thaidate.expand_dates has written their short dates out
(`ม.ค. 65` is `มกราคม 2565`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.thaidate import MONTH_NUMBERS, arabic_digits, format_english, format_thai, year_to_ce

_MONTH = "|".join(re.escape(name) for name in sorted(MONTH_NUMBERS, key=len, reverse=True))
_YEAR = r"(?:(?:ปี|พ\.ศ\.|ค\.ศ\.|year)\s*)?(?P<{0}>(?:19|20|25)\d\d)(?!\d)"
# A point in time: a month and year, a month alone (its year from the range's other end), a year.
_MONTH_YEAR = rf"(?P<{{0}}m>{_MONTH})\.?\s*(?:พ\.ศ\.\s*)?" + _YEAR.format("{0}y")
# A day may lead a month ("1 สิงหาคม 2568", "1 August 2025"); a day alone takes its month and
# year from the range's other end ("วันที่ 1 ถึง 31 มกราคม 2567").
_POINT = (
    r"(?:วันที่\s*)?(?:(?:(?P<{0}d>[0-3]?\d)\s*(?:เดือน\s*)?(?="
    + _MONTH
    + r"))?(?:เดือน\s*)?(?:"
    + _MONTH_YEAR
    + r"|(?P<{0}o>"
    + _MONTH
    + r")|"
    + _YEAR.format("{0}x")
    + r"|(?P<{0}n>[0-3]?\d)(?!\d)))"
)
_FROM, _TO = _POINT.format("a"), _POINT.format("b")
_BETWEEN = re.compile(
    rf"(?:ระหว่าง|ตั้งแต่|from|between)\s*{_FROM}\s*(?:จนถึง|ถึง|และ|-|–|to|and|until|through)\s*{_TO}",
    re.IGNORECASE,
)
_SINCE = re.compile(rf"(?:ตั้งแต่|หลังจาก|หลัง|since|after|from)\s*{_FROM}", re.IGNORECASE)
_BEFORE = re.compile(rf"(?:ก่อน|before|until|prior to)\s*{_TO}", re.IGNORECASE)
# "ในปี 2565", "in 2021", "during June 2020": the meetings of that year or month.
_DURING = re.compile(rf"(?:ในปี|ในช่วงปี|ตลอดปี|ในเดือน|ตลอดเดือน|\bin\b|\bduring\b)\s*{_FROM}", re.I)
# Words that ask what the cabinet did, which makes "in 2021" the time of the meeting.
_ACTION = re.compile(
    r"ครม|คณะรัฐมนตรี|มติ|อนุมัติ|เห็นชอบ|แต่งตั้ง|รับทราบ|เสนอ|ได้เป็น|cabinet|approv|appoint|propos|decid"
    r"|decision|resolution|named|promoted|became|meeting",
    re.IGNORECASE,
)
_RELATIVE = {
    "last_month": re.compile(r"เดือนที่แล้ว|เดือนก่อน|เดือนที่ผ่านมา|\blast month\b", re.I),
    "this_month": re.compile(r"เดือนนี้|\bthis month\b", re.I),
    "last_year": re.compile(r"ปีที่แล้ว|ปีก่อน|ปีที่ผ่านมา|\blast year\b", re.I),
    "this_year": re.compile(r"ปีนี้|\bthis year\b", re.I),
    "last_week": re.compile(r"สัปดาห์ที่แล้ว|สัปดาห์ก่อน|อาทิตย์ที่แล้ว|อาทิตย์ก่อน|\blast week\b", re.I),
}


@dataclass(frozen=True, slots=True)
class DateRange:
    """Meeting dates from `start` to `end`, both included (None: open on that side)."""

    start: date | None = None
    end: date | None = None

    def holds(self, day: date | None) -> bool:
        """Whether a meeting of that day falls inside (a report without a date never does)."""
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def describe(self, language: str) -> str:
        """`1 มกราคม 2565 – 31 มีนาคม 2565`, `since 1 January 2023`, `until 30 June 2020`."""
        show = format_english if language == "en" else format_thai
        if self.start and self.end:
            return f"{show(self.start)} – {show(self.end)}"
        if self.start:
            return ("since " if language == "en" else "ตั้งแต่ ") + show(self.start)
        assert self.end is not None
        return ("until " if language == "en" else "ถึง ") + show(self.end)


def _month(name: str) -> int:
    return MONTH_NUMBERS.get(name, MONTH_NUMBERS.get(name.lower(), 0))


Point = tuple[int, int | None, int | None]  # year, month, day (None: the whole month or year)


def _point(match: re.Match[str], side: str, other: Point | None) -> Point | None:
    """(year, month, day) of one end of a range; `other` is the other end, as far as known."""
    day = int(match[f"{side}d"]) if match[f"{side}d"] else None
    if match[f"{side}m"]:
        return year_to_ce(int(match[f"{side}y"])), _month(match[f"{side}m"]), day
    if match[f"{side}o"]:
        return (other[0], _month(match[f"{side}o"]), day) if other else None
    if match[f"{side}x"]:
        return year_to_ce(int(match[f"{side}x"])), None, None
    if match[f"{side}n"] and other and other[1]:
        return other[0], other[1], int(match[f"{side}n"])
    return None


def _first(year: int, month: int | None, day: int | None) -> date:
    return date(year, month or 1, day or 1)


def _last(year: int, month: int | None, day: int | None) -> date:
    month = month or 12
    return date(year, month, day or calendar.monthrange(year, month)[1])


def _year_of(match: re.Match[str], side: str) -> Point | None:
    written = match[f"{side}y"] or match[f"{side}x"]
    return (year_to_ce(int(written)), None, None) if written else None


def find_range(question: str, today: date) -> DateRange | None:
    """The range of meeting dates the question states, if it states one.

    "From ... to ...", and "last month" or "this year", always do. "In 2021", "since 2023"
    and "before June 2020" do when the question asks what the cabinet did (approved,
    appointed, decided, มติ, อนุมัติ); otherwise the year is as likely the topic's own ("the
    SEA Games in 2025", "a ban since 1973"), which only lifts that time's reports.
    """
    try:
        return _stated_range(arabic_digits(question), today)
    except ValueError:  # a day the month does not have ("31 กุมภาพันธ์")
        return None


def _stated_range(text: str, today: date) -> DateRange | None:
    if match := _BETWEEN.search(text):
        end = _point(match, "b", _year_of(match, "a"))
        start = _point(match, "a", end)
        if start and end:
            return DateRange(_first(*start), _last(*end))
    if not _ACTION.search(text):
        return _relative(text, today)
    if (match := _SINCE.search(text)) and (start := _point(match, "a", None)):
        return DateRange(start=_first(*start))
    if (match := _BEFORE.search(text)) and (end := _point(match, "b", None)):
        return DateRange(end=_first(*end) - timedelta(days=1))
    if (match := _DURING.search(text)) and (point := _point(match, "a", None)):
        return DateRange(_first(*point), _last(*point))
    return _relative(text, today)


def _relative(text: str, today: date) -> DateRange | None:
    """Last month, this month, last year, this year, last week: counted from `today`."""
    if _RELATIVE["last_month"].search(text):
        last = today.replace(day=1) - timedelta(days=1)
        return DateRange(last.replace(day=1), last)
    if _RELATIVE["this_month"].search(text):
        return DateRange(today.replace(day=1), today)
    if _RELATIVE["last_year"].search(text):
        return DateRange(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    if _RELATIVE["this_year"].search(text):
        return DateRange(date(today.year, 1, 1), today)
    if _RELATIVE["last_week"].search(text):
        monday = today - timedelta(days=today.weekday() + 7)
        return DateRange(monday, monday + timedelta(days=6))
    return None
