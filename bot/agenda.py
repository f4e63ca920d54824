"""Stage: reports -> meetings, and the questions that ask for a meeting rather than a topic.

People ask a cabinet bot for meetings as often as for topics: "มติ ครม. ล่าสุด", "ครม. 12 ต.ค. 64
อนุมัติอะไรบ้าง", "cabinet decisions on 12 October 2021", "ข้อ 24 ครม. 13 ส.ค. 63". `asked` reads
such a question (Thai, ISO or English dates, Buddhist or Common Era, Thai digits, short years)
when it names nothing else; `Agenda` finds the meeting (or the nearest ones) among the reports
that are a meeting's items.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.daterange import DateRange, find_range
from bot.rarity import information
from bot.reports import Report
from bot.sections import asked_section
from bot.text import Language, detect_language, tokenize
from bot.thaidate import MONTH_NUMBERS, arabic_digits, expand_dates, find_date, without_dates

# Words that ask for "the newest meeting" (as text.tokenize writes them).
LATEST = re.compile(
    r"ล่าสุด|ครั้งล่าสุด|สัปดาห์นี้|อาทิตย์นี้|\blatest\b|\bmost recent\b|\bthis week\b|\blast meeting\b",
    re.IGNORECASE,
)
# An item asked for by its number in the meeting: ข้อ 24, เรื่องที่ 24, item 24.
ITEM = re.compile(r"(?:ข้อ|เรื่องที่|วาระที่|\bitem|\bno\.)\s*(?P<number>[0-9๐-๙]{1,3})\b", re.IGNORECASE)
# Words a request for a meeting's list may hold beside its date (index terms).
LISTING_WORDS = frozenset(
    """อนุมัติ เห็นชอบ รับทราบ สรุป ผล ผลการประชุม รายการ วาระ ทั้งหมด พิจารณา ออก นัด วัน วันที่
    ครั้ง ครั้งที่ สัปดาห์ ที่แล้ว ข่าว การประชุม approve approved approval pass passed decision
    resolution item agenda summary list happen happened discuss discussed consider considered
    news week date day ระหว่าง ถึง จนถึง ตั้งแต่ หลัง หลังจาก ก่อน ใน ช่วง ตลอด เดือน ปี แล้ว
    ผ่าน นี้ since between from until before after during prior month year last ไทย รัฐบาล
    thai thailand government got get""".split()
)
_MONTH_TERMS = frozenset(name for name in MONTH_NUMBERS if "." not in name)  # full words


@dataclass(frozen=True, slots=True)
class Meeting:
    """One cabinet meeting: its date and its items, in their order."""

    day: date
    items: tuple[Report, ...]

    def item(self, number: int) -> Report | None:
        """The meeting's item of that number, if it has one."""
        return next((report for report in self.items if report.item_no == number), None)


@dataclass(frozen=True, slots=True)
class Asked:
    """What a question asks of the agenda: the latest meeting (`day` None), the meeting of a
    day, or one item of it."""

    day: date | None = None
    item: int | None = None
    within: DateRange | None = None  # the meetings of a range ("ระหว่างมกราคมถึงมีนาคม 2565")
    section: str | None = None  # only the items under this heading ("แต่งตั้ง", bot.sections)

    def of_section(self, meeting: Meeting) -> Meeting:
        """The meeting's items that the request keeps (all, when it names no section)."""
        if self.section is None:
            return meeting
        return Meeting(meeting.day, tuple(r for r in meeting.items if r.heading == self.section))


@dataclass(frozen=True, slots=True)
class Listing:
    """The reply to a request for a meeting, in data form: the meeting (None when there is none
    that day, or no meeting at all), the nearest meetings before and after a day without one,
    and the item asked for by number (None when the meeting has no such item)."""

    asked: Asked
    language: Language
    meeting: Meeting | None
    before: Meeting | None = None
    after: Meeting | None = None
    item: Report | None = None
    meetings: tuple[Meeting, ...] = ()  # those of the range asked for, oldest first

    def __deepcopy__(self, memo: dict[int, object]) -> Listing:
        return self  # never changes (see Answer.__deepcopy__: buttons' data is deep-copied)


