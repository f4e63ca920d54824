"""Dates as Thai reports write them: Buddhist Era years, Thai month names, Thai digits.

Pure helpers shared by the report parser (meeting dates) and the answer stage (citations).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

BE_OFFSET = 543

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTH_ABBREVIATIONS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_MONTH_NUMBER = {
    name: number
    for names in (THAI_MONTHS, THAI_MONTH_ABBREVIATIONS)
    for number, name in enumerate(names, start=1)
}
_MONTH_PATTERN = "|".join(re.escape(name) for name in sorted(_MONTH_NUMBER, key=len, reverse=True))
_THAI_DATE = re.compile(
    rf"(?P<day>[0-9๐-๙]{{1,2}})\s*(?P<month>{_MONTH_PATTERN})\s*(?:พ\.ศ\.\s*)?(?P<year>[0-9๐-๙]{{2,4}})"
)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ENGLISH_MONTH_NUMBER = {name.lower(): n for n, name in enumerate(ENGLISH_MONTHS, start=1)}
_ENGLISH_MONTH_NUMBER |= {name[:3].lower(): n for name, n in list(_ENGLISH_MONTH_NUMBER.items())}
# Every way a month is written -> its number: Thai names and abbreviations, English names and
# their first three letters (lower case).
MONTH_NUMBERS = _MONTH_NUMBER | _ENGLISH_MONTH_NUMBER
_ENGLISH_MONTH_WORDS = "|".join(sorted(_ENGLISH_MONTH_NUMBER, key=len, reverse=True))
_ENGLISH_DATES = (  # 12 October 2021, 12th Oct 2021; October 12, 2021
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_ENGLISH_MONTH_WORDS})\.?,?\s+"
        r"(?P<year>\d{4})\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<month>{_ENGLISH_MONTH_WORDS})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
        r"(?P<year>\d{4})\b",
        re.IGNORECASE,
    ),
)


def arabic_digits(text: str) -> str:
    """`text` with Thai digits written as Arabic ones (๑๒ -> 12)."""
    return text.translate(_THAI_DIGITS)


def year_to_ce(year: int) -> int:
    """A year as written in a Thai text -> Common Era (2563 -> 2020, 63 -> 2020, 2020 -> 2020)."""
    if year < 100:
        year += 2500
    return year - BE_OFFSET if year > 2400 else year


def find_thai_date(text: str) -> date | None:
    """The first valid date written the Thai way (`13 สิงหาคม 2563`, `๑๓ ส.ค. ๖๓`), if any."""
    for match in _THAI_DATE.finditer(text):
        year = year_to_ce(int(match["year"].translate(_THAI_DIGITS)))
        try:
            return date(
                year, _MONTH_NUMBER[match["month"]], int(match["day"].translate(_THAI_DIGITS))
            )
        except ValueError:
            continue
    return None


def find_iso_date(text: str) -> date | None:
    """The first valid ISO date (`2020-08-13`) in `text`, if any."""
    for match in _ISO_DATE.finditer(text):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def find_english_date(text: str) -> date | None:
    """The first valid date written the English way (`12 October 2021`, `Oct 12, 2021`)."""
    for pattern in _ENGLISH_DATES:
        for match in pattern.finditer(text):
            month = _ENGLISH_MONTH_NUMBER[match["month"].lower()]
            try:
                return date(year_to_ce(int(match["year"])), month, int(match["day"]))
            except ValueError:
                continue
    return None


def find_date(text: str) -> date | None:
    """The first full date in `text`: ISO, Thai (`12 ต.ค. 64`, `๑๒ ตุลาคม ๒๕๖๔`) or English."""
    text = arabic_digits(text)
    return find_iso_date(text) or find_thai_date(text) or find_english_date(text)


def without_dates(text: str) -> str:
    """`text` with its full dates (those find_date reads) blanked."""
    text = _ISO_DATE.sub(" ", _THAI_DATE.sub(" ", arabic_digits(text)))
    for pattern in _ENGLISH_DATES:
        text = pattern.sub(" ", text)
    return text


def format_thai(day: date) -> str:
    """13 สิงหาคม 2563."""
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + BE_OFFSET}"


def format_english(day: date) -> str:
    """13 August 2020."""
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class Period:
    """A year, or a month of a year, that a question asks about (Common Era)."""

    year: int
    month: int | None = None


_YEAR = r"(?P<year>[0-9๐-๙]{4}|[0-9๐-๙]{2}(?![0-9๐-๙]))"
_MONTH_YEAR = re.compile(rf"(?P<month>{_MONTH_PATTERN})\s*(?:พ\.ศ\.\s*)?{_YEAR}")
_ENGLISH_MONTH_YEAR = re.compile(
    r"\b(?P<month>" + "|".join(sorted(_ENGLISH_MONTH_NUMBER, key=len, reverse=True)) + r")\.?"
    r"\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_MARKED_YEAR = re.compile(
    rf"(?:ปี(?:งบประมาณ|งบ)?|พ\.ศ\.|ค\.ศ\.|\byear\b|\bin\b|\bB\.E\.)\s*{_YEAR}", re.IGNORECASE
)


def _year(text: str) -> int:
    return year_to_ce(int(text.translate(_THAI_DIGITS)))


def find_period(text: str) -> Period | None:
    """The month or year a question names: มิถุนายน 2563, มิ.ย. 63, June 2020, ปี 2563, in 2020."""
    for pattern, months in ((_MONTH_YEAR, _MONTH_NUMBER), (_ENGLISH_MONTH_YEAR, None)):
        if match := pattern.search(text):
            month = (
                months[match["month"]] if months else _ENGLISH_MONTH_NUMBER[match["month"].lower()]
            )
            return Period(_year(match["year"]), month)
    if match := _MARKED_YEAR.search(text):
        year = _year(match["year"])
        if 1900 <= year <= 2200:
            return Period(year)
    return None


# How questions write dates, and how reports write them: `ต.ค. 63` is `ตุลาคม 2563`, `ปี 63`
# and `ปีงบ 66` are `ปี 2563` and `ปีงบประมาณ 2566`, `ปี 63-65` is `ปี 2563-2565`.
_SHORT_YEAR = r"(?P<year>[0-9๐-๙]{2})(?![0-9๐-๙.,])"
_RANGE_END = r"(?:\s*[-–/]\s*(?P<end>[0-9๐-๙]{2})(?![0-9๐-๙.,]))?"
_ABBREVIATED_MONTH = re.compile(
    "(?P<month>" + "|".join(re.escape(name) for name in THAI_MONTH_ABBREVIATIONS) + ")"
)
_MONTH_SHORT_YEAR = re.compile(
    rf"(?P<month>{_MONTH_PATTERN})\s*(?:พ\.ศ\.\s*)?{_SHORT_YEAR}{_RANGE_END}"
)
_MARKED_SHORT_YEAR = re.compile(
    rf"(?P<mark>ปีงบประมาณ|ปีงบ|ปีการศึกษา|ปี|พ\.ศ\.)\s*{_SHORT_YEAR}{_RANGE_END}"
)
_MARKS = {"ปีงบ": "ปีงบประมาณ"}


def _full_year(short: str) -> str:
    return str(2500 + int(short.translate(_THAI_DIGITS)))


# A numbered meeting of a year, as reports write it: `ครั้งที่ 2 ปี 2568` and `ครั้งที่ 2/68` are
# `ครั้งที่ 2/2568` (the year also kept on its own, for the year it names).
_NUMBERED_OF_YEAR = re.compile(
    r"ครั้งที่\s*(?P<number>[0-9๐-๙]{1,3})\s*(?:ของ\s*)?ปี\s*(?P<year>(?:25|๒๕)[0-9๐-๙]{2})"
)
_NUMBERED_SHORT = re.compile(
    r"ครั้งที่\s*(?P<number>[0-9๐-๙]{1,3})\s*/\s*(?P<year>[0-9๐-๙]{2})(?![0-9๐-๙.,])"
)
# The era before a year (พ.ศ. 2566, ค.ศ. 2020): the year says it alone, and read as a word
# พ.ศ. is the abbreviation of สำนักงานพระพุทธศาสนาแห่งชาติ.
_ERA = re.compile(r"(?:พ\.\s?ศ|ค\.\s?ศ)\.?\s*(?=[0-9๐-๙]{2,4}(?![0-9๐-๙]))")


def without_era(text: str) -> str:
    """`text` without the era written before its years (`ปีงบประมาณ พ.ศ. 2566` ->
    `ปีงบประมาณ 2566`)."""
    return _ERA.sub("", text)


def _numbered(match: re.Match[str], year: str) -> str:
    number = arabic_digits(match["number"])
    return f"ครั้งที่ {number}/{year}"


def expand_dates(question: str) -> str:
    """The question with its short dates written out as reports write them.

    Months written short become whole (`มี.ค.` -> มีนาคม); a two-digit year after a month or
    after ปี, ปีงบ, ปีการศึกษา, พ.ศ. becomes a Buddhist Era year (63 -> 2563), and so does the
    end of a range (`ปี 63-65`, `ปี 62/63`); a meeting numbered in a year is written as
    reports number it (`ครั้งที่ 2 ปี 68` -> `ครั้งที่ 2/2568 ปี 2568`). Other numbers are left
    alone.
    """

    def whole_year(match: re.Match[str], head: str) -> str:
        end = match["end"]
        tail = f"-{_full_year(end)}" if end else ""
        return f"{head} {_full_year(match['year'])}{tail}"

    text = _ABBREVIATED_MONTH.sub(lambda m: THAI_MONTHS[_MONTH_NUMBER[m["month"]] - 1], question)
    text = _MONTH_SHORT_YEAR.sub(lambda m: whole_year(m, m["month"]), text)
    text = _MARKED_SHORT_YEAR.sub(lambda m: whole_year(m, _MARKS.get(m["mark"], m["mark"])), text)
    text = _NUMBERED_SHORT.sub(lambda m: _numbered(m, _full_year(m["year"])), text)
    return _NUMBERED_OF_YEAR.sub(
        lambda m: f"{_numbered(m, arabic_digits(m['year']))} ปี {arabic_digits(m['year'])}", text
    )
