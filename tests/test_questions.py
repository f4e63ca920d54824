"""How questions are read: short dates, everyday words, abbreviations, words written from
English, typos that are not typos, phrases, and whether a report answers at all."""

from __future__ import annotations

import pytest
from pythainlp.corpus import provinces

from bot.abbreviations import defined, full_names
from bot.answer import ask
from bot.everyday import set_apart
from bot.excerpts import CONTEXT_CHARS, best_sentences
from bot.index import SearchIndex
from bot.index.build import from_reports
from bot.index.query import name_pieces
from bot.rarity import NUMBER_BITS, information, is_filler
from bot.reports import Report
from bot.text import analyze, segment_words, tokenize, unstretch
from bot.thaidate import expand_dates, without_era


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("ส.ค. 63 ใครได้เป็นเลขานุการ", "สิงหาคม 2563 ใครได้เป็นเลขานุการ"),
        ("งบบัตรทองปีงบ 66", "งบบัตรทองปีงบประมาณ 2566"),
        ("แผนปี 63-65", "แผนปี 2563-2565"),
        ("ต.ค.63 - ม.ค. 64", "ตุลาคม 2563 - มกราคม 2564"),
        ("อายุ 63 ปี วงเงิน 66 ล้าน", "อายุ 63 ปี วงเงิน 66 ล้าน"),  # not years
        ("ปี 2563", "ปี 2563"),
        ("ครม.สัญจรครั้งที่ 2 ปี 68 จัดที่ไหน", "ครม.สัญจรครั้งที่ 2/2568 ปี 2568 จัดที่ไหน"),
        ("มติ กกร. ครั้งที่ ๓/๖๗", "มติ กกร. ครั้งที่ 3/2567"),
        ("ครั้งที่ 14 ของปีนี้", "ครั้งที่ 14 ของปีนี้"),  # no year: left alone
    ],
)
def test_short_dates_are_written_out_as_reports_write_them(written: str, read: str) -> None:
    assert expand_dates(written) == read


def test_the_era_before_a_year_is_not_read_as_a_word(archive: SearchIndex) -> None:
    # พศ. is also the abbreviation of สำนักงานพระพุทธศาสนาแห่งชาติ; before a year it is the era.
    assert without_era("ปีงบประมาณ พ.ศ. 2566 และ ค.ศ.2020") == "ปีงบประมาณ 2566 และ 2020"
    query = archive.analyze("งบประมาณ พ.ศ. 2566")
    assert "พศ" not in query.terms and "2566" in query.terms


def test_a_phrase_holds_across_the_era_between_a_word_and_its_year() -> None:
    # The same words in both; only the order differs.
    said = Report("said", "ก", "เรื่อง ก\nแผนงาน ปีงบประมาณ พ.ศ. 2566")
    apart = Report("apart", "ก", "เรื่อง ก\nปีงบประมาณ แผนงาน พ.ศ. 2566")
    index = from_reports([apart, said])
    assert index.search(index.analyze("ปีงบประมาณ 2566"), k=1)[0].report.doc_id == "said"


def test_a_season_of_two_years_is_found_in_either_era_and_either_spelling() -> None:
    season = Report("season", "อ้อย", "เรื่อง ราคาอ้อย\nราคาอ้อยขั้นต้น ฤดูการผลิตปี 2566/67")
    before = Report("before", "อ้อย", "เรื่อง ราคาอ้อย\nราคาอ้อยขั้นต้น ฤดูการผลิตปี 2565/2566")
    index = from_reports([before, season])
    for question in ("ราคาอ้อยขั้นต้นปี 2566/2567", "sugarcane price, 2023/24 season"):
        assert index.search(index.analyze(question), k=1)[0].report.doc_id == "season"


