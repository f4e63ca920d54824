"""Stage: Listing -> reply. A meeting's items grouped by section, one item opened, or the
meetings nearest a day without one; Telegram HTML (escaped) or plain text.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from itertools import groupby

from bot.agenda import Listing, Meeting
from bot.excerpts import shorten
from bot.render import heading_name
from bot.reports import Report
from bot.texts import Texts, texts_for

TITLE_CHARS = 110  # of an item's title in a meeting's list
ITEM_CHARS = 1500  # of an opened item's text
MAX_HREF_CHARS = 1000


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _day(day: date, words: Texts) -> str:
    return f"{words.date(day)} ({day.isoformat()})"


def meeting_header(meeting: Meeting, words: Texts) -> str:
    """`มติคณะรัฐมนตรี 12 ตุลาคม 2564 (2021-10-12): 28 เรื่อง`."""
    return words.meeting.format(
        date=words.date(meeting.day), iso=meeting.day.isoformat(), count=len(meeting.items)
    )


def heading_label(report: Report, words: Texts) -> str:
    """The meeting section an item sits under, in the reply's language."""
    return heading_name(report.heading or words.other_heading, words)


def _lines(
    listing: Listing,
    start: int,
    count: int,
    bold: Callable[[str], str],
    plain: Callable[[str], str],
) -> list[str]:
    """The reply's lines, each already escaped by `plain` (and headings by `bold`)."""
    words = texts_for(listing.language)
    if listing.asked.within is not None:
        return _range_lines(listing, start, count, bold, plain)
    meeting = listing.meeting
    if meeting is None:
        if listing.asked.day is None:
            return [plain(words.no_meetings)]
        near = [m for m in (listing.before, listing.after) if m is not None]
        lines = [plain(words.no_meeting.format(date=_day(listing.asked.day, words)))]
        if near:
            days = " · ".join(_day(m.day, words) for m in near)
            lines.append(plain(words.nearest.format(meetings=days)))
        return lines
    header = meeting_header(meeting, words)
    if listing.asked.day is None:
        header += f" {words.newest_known}"
    lines = [bold(header), *_section_line(listing, plain)]
    if listing.asked.item is not None:
        if listing.item is None:
            number, total = listing.asked.item, len(meeting.items)
            lines.append(
                plain(
                    words.no_item.format(date=_day(meeting.day, words), number=number, count=total)
                )
            )
        return lines
    shown = meeting.items[start : start + count]
    if len(shown) < len(meeting.items):
        first, last = start + 1, start + len(shown)
        lines.append(
            plain(words.meeting_page.format(first=first, last=last, count=len(meeting.items)))
        )
    for heading, items in groupby(shown, key=lambda report: heading_label(report, words)):
        lines.append("")
        lines.append(bold(heading))
        lines.extend(plain(f"{numbered(r)} {shorten(r.title, TITLE_CHARS)}") for r in items)
    return lines


def numbered(report: Report) -> str:
    """An item's number as a listing shows it ("3."), or a bullet for a report without one."""
    return f"{report.item_no}." if report.item_no is not None else "•"


def _section_line(listing: Listing, plain: Callable[[str], str]) -> list[str]:
    """The section the request keeps to, as a line (none when it names none)."""
    if listing.asked.section is None:
        return []
    words = texts_for(listing.language)
    return [plain(words.in_section.format(section=heading_name(listing.asked.section, words)))]


def _range_lines(
    listing: Listing,
    start: int,
    count: int,
    bold: Callable[[str], str],
    plain: Callable[[str], str],
) -> list[str]:
    """The meetings of a range, a page of them, each with its date and number of items."""
    words = texts_for(listing.language)
    assert listing.asked.within is not None
    span = listing.asked.within.describe(listing.language)
    if not listing.meetings:
        lines = [plain(words.no_meeting_in.format(range=span))]
        if listing.before is not None:
            lines.append(plain(words.newest.format(date=_day(listing.before.day, words))))
        return lines
    lines = [bold(words.meetings.format(range=span, count=len(listing.meetings)))]
    lines += _section_line(listing, plain)
    for meeting in listing.meetings[start : start + count]:
        day = meeting.day
        line = words.meeting_line.format(
            date=words.date(day), iso=day.isoformat(), count=len(meeting.items)
        )
        lines.append(plain(line))
    return lines


def listing_html(listing: Listing, start: int = 0, count: int = 1000) -> str:
    """Telegram HTML for items [start, start + count) of the listing's meeting (or what stands
    in for it); the opened item, when one was asked for, follows as `item_html`."""
    lines = _lines(listing, start, count, lambda s: f"<b>{_escape(s)}</b>", _escape)
    text = "\n".join(lines)
    if listing.item is not None:
        text += "\n\n" + item_html(listing.item, texts_for(listing.language))
    return text


def listing_text(listing: Listing, start: int = 0, count: int = 1000) -> str:
    """The same as plain text for a terminal."""
    text = "\n".join(_lines(listing, start, count, str, str))
    if listing.item is not None:
        text += "\n\n" + item_text(listing.item, texts_for(listing.language))
    return text


def _opening(report: Report) -> str:
    """An item's text without its title line, shortened to fit one message."""
    body = report.text.split("\n", 1)[1] if "\n" in report.text else report.text
    return shorten(body, ITEM_CHARS)


def _item_line(report: Report, words: Texts) -> str:
    parts = []
    if report.item_no is not None:
        parts.append(f"{words.item} {report.item_no} ({heading_label(report, words)})")
    if report.meeting_date is not None:
        parts.append(_day(report.meeting_date, words))
    return " · ".join(parts)


def item_html(report: Report, words: Texts) -> str:
    """One item, cited: its title, number, section and meeting date, its opening and link."""
    lines = [
        f"<b>{_escape(report.title)}</b>",
        f"<i>{_escape(_item_line(report, words))}</i>",
        f"<blockquote expandable>{_escape(_opening(report))}</blockquote>",
    ]
    if report.url and len(report.url) <= MAX_HREF_CHARS:
        lines.append(f'<a href="{html.escape(report.url, quote=True)}">{words.link}</a>')
    return "\n".join(lines)


def item_text(report: Report, words: Texts) -> str:
    """The same as plain text."""
    lines = [report.title, f"   {_item_line(report, words)}", f"   {_opening(report)}"]
    if report.url:
        lines.append(f"   {report.url}")
    return "\n".join(lines)