@dataclass(frozen=True, slots=True)
class Agenda:
    """The meetings of a corpus, oldest first (reports that are a meeting's items)."""

    meetings: tuple[Meeting, ...]

    @classmethod
    def of(cls, reports: Iterable[Report]) -> Agenda:
        days: dict[date, list[Report]] = {}
        for report in reports:
            # A report of one item (a .txt in the seed's layout) names its meeting's day in its
            # source line but no number: it is an item of that meeting all the same, after the
            # numbered ones.
            if report.meeting_date is not None:
                days.setdefault(report.meeting_date, []).append(report)

        def order(report: Report) -> tuple[bool, int, str]:
            return (report.item_no is None, report.item_no or 0, report.doc_id)

        return cls(
            tuple(
                Meeting(day, tuple(sorted(items, key=order)))
                for day, items in sorted(days.items())
            )
        )

    def latest(self) -> Meeting | None:
        """The newest meeting."""
        return self.meetings[-1] if self.meetings else None

    def on(self, day: date) -> Meeting | None:
        """The meeting held that day, if any."""
        before, _ = self.around(day)
        return before if before is not None and before.day == day else None

    def around(self, day: date) -> tuple[Meeting | None, Meeting | None]:
        """The last meeting on or before `day`, and the first one after it."""
        at = bisect.bisect_right([m.day for m in self.meetings], day)
        before = self.meetings[at - 1] if at > 0 else None
        after = self.meetings[at] if at < len(self.meetings) else None
        return before, after

    def listing(self, asked: Asked, language: Language = "th") -> Listing:
        """What answers a request: its meeting (the latest when it names no day) and item, or
        the meetings nearest the day it names; the items of one section when it names one."""
        if asked.within is not None:
            inside = tuple(m for m in self.meetings if asked.within.holds(m.day))
            if asked.section is not None:
                inside = tuple(m for m in map(asked.of_section, inside) if m.items)
            return Listing(asked, language, None, before=self.latest(), meetings=inside)
        meeting = self.latest() if asked.day is None else self.on(asked.day)
        if meeting is None and asked.day is not None:
            before, after = self.around(asked.day)
            return Listing(asked, language, None, before, after)
        item = meeting.item(asked.item) if meeting and asked.item is not None else None
        if meeting is not None and item is None:
            meeting = asked.of_section(meeting)
        return Listing(asked, language, meeting, item=item)


def asked(question: str, today: date | None = None) -> Asked | None:
    """What a question asks of the agenda, when it asks for a meeting (or one of its items),
    or for the meetings of a range, and names no topic besides: its date, range or "latest",
    the cabinet and listing words."""
    text = expand_dates(arabic_digits(question))
    latest = LATEST.search(text) is not None
    within = None if latest else find_range(text, today or date.today())
    # A range stated from one day to another ("ตั้งแต่ 1 ก.ย. 66 ถึง 30 ก.ย. 66") is the range.
    found = find_date(text) if within is None or within.start == within.end else None
    if found is not None:
        within = None
    if found is None and not latest and within is None:
        return None
    item = ITEM.search(text)
    rest = without_dates(text)
    for pattern in (ITEM, LATEST):
        rest = pattern.sub(" ", rest)
    section = asked_section(rest, bare=True)
    if section is not None:
        rest = rest.replace(section[1], " ", 1)
    if any(_says_something(term) for term in tokenize(rest)):
        return None  # a topic besides the date: a question for the search
    number = int(item["number"]) if item else None
    return Asked(found, number, within, section[0] if section else None)


def _says_something(term: str) -> bool:
    """Whether a term of a request names a topic (not a date, a range or a listing word)."""
    if _saying_nothing(term) or term.isdigit() or term in _MONTH_TERMS:
        return False
    # A word the segmenter kept whole may be two that say nothing (มีเรื่อง: มี, เรื่อง).
    return not any(
        _saying_nothing(term[:cut]) and _saying_nothing(term[cut:]) for cut in range(1, len(term))
    )


def _saying_nothing(term: str) -> bool:
    return information(term) == 0 or term in LISTING_WORDS


def listing_for(agenda: Agenda, question: str) -> Listing | None:
    """The listing a question asks for, or None when it asks about a topic."""
    request = asked(question)
    if request is None:
        return None
    return agenda.listing(request, detect_language(question))
