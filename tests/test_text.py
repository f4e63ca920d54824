"""Tokens: Thai segmentation, English stemming, digits, kept-whole tokens, stopwords."""

from __future__ import annotations

from bot.sentences import sentences
from bot.text import (
    analyze,
    clean,
    detect_language,
    is_index_term,
    stem_english,
    tokenize,
)
from tests.conftest import SEED


def test_thai_words_are_segmented_and_stopwords_dropped() -> None:
    assert tokenize("การพัฒนาเมืองอัจฉริยะของประเทศไทย") == [
        "การพัฒนา",
        "เมือง",
        "อัจฉริยะ",
        "ประเทศ",
        "ไทย",
    ]


def test_thai_digits_become_arabic() -> None:
    assert tokenize("ปี ๒๕๖๓") == tokenize("ปี 2563") == ["ปี", "2563"]


def test_compound_tokens_stay_whole_and_parts_are_findable() -> None:
    terms = tokenize("COVID-19 แผนปี 2020-2025 งบ 1,234.56 ล้านบาท")
    assert "covid-19" in terms and "covid" in terms and "19" in terms
    assert "2020-2025" in terms and "2020" in terms and "2025" in terms
    assert "1,234.56" in terms


def test_a_year_pair_is_one_term_however_written_and_findable_by_each_year() -> None:
    assert tokenize("ฤดูการผลิตปี 2566/67") == ["ฤดู", "การผลิต", "ปี", "2566/2567", "2566", "2567"]
    assert tokenize("2566/2567") == tokenize("2566/67") and tokenize("2023/24")[0] == "2023/2024"
    assert [(t.term, t.start, t.end) for t in analyze("2564/65")] == [
        ("2564/2565", 0, 7), ("2564", 0, 4), ("2565", 5, 7)
    ]  # fmt: skip
    # Not a pair of years: a meeting of a year, a date, years too far apart.
    assert tokenize("ครั้งที่ 2/2568 13/08/2563 2563/70") == ["2/2568", "13/08/2563", "2563/70"]


def test_english_is_lowercased_light_stemmed_and_stopworded() -> None:
    assert tokenize("The Ministries of the Cabinets") == ["ministry", "cabinet"]
    assert tokenize("processes and cases") == ["process", "case"]


def test_stemming_leaves_short_and_latin_words_in_s_alone() -> None:
    assert stem_english("bus") == "bus"
    assert stem_english("status") == "status"
    assert stem_english("analysis") == "analysis"
    assert stem_english("policies") == "policy"


def test_thai_abbreviations_keep_their_letters() -> None:
    assert "ครม" in tokenize("มติ ครม. เห็นชอบ")
    assert tokenize("ค.ศ. 2020") == ["คศ", "2020"]


def test_query_and_passage_get_the_same_terms() -> None:
    passage = "แอปพลิเคชันไทยชนะและ AOT Airport"
    for word in tokenize("แอปพลิเคชันไทยชนะ"):
        assert word in tokenize(passage)


def test_spans_point_at_the_surface_words() -> None:
    text = "โควิด-19 (Video Conference)"
    assert [(t.term, text[t.start : t.end]) for t in analyze(text)] == [
        ("โควิด", "โควิด"),
        ("19", "19"),
        ("video", "Video"),
        ("conference", "Conference"),
    ]


def test_clean_removes_zero_width_and_normalises_line_ends() -> None:
    assert clean("ไทย\u200bชนะ\r\nข้อ") == "ไทยชนะ\nข้อ"


def test_punctuation_and_symbols_make_no_terms() -> None:
    assert tokenize("“ ” ( ) - ... !!! <b></b> & 😀") == []


def test_language_detection() -> None:
    assert detect_language("แอปพลิเคชันไทยชนะ") == "th"
    assert detect_language("Thai Chana application") == "en"
    assert detect_language("แอป Thai Chana ใช้ทำอะไร") == "mixed"
    assert detect_language("12345") == "th"


def test_sentences_split_lines_and_join_short_thai_clauses() -> None:
    text = "ข้อแรก สั้น\nทั้งนี้ อาเซียนอยู่ระหว่างการยกยุทธศาสตร์เพื่อรองรับการก้าวสู่ยุคการปฏิวัติอุตสาหกรรม ดังนี้"
    spans = sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "ข้อแรก สั้น",
        "ทั้งนี้ อาเซียนอยู่ระหว่างการยกยุทธศาสตร์เพื่อรองรับการก้าวสู่ยุคการปฏิวัติอุตสาหกรรม ดังนี้",
    ]


