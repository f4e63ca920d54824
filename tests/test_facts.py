"""Fact kinds: questions asking when / how much / who, and passages that state a date, an
amount or a person's name."""

from __future__ import annotations

from bot.facts import asked_fact, asking_words, counted_unit, states, states_count
from bot.index.build import from_reports
from bot.passages import Passage
from bot.reports import Report
from bot.text import analyze, tokenize
from tests.conftest import index_of


def test_questions_say_which_fact_they_ask_for() -> None:
    assert asked_fact("อว. เซ็น MOU กับกัมพูชาวันไหน") == "date"
    assert asked_fact("When was the MOU signed?") == "date"
    assert asked_fact("ชดเชยกี่ลำ ใช้เงินเท่าไร") == "amount"
    assert asked_fact("How much was the budget?") == "amount"
    assert asked_fact("What is the total budget of the waterworks projects?") == "amount"
    assert asked_fact("What was the cost?") == "amount" and asked_fact("What is new?") is None
    assert asked_fact("What is the initial sugarcane price for the 2023/24 season?") == "amount"
    assert asked_fact("What is the project about?") is None
    assert asked_fact("เมืองอัจฉริยะ") is None
    assert asked_fact("ใครเป็นประธานบอร์ด สมศ.") == "name"
    assert asked_fact("Who chairs the EXIM Bank board?") == "name"
    assert asked_fact("ตั้งกรรมการกี่คน ใครบ้าง") == "amount"  # the count is asked first


def test_time_words_that_only_ask_when_are_not_the_subject() -> None:
    words = [token.term for token in analyze("วันช้างไทยคือวันที่เท่าไร")]
    assert asking_words(words) == {"วันที่"}
    assert asking_words("what year did the cabinet approve it".split()) == {"year"}
    assert asking_words([token.term for token in analyze("ประชุมวันที่ 12 ตุลาคม")]) == set()
    index = from_reports([Report("a", "ช้าง", "เรื่อง ช้าง\nวันที่ 13 มีนาคม วันช้างไทย")])
    # The day's own name (วันช้างไทย) is what it asks about; the วันที่ that asks when is not.
    assert [concept.words for concept in index.analyze("วันช้างไทยคือวันที่เท่าไร").concepts] == [
        ("วัน",),
        ("ช้าง",),
        ("ไทย",),
    ]


def test_passages_state_dates_and_amounts() -> None:
    assert states("ลงนามระหว่างวันที่ 7-8 กุมภาพันธ์ 2567", "date")
    assert states("signed on 12 June 2020", "date")
    assert not states("ครั้งที่ 3 ปี 2567", "date")
    assert states("จำนวน 59 ลำ วงเงิน 287.18 ล้านบาท", "amount")
    assert states("ร้อยละ 73.2", "amount")
    assert not states("ครั้งที่ 3", "amount")


def test_passages_state_names_of_people_not_words_starting_with_a_title() -> None:
    assert states("แต่งตั้ง นายกอบศักดิ์ ภูตระกูล เป็นกรรมการผู้ทรงคุณวุฒิ", "name")
    assert states("(3) พลเอก ชัยชาญ ช้างมงคล ประธาน", "name")
    assert states("said Mr. Thani Thongphakdi", "name")
    # Names whose first letter is a vowel written before its consonant.
    assert states("นายเศรษฐา ทวีสิน นายกรัฐมนตรี", "name")
    assert states("1. นายตุลย์ ไตรโสรัส ตำแหน่ง เอกอัครราชทูต", "name")
    assert states("นายศุภชัย เจียรวนนท์ ประธานกรรมการ", "name")
    assert not states("นายกรัฐมนตรี และนายกเมืองพัทยา", "name")
    assert not states("นายจ้าง และลูกจ้าง ทุกคน", "name")
    # Every item's source line names the chair of the meeting, whatever it is about.
    assert not states("ที่มา: ที่ประชุมคณะรัฐมนตรี พลเอก ประยุทธ์ จันทร์โอชา", "name")


def _first(texts: tuple[str, ...], question: str) -> str:
    """The report first for `question` among one-passage reports r0, r1, ... of `texts`."""
    reports = [Report(f"r{i}", "ก", text) for i, text in enumerate(texts)]
    passages = [Passage(r.doc_id, "1", r.text, 0, len(r.text)) for r in reports]
    index = index_of(passages, reports, tokenize)
    return index.search(index.analyze(question), k=1)[0].report.doc_id


def test_a_passage_stating_the_asked_fact_is_lifted() -> None:
    texts = (
        "ลงนามบันทึกความเข้าใจกับกัมพูชา ด้านวิทยาศาสตร์ 2567",
        "ลงนามบันทึกความเข้าใจกับกัมพูชา วันที่ 7 กุมภาพันธ์ 2567",
    )
    assert _first(texts, "ลงนามบันทึกความเข้าใจกับกัมพูชา") == "r0"
    assert _first(texts, "ลงนามบันทึกความเข้าใจกับกัมพูชาวันไหน") == "r1"


def test_a_passage_naming_a_person_is_lifted_for_who() -> None:
    texts = (
        "กรรมการผู้ทรงคุณวุฒิ ด้านเศรษฐกิจ การเงิน และการคลัง",
        "กรรมการผู้ทรงคุณวุฒิ นายกอบศักดิ์ ภูตระกูล",
    )
    assert _first(texts, "กรรมการผู้ทรงคุณวุฒิ") == "r0"
    assert _first(texts, "กรรมการผู้ทรงคุณวุฒิเป็นใคร") == "r1"


def test_a_count_asked_in_a_unit_is_found_in_that_unit() -> None:
    def unit(question: str) -> str | None:
        return counted_unit([token.term for token in analyze(question)])

    assert unit("หอพักจะสร้างสูงกี่ชั้น") == "ชั้น"
    assert unit("ทำไปกี่กิจกรรม") == "กิจกรรม"
    assert unit("ลดให้กี่เปอร์เซ็นต์") == "เปอร์เซ็นต์"
    assert unit("กรอบวงเงินกี่ล้านบาท") == "ล้าน"
    assert unit("ใช้เงินเท่าไร") is None and unit("how many floors") is None
    assert states_count("อาคารสูง 13 ชั้น มีความสูง 55.60 เมตร", "ชั้น")
    assert not states_count("มีความสูง 55.60 เมตร", "ชั้น")
    assert states_count("ภายในกรอบวงเงิน 1,800 ล้านบาท", "ล้าน")
    assert states_count("ลดอัตราภาษีลงร้อยละ 90", "เปอร์เซ็นต์")
    assert not states_count("ลดอัตราภาษี 68.50 บาท", "เปอร์เซ็นต์")
