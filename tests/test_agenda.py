"""Meetings as things to ask for: reading the request, finding the meeting, fitting the reply."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.agencies import asked_proposer, proposer
from bot.agenda import Agenda, Asked, asked, listing_for
from bot.answer import ask
from bot.chat.alerts import alert_answer, alert_reply, digest_reply
from bot.chat.meetings import MEETING_PAGE, listing_reply
from bot.config import default_cache_dir
from bot.daterange import DateRange, find_range
from bot.evaluate_listings import parse_listing, score
from bot.index import SearchIndex
from bot.index.build import load_or_build
from bot.render import TELEGRAM_LIMIT, telegram_length, to_html, to_text
from bot.render_agenda import listing_text
from bot.reports import Report
from bot.sections import asked_section
from bot.state import Subscription
from bot.thaidate import expand_dates, find_date
from tests.conftest import PROJECT

OCTOBER_12 = date(2021, 10, 12)


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("มติ ครม. ล่าสุด", Asked()),
        ("latest cabinet resolutions", Asked()),
        ("what did the cabinet decide this week?", Asked()),
        ("ครม. ล่าสุด แต่งตั้งใครบ้าง", Asked(section="แต่งตั้ง")),
        (
            "ตั้งแต่ 1 ก.ย. 66 ถึง 30 ก.ย. 66 ครม. มีมติอะไรบ้าง",
            Asked(within=DateRange(date(2023, 9, 1), date(2023, 9, 30))),
        ),
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
def archive() -> SearchIndex:
    corpus = [PROJECT / "corpus"]
    return load_or_build(corpus, default_cache_dir(corpus)).index


@pytest.fixture(scope="module")
def archive_agenda(archive: SearchIndex) -> Agenda:
    return Agenda.of(archive.reports.values())


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


def test_a_report_of_one_item_is_an_item_of_its_meeting(seed_index: SearchIndex) -> None:
    # The seed's layout names the meeting in its source line and has no item number: the seed
    # alone had "no cabinet meeting reports yet", and none on 13 August 2020.
    agenda = Agenda.of(seed_index.reports.values())
    for question in ("มติ ครม. ล่าสุด", "What did the cabinet decide on 13 August 2020?"):
        listing = listing_for(agenda, question)
        assert listing is not None and listing.meeting is not None, question
        assert listing.meeting.day == date(2020, 8, 13)
    text = listing_text(listing)
    assert "\n• รายงานผลการเข้าร่วมงานเฉลิมฉลอง" in text
    numbered = Report("a", "ข้อหนึ่ง", "เรื่อง ข้อหนึ่ง", meeting_date=date(2020, 8, 13), item_no=1)
    [meeting] = Agenda.of([*seed_index.reports.values(), numbered]).meetings
    assert [item.item_no for item in meeting.items] == [1, None]  # numbered ones first


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


TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("ครม. อนุมัติอะไรบ้างระหว่างมกราคมถึงมีนาคม 2565", date(2022, 1, 1), date(2022, 3, 31)),
        ("ระหว่าง ต.ค. 63 - ม.ค. 64", date(2020, 10, 1), date(2021, 1, 31)),
        ("ครม. อนุมัติอะไรบ้างตั้งแต่ปี 2566", date(2023, 1, 1), None),
        ("rail projects approved since 2023", date(2023, 1, 1), None),
        ("cabinet decisions before June 2020", None, date(2020, 5, 31)),
        ("between March 2021 and May 2021", date(2021, 3, 1), date(2021, 5, 31)),
        ("smart city projects the cabinet approved in 2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("who was appointed in March 2020", date(2020, 3, 1), date(2020, 3, 31)),
        ("เดือนที่แล้ว", date(2026, 11, 1), date(2026, 11, 30)),
        ("last year", date(2025, 1, 1), date(2025, 12, 31)),
        ("cabinet meetings from 5 to 20 June 2024", date(2024, 6, 5), date(2024, 6, 20)),
        ("มติ ครม. ตั้งแต่ 1 ส.ค. 68", date(2025, 8, 1), None),
        ("ใครได้เป็นผู้ว่าการรถไฟคนใหม่ในปี 2570", date(2027, 1, 1), date(2027, 12, 31)),
    ],
)
def test_ranges_stated_in_words_are_read(
    question: str, start: date | None, end: date | None
) -> None:
    assert find_range(expand_dates(question), TODAY) == DateRange(start, end)


def test_a_year_named_alone_or_as_the_topics_own_is_no_range() -> None:
    # What a year names is often decided the year before: a lift (search), not a filter.
    assert find_range("ค่าจ้างขั้นต่ำ ปี 2563", TODAY) is None
    assert find_range("Host cities for the SEA Games in 2025", TODAY) is None
    assert find_range("ห้ามส่งออกตั้งแต่ปี 2516", TODAY) is None


def test_a_question_about_a_year_no_meeting_has_reached_is_declined(archive: SearchIndex) -> None:
    """Who became governor in 2570: the 2567 and 2563 appointments do not answer it."""
    answer = ask(archive, "ใครได้เป็นผู้ว่าการรถไฟแห่งประเทศไทยคนใหม่ในปี 2570")
    assert not answer.found and answer.within == DateRange(date(2027, 1, 1), date(2027, 12, 31))


def test_a_range_without_a_topic_lists_its_meetings(archive_agenda: Agenda) -> None:
    listing = listing_for(archive_agenda, "ครม. อนุมัติอะไรบ้างระหว่างมกราคมถึงมีนาคม 2565")
    assert listing is not None and len(listing.meetings) == 13
    assert all(date(2022, 1, 1) <= m.day <= date(2022, 3, 31) for m in listing.meetings)
    text = listing_text(listing)
    assert text.startswith("การประชุมคณะรัฐมนตรี 1 มกราคม 2565 – 31 มีนาคม 2565: 13 ครั้ง")
    nothing = archive_agenda.listing(
        Asked(within=DateRange(date(2026, 11, 1), date(2026, 11, 30)))
    )
    assert "การประชุมล่าสุดที่บอทมี: 2 กันยายน 2568" in listing_text(nothing)


@pytest.mark.parametrize(
    "question",
    [
        "ครม. อนุมัติรถไฟทางคู่อะไรบ้าง ตั้งแต่ปี 2566",
        "smart city projects the cabinet approved in 2021",
        "วัคซีนโควิด ระหว่างมกราคมถึงมีนาคม 2565",
    ],
)
def test_every_result_of_a_ranged_question_falls_inside_the_range(
    archive: SearchIndex, question: str
) -> None:
    index = archive
    query = index.analyze(question)
    assert query.within is not None
    hits = index.search(query, k=200)
    assert hits and all(query.within.holds(hit.report.meeting_date) for hit in hits)
    answer = ask(index, question)
    assert answer.found and answer.within == query.within
    assert to_text(answer).splitlines()[1].startswith(("เฉพาะการประชุม", "Meetings"))


def test_the_meetings_question_set_lists_what_it_should(archive_agenda: Agenda) -> None:
    """tests/data/eval/meetings.jsonl, scored by the items each reply lists (its held-out half
    here; both halves are in the README)."""
    lines = (PROJECT / "tests" / "data" / "eval" / "meetings.jsonl").read_text(encoding="utf-8")
    questions = [parse_listing(json.loads(line)) for line in lines.splitlines() if line]
    scored = score(archive_agenda, [q for q in questions if q.half == "heldout"])
    assert len(scored) == 19
    assert sum(s.recall for s in scored) / len(scored) >= 0.85  # 0.895 measured
    assert sum(s.precision for s in scored) / len(scored) >= 0.85  # 0.895 measured


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("โครงการที่กระทรวงคมนาคมเสนอปี 2566", "กระทรวงคมนาคม"),
        ("เรื่องที่กระทรวงการคลังเป็นผู้เสนอ", "กระทรวงการคลัง"),
        ("soft loans proposed by the Ministry of Finance in 2021", "กระทรวงการคลัง"),
        ("what did the Ministry of Transport propose about rail?", "กระทรวงคมนาคม"),
        ("รถไฟทางคู่", None),
        ("การประชุมครั้งนี้เสนออะไร", None),  # การ... is not a proposer's name
    ],
)
def test_the_proposer_a_question_names(question: str, name: str | None) -> None:
    assert asked_proposer(question) == name


def test_a_proposer_is_read_from_the_items_own_words() -> None:
    assert proposer("คณะรัฐมนตรีมีมติอนุมัติ ตามที่กระทรวงคมนาคม (คค.) เสนอ") == "กระทรวงคมนาคม"
    assert proposer("คณะรัฐมนตรีรับทราบรายงาน") == ""


def test_every_hit_of_a_question_naming_a_proposer_is_that_proposers(
    archive: SearchIndex,
) -> None:
    question = "โครงการรถไฟที่กระทรวงคมนาคมเสนอ"
    hits = archive.search(archive.analyze(question), k=200)
    assert len(hits) == 200
    assert all("กระทรวงคมนาคม" in hit.report.proposer for hit in hits)
    answer = ask(archive, question)
    assert answer.found and "เฉพาะเรื่องที่กระทรวงคมนาคมเสนอ" in to_text(answer).splitlines()[1]


def test_a_proposer_written_with_markup_is_escaped_in_the_reply(archive: SearchIndex) -> None:
    answer = ask(archive, "เรื่องที่กระทรวง<b>การคลังเสนอ")
    assert answer.proposer == "กระทรวง<b>การคลัง"
    assert "กระทรวง&lt;b&gt;การคลัง" in to_html(answer) and "<b>การคลัง" not in to_html(answer)


def test_a_proposer_named_by_its_abbreviation_filters_the_same(archive: SearchIndex) -> None:
    """The corpus defines คค. as กระทรวงคมนาคม; the proposer kept per report is the filter."""
    query = archive.analyze("ร่างพระราชบัญญัติที่ คค. เสนอ")
    assert query.proposer == "กระทรวงคมนาคม"
    hits = archive.search(query, k=50)
    assert hits and all("กระทรวงคมนาคม" in hit.report.proposer for hit in hits)
    assert archive.analyze("เรื่องที่คค.เสนอ").proposer == "กระทรวงคมนาคม"
    assert asked_proposer("ที่ ขส. เสนอ", {"คค.": "กระทรวงคมนาคม"}) is None  # not defined


def test_an_abbreviation_as_the_questions_subject_is_not_a_proposer() -> None:
    """A subject ("กสม. เสนอให้มี...") says who recommended; a ministry brought it."""
    short = {"กสม.": "คณะกรรมการสิทธิมนุษยชนแห่งชาติ"}
    assert asked_proposer("กสม. เสนอให้มีห้องน้ำสำหรับคนข้ามเพศ", short) is None
    assert asked_proposer("ห้องน้ำสำหรับคนข้ามเพศ กสม. เสนอ", short) is None
    assert asked_proposer("เรื่องที่ กสม. เสนอ", short) == "คณะกรรมการสิทธิมนุษยชนแห่งชาติ"


@pytest.mark.parametrize(
    ("question", "bare", "section"),
    [
        ("หมวดแต่งตั้ง ปลัดกระทรวง", False, "แต่งตั้ง"),
        ("เรื่องต่างประเทศ ความตกลง", False, "ต่างประเทศ"),
        ("items in the legal section on rail", False, "กฎหมาย"),
        ("foreign affairs items about Japan", False, "ต่างประเทศ"),
        ("หมวดเศรษฐกิจ-สังคม ค่าจ้าง", False, "เศรษฐกิจ-สังคม"),
        ("ผลกระทบด้านเศรษฐกิจและสังคม", False, None),  # a topic, not the section
        ("กฎหมายคุ้มครองข้อมูลส่วนบุคคล", False, None),  # the word, searched
        ("ครม. ล่าสุด แต่งตั้งใครบ้าง", True, "แต่งตั้ง"),
        ("latest cabinet appointments", True, "แต่งตั้ง"),
        ("laws approved at the latest meeting", True, "กฎหมาย"),
    ],
)
def test_the_section_a_question_names(question: str, bare: bool, section: str | None) -> None:
    found = asked_section(question, bare=bare)
    assert (found[0] if found else None) == section


def test_a_meetings_section_lists_only_its_items(archive_agenda: Agenda) -> None:
    listing = listing_for(archive_agenda, "ครม. 12 ต.ค. 64 แต่งตั้งใครบ้าง")
    assert listing is not None and listing.meeting is not None
    whole = archive_agenda.on(OCTOBER_12)
    assert whole is not None
    wanted = [r for r in whole.items if r.heading == "แต่งตั้ง"]
    assert wanted and list(listing.meeting.items) == wanted
    text = listing_text(listing).splitlines()
    assert text[0] == f"มติคณะรัฐมนตรี 12 ตุลาคม 2564 (2021-10-12): {len(wanted)} เรื่อง"
    assert text[1] == "เฉพาะหมวดแต่งตั้ง"
    english = listing_for(archive_agenda, "foreign affairs items from the meeting of 12 Oct 2021")
    assert english is not None and english.meeting is not None
    assert {r.heading for r in english.meeting.items} == {"ต่างประเทศ"}
    assert "The foreign affairs section only" in listing_text(english)
    ranged = listing_for(archive_agenda, "ครม. แต่งตั้งใครบ้าง ระหว่างมกราคมถึงมีนาคม 2565")
    assert ranged is not None and ranged.meetings
    assert {r.heading for m in ranged.meetings for r in m.items} == {"แต่งตั้ง"}


def test_every_hit_of_a_question_naming_a_section_is_in_that_section(
    archive: SearchIndex,
) -> None:
    question = "หมวดแต่งตั้ง ปลัดกระทรวงการคลัง"
    query = archive.analyze(question)
    assert query.section == "แต่งตั้ง" and "หมวด" not in query.terms
    hits = archive.search(query, k=200)
    assert hits and all(hit.report.heading == "แต่งตั้ง" for hit in hits)
    answer = ask(archive, question)
    assert answer.found and "เฉพาะหมวดแต่งตั้ง" in to_text(answer).splitlines()[1]
    english = ask(archive, "appointments section permanent secretary finance")
    assert english.section == "แต่งตั้ง" and "The appointments section only" in to_text(english)


def test_every_alert_and_digest_fits_one_message(
    archive: SearchIndex, archive_agenda: Agenda
) -> None:
    for meeting in archive_agenda.meetings:
        for language in ("th", "en"):
            digest = digest_reply(meeting, language)
            assert telegram_length(digest.html) <= TELEGRAM_LIMIT, meeting.day
    every = frozenset(archive.reports)
    topic = "โครงการ" * 28  # the longest topic /follow keeps
    for question in ("ร่างพระราชบัญญัติ", "งบประมาณ", "smart city"):
        answer = alert_answer(archive, question, every, 10)  # RESULT_COUNT's most
        reply = alert_reply(answer, Subscription(1, topic, "th"), 10)
        assert answer.found and telegram_length(reply.html) <= TELEGRAM_LIMIT, question