def test_an_everyday_phrase_keeps_its_edges_in_a_question() -> None:
    # Read alone, ลูกจาก (a palm fruit) takes the end of ค่าเลี้ยงลูก.
    assert "ลูกจาก" in tokenize("ค่าเลี้ยงลูกจากประกันสังคม")
    assert set_apart("ค่าเลี้ยงลูกจากประกันสังคม") == " ค่าเลี้ยงลูก จากประกันสังคม"
    assert set_apart("ค่าไฟฟ้าแพง") == "ค่าไฟฟ้าแพง"  # ค่าไฟ inside a longer word: left whole
    child = Report("child", "ก", "เรื่อง ก\nเงินสงเคราะห์บุตรจากกองทุนประกันสังคม")
    index = from_reports([child, ARCHIVE[1]])
    query = index.analyze("ค่าเลี้ยงลูกจากประกันสังคมเท่าไหร่")
    assert "ลูกจาก" not in query.terms and "สงเคราะห์" in query.translations


def test_content_words_of_the_general_stopword_list_are_searched() -> None:
    assert tokenize("แก้ไขเพิ่มเติมการจัดตั้งวันป่าชุมชนแห่งชาติ ระยะที่ 3") == [
        "แก้ไข",
        "เพิ่มเติม",
        "เพิ่ม",
        "เติม",
        "จัดตั้ง",
        "วัน",
        "ป่าชุมชน",
        "แห่งชาติ",
        "ระยะ",
        "3",
    ]
    assert tokenize("ซึ่งได้ให้แก่") == []


def test_question_words_weigh_nothing_and_rare_words_much() -> None:
    assert is_filler("อะไร") and is_filler("บ้าง") and is_filler("ครม") and is_filler("today")
    assert is_filler("อนุมัติ") and is_filler("approved")  # what the cabinet does, not a topic
    assert information("พูดถึง") == 0.0
    assert information("อัจฉริยะ") > information("ปี") > 0  # rare beats common
    assert information("ไทยชนะ") > information("อัจฉริยะ")  # unseen in general Thai: rarest
    assert information("propose") > information("china") > 0


def test_question_words_the_dictionary_joins_weigh_nothing() -> None:
    # The segmenter keeps these whole; each is only question words.
    assert information("ที่ไหนบ้าง") == information("อย่างไรบ้าง") == information("ตรงไหน") == 0.0


def test_a_dictionary_word_the_frequency_list_counts_in_pieces_weighs_its_rarest_piece() -> None:
    # The Thai National Corpus writes แห่งชาติ and เชียงใหม่ only in pieces; they are common
    # words, not words never seen.
    assert information("แห่งชาติ") == information("ชาติ")
    assert information("เชียงใหม่") == information("เชียง") < information("ไทยชนะ")
    # A name outside the dictionary is still as rare as can be, whatever its pieces.
    assert information("อารีพงศ์") == information("ไทยชนะ")


def test_a_small_number_says_less_than_a_year_or_an_amount() -> None:
    # "3 วัน 2 คืน" is in any text; a year or an amount is as telling as a rare word.
    assert information("3") < information("19") < information("2563")
    assert information("2563") == information("923332332") == NUMBER_BITS
    assert information("3") < information("เชียงใหม่")


def test_everyday_words_and_abbreviations_stay_whole() -> None:
    assert segment_words("แอปไทยชนะ") == ["แอป", "ไทย", "ชนะ"]
    assert segment_words("ของกสม.") == ["ของ", "กสม."]
    assert tokenize("บอร์ด สสว.") == ["บอร์ด", "สสว"]


def test_every_province_named_after_its_word_for_province_is_an_index_term() -> None:
    # เลย is also a stopword ("at once"): จังหวัดเลย had been indexed as จังหวัด alone, and
    # neither "Loei" nor "จังหวัดเลย" could find an item about the province.
    for province in provinces():
        words = tokenize(f"จังหวัด{province}")
        assert province in words or f"จังหวัด{province}" in words, province
    assert "จังหวัดเลย" in tokenize("โรงพยาบาลจังหวัดเลย") and tokenize("ไปเลย") == []


