"""English questions over Thai reports: the lexicon, sense weighting, and translated search."""

from __future__ import annotations

import pytest

from bot.index import SearchIndex
from bot.index.query import QueryReader
from bot.lexicon import Lexicon, Match, default_lexicon
from bot.passages import Passage
from bot.reports import Report
from bot.text import tokenize
from tests.conftest import index_of


def test_longest_english_phrase_wins_and_glossary_overrides_wordnet() -> None:
    lexicon = Lexicon.parse(
        ["smart city\tเมืองอัจฉริยะ", "cabinet\tคณะรัฐมนตรี|ครม."],
        ["smart\tฉลาด", "city\tเมือง", "cabinet\tตู้"],
    )
    terms = tokenize("Smart City cabinets")
    assert lexicon.lookup(terms) == [
        Match(0, 2, ("เมืองอัจฉริยะ",)),
        Match(2, 3, ("คณะรัฐมนตรี", "ครม.")),
    ]


def test_shipped_lexicon_knows_government_terms() -> None:
    lexicon = default_lexicon()
    assert lexicon.get(("ministry", "finance")) == ("กระทรวงการคลัง",)
    assert "งบประมาณ" in (lexicon.get(("budget",)) or ())
    assert "อ่างเก็บน้ำ" in (lexicon.get(("reservoir",)) or ())  # from WordNet, not the glossary
    assert len(lexicon) > 50_000
    # Ordinals are the numbers reports write (การประชุมครั้งที่ 2), not "to second" (สนับสนุน).
    assert lexicon.get(("second",)) == ("2",) and lexicon.get(("day",)) == ("วัน",)
    # Words the English summaries use that WordNet renders otherwise or not at all.
    assert lexicon.get(("gazette",)) == ("ราชกิจจานุเบกษา",)
    assert lexicon.get(("deputy", "director")) == ("รองผู้อำนวยการ",)
    # Places as English summaries spell them; their words are English, never typos.
    assert lexicon.get(("khon", "kaen")) == ("ขอนแก่น",) and lexicon.knows("khon")


def _index(lexicon: Lexicon, *texts: str) -> SearchIndex:
    reports = [Report(f"r{i}", f"report {i}", text) for i, text in enumerate(texts)]
    passages = [Passage(r.doc_id, "1", r.text, 0, len(r.text)) for r in reports]
    return index_of(passages, reports, tokenize, lexicon)


def test_senses_are_weighted_by_how_often_the_corpus_uses_them() -> None:
    lexicon = Lexicon.parse(["cabinet\tตู้|คณะรัฐมนตรี"])
    index = _index(
        lexicon,
        "คณะรัฐมนตรีมีมติเห็นชอบ",
        "คณะรัฐมนตรีรับทราบรายงาน",
        "คณะรัฐมนตรีอนุมัติงบประมาณ",
        "จัดซื้อตู้ เพื่อเก็บเอกสาร",
    )
    query = index.analyze("cabinet")
    # ตู้ is in 1 passage, under half as common; the compound comes with its parts.
    assert query.translations == {"คณะรัฐมนตรี": 1.0, "คณะ": 1.0, "รัฐมนตรี": 1.0}
    assert index.search(query, k=1)[0].report.doc_id == "r0"


def test_an_english_word_rendered_in_thai_is_carried_by_its_rendering(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lexicon = Lexicon.parse(["asean\tอาเซียน", "secretary-general\tเลขาธิการ", "say\tกล่าวถึง"])
    index = _index(
        lexicon,
        "ร่างหนังสือโครงการเกษตร ASEAN ให้ Secretary-General of ASEAN ลงนาม",
        "เลขาธิการอาเซียนได้กล่าวถึงแผนแม่บทด้านดิจิทัล",
        "รายงานการประชุมอาเซียนด้านการเกษตร",
    )
    query = index.analyze("What did the ASEAN Secretary-General say?")
    # The English words keep a quarter of their own weight: the passage quoting the English
    # names no longer outranks the one that says what the question asks in Thai.
    assert query.added["asean"] == pytest.approx(index.reader.OWN_RENDERED - 1)
    assert query.added["say"] == pytest.approx(index.reader.OWN_RENDERED - 1)
    assert query.added["อาเซียน"] == query.translations["อาเซียน"] == 1.0
    assert index.search(query, k=1)[0].report.doc_id == "r1"
    # At its full weight, the quoted English would win.
    monkeypatch.setattr(QueryReader, "OWN_RENDERED", 1.0)
    [first] = index.search(index.analyze("What did the ASEAN Secretary-General say?"), k=1)
    assert first.report.doc_id == "r0"


def test_english_question_finds_the_thai_passage(seed_index: SearchIndex) -> None:
    [first, *_] = seed_index.search(seed_index.analyze("smart city"), k=3)
    assert first.passage.section == "1.2.4"
    assert "เมือง" in first.matched and "อัจฉริยะ" in first.matched
    assert first.report_coverage == 1.0


def test_data_is_a_word_of_the_passages(seed_index: SearchIndex) -> None:
    # ข้อมูล was a stopword (for "ขอข้อมูล..."), so "data" had nothing to match in Thai.
    query = seed_index.analyze("exchange of data")
    assert "ข้อมูล" in query.translations
    [first, *_] = seed_index.search(query, k=3)
    assert first.passage.section == "1.1.5" and "ข้อมูล" in first.matched


def test_unknown_english_words_are_not_translated(seed_index: SearchIndex) -> None:
    query = seed_index.analyze("zzyzx quux")
    assert query.translations == {} and seed_index.search(query) == []


def test_base_forms_find_words_the_light_stemmer_keeps() -> None:
    lexicon = Lexicon.parse(["promote\tส่งเสริม", "damage\tความเสียหาย", "environment\tสิ่งแวดล้อม"])
    assert [m.thai for m in lexicon.lookup(tokenize("promoting damaged environmental"))] == [
        ("ส่งเสริม",),
        ("ความเสียหาย",),
        ("สิ่งแวดล้อม",),
    ]
    doubled = Lexicon.parse(["cancel\tยกเลิก", "submit\tเสนอ", "call\tเรียก"])
    assert [m.thai for m in doubled.lookup(tokenize("cancelled submitted calling"))] == [
        ("ยกเลิก",),
        ("เสนอ",),
        ("เรียก",),
    ]


def test_years_match_across_eras() -> None:
    index = _index(Lexicon.parse([]), "แผนปี 2563 ของกระทรวง", "งบประมาณปี 2564", "ASEAN 2020")
    assert index.search(index.analyze("plan 2020"), k=3)[0].report.doc_id in {"r0", "r2"}
    assert {hit.report.doc_id for hit in index.search(index.analyze("2563"), k=3)} == {"r0", "r2"}
    assert {hit.report.doc_id for hit in index.search(index.analyze("ปี 2020"), k=2)} == {
        "r0",
        "r2",
    }
