"""Answers: best sentences, highlight marks, citations, abstention, and rendering."""

from __future__ import annotations

import gc
import weakref
from datetime import date
from html.parser import HTMLParser

from bot.answer import PAGED, Answer, ask, find
from bot.corpus import load_corpus
from bot.excerpts import Citation, Excerpt, shorten
from bot.index import SearchIndex
from bot.index.build import from_reports
from bot.passages import Passage
from bot.render import TELEGRAM_LIMIT, telegram_length, to_html, to_text
from bot.reports import Report
from bot.social import social
from bot.texts import ENGLISH, THAI, texts_for
from tests.conftest import SEED, SEED_ID


def test_thai_question_gets_cited_best_sentences_with_marks(seed_index: SearchIndex) -> None:
    answer = ask(seed_index, "แอปพลิเคชันไทยชนะ")
    assert answer.found and answer.language == "th"
    first = answer.excerpts[0]
    assert "แอปพลิเคชันไทยชนะ" in first.text
    assert len(first.text) < len(first.passage.text)  # sentences, not the whole passage
    assert "แอปพลิเคชันไทยชนะ" in [first.text[a:b] for a, b in first.marks]  # marked whole
    assert first.citation == Citation(
        doc_id=SEED_ID,
        title=shorten(seed_index.reports[SEED_ID].title, 90),
        section="2",
        meeting_date=date(2020, 8, 13),
        url=None,
        source=f"{SEED_ID}.txt",
    )


def test_english_question_matching_english_words(seed_index: SearchIndex) -> None:
    answer = ask(seed_index, "Blockchain")
    assert answer.language == "en"
    assert answer.excerpts[0].citation.section == "1.2.4"
    assert "Blockchain" in answer.excerpts[0].text


def test_nothing_relevant_abstains(seed_index: SearchIndex) -> None:
    for question in ("ราคาทองคำวันนี้", "best pizza recipe", "", "   ", "!!!"):
        assert not ask(seed_index, question).found


def test_excerpts_are_limited_and_paged(seed_index: SearchIndex) -> None:
    answer = ask(seed_index, "ดิจิทัล", max_excerpts=2)
    assert len(answer.excerpts) == 2
    assert answer.page(1, 5).excerpts == answer.excerpts[1:]


def test_a_corpus_of_one_report_pages_through_all_its_passages(seed_index: SearchIndex) -> None:
    excerpts = find(seed_index, "ดิจิทัล").answer(12).excerpts
    assert len(excerpts) == 12  # not only the per-report caps' 2 or 4
    assert len({e.passage.section + e.text for e in excerpts}) == 12


def test_the_best_report_gives_up_to_four_excerpts_and_the_others_two_first() -> None:
    def report(doc_id: str, mentions: int) -> Report:
        items = "\n".join(
            f"{n}. โครงการรถไฟสายที่ {n} "
            + "รถไฟทางคู่ " * mentions
            + f"ระยะทาง {n}0 กิโลเมตร ผ่านพื้นที่หลายจังหวัด ใช้เวลาก่อสร้างประมาณสามปี"
            for n in range(1, 7)
        )
        return Report(doc_id, f"เรื่อง {doc_id}", f"เรื่อง รถไฟ {doc_id}\n{items}")

    index = from_reports([report("many", 3), report("few", 1)])
    excerpts = find(index, "รถไฟทางคู่").answer(12).excerpts
    order = [e.citation.doc_id for e in excerpts]
    assert order[0] == "many" and order[:6].count("many") == 4 and order[:6].count("few") == 2
    assert len(order) > 6  # the passages the caps held back follow


def test_a_title_is_not_quoted_under_its_own_report_once_that_is_shown() -> None:
    first = "1. " + "รถไฟทางคู่ " * 4 + "สายแรก ระยะทาง 10 กิโลเมตร"
    items = "\n".join(
        f"{n}. รถไฟทางคู่สายที่ {n} ระยะทาง {n}0 กิโลเมตร ผ่านพื้นที่หลายจังหวัด ใช้เวลาสามปี"
        for n in range(2, 5)
    )
    title = "การก่อสร้างโครงการรถไฟทางคู่ สายใหม่ของการรถไฟแห่งประเทศไทย ระยะที่สอง"
    index = from_reports([Report("rail", title, f"เรื่อง {title}\n{first}\n{items}")])
    hits = find(index, "รถไฟทางคู่").hits
    assert [hit.passage.section for hit in hits].index("title") in (1, 2, 3)  # ranked early
    sections = [e.citation.section for e in find(index, "รถไฟทางคู่").answer(12).excerpts]
    assert sections[-1] == "title" and sections.count("title") == 1  # quoted last


