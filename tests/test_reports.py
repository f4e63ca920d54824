"""Reports: the seed layout, whole-meeting files, JSONL records, and Thai dates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reports import MAX_TITLE_CHARS, ReportFormatError, parse_record, parse_text
from bot.thaidate import find_thai_date, format_english, format_thai, year_to_ce
from tests.conftest import SEED, SEED_ID


def test_buddhist_era_dates_with_thai_digits_and_abbreviations() -> None:
    assert find_thai_date("วันที่ 13 สิงหาคม 2563") == date(2020, 8, 13)
    assert find_thai_date("วันที่ ๑๓ ส.ค. ๒๕๖๓") == date(2020, 8, 13)
    assert find_thai_date("มี.ค. 67 และ 31 กุมภาพันธ์ 2567") is None
    assert year_to_ce(2567) == 2024 and year_to_ce(67) == 2024 and year_to_ce(2020) == 2020
    assert format_thai(date(2020, 8, 13)) == "13 สิงหาคม 2563"
    assert format_english(date(2020, 8, 13)) == "13 August 2020"


def test_seed_layout_gives_title_body_and_meeting_date() -> None:
    [report] = parse_text(SEED_ID, SEED.read_text(encoding="utf-8"), source=SEED.name).reports
    assert report.doc_id == SEED_ID
    assert report.title.startswith("รายงานผลการเข้าร่วมงานเฉลิมฉลองปีแห่งความเป็นหุ้นส่วน")
    assert report.meeting_date == date(2020, 8, 13)
    assert report.text.startswith("เรื่อง ") and report.text.endswith("วันที่ 13 สิงหาคม 2563")


MEETING = """สรุปข่าวการประชุมคณะรัฐมนตรี 7 มกราคม 2568
1. เรื่อง ร่างพระราชบัญญัติหนึ่ง
2. เรื่อง โครงการสอง
1. เรื่อง ร่างพระราชบัญญัติหนึ่ง
คณะรัฐมนตรีมีมติอนุมัติหลักการร่างพระราชบัญญัติหนึ่ง
2. เรื่อง โครงการสอง
คณะรัฐมนตรีมีมติเห็นชอบโครงการสอง
1. เรื่องเพื่อทราบ รายละเอียดย่อย
ที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ 7 มกราคม 2568
"""


def test_whole_meeting_file_yields_one_report_per_item_without_the_contents_list() -> None:
    reports = parse_text("meetings/2025-01-07", MEETING).reports
    assert [r.doc_id for r in reports] == ["meetings/2025-01-07#1", "meetings/2025-01-07#2"]
    assert [r.title for r in reports] == ["ร่างพระราชบัญญัติหนึ่ง", "โครงการสอง"]
    assert all(r.meeting_date == date(2025, 1, 7) for r in reports)
    assert "อนุมัติหลักการ" in reports[0].text and "เห็นชอบโครงการสอง" in reports[1].text


def test_a_single_report_keeps_its_numbered_sub_lists() -> None:
    text = "เรื่อง รายงานผล\n1. เรื่องเพื่อทราบ ก\n2. เรื่องเพื่อพิจารณา ข\n"
    [report] = parse_text("x", text).reports
    assert report.title == "รายงานผล" and "เรื่องเพื่อพิจารณา" in report.text


def test_report_without_title_line_uses_its_first_line() -> None:
    [report] = parse_text("notitle", "คณะรัฐมนตรีมีมติเห็นชอบ\nรายละเอียด").reports
    assert report.title == "คณะรัฐมนตรีมีมติเห็นชอบ" and report.meeting_date is None


def test_crlf_bom_and_zero_width_are_cleaned() -> None:
    [report] = parse_text("x", "\ufeffเรื่อง ทดสอบ\r\nเนื้อ\u200bหา\r\n").reports
    assert report.text == "เรื่อง ทดสอบ\nเนื้อหา"


def test_empty_text_is_a_format_error() -> None:
    with pytest.raises(ReportFormatError):
        parse_text("empty", " \n\n ")


def test_jsonl_record_with_text_body_date_and_url() -> None:
    report = parse_record(
        {
            "id": "thaigov-1-01",
            "title": "โครงการทดสอบ",
            "body": "คณะรัฐมนตรีมีมติอนุมัติ",
            "meeting_date": "2021-10-12",
            "url": "https://www.thaigov.go.th/news/contents/details/1",
        }
    )
    assert report.text == "เรื่อง โครงการทดสอบ\nคณะรัฐมนตรีมีมติอนุมัติ"
    assert report.meeting_date == date(2021, 10, 12)
    assert report.url == "https://www.thaigov.go.th/news/contents/details/1"


def test_jsonl_record_date_falls_back_to_its_source_line() -> None:
    text = "เรื่อง ก\nเนื้อหา\nที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ 12 ตุลาคม 2564"
    assert parse_record({"id": "a", "title": "ก", "text": text}).meeting_date == date(2021, 10, 12)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1, 2], "not a JSON object"),
        ({"title": "x", "text": "y"}, "missing 'id'"),
        ({"id": "a", "title": "x"}, "neither 'text' nor 'body'"),
        ({"id": "a", "title": {"x": 1}, "text": "y"}, "should be text"),
    ],
)
def test_bad_records_say_what_is_wrong(record: object, message: str) -> None:
    with pytest.raises(ReportFormatError, match=message):
        parse_record(record)


def test_record_links_must_be_web_addresses_of_sane_length() -> None:
    base = {"id": "a", "title": "ก", "text": "เนื้อหา"}
    assert parse_record(base | {"url": "https://example.org/x"}).url == "https://example.org/x"
    assert parse_record(base | {"url": "javascript:alert(1)"}).url is None
    assert parse_record(base | {"url": "https://example.org/" + "x" * 5000}).url is None


def test_an_endless_title_line_is_cut_and_the_text_keeps_it_whole() -> None:
    line = "เรื่อง " + "โครงการเมืองอัจฉริยะ " * 1000
    [report] = parse_text("long", line + "\nรายละเอียด").reports
    assert len(report.title) <= MAX_TITLE_CHARS and report.title.endswith("…")
    assert report.title.startswith("โครงการเมืองอัจฉริยะ โครงการ")
    assert report.text.startswith(line.strip()) and report.text.endswith("รายละเอียด")
    unbroken = parse_record({"id": "r", "title": "ก" * 5000, "body": "ข้อความ"})
    assert len(unbroken.title) == MAX_TITLE_CHARS
