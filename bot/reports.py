"""Stage: text -> Report. Parse report text in the thaigov layout and JSONL records; no file I/O.

The seed layout: a title line `เรื่อง ...`, the body, and a closing `ที่มา: ...` line that carries
the meeting date (`วันที่ 13 สิงหาคม 2563`). A whole-meeting summary holds several numbered
items (`1. เรื่อง ...`), each of which becomes its own report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.text import clean
from bot.thaidate import find_iso_date, find_thai_date

TITLE_PREFIX = "เรื่อง"
SOURCE_PREFIX = "ที่มา"
MAX_URL_CHARS = 2048  # longer "links" are not links a reader could follow
# A title is one line; a file that is one endless line would otherwise make its whole text the
# title. Longer titles are cut (the text keeps the whole line).
MAX_TITLE_CHARS = 500

_TITLE_LINE = re.compile(r"^\s*เรื่อง\s*[:：]?\s*(?P<title>\S.*)$")
_ITEM_HEADING = re.compile(r"^\s*(?P<number>\d{1,3})\.\s*เรื่อง\s*[:：]?\s*(?P<title>\S.*)$")
_SOURCE_LINE = re.compile(r"^\s*ที่มา\s*[:：]")


class ReportFormatError(ValueError):
    """The text or record is not a report this parser understands; the message says why."""


@dataclass(frozen=True, slots=True)
class Report:
    """One cabinet item: its id, title, full text (title line, body, source line), and origin."""

    doc_id: str
    title: str
    text: str
    meeting_date: date | None = None
    url: str | None = None
    source: str = ""


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
    return Report(
        doc_id=doc_id,
        title=_title(title),
        text="\n".join(line.rstrip() for line in lines),
        meeting_date=_meeting_date(text) or fallback_date,
        source=source,
    )


def _split_items(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Numbered `N. เรื่อง` items, in order; table-of-contents entries (no body) are dropped.

    Inside an item's body, a `1. เรื่อง...` line that does not continue the numbering is a
    sub-list of that item, not a new one.
    """
    items: list[tuple[str, list[str]]] = []
    last_with_body = 0
    for line in lines:
        heading = _ITEM_HEADING.match(line)
        if heading and int(heading["number"]) > last_with_body:
            items.append((heading["number"], [f"{TITLE_PREFIX} {heading['title'].strip()}"]))
        elif items:
            items[-1][1].append(line)
            last_with_body = max(last_with_body, int(items[-1][0]))
    bodied = {number for number, body in items if len(body) > 1}
    return [(number, body) for number, body in items if len(body) > 1 or number not in bodied]


def parse_text(
    doc_id: str, raw: str, *, source: str = "", fallback_date: date | None = None
) -> list[Report]:
    """Reports in a text file: one, or one per numbered `N. เรื่อง` item of a meeting summary."""
    text = clean(raw)
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        raise ReportFormatError("the file holds no text")
    # A file that opens with its own `เรื่อง` line is one report, whatever lists its body holds.
    items = [] if _TITLE_LINE.match(lines[0]) else _split_items(lines)
    if len(items) < 2:
        return [_single_report(doc_id, text, source, fallback_date)]
    source_lines = [line for line in lines if _SOURCE_LINE.match(line)]
    meeting = _meeting_date("\n".join(source_lines)) or find_thai_date(lines[0]) or fallback_date
    reports = []
    for number, body in items:
        if not any(_SOURCE_LINE.match(line) for line in body):
            body = body + source_lines[-1:]
        reports.append(_single_report(f"{doc_id}#{number}", "\n".join(body), source, meeting))
    return reports


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


def parse_record(record: Any, *, source: str = "") -> Report:
    """A JSONL record: `id`, `title`, `text` or `body`; `meeting_date` and `url` optional."""
    if not isinstance(record, Mapping):
        raise ReportFormatError("the line is not a JSON object")
    doc_id = _field(record, "id")
    title = _field(record, "title")
    text = _field(record, "text")
    body = _field(record, "body")
    if not doc_id:
        raise ReportFormatError("missing 'id'")
    if not (text or body):
        raise ReportFormatError(f"record {doc_id!r} has neither 'text' nor 'body'")
    if text is None:
        text = f"{TITLE_PREFIX} {title}\n{body}" if title else str(body)
    text = clean(text)
    first_line = text.split("\n", 1)[0]
    if not _TITLE_LINE.match(first_line) and title:
        text = f"{TITLE_PREFIX} {clean(title)}\n{text}"
    report = _single_report(doc_id, text, source, None)
    iso = _field(record, "meeting_date")
    meeting = find_iso_date(iso) if iso else None
    return Report(
        doc_id=report.doc_id,
        title=_title(clean(title)) if title else report.title,
        text=report.text,
        meeting_date=meeting or report.meeting_date,
        url=_web_url(_field(record, "url")),
        source=source,
    )