ARCHIVE = [
    Report(
        "sme",
        "แต่งตั้งกรรมการ",
        "เรื่อง แต่งตั้งกรรมการ\nสำนักงานส่งเสริมวิสาหกิจขนาดกลางและขนาดย่อม (สสว.) เสนอแต่งตั้ง\n"
        "ตามที่สำนักงานส่งเสริมวิสาหกิจขนาดกลางและขนาดย่อม (สสว.) เสนอ",
    ),
    Report("wage", "ค่าจ้างขั้นต่ำ", "เรื่อง ค่าจ้างขั้นต่ำ\nกำหนดอัตราค่าจ้างขั้นต่ำวันละ 400 บาท"),
    Report("flood", "อุทกภัย", "เรื่อง อุทกภัย\nช่วยเหลือผู้ประสบอุทกภัยครัวเรือนละ 9,000 บาท"),
    Report("cloud", "ดิจิทัล", "เรื่อง ดิจิทัล\nส่งเสริมการใช้ Cloud Computing ในภาครัฐ"),
]


def test_abbreviations_are_mined_with_their_full_names() -> None:
    texts = [report.text for report in ARCHIVE]
    assert defined(texts) == ["สสว."]
    assert full_names(texts, segment_words) == {"สสว.": "สำนักงานส่งเสริมวิสาหกิจขนาดกลางและขนาดย่อม"}


def test_a_full_name_ends_before_an_aside_and_starts_after_another_abbreviation() -> None:
    texts = [
        "ได้แก่ สกศ. สคช. สำนักงานรับรองมาตรฐานและประเมินคุณภาพการศึกษา (สมศ.) และอื่น ๆ",
        "ได้แก่ (1) สำนักงานรับรองมาตรฐานและประเมินคุณภาพการศึกษา (องค์การมหาชน) (สมศ.)",
    ]
    assert full_names(texts, segment_words) == {"สมศ.": "สำนักงานรับรองมาตรฐานและประเมินคุณภาพการศึกษา"}


@pytest.fixture(scope="module")
def archive() -> SearchIndex:
    return from_reports(ARCHIVE)


@pytest.mark.parametrize(
    ("question", "doc"),
    [
        ("ค่าแรงขั้นต่ำวันละเท่าไหร่", "wage"),  # everyday word -> ค่าจ้าง
        ("น้ำท่วมได้เงินช่วยเหลือเท่าไร", "flood"),  # น้ำท่วม -> อุทกภัย
        ("ใช้คลาวด์ในภาครัฐไหม", "cloud"),  # written from English -> Cloud
        ("ส่งเสริมวิสาหกิจขนาดกลางและขนาดย่อม แต่งตั้ง", "sme"),
    ],
)
def test_everyday_wording_finds_the_official_one(
    archive: SearchIndex, question: str, doc: str
) -> None:
    assert archive.search(archive.analyze(question), k=1)[0].report.doc_id == doc


def test_a_dictionary_word_is_never_corrected(archive: SearchIndex) -> None:
    assert ask(archive, "เรื่องค่าจ้างขั้นต่ำ").corrections == ()
    assert ask(archive, "ค่าจ้างขั้นตำ").corrections == (("ขั้นตำ", "ขั้นต่ำ"),)


def test_questions_the_reports_do_not_answer_are_declined(archive: SearchIndex) -> None:
    for question in ("สูตรต้มยำกุ้งน้ำข้น", "best pizza recipe", "สวัสดีครับ", "ทดสอบ"):
        assert not ask(archive, question).found, question


def test_a_name_the_dictionary_lacks_is_one_thing_held_whole_or_not_at_all() -> None:
    assert name_pieces(analyze("พัทธ์ธีรา ศรุติพงศ์โภคิน เกิดวันที่เท่าไร")) == [("ธี", "รา")]
    assert name_pieces(analyze("สราวุธ มาตรทอง")) == [("ส", "รา", "วุธ")]
    assert name_pieces(analyze("ค่าจ้างขั้นต่ำปี 63 ไปดูงาน")) == []  # known words, short or not
    # A report of mould (รา) holds one piece of the name สราวุธ, which is none of it: it had
    # held 43 % of "สราวุธ เกิดที่ไหน".
    index = from_reports([Report("mould", "รา", "เรื่อง รา\nรา ขึ้นผนังบ้าน")])
    [name] = [c for c in index.analyze("สราวุธ เกิดที่ไหน").concepts if "รา" in c.words]
    assert name.groups == (("ส", "รา", "วุธ"),)
    [hit] = index.search(index.analyze("สราวุธ เกิดที่ไหน"), k=1)
    assert hit.report_coverage == 0.0


