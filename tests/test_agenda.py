"""Meetings as things to ask for: reading the request, finding the meeting, fitting the reply."""

from __future__ import annotations

from datetime import date

import pytest

from bot.agenda import Agenda, Asked, asked, find_date, listing_for
from bot.chat.meetings import MEETING_PAGE, listing_reply
from bot.config import default_cache_dir
from bot.index.build import load_or_build
from bot.render import TELEGRAM_LIMIT, telegram_length
from bot.render_agenda import listing_text
from tests.conftest import PROJECT

OCTOBER_12 = date(2021, 10, 12)


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("มติ ครม. ล่าสุด", Asked()),
        ("latest cabinet resolutions", Asked()),
        ("what did the cabinet decide this week?", Asked()),
        ("ครม. 12 ต.ค. 64 อนุมัติอะไรบ้าง", Asked(OCTOBER_12)),
        ("มติ ครม. วันที่ ๑๒ ตุลาคม ๒๕๖๔", Asked(OCTOBER_12)),
        ("2021-10-12", Asked(OCTOBER_12)),
        ("cabinet decisions on 12 October 2021", Asked(OCTOBER_12)),
        ("what did the cabinet decide on Oct 12, 2021?", Asked(OCTOBER_12)),
        ("ข้อ 24 ครม. 13 ส.ค. 63", Asked(date(2020, 8, 13), 24)),
        ("item 3 of the meeting on 2021-10-12", Asked(OCTOBER_12, 3)),
    ],
)
def test_requests_for_a_meeting_are_read_in_thai_and_english(question: str, wanted: Asked) -> None:
    assert asked(question) == wanted


@pytest.mark.parametrize(
    "question",
    ["มติ ครม. ล่าสุด เรื่องวัคซีน", "ค่าจ้างขั้นต่ำล่าสุด", "เงินช่วยเหลือน้ำท่วม 2567", "smart city"],
)
def test_a_question_naming_a_topic_is_left_to_the_search(question: str) -> None:
    assert asked(question) is None


def test_dates_are_read_in_every_writing() -> None:
    for written in (
        "12 ต.ค. 64",
        "๑๒ ตุลาคม ๒๕๖๔",
        "12 ตุลาคม 2021",
        "2021-10-12",
        "12th October 2021",
    ):
        assert find_date(written) == OCTOBER_12, written
    assert find_date("31 February 2021") is None and find_date("ปี 2564") is None


@pytest.fixture(scope="module")
def archive_agenda() -> Agenda:
    corpus = [PROJECT / "corpus"]
    return Agenda.of(load_or_build(corpus, default_cache_dir(corpus)).index.reports.values())


def test_the_latest_meeting_of_the_shipped_archive_and_only_its_items(
    archive_agenda: Agenda,
) -> None:
    listing = listing_for(archive_agenda, "มติ ครม. ล่าสุด")
    assert listing is not None and listing.meeting is not None
    newest = max(m.day for m in archive_agenda.meetings)
    assert listing.meeting.day == newest == date(2025, 9, 2)
    assert {item.meeting_date for item in listing.meeting.items} == {newest}


def test_a_meeting_of_the_shipped_archive_in_thai_and_english(archive_agenda: Agenda) -> None:
    for question in (
        "/meeting 2021-10-12",
        "ครม. 12 ต.ค. 64 อนุมัติอะไรบ้าง",
        "cabinet decisions on 12 October 2021",
    ):
        listing = listing_for(archive_agenda, question.removeprefix("/meeting "))
        assert listing is not None and listing.meeting is not None, question
        assert len(listing.meeting.items) == 28
        assert {item.meeting_date for item in listing.meeting.items} == {OCTOBER_12}
        assert [item.item_no for item in listing.meeting.items] == list(range(1, 29))
    text = listing_text(listing)
    assert text.startswith("Cabinet meeting of 12 October 2021 (2021-10-12): 28 items")


def test_every_page_of_every_archive_meeting_fits_one_message(archive_agenda: Agenda) -> None:
    for meeting in archive_agenda.meetings:
        listing = archive_agenda.listing(Asked(meeting.day))
        for start in range(0, len(meeting.items), MEETING_PAGE):
            reply = listing_reply(listing, start)
            assert telegram_length(reply.html) <= TELEGRAM_LIMIT, meeting.day
            assert reply.markup is not None and len(reply.markup.inline_keyboard) <= 4
        first = meeting.items[0].item_no
        opened = listing_reply(archive_agenda.listing(Asked(meeting.day, first)))
        assert telegram_length(opened.html) <= TELEGRAM_LIMIT, meeting.day