def _answer(
    text: str, language: str = "th", url: str | None = "https://example.org/a?b=1&c=2"
) -> Answer:
    citation = Citation("doc", "ชื่อรายงาน <ทดสอบ>", "1.2.4", date(2020, 8, 13), url, "doc.txt")
    excerpt = Excerpt(text, ((0, 4),), citation, 1.0, Passage("doc", "1.2.4", text, 0, len(text)))
    return Answer("คำถาม <b>ตัวหนา</b> & more", language, (excerpt,) * 3, ("คำ",))


def test_html_is_escaped_and_marks_are_bold() -> None:
    html = to_html(_answer("ข้าวไทย <script> & ราคา"))
    assert (
        html.splitlines()[0] == "ผลการค้นหาสำหรับ <i>คำถาม &lt;b&gt;ตัวหนา&lt;/b&gt; &amp; more</i>"
    )
    assert "<b>1. ชื่อรายงาน &lt;ทดสอบ&gt;</b>" in html
    assert "<i>ข้อ 1.2.4 · 13 สิงหาคม 2563 (2020-08-13)</i>" in html
    assert "<blockquote><b>ข้าว</b>ไทย &lt;script&gt; &amp; ราคา</blockquote>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2">ลิงก์ต้นฉบับ</a>' in html


def test_english_interface_for_english_questions() -> None:
    text = to_text(_answer("rice exports", language="en", url=None))
    assert text.splitlines()[0] == "Results for: คำถาม <b>ตัวหนา</b> & more"
    assert "   §1.2.4 · 13 August 2020 (2020-08-13) · doc.txt" in text
    assert "«rice» exports" in text


def test_not_found_reply_in_the_question_language() -> None:
    empty = Answer("best pizza", "en", (), ())
    assert to_text(empty).startswith("No relevant report found")
    assert to_html(Answer("<b>พิซซ่า</b>", "th", (), ())).startswith(
        "ไม่พบรายงานที่เกี่ยวข้องกับคำถามนี้\n<i>&lt;b&gt;พิซซ่า&lt;/b&gt;</i>"
    )


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        assert tag in {"b", "i", "a", "blockquote"}
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag


def test_html_stays_within_telegram_limit_cutting_whole_excerpts() -> None:
    long = _answer("ข้าว " * 700)
    html = to_html(long)
    assert telegram_length(html) <= TELEGRAM_LIMIT
    assert html.count("<blockquote>") == 1 and "ตัดออก" in html
    checker = _TagChecker()
    checker.feed(html)
    assert checker.stack == []
    assert to_html(long, limit=100_000).count("<blockquote>") == 3


def test_huge_question_is_shortened_in_the_reply(seed_index: SearchIndex) -> None:
    answer = ask(seed_index, "ดิจิทัล " * 1000)
    assert answer.found
    assert telegram_length(to_html(answer)) <= TELEGRAM_LIMIT
    assert len(to_text(answer).splitlines()[0]) < 200


def test_english_answer_quotes_thai_and_names_the_thai_words_it_matched(
    seed_index: SearchIndex,
) -> None:
    answer = ask(seed_index, "smart city")
    assert answer.language == "en"
    assert answer.translations == (("smart city", ("เมือง", "อัจฉริยะ")),)
    assert "เมืองอัจฉริยะ" in answer.excerpts[0].text
    text = to_text(answer)
    assert text.splitlines()[:2] == [
        "Results for: smart city",
        "Thai words matched: smart city → เมือง, อัจฉริยะ",
    ]
    assert "«เมืองอัจฉริยะ»" in text


def test_a_phrase_asked_twice_is_named_once_among_the_translations(
    seed_index: SearchIndex,
) -> None:
    answer = ask(seed_index, "smart city smart city smart city")
    assert answer.found
    assert len(answer.translations) == len(set(answer.translations)) >= 1


