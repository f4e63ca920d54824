"""Meeting posts split into their items: real posts from both public scrapes, and literal cases.

The posts under tests/data/posts are real thaigov.go.th posts, laid out as a clone of
PyThaiNLP's thaigov-corpus and thaigov-v2-corpus holds them. `posts-reference-split.jsonl` gives,
for each of their items, the start and end of its body as the data's maker split it
independently (shared/data/thaigov-cabinet/items_th); the data test measures the same over
all 451 posts.
"""

from __future__ import annotations

import json
import lzma
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.meetings import Meeting, NotAPostError, looks_like_post, parse_post, section_name
from bot.reports import EmptyPostError, parse_text
from tests.conftest import PROJECT, shared_path

POSTS = PROJECT / "tests" / "data" / "posts"
V2 = POSTS / "thaigov-v2-corpus" / "data"
OLD = POSTS / "thaigov-corpus"
SPECIAL_MEETING = V2 / "2024/09/09/สรุปข่าวการประชุม ครม_1_5227518d-5215-4c9a-a151-277607c03bb5.txt"
SUB_LISTS = V2 / "2023/09/06/สรุปข่าวการประชุม ครม_1_c7f0abc8-8b4d-4b60-8403-ae759a3e6def.txt"
PADDED = OLD / "14/สรุปข่าวการประชุม ครม._10.txt"
CUT_SHORT = OLD / "thaigov2-11/สรุปข่าวการประชุม ครม._1.txt"
HEADER_ONLY = OLD / "14/สรุปข่าวการประชุม ครม._48.txt"
_SPACE = re.compile(r"\s+")


def _post(path: Path) -> Meeting:
    return parse_post(path.read_text(encoding="utf-8"))


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _folded(text: str) -> str:
    return _SPACE.sub(" ", text)


def landed_share(
    expected: Iterable[dict[str, object]], split: dict[tuple[str, int], str]
) -> float:
    """The share of reference items whose body (its first and last words) lies in the item of
    the same number: the measure issue 10 asks for."""
    rows = list(expected)
    landed = 0
    for row in rows:
        text = _folded(split.get((str(row["file"]), int(str(row["item_no"]))), ""))
        landed += _folded(str(row["first"])) in text and _folded(str(row["last"])) in text
    return landed / len(rows)


def test_a_newer_post_gives_its_items_with_section_date_chair_and_link() -> None:
    meeting = _post(SPECIAL_MEETING)
    assert meeting.meeting_date == date(2024, 9, 9)
    assert meeting.chair == "นางสาวแพทองธาร ชินวัตร นายกรัฐมนตรี"
    assert meeting.url == "https://www.thaigov.go.th/news/contents/details/87824"
    assert meeting.post_id == "87824" and not meeting.truncated
    assert [item.number for item in meeting.items] == [1, 2, 3, 4]
    assert [item.section for item in meeting.items] == ["กฎหมาย"] * 3 + ["แต่งตั้ง"]
    first, *_, last = meeting.items
    assert first.title == "แนวทางการประชุมคณะรัฐมนตรีและการเสนอเรื่องต่อคณะรัฐมนตรี"
    assert first.body.startswith("คณะรัฐมนตรีมีมติ")
    assert last.title == "การแต่งตั้งข้าราชการการเมือง"
    # The footer (separator, link) and the table of contents are in no item.
    assert last.body.endswith("ตั้งแต่วันที่ 7 กันยายน 2567 เป็นต้นไป")
    assert not any("เรื่อง การมอบหมาย" in item.body for item in meeting.items)


