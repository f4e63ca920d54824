"""Passages: one per structural unit of a report, with labels, offsets and parent context."""

from __future__ import annotations

from bot.corpus import load_corpus
from bot.passages import MAX_CHARS, split_report
from bot.reports import parse_text
from tests.conftest import SEED


def _seed_passages():
    [report] = load_corpus([SEED]).reports
    return report, split_report(report)


def test_seed_yields_one_passage_per_numbered_item() -> None:
    report, passages = _seed_passages()
    assert len(passages) >= 15
    assert [p.section for p in passages] == [
        "title", "intro", "1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5",
        "1.2", "1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.2.5", "1.2.6", "1", "2", "3", "source",
    ]  # fmt: skip
    for passage in passages:
        assert report.text[passage.start : passage.end] == passage.text


def test_items_quote_themselves_and_borrow_parent_words_for_retrieval() -> None:
    _, passages = _seed_passages()
    item = next(p for p in passages if p.section == "1.2.4")
    assert item.text == (
        "ส่งเสริมการพัฒนาเมืองอัจฉริยะ การใช้ประโยชน์จาก Big Data เทคโนโลยี Cloud Computing และ Blockchain"
    )
    assert item.context.startswith("รัฐมนตรีว่าการกระทรวงอุตสาหกรรมและเทคโนโลยีสารสนเทศของจีน")
    assert next(p for p in passages if p.section == "2").context == ""


def test_title_and_source_lines_are_passages() -> None:
    _, passages = _seed_passages()
    assert passages[0].text.startswith("รายงานผลการเข้าร่วมงาน")  # without the word เรื่อง
    assert passages[-1].text.startswith("ที่มา:")


def test_parenthesised_items_and_hard_wrapped_lines() -> None:
    text = (
        "เรื่อง การทดสอบ\nคณะรัฐมนตรีมีมติเห็นชอบตามที่เสนอ ยืนยันตามมติคณะรัฐมนตรีเมื่อวันที่\n"
        "4 ธันวาคม 2561\n1. ให้ดำเนินการดังนี้\n(1) จัดทำแผน\n(2) รายงานผล"
    )
    [report] = parse_text("t", text).reports
    passages = split_report(report)
    assert [p.section for p in passages] == ["title", "intro", "1", "1(1)", "1(2)"]
    assert passages[1].text.endswith("เมื่อวันที่\n4 ธันวาคม 2561")
    assert passages[3].context == "ให้ดำเนินการดังนี้"


def test_long_paragraphs_are_cut_at_spaces() -> None:
    body = " ".join(f"ประโยคที่{i}มีเนื้อหายาวพอสมควร" for i in range(200))
    [report] = parse_text("long", f"เรื่อง ยาว\n{body}").reports
    parts = [p for p in split_report(report) if p.section == "intro"]
    assert len(parts) > 3
    assert all(len(p.text) <= MAX_CHARS for p in parts)
    assert all(not p.text.startswith(" ") and not p.text.endswith(" ") for p in parts)
    assert " ".join(p.text for p in parts) == body
