"""Stage: text -> Report. Parse report text in the thaigov layout and JSONL records; no file I/O.

The seed layout: a title line `เรื่อง ...`, the body, and a closing `ที่มา: ...` line that carries
the meeting date (`วันที่ 13 สิงหาคม 2563`). A meeting post (or any whole-meeting summary)
holds several numbered items (`1. เรื่อง ...`); `bot.meetings` splits it and each item becomes
its own report, with its number, section heading, the meeting's date and chair, and the link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.agencies import plain_name, proposer
from bot.meetings import Meeting, NotAPostError, looks_like_post, parse_post, section_name
from bot.text import clean
from bot.thaidate import find_iso_date, find_thai_date

TITLE_PREFIX = "เรื่อง"
SOURCE_PREFIX = "ที่มา"
MAX_URL_CHARS = 2048  # longer "links" are not links a reader could follow
# A title is one line; a file that is one endless line would otherwise make its whole text the
# title. Longer titles are cut (the text keeps the whole line).
MAX_TITLE_CHARS = 500

_TITLE_LINE = re.compile(r"^\s*เรื่อง\s*[:：]?\s*(?P<title>\S.*)$")
_SOURCE_LINE = re.compile(r"^\s*ที่มา\s*[:：]")


class ReportFormatError(ValueError):
    """The text or record is not a report this parser understands; the message says why."""


class EmptyPostError(ReportFormatError):
    """A meeting post that holds no item: a scrape of its header alone."""


@dataclass(frozen=True, slots=True)
class Report:
    """One cabinet item: its id, title, full text (title line, body, source line), and origin.

    Items of a meeting also know their number in the meeting (`item_no`), the section heading
    they sit under (`heading`: กฎหมาย, เศรษฐกิจ-สังคม, ต่างประเทศ, แต่งตั้ง) and who chaired it.
    `proposer` is who brought the item, as its own "ตามที่ ... เสนอ" says ("" when it does not).
    """

    doc_id: str
    title: str
    text: str
    meeting_date: date | None = None
    url: str | None = None
    source: str = ""
    item_no: int | None = None
    heading: str | None = None
    chair: str | None = None
    proposer: str = ""

    def __deepcopy__(self, memo: dict[int, object]) -> Report:
        return self  # never changes (see Answer.__deepcopy__: buttons' data is deep-copied)


def _meeting_date(text: str) -> date | None:
    for line in reversed(text.splitlines()):
        if _SOURCE_LINE.match(line):
            return find_thai_date(line) or find_iso_date(line)
    return None


def _title(line: str) -> str:
    """A title line as one run of words, at most MAX_TITLE_CHARS long."""
    title = " ".join(line[: MAX_TITLE_CHARS * 4].split())
    if len(title) <= MAX_TITLE_CHARS:
        return title
    cut = title.rfind(" ", MAX_TITLE_CHARS // 2, MAX_TITLE_CHARS)
    return title[: cut if cut > 0 else MAX_TITLE_CHARS - 1].rstrip() + "…"


def _single_report(doc_id: str, text: str, source: str, fallback_date: date | None) -> Report:
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        raise ReportFormatError("empty report")
    match = _TITLE_LINE.match(lines[0])
    # A file without a `เรื่อง` line still loads: its first line serves as the title.
    title = match["title"] if match else lines[0]
    body = "\n".join(line.rstrip() for line in lines)
    return Report(
        doc_id=doc_id,
        title=_title(title),
        text=body,
        meeting_date=_meeting_date(text) or fallback_date,
        source=source,
        proposer=proposer(body),
    )


def item_id(meeting: Meeting, number: int, fallback: str) -> str:
    """A meeting item's stable id: `thaigov-<post>-<NN>` when the post's link is known (as in
    the thaigov-cabinet export), else the file's id with `#N`."""
    post = meeting.post_id
    return f"thaigov-{post}-{number:02d}" if post else f"{fallback}#{number}"


def meeting_reports(meeting: Meeting, fallback_id: str, source: str = "") -> list[Report]:
    """One report per item of a meeting."""
    return [
        Report(
            doc_id=item_id(meeting, item.number, fallback_id),
            title=_title(item.title),
            text=text,
            meeting_date=meeting.meeting_date,
            url=_web_url(meeting.url),
            source=source,
            item_no=item.number,
            heading=item.section,
            chair=meeting.chair,
            proposer=proposer(text),
        )
        for item in meeting.items
        for text in [clean(f"{TITLE_PREFIX} {item.title}\n{item.body}".strip())]
    ]


@dataclass(frozen=True, slots=True)
class Parsed:
    """The reports in one text, and what the operator should hear about it."""

    reports: list[Report]
    notes: tuple[str, ...] = ()