def test_an_aside_in_brackets_stays_with_the_name_before_it() -> None:
    text = (
        "คณะรัฐมนตรีมีมติอนุมัติตามที่กระทรวงเกษตรและสหกรณ์ซึ่งเป็นหน่วยงานหลัก (กษ.) เสนอ"
        " 1. อนุมัติกรอบงบประมาณ"
        "การจัดงานมหกรรมพืชสวนโลกจังหวัดอุดรธานี พ.ศ. 2569 วงเงิน 2,500 ล้านบาท"
    )
    assert not any(text[a:b].startswith("(") for a, b in sentences(text))
    # Nor does a sentence start at the repetition mark or at a year's era.
    text = (
        "การจัดงานเทศกาลดนตรีระดับโลกเพื่อส่งเสริมการท่องเที่ยวและเศรษฐกิจของประเทศในด้านต่าง ๆ"
        " ในระดับนานาชาติ จัดที่จังหวัดอุดรธานีซึ่งเป็นศูนย์กลางของภูมิภาคตะวันออกเฉียงเหนือตอนบน"
        " พ.ศ. 2569 วงเงิน 2,500 ล้านบาท"
    )
    starts = [text[a:b][:2] for a, b in sentences(text)]
    assert "ๆ " not in starts and "พ." not in starts and "25" not in starts


def test_very_long_sentences_are_cut() -> None:
    text = " ".join(["คำ"] * 400)
    assert all(b - a <= 320 for a, b in sentences(text))
    assert sentences("") == []


def test_english_ordinals_are_their_numbers() -> None:
    assert tokenize("the 15th ASEAN Summit, 2nd and 3rd phases") == [
        "15", "asean", "summit", "2", "3", "phase"
    ]  # fmt: skip


def test_dictionary_compounds_are_also_indexed_by_their_parts() -> None:
    assert tokenize("กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม") == [
        "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "กระทรวง", "ดิจิทัล", "เศรษฐกิจ", "สังคม"
    ]  # fmt: skip
    assert tokenize("เทคโนโลยี") == ["เทคโนโลยี"]  # เทคโน โล ยี is no compound
    assert tokenize("กระทรวง") == ["กระทรวง"]


def test_a_nominaliser_read_with_the_wrong_neighbour_gives_both_readings() -> None:
    # Maximal matching reads โครง + การพัฒนา; โครงการ must still be found.
    assert tokenize("โครงการพัฒนาเมือง") == ["โครง", "การพัฒนา", "โครงการ", "พัฒนา", "เมือง"]
    assert tokenize("โครงการก่อสร้าง") == ["โครงการ", "ก่อสร้าง"]


def test_compound_splits_prefer_fewest_words_then_shorter_first() -> None:
    assert tokenize("กรมชลประทาน") == ["กรมชลประทาน", "กรม", "ชลประทาน"]
    assert tokenize("ลงคะแนนเสียง")[1:] == ["ลงคะแนน", "เสียง"]


def test_tokenize_gives_exactly_the_index_terms_of_analyze() -> None:
    # tokenize reads runs through its own memory; it must agree with analyze everywhere.
    seed_text = SEED.read_text(encoding="utf-8")
    samples = [seed_text, "COVID-19 ๒๕๖๓ 15th U.S. ครม. โครงการพัฒนา", "", "<b>x</b> ๆ ฯ"]
    for sample in samples:
        expected = [t.term for t in analyze(clean(sample)) if is_index_term(t.term)]
        assert tokenize(sample) == expected
    assert tokenize(seed_text) == tokenize(seed_text)  # and again, from its memory


def test_thai_runs_are_segmented_as_pythainlp_word_tokenize_would() -> None:
    from pythainlp.tokenize import word_tokenize

    from bot.text import _RUN, clean, segment_thai

    sample = clean(SEED.read_text(encoding="utf-8") + " ค.ศ. ครม. ๆลๆ")
    runs = [match.group() for match in _RUN.finditer(sample) if match.lastgroup == "thai"]
    assert len(runs) > 80
    for run in runs:
        assert segment_thai(run) == word_tokenize(run, engine="nlpo3", keep_whitespace=False)


def test_clean_removes_every_format_character_and_nothing_else() -> None:
    import unicodedata

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    normal = unicodedata.normalize("NFC", every).replace("\r", "\n")
    assert clean(every) == "".join(ch for ch in normal if unicodedata.category(ch) != "Cf")


def test_latin_letters_lose_their_accents() -> None:
    # Lists and questions write communiqué or communique, São Paulo or Sao Paulo.
    assert tokenize("Emirates Communiqué") == tokenize("emirates communique")
    assert tokenize("São Paulo café") == ["sao", "paulo", "cafe"]
    words = analyze("ที่ São Paulo")
    assert [(w.term, w.start, w.end) for w in words if w.term == "sao"] == [("sao", 4, 7)]