def test_an_older_post_padded_with_spaces_splits_under_its_section_headings() -> None:
    meeting = _post(PADDED)
    assert meeting.meeting_date == date(2017, 5, 23)  # the banner's; it was posted the 24th
    assert meeting.chair == "พลเอก ประยุทธ์ จันทร์โอชา นายกรัฐมนตรี"
    assert [item.number for item in meeting.items] == list(range(1, 21))
    sections = [item.section for item in meeting.items]
    assert sections == ["กฎหมาย"] * 10 + ["เศรษฐกิจ-สังคม"] + ["ต่างประเทศ"] * 5 + ["แต่งตั้ง"] * 4
    assert meeting.items[10].title == "ขอความเห็นชอบแผนแม่บทเพื่อพัฒนาเกษตรกรรม พ.ศ. 2560 – 2564"
    # Section headings and separators between items belong to neither neighbour.
    assert not any(section_name(line) for item in meeting.items for line in item.body.split("\n"))
    assert meeting.items[-1].body.endswith("ระหว่างวันที่ 23 – 25 พฤษภาคม 2560")


def test_numbered_sub_lists_in_a_body_stay_in_their_item() -> None:
    meeting = _post(SUB_LISTS)
    assert [item.number for item in meeting.items] == [1, 2, 3, 4, 5, 6]
    third = meeting.items[2]
    assert third.title.startswith("แนวทางปฏิบัติของหน่วยงานของรัฐในการเสนอเรื่องต่อคณะรัฐมนตรี")
    assert "1. เรื่องเพื่อพิจารณา" in third.body and "2. เรื่องเพื่อทราบ" in third.body
    assert meeting.items[3].title.startswith("การมอบหมายให้รองนายกรัฐมนตรี")


def test_a_post_cut_short_keeps_what_it_holds_and_says_what_it_lacks() -> None:
    meeting = _post(CUT_SHORT)
    assert [item.number for item in meeting.items] == list(range(1, 10))
    assert meeting.listed == tuple(range(1, 24)) and meeting.missing == tuple(range(10, 24))
    assert meeting.truncated
    parsed = parse_text("cut", CUT_SHORT.read_text(encoding="utf-8"))
    assert [report.doc_id for report in parsed.reports][:2] == [
        "thaigov-31114-01",
        "thaigov-31114-02",
    ]
    assert parsed.notes == (
        "the post stops after item 9 of the 23 items its contents list, cut short when it was "
        "scraped: items 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 … missing",
    )


def test_a_post_holding_only_its_header_is_skipped_with_that_reason() -> None:
    text = HEADER_ONLY.read_text(encoding="utf-8")
    assert looks_like_post(text)
    with pytest.raises(NotAPostError, match="header only"):
        parse_post(text)
    with pytest.raises(EmptyPostError, match="meeting post without items"):
        parse_text("stub", text)


def test_every_fixture_item_lands_in_the_item_of_its_number() -> None:
    expected = [
        json.loads(line)
        for line in (POSTS.parent / "posts-reference-split.jsonl").read_text("utf-8").splitlines()
    ]
    split = {}
    for path in POSTS.rglob("*.txt"):
        name = path.relative_to(POSTS).as_posix()
        try:
            meeting = _post(path)
        except NotAPostError:
            continue
        split |= {(name, item.number): f"{item.title}\n{item.body}" for item in meeting.items}
    assert len(expected) == 42
    assert landed_share(expected, split) == 1.0