def post_notes(meeting: Meeting) -> tuple[str, ...]:
    """What a meeting post lacks: items its table of contents lists but its body does not hold."""
    if not meeting.missing:
        return ()
    shown = ", ".join(map(str, meeting.missing[:10])) + (" …" if len(meeting.missing) > 10 else "")
    missing = f"item{'s' if len(meeting.missing) > 1 else ''} {shown}"
    if meeting.truncated:
        last = max((item.number for item in meeting.items), default=0)
        return (
            f"the post stops after item {last} of the {len(meeting.listed)} items its contents "
            f"list, cut short when it was scraped: {missing} missing",
        )
    return (f"{missing} of its contents list have no body in the post",)


def parse_text(
    doc_id: str,
    raw: str,
    *,
    source: str = "",
    fallback_date: date | None = None,
    url: str | None = None,
) -> Parsed:
    """Reports in a text file: one, or one per numbered `N. เรื่อง` item of a meeting post.

    EmptyPostError for a meeting post holding no item (a scrape of the header alone),
    ReportFormatError for an empty text.
    """
    text = clean(raw)
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        raise ReportFormatError("the file holds no text")
    # A file that opens with its own `เรื่อง` line is one report, whatever lists its body holds.
    if _TITLE_LINE.match(lines[0]):
        return Parsed([_single_report(doc_id, text, source, fallback_date)])
    post = looks_like_post(text)
    try:
        meeting = parse_post(text, url)
    except NotAPostError as error:
        if post:
            raise EmptyPostError(f"meeting post without items ({error})") from None
        return Parsed([_single_report(doc_id, text, source, fallback_date)])
    if len(meeting.items) < 2 and not post:
        return Parsed([_single_report(doc_id, text, source, fallback_date)])
    if meeting.meeting_date is None:
        meeting = replace(meeting, meeting_date=_meeting_date(text) or fallback_date)
    return Parsed(meeting_reports(meeting, doc_id, source), post_notes(meeting))


def _field(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise ReportFormatError(f"field {name!r} should be text, not {type(value).__name__}")
    return str(value).strip() or None


def _web_url(url: str | None) -> str | None:
    """The record's link when it is a plausible web address, else None (it is only shown)."""
    if url and len(url) <= MAX_URL_CHARS and url.startswith(("https://", "http://")):
        return url
    return None


def _item_no(record: Mapping[str, Any]) -> int | None:
    value = _field(record, "item_no")
    if value is None:
        return None
    if not value.isdigit():
        raise ReportFormatError(f"field 'item_no' should be a number, not {value!r}")
    return int(value)


def parse_record(record: Any, *, source: str = "") -> Report:
    """A JSONL record: `id`, `title`, `text` or `body`; `meeting_date`, `url`, `item_no`,
    `section`, `chair` and `proposer` optional (the fields of `python -m bot import`'s archive and
    of the thaigov-cabinet export; the proposer is read from the text when not given)."""
    if not isinstance(record, Mapping):
        raise ReportFormatError("the line is not a JSON object")
    doc_id = _field(record, "id")
    title = _field(record, "title")
    text = _field(record, "text")
    body = _field(record, "body")
    if not doc_id:
        raise ReportFormatError("missing 'id'")
    if not (text or body or (title and "body" in record)):
        raise ReportFormatError(f"record {doc_id!r} has neither 'text' nor 'body'")
    if text is None:
        text = f"{TITLE_PREFIX} {title}\n{body or ''}".strip() if title else str(body)
    text = clean(text)
    first_line = text.split("\n", 1)[0]
    if not _TITLE_LINE.match(first_line) and title:
        text = f"{TITLE_PREFIX} {clean(title)}\n{text}"
    report = _single_report(doc_id, text, source, None)
    iso = _field(record, "meeting_date")
    meeting = find_iso_date(iso) if iso else None
    heading = _field(record, "section")
    return Report(
        doc_id=report.doc_id,
        title=_title(clean(title)) if title else report.title,
        text=report.text,
        meeting_date=meeting or report.meeting_date,
        url=_web_url(_field(record, "url")),
        source=source,
        item_no=_item_no(record),
        heading=(section_name(heading) or _title(heading)) if heading else None,
        chair=_field(record, "chair"),
        proposer=plain_name(_field(record, "proposer") or "") or report.proposer,
    )


def parse_records(record: Any, *, source: str = "") -> list[Report]:
    """The reports of one JSONL line: a report record (see `parse_record`), or a whole meeting
    post as scraped (`text` with `path` and `url`, no `id` or `title`), split into its items."""
    if isinstance(record, Mapping) and "id" not in record and "title" not in record:
        text, path = _field(record, "text"), _field(record, "path")
        if text and path and looks_like_post(text):
            base = path[: -len(".txt")] if path.endswith(".txt") else path
            return parse_text(base, text, source=source, url=_field(record, "url")).reports
    return [parse_record(record, source=source)]