def test_an_answer_composes_only_the_excerpts_asked_for(seed_index: SearchIndex) -> None:
    results = find(seed_index, "ASEAN digital")
    one, two, every = results.answer(1), results.answer(2), results.answer(PAGED)
    assert len(one.excerpts) == 1 and one.more  # one composed, and one more to tell it
    assert two.excerpts[:1] == one.excerpts and len(two.excerpts) == 2 and two.more
    count = len(every.excerpts)
    assert 2 < count < PAGED and every.excerpts[:2] == two.excerpts and not every.more
    assert results.answer(count - 1).more and results.answer(count) == every
    assert one.results is results
    assert ask(seed_index, "ASEAN digital", max_excerpts=2).excerpts == two.excerpts


def test_a_kept_answer_does_not_keep_its_index_alive() -> None:
    # After a /reload, answers kept for their buttons must not hold the old index in memory:
    # their later pages then segment passages again, with the same excerpts.
    index = from_reports(load_corpus([SEED]).reports)
    first = find(index, "แอปพลิเคชันไทยชนะ").answer(2)
    expected = first.results.answer(6).excerpts if first.results else ()
    alive = weakref.ref(index)
    del index
    gc.collect()
    assert alive() is None
    assert first.results is not None and first.results.answer(6).excerpts == expected


def test_pages_reach_fifty_excerpts_in_all() -> None:
    reports = [Report(f"r{n}", f"ข้าว {n}", f"เรื่อง ข้าว {n}\nราคาข้าว ปี {n}") for n in range(80)]
    results = find(from_reports(reports), "ราคาข้าว")
    assert results.answer(49).more and not results.answer(50).more
    assert len(results.answer(60).excerpts) == 50


def test_one_rule_picks_the_language_of_every_reply() -> None:
    # About a question: the question's language, whatever the user's Telegram is set to.
    assert texts_for("en", user_language="th") is ENGLISH
    assert texts_for("mixed", user_language="en") is texts_for("th") is THAI
    # Anything else: the user's Telegram language, Thai or else English.
    assert texts_for(user_language="th-TH") is THAI
    assert texts_for(user_language="de") is texts_for() is ENGLISH
    assert to_html(_answer("ข้าว", language="en")).startswith(ENGLISH.found)


def test_a_report_holding_only_the_question_s_framing_words_is_not_quoted() -> None:
    reports = [
        Report("dam", "เขื่อน", "เรื่อง เขื่อน\nอนุมัติโครงการเขื่อนในจังหวัดขอนแก่น"),
        Report("visa", "วีซ่า", "เรื่อง วีซ่า\nอนุมัติการยกเว้นการตรวจลงตรา"),
    ]
    results = find(from_reports(reports), "อนุมัติอะไรให้ขอนแก่นบ้าง")
    cited = [excerpt.citation.doc_id for excerpt in results.answer(5).excerpts]
    assert cited == ["dam"]  # the other holds only อนุมัติ, which frames the question


def test_a_greeting_or_thanks_is_greeted_not_searched(seed_index: SearchIndex) -> None:
    for said in ("สวัสดีครับ", "สวัสดีค่ะ บอท", "หวัดดี", "Hi there!", "ทดสอบ", "test 123"):
        assert social(said) == "hello", said
    for said in ("ขอบคุณมากครับ", "thanks!", "Thank you very much, bot"):
        assert social(said) == "thanks", said
    # A word of a greeting inside a question is part of the question.
    for asked in ("ทดสอบยานยนต์", "hi smart city", "ขอบคุณสำหรับข้อมูลเรื่องค่าแรง", "สวัสดิการ"):
        assert social(asked) is None, asked
    index = seed_index
    hello, thanks = ask(index, "ทดสอบ"), ask(index, "thanks!")
    assert not hello.found and hello.social == "hello"
    assert to_text(hello).startswith("สวัสดีครับ บอทนี้ตอบคำถามเรื่องมติการประชุมคณะรัฐมนตรี")
    assert to_html(thanks) == "You're welcome. Ask anything else about cabinet decisions."
    assert ask(index, "อาเซียน").social is None