def test_stretched_letters_read_as_one() -> None:
    assert unstretch("ค่าแรงขั้นต่ำเท่าไหร่คะะะะ มากกกกก") == "ค่าแรงขั้นต่ำเท่าไหร่คะ มาก"
    assert unstretch("ททท. งงงวย ไอออน") == "ททท. งงงวย ไอออน"  # three in a row are words


def test_keyboard_noise_and_guessed_spellings_are_not_answers(archive: SearchIndex) -> None:
    # กกกกกกก is a stretched ก, a lone letter that says nothing; "computng" is only perhaps
    # computing.
    assert is_filler("ก") and not is_filler("5")
    assert not ask(archive, "กกกกกกก").found
    hit = archive.search(archive.analyze("computng"), k=1)[0]
    assert hit.report.doc_id == "cloud" and hit.report_coverage == pytest.approx(0.5)
    assert archive.search(archive.analyze("computing"), k=1)[0].report_coverage == pytest.approx(1)


def test_the_words_side_by_side_outrank_the_same_words_apart() -> None:
    together = Report("together", "ก", "เรื่อง ก\nโครงการรถไฟความเร็วสูงสายใหม่ ระยะแรก")
    apart = Report("apart", "ข", "เรื่อง ข\nรถไฟสายเก่าเปิดแล้ว ส่วนความเร็วของเครื่องบินสูงขึ้น")
    index = from_reports([apart, together])
    assert index.search(index.analyze("รถไฟความเร็วสูง"), k=1)[0].report.doc_id == "together"


def test_an_excerpt_shows_the_amount_asked_for() -> None:
    text = (
        "คณะรัฐมนตรีอนุมัติการจัดงานมหกรรมพืชสวนโลกจังหวัดอุดรธานี เพื่อส่งเสริมการท่องเที่ยว"
        "และเศรษฐกิจของภาคตะวันออกเฉียงเหนือ\nภายใต้กรอบวงเงิน 2,500 ล้านบาท ตามที่เสนอ"
        "โดยให้กรมวิชาการเกษตรเป็นผู้ดำเนินการ"
    )
    weights = {"พืชสวนโลก": 5.0, "อุดรธานี": 4.0, "งบ": 1.0}
    chosen = [text[a:b] for a, b in best_sentences(text, weights, fact="amount")]
    assert any("2,500 ล้านบาท" in sentence for sentence in chosen)


def test_an_excerpt_shows_the_name_asked_for_from_the_sentence_before() -> None:
    text = (
        "1. นายตุลย์ ไตรโสรัส ตำแหน่ง เอกอัครราชทูต สถานเอกอัครราชทูต ณ กรุงมะนิลา\n"
        "ให้ดำรงตำแหน่ง เอกอัครราชทูต สถานเอกอัครราชทูต ณ กรุงพนมเปญ ราชอาณาจักรกัมพูชา"
    )
    weights = {"เอกอัครราชทูต": 3.0, "พนมเปญ": 5.0}
    chosen = [text[a:b] for a, b in best_sentences(text, weights, fact="name")]
    assert any("นายตุลย์ ไตรโสรัส" in sentence for sentence in chosen)


