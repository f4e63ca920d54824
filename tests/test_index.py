"""Retrieval: the BM25 formula, exact agreement with rank-bm25, ranking order, ties, empties."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.index import SearchIndex, rerank
from bot.index.build import from_reports
from bot.index.postings import LuceneBM25, Postings
from bot.passages import Passage
from bot.reports import Report
from bot.text import tokenize
from bot.thaidate import Period, find_period
from tests.conftest import SEED_ID, index_of


def _index(*texts: str) -> SearchIndex:
    reports = [Report(f"r{i}", f"report {i}", text) for i, text in enumerate(texts)]
    passages = [Passage(r.doc_id, "1", r.text, 0, len(r.text)) for r in reports]
    return index_of(passages, reports, tokenize)


def test_lucene_idf_keeps_shared_terms_positive_where_okapi_zeroes_them() -> None:
    corpus = [["ดิจิทัล", "อาเซียน"], ["ดิจิทัล", "จีน"]]
    assert max(BM25Okapi(corpus).get_scores(["ดิจิทัล"])) <= 0  # a match that scores nothing
    assert all(score > 0 for score in LuceneBM25(corpus).get_scores(["ดิจิทัล"]))


def test_postings_give_rank_bm25_scores_exactly() -> None:
    documents = [tokenize(text) for text in ("เศรษฐกิจดิจิทัล อาเซียน", "ดิจิทัล ดิจิทัล จีน", "ข้าว")]
    reference = LuceneBM25(documents)
    postings = Postings.build(documents)
    for query in (["ดิจิทัล"], ["ดิจิทัล", "จีน", "ดิจิทัล"], ["ไม่มี"], []):
        assert np.array_equal(postings.scores(query), reference.get_scores(query))


def test_postings_of_passages_without_terms_are_empty_not_an_error() -> None:
    postings = Postings.build([[], ["a"], [], ["a", "b", "a"]])
    assert postings.indptr.tolist() == [0, 2, 3] and postings.indices.tolist() == [1, 3, 3]
    assert postings.scores(["missing"]).dtype == np.float64
    assert postings.scores(["a"]).tolist()[0::2] == [0.0, 0.0]
    empty = Postings.build([[], []])
    assert empty.indices.size == 0 and empty.scores(["a"]).tolist() == [0.0, 0.0]


def test_holding_answers_for_rows_in_any_order_and_repeated() -> None:
    documents = [["a", "b"], ["b"], [], ["a", "c", "a"], ["c"]]
    postings = Postings.build(documents)
    rows = np.array([4, 0, 3, 0, 2, 4])  # hits' reports: ranked order, one report twice
    holding = postings.holding(["a", "b", "c", "missing"], rows)
    for term, held in holding.items():
        assert held.tolist() == [term in documents[row] for row in rows.tolist()]
    assert postings.holding(["a"], np.zeros(0, np.int64))["a"].shape == (0,)
    assert postings.holding([], rows) == {}


def test_search_ranks_by_score_and_returns_only_passages_sharing_a_term(
    seed_index: SearchIndex,
) -> None:
    hits = seed_index.search(seed_index.analyze("เมืองอัจฉริยะ Blockchain"), k=10)
    assert hits[0].passage.section == "1.2.4" and hits[0].report.doc_id == SEED_ID
    assert set(hits[0].matched) == {"เมือง", "อัจฉริยะ", "blockchain"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.matched for h in hits)
    assert seed_index.search(seed_index.analyze("pizza"), k=10) == []


def test_ties_are_broken_by_passage_order() -> None:
    index = _index("ข้าว ส่งออก", "ข้าว ส่งออก", "ข้าว ส่งออก")
    assert [h.report.doc_id for h in index.search(index.analyze("ข้าว"), k=3)] == ["r0", "r1", "r2"]
    assert [h.report.doc_id for h in index.search(index.analyze("ข้าว"), k=2)] == ["r0", "r1"]


def test_a_passage_repeating_an_earlier_one_of_its_report_is_not_a_second_hit() -> None:
    # An item may list one change under two sections, word for word.
    line = "ปรับปรุงหน้าที่และอำนาจของสำนักงาน"
    law = Report("law", "ร่างกฎหมาย", f"{line}\nเพิ่มโทษปรับ\n{line}")
    other = Report("other", "ระเบียบ", line)
    second = law.text.rindex(line)
    passages = [
        Passage("law", "1", law.text, 0, len(line)),
        Passage("law", "2", law.text, len(line) + 1, second - 1),
        Passage("law", "3", law.text, second, len(law.text)),
        Passage("other", "1", other.text, 0, len(line)),
    ]
    index = index_of(passages, [law, other])
    hits = index.search(index.analyze("ปรับปรุงหน้าที่"), k=5)
    found = [(hit.report.doc_id, hit.passage.section) for hit in hits]
    assert found == [("law", "1"), ("other", "1")]


def test_the_best_rows_skip_repeats_however_many_of_the_first_are_repeats() -> None:
    rows, scores = np.arange(6), np.array([5.0, 4.0, 3.0, 2.0, 1.0, 2.0])
    repeated = np.array([False, True, True, False, False, False])
    # The first three are mostly repeats: the next best (ties in row order) take their places.
    assert rerank.best(rows, scores, 3, repeated)[0].tolist() == [0, 3, 5]
    assert rerank.best(rows, scores, 1, repeated)[0].tolist() == [0]
    assert rerank.best(rows, scores, 9, repeated)[0].tolist() == [0, 3, 5, 4]


def test_a_rarer_term_outranks_a_common_one() -> None:
    index = _index("ข้าว ยาง", "ข้าว มัน", "ข้าว ทุเรียน")
    assert index.search(index.analyze("ข้าว ทุเรียน"), k=1)[0].report.doc_id == "r2"


def test_coverage_says_how_much_of_the_question_a_hit_holds() -> None:
    index = _index("ข้าว ทุเรียน", "ข้าว มัน")
    best, other = index.search(index.analyze("ข้าว ทุเรียน"), k=2)
    assert best.coverage == 1.0 and best.report_coverage == 1.0
    assert 0 < other.coverage < 1


def test_empty_corpus_and_empty_question_give_no_hits() -> None:
    empty = index_of([], [], tokenize)
    assert len(empty) == 0 and empty.search(empty.analyze("ข้าว")) == []
    rice = _index("ข้าว")
    assert rice.search(rice.analyze("")) == []
    assert rice.search(rice.analyze("และ ของ the")) == []
    assert rice.search(rice.analyze("ข้าว"), k=0) == []


def test_a_named_month_or_year_lifts_reports_of_meetings_then() -> None:
    reports = [
        Report("old", "ข้าว", "ราคาข้าว", meeting_date=date(2019, 6, 4)),
        Report("new", "ข้าว", "ราคาข้าว", meeting_date=date(2020, 6, 9)),
        Report("other", "ข้าว", "ราคาข้าว", meeting_date=date(2020, 1, 7)),
    ]
    passages = [Passage(r.doc_id, "1", r.text, 0, len(r.text)) for r in reports]
    index = index_of(passages, reports, tokenize)

    def first(question: str) -> str:
        return index.search(index.analyze(question), k=1)[0].report.doc_id

    assert [h.report.doc_id for h in index.search(index.analyze("ราคาข้าว"))] == [
        "old",
        "new",
        "other",
    ]
    assert first("ราคาข้าว มิถุนายน 2563") == "new"
    assert first("rice prices in June 2020 ราคาข้าว") == "new"
    assert first("ราคาข้าว ปี 2562") == "old"
    assert find_period("ประชุม มิ.ย. 63") == Period(2020, 6)
    assert find_period("ครั้งที่ 14") is None


def test_the_report_s_passage_stating_the_amount_asked_for_comes_second() -> None:
    # The item's name is in its first passage, its amount in another that says little else.
    texts = [
        ("home", "1", "โครงการบ้านล้านหลัง ระยะที่ 3 ของธนาคารอาคารสงเคราะห์"),
        ("home", "2", "โครงการบ้านล้านหลังเพื่อให้ประชาชนมีบ้านเป็นของตนเอง"),
        ("home", "3", "โครงการนี้ใช้วงเงิน 2,193,760,000 บาท"),
        ("other", "1", "โครงการบ้านมั่นคง ของธนาคารอาคารสงเคราะห์"),
    ]
    passages = [Passage(doc, section, text, 0, len(text)) for doc, section, text in texts]
    reports = [Report("home", "บ้าน", "."), Report("other", "บ้าน", ".")]
    index = index_of(passages, reports)

    def ranked(question: str, k: int = 10) -> list[tuple[str, str]]:
        return [
            (h.report.doc_id, h.passage.section) for h in index.search(index.analyze(question), k)
        ]

    assert ranked("โครงการบ้านล้านหลัง ระยะที่ 3").index(("home", "3")) > 1
    asked = ranked("โครงการบ้านล้านหลัง ระยะที่ 3 ใช้งบเท่าไหร่")
    assert asked[:2] == [("home", "1"), ("home", "3")] and len(asked) == 4
    # Fewer hits asked for: the same first ones.
    assert ranked("โครงการบ้านล้านหลัง ระยะที่ 3 ใช้งบเท่าไหร่", k=2) == asked[:2]


def test_an_item_matching_only_through_its_borrowed_heading_ranks_below_the_heading() -> None:
    lead = (
        "รัฐมนตรีของจีนได้เสนอทิศทางความร่วมมือด้านเศรษฐกิจดิจิทัล 6 ด้าน เพื่อส่งเสริม"
        "การพัฒนาอย่างยั่งยืนในภูมิภาคและการเติบโตทางเศรษฐกิจร่วมกัน ดังนี้"
    )
    items = ["กำกับดูแลโลกอินเทอร์เน็ต", "ยกระดับความมั่นคงปลอดภัยไซเบอร์"]
    passages = [Passage("r", "1", lead, 0, len(lead))] + [
        Passage("r", f"1.{n}", item, 0, len(item), context=lead[:40])
        for n, item in enumerate(items, start=1)
    ]
    index = index_of(passages, [Report("r", "ดิจิทัล", ".")])
    hits = index.search(index.analyze("จีนเสนออะไร"))
    assert [h.passage.section for h in hits] == ["1", "1.1", "1.2"]


def test_a_report_whose_whole_title_the_question_holds_is_lifted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = "ออสเตรเลียปกครองด้วยระบอบประชาธิปไตย มีรัฐ"
    australia = Report("au", "ประเทศออสเตรเลีย", f"เรื่อง ประเทศออสเตรเลีย\n{body}")
    body = "นิวซีแลนด์ ปกครองด้วยระบอบประชาธิปไตย ใกล้ประเทศออสเตรเลีย"
    zealand = Report("nz", "ประเทศนิวซีแลนด์", f"เรื่อง ประเทศนิวซีแลนด์\n{body}")
    index = from_reports([zealand, australia])
    question = index.analyze("ประเทศออสเตรเลียปกครองด้วยระบอบอะไร")
    assert index.search(question, k=1)[0].report.doc_id == "au"
    monkeypatch.setattr(SearchIndex, "TITLE_BOOST", 0.0)
    assert index.search(question, k=1)[0].report.doc_id == "nz"  # more of the words, unlifted


def test_a_question_s_month_and_year_are_held_by_a_report_of_a_meeting_then() -> None:
    reports = [
        Report("vat", "วัด", "รับรองวัดคาทอลิก 41 วัด", meeting_date=date(2024, 1, 16)),
        Report("other", "ประกาศ", "ประกาศเมื่อมกราคม 2567", meeting_date=date(2020, 5, 5)),
    ]
    passages = [Passage(r.doc_id, "1", r.text, 0, len(r.text)) for r in reports]
    index = index_of(passages, reports, tokenize)
    hit = index.search(index.analyze("ม.ค. 67 รับรองวัดคาทอลิกกี่วัด"), k=1)[0]
    # The report never writes มกราคม 2567; its meeting was then, so all the content is held.
    assert hit.report.doc_id == "vat" and hit.report_coverage == pytest.approx(1)
    assert hit.passage_content == pytest.approx(1)
    undated = index.search(index.analyze("รับรองวัดคาทอลิกกี่วัด ปี 2530"), k=1)[0]
    assert undated.report_coverage < 1  # no meeting then: the year is not held


def test_only_the_contenders_are_ranked_and_ties_are_read_in_row_order() -> None:
    scores = np.array([1.0, 5.0, 2.0, 5.0, 3.0, 2.0, 0.5])
    # The best 3, and every row tied with the third: no row left out scores as much.
    assert rerank.contenders(scores, 3).tolist() == [1, 3, 4]
    assert rerank.contenders(scores, 4).tolist() == [1, 2, 3, 4, 5]
    assert rerank.contenders(scores, 9).tolist() == list(range(7))
    # Of passages scoring alike (a repeated one and its original), the earlier row is read.
    rows = np.array([40, 7, 12, 3, 9, 2, 1])
    assert rerank.candidates(rows, scores, 3).tolist() == [3, 1, 4]