BROKEN = """รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-สรุปข่าวการประชุม ครม. 7 มกราคม 2568
วันพุธที่ 8 มกราคม 2568
นายกรัฐมนตรี เป็นประธานการประชุมคณะรัฐมนตรี
วันนี้ (7 มกราคม 2568) เวลา 10.00 น. นางสาวแพทองธาร ชินวัตร นายกรัฐมนตรี เป็นประธานการประชุมคณะรัฐมนตรี
กฎหมาย
1.\xa0\xa0\xa0\xa0 เรื่อง\xa0\xa0\xa0 ร่างพระราชบัญญัติการจัดการน้ำ (ฉบับที่ ..) พ.ศ. ....
เศรษฐกิจ – สังคม
2.      เรื่อง     โครงการพัฒนาเมืองอัจฉริยะน่าอยู่ทั่วประเทศ      3.      เรื่อง     มาตรการลดค่าครองชีพ
4. เรื่อง การขยายเวลามาตรการภาษีเพื่อการท่องเที่ยวเมืองรอง
*****
กฎหมาย
1. ร่างพระราชบัญญัติการจัดการน้ำ (ฉบับที่ ..) พ.ศ. ....
คณะรัฐมนตรีมีมติอนุมัติหลักการร่างพระราชบัญญัติการจัดการน้ำ
เศรษฐกิจ - สังคม
2. เรื่อง โครงการพัฒนาเมืองอัจฉริยะ
น่าอยู่ทั่วประเทศ
คณะรัฐมนตรีมีมติเห็นชอบโครงการ ดังนี้
1. เรื่องเพื่อทราบ การสำรวจพื้นที่
2. เรื่องเพื่อพิจารณา งบประมาณ 500 ล้านบาท
5. เรื่อง มาตรการลดค่าครองชีพ คณะรัฐมนตรีมีมติเห็นชอบลดค่าไฟฟ้า
4. เรื่องการขยายเวลามาตรการภาษีเพื่อการท่องเที่ยวเมืองรอง
คณะรัฐมนตรีมีมติเห็นชอบขยายเวลา
……………………
ที่มา : https://www.thaigov.go.th/news/contents/details/90001
"""


def test_headings_that_lost_words_or_numbers_are_still_found() -> None:
    meeting = parse_post(BROKEN)
    assert meeting.meeting_date == date(2025, 1, 7)
    assert meeting.chair == "นางสาวแพทองธาร ชินวัตร นายกรัฐมนตรี"  # not the bare office
    assert meeting.post_id == "90001"
    assert [(item.number, item.section) for item in meeting.items] == [
        (1, "กฎหมาย"),  # its heading lost its เรื่อง
        (2, "เศรษฐกิจ-สังคม"),  # two TOC entries shared one line
        (3, "เศรษฐกิจ-สังคม"),  # numbered 5 in the body; found by its title
        (4, "เศรษฐกิจ-สังคม"),  # no space after เรื่อง
    ]
    one, two, three, four = meeting.items
    assert one.body == "คณะรัฐมนตรีมีมติอนุมัติหลักการร่างพระราชบัญญัติการจัดการน้ำ"
    assert two.title == "โครงการพัฒนาเมืองอัจฉริยะ น่าอยู่ทั่วประเทศ"  # wrapped title joined
    assert two.body.endswith("2. เรื่องเพื่อพิจารณา งบประมาณ 500 ล้านบาท")  # its sub-list
    assert (three.title, three.body) == ("มาตรการลดค่าครองชีพ", "คณะรัฐมนตรีมีมติเห็นชอบลดค่าไฟฟ้า")
    assert four.body == "คณะรัฐมนตรีมีมติเห็นชอบขยายเวลา"  # no separator, no footer


def test_a_list_of_items_without_a_banner_or_contents_counts_up() -> None:
    text = "1. เรื่อง ก\nคณะรัฐมนตรีมีมติ ก\n2. เรื่อง ข\nมติ ข\n1. เรื่องย่อย\n3. เรื่อง ค\nมติ ค"
    meeting = parse_post(text)
    assert [(item.number, item.title) for item in meeting.items] == [(1, "ก"), (2, "ข"), (3, "ค")]
    assert meeting.items[1].body == "มติ ข\n1. เรื่องย่อย" and meeting.meeting_date is None
    with pytest.raises(NotAPostError):
        parse_post("คณะรัฐมนตรีมีมติเห็นชอบ\nไม่มีรายการ")


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("กฎหมาย", "กฎหมาย"),
        ("เศรษฐกิจ - สังคม", "เศรษฐกิจ-สังคม"),
        ("เศรษฐกิจ– สังคม", "เศรษฐกิจ-สังคม"),
        ("สังคม – เศรษฐกิจ", "เศรษฐกิจ-สังคม"),
        ("ต่างประเทศ", "ต่างประเทศ"),
        ("แต่งตั้ง", "แต่งตั้ง"),
        ("กฎหมายว่าด้วยการจัดการน้ำ", None),
    ],
)
def test_section_headings_in_their_spellings(line: str, name: str | None) -> None:
    assert section_name(line) == name