def test_an_excerpt_of_one_short_clause_goes_on_to_the_clauses_after_it() -> None:
    text = (
        "ความเป็นมา\nกำหนดให้จัดเก็บภาษีสรรพสามิตจากน้ำมันหล่อลื่น และน้ำมันที่คล้ายกัน "
        "ในอัตราลิตรละ 5 บาท ตั้งแต่วันที่ประกาศในราชกิจจานุเบกษา "
        "เพื่อให้การจัดเก็บภาษีเป็นไปอย่างมีประสิทธิภาพ และสอดคล้องกับหลักการจัดเก็บภาษีสินค้า"
        "ที่ก่อให้เกิดผลกระทบต่อสิ่งแวดล้อม รวมทั้งเป็นการส่งเสริมการใช้น้ำมันที่ผ่านการรีไซเคิล "
        "ทั้งนี้ กรมสรรพสามิตได้รับฟังความคิดเห็นจากผู้ประกอบการและประชาชนที่เกี่ยวข้องแล้ว "
        "ซึ่งผู้แสดงความคิดเห็นส่วนใหญ่เห็นด้วยกับการกำหนดอัตราภาษีดังกล่าวและเห็นว่าเหมาะสม"
    )
    weights = {"ภาษีสรรพสามิต": 4.0, "น้ำมันหล่อลื่น": 5.0}
    chosen = [text[a:b] for a, b in best_sentences(text, weights)]
    assert "ลิตรละ 5 บาท" in " ".join(chosen)
    assert not any("ความเป็นมา" in sentence for sentence in chosen)  # enough without it


def test_an_excerpt_shows_the_count_in_the_unit_asked_for() -> None:
    filler = "โดยมีรายละเอียดการดำเนินงานตามแผนที่กำหนดไว้ในแต่ละปีงบประมาณอย่างต่อเนื่อง " * 8
    text = (
        "กองทัพบกจะก่อสร้างอาคารหอพักบุคลากรทางการแพทย์ มีขนาดความสูง 55.60 เมตร\n"
        + filler
        + "\nเป็นอาคารสูง 13 ชั้น"
    )
    weights = {"หอพัก": 5.0, "อาคาร": 2.0, "สูง": 1.0}

    def shown(unit: str | None) -> str:
        return " ".join(text[a:b] for a, b in best_sentences(text, weights, None, "amount", unit))

    assert "13 ชั้น" in shown("ชั้น")
    assert "13 ชั้น" not in shown(None)  # any number (55.60 เมตร) would do


def test_a_lone_sentence_between_two_chosen_ones_is_read_with_them() -> None:
    first = "โครงการรถไฟทางคู่สายใหม่" + "ช่วยให้การเดินทางสะดวกและรวดเร็วยิ่งขึ้นสำหรับประชาชน" * 5
    middle = "โดยมีระยะทางทั้งสิ้นประมาณหนึ่งร้อยกิโลเมตร"
    last = "โครงการรถไฟทางคู่ดังกล่าว" + "จะเริ่มก่อสร้างในปีหน้าและแล้วเสร็จภายในสามปี" * 5
    text = f"{first}\n{middle}\n{last}"
    weights = {"รถไฟ": 3.0, "ทางคู่": 4.0}
    chosen = [text[a:b] for a, b in best_sentences(text, weights)]
    assert len(first) + len(last) > CONTEXT_CHARS  # enough context without it
    assert chosen == [first, middle, last]


def test_the_passage_stating_the_count_asked_for_comes_second() -> None:
    text = (
        "เรื่อง การก่อสร้างอาคารหอพักบุคลากรทางการแพทย์\n"
        "1. กองทัพบกจะก่อสร้างอาคารหอพักบุคลากรทางการแพทย์ของโรงพยาบาล มีความสูง 55.60 เมตร\n"
        "2. อาคารหอพักบุคลากรทางการแพทย์ตั้งอยู่ในเขตพื้นที่ควบคุมความสูงของอาคาร\n"
        "3. อาคารหอพักบุคลากรทางการแพทย์ได้รับการยกเว้นตามกฎกระทรวง\n"
        "4. แบบอาคารเป็นอาคารสูง 13 ชั้น พร้อมที่จอดรถ"
    )
    index = from_reports([Report("dorm", "หอพัก", text)])
    hits = index.search(index.analyze("อาคารหอพักบุคลากรทางการแพทย์สูงกี่ชั้น"), k=5)
    assert "13 ชั้น" not in hits[0].passage.text
    assert "13 ชั้น" in hits[1].passage.text