def test_all_451_posts_split_as_the_reference_does() -> None:
    """Over the whole scrape: the share of the reference's 8,787 items that land in the item of
    the same number (issue 10 asks for at least 0.98), and the posts skipped and cut short."""
    posts = _jsonl(shared_path("data/thaigov-cabinet/meetings_th.jsonl.xz"))
    reference = _jsonl(shared_path("data/thaigov-cabinet/items_th.jsonl.xz"))
    split: dict[tuple[str, int], str] = {}
    header_only = cut_short = 0
    for post in posts:
        try:
            meeting = parse_post(post["text"], post["url"])
        except NotAPostError:
            header_only += 1
            continue
        cut_short += meeting.truncated
        for item in meeting.items:
            split[(post["path"], item.number)] = f"{item.title}\n{item.body}"
    expected = []
    for row in reference:
        lines = [line for line in row["body"].split("\n") if line.strip()]
        content = [line for line in lines if not re.match(r"^[.…*\s]+$|^\(โปรดตรวจสอบ", line)]
        expected.append(
            {
                "file": row["path"],
                "item_no": row["item_no"],
                "first": content[0][:40],
                "last": content[-1][-40:],
            }
        )
    share = landed_share(expected, split)
    print(f"{len(posts)} posts, {len(split)} items; {header_only} header only, {cut_short} cut")
    print(f"reference items landing in the item of their number: {share:.4f}")
    assert len(posts) == 451 and header_only == 136
    assert share >= 0.98


def test_a_post_saved_with_a_bom_and_crlf_or_in_tis620_splits_the_same(tmp_path: Path) -> None:
    from bot.corpus import load_corpus

    text = PADDED.read_text(encoding="utf-8")
    (tmp_path / "bom-crlf.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    (tmp_path / "tis620.txt").write_bytes(text.replace("\xa0", " ").encode("cp874"))
    corpus = load_corpus([tmp_path / "bom-crlf.txt"]), load_corpus([tmp_path / "tis620.txt"])
    original = parse_post(text).items
    for loaded in corpus:
        assert [(r.item_no, r.title, r.heading) for r in loaded.reports] == [
            (item.number, item.title, item.section) for item in original
        ]
        assert [r.doc_id for r in loaded.reports][:1] == ["thaigov-3933-01"]
    assert corpus[1].notices[0].message == "not UTF-8; decoded as TIS-620 (cp874)"


def test_a_title_word_written_twice_and_a_chair_named_the_line_before() -> None:
    text = (
        "สรุปข่าวการประชุมคณะรัฐมนตรี 5 พฤศจิกายน 2567\n"
        "นางสาวแพทองธาร ชินวัตร นายกรัฐมนตรี\n"
        "เป็นประธานการประชุมคณะรัฐมนตรี ณ ห้องประชุม 501 ตึกบัญชาการ 1 ทำเนียบรัฐบาล\n"
        "1. เรื่อง เรื่อง ผลการดำเนินงานสภาองค์กรของผู้บริโภค\n2. เรื่อง การแต่งตั้งข้าราชการ\n"
        "1. เรื่อง เรื่อง ผลการดำเนินงานสภาองค์กรของผู้บริโภค\nคณะรัฐมนตรีมีมติรับทราบ\n"
        "2. เรื่อง การแต่งตั้งข้าราชการ\nคณะรัฐมนตรีมีมติอนุมัติ\n"
    )
    meeting = parse_post(text)
    assert meeting.chair == "นางสาวแพทองธาร ชินวัตร นายกรัฐมนตรี"
    assert [item.title for item in meeting.items] == [
        "ผลการดำเนินงานสภาองค์กรของผู้บริโภค",
        "การแต่งตั้งข้าราชการ",
    ]
