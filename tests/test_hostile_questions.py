"""Hostile questions through the real core: search, answers, both renderers, Telegram replies.

Property-based (hypothesis): over 10,000 generated questions (arbitrary Unicode, Thai marks
without a base, zero-width and bidi controls, HTML and Markdown metacharacters, emoji, Thai and
Arabic digits, 5,000-character lines, real corpus words among them) go through
`SearchIndex.search`, `bot.answer.ask`, `to_html`, `to_text` and the reply builders of
`bot/chat/replies.py`, on the default corpus and on a few reports whose own text is hostile. Every
reply must be Telegram HTML that Telegram accepts, within 4096 UTF-16 units, with buttons and
inline result ids within their 64 bytes. Runs are derandomized and keep no database, so CI
sees the same examples every time.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup

from bot.answer import Answer, ask
from bot.chat.replies import (
    INLINE_PAGE,
    INLINE_TOTAL,
    FullPassage,
    MeetingOf,
    MorePage,
    NewestFirst,
    Reply,
    answer_reply,
    inline_results,
    passage_reply,
)
from bot.excerpts import Citation, Excerpt
from bot.index import SearchIndex
from bot.index.build import from_reports
from bot.passages import INTRO, SOURCE, TITLE, Passage
from bot.render import to_html, to_text
from bot.reports import Report, parse_record, parse_text
from tests.conftest import SEED
from tests.isolated import run_isolated

TELEGRAM_LIMIT = 4096
RESULT_ID_BYTES = 64
LINE = 5000  # characters in a generated long line
Test = TypeVar("Test", bound=Callable[..., None])

# --- A strict checker of Telegram's HTML parse mode -------------------------------------------

TELEGRAM_TAGS = frozenset(
    "b strong i em u ins s strike del a code pre blockquote span tg-emoji".split()
)
# Bold, italic, underline, strikethrough and spoiler may contain and sit inside any entity but
# pre and code; all other entities (link, code, pre, blockquote, custom emoji) contain no other.
STYLE_TAGS = frozenset("b strong i em u ins s strike del span".split())
_BARE_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot);|#[0-9]+;|#[xX][0-9a-fA-F]+;)")


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.visible: list[str] = []

    def _attributes_problem(self, tag: str, attrs: list[tuple[str, str | None]]) -> str | None:
        names = [name for name, _ in attrs]
        if tag == "a":
            return None if names == ["href"] and attrs[0][1] else f"<a> needs one href: {attrs}"
        if tag == "span":
            return None if attrs == [("class", "tg-spoiler")] else f"<span {attrs}>"
        if tag == "tg-emoji":
            return None if names == ["emoji-id"] else f"<tg-emoji {attrs}>"
        allowed = {"code": ["class"], "blockquote": ["expandable"]}.get(tag, [])
        return None if names in ([], allowed) else f"<{tag}> with attributes {attrs}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"tag <{tag}> is not Telegram HTML")
        elif problem := self._attributes_problem(tag, attrs):
            self.problems.append(problem)
        outer = [t for t in self.open if t not in STYLE_TAGS]
        code_in_pre = tag == "code" and self.open[-1:] == ["pre"]
        if any(t in ("code", "pre") for t in self.open) and not code_in_pre:
            self.problems.append(f"<{tag}> inside <{self.open[-1]}>")
        elif tag not in STYLE_TAGS and outer and not code_in_pre:
            self.problems.append(f"<{tag}> inside <{outer[-1]}>")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")

    def handle_data(self, data: str) -> None:
        for raw in "<>":
            if raw in data:
                self.problems.append(f"raw {raw!r} in text near {data[:40]!r}")
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"entity &{name}; is not one Telegram knows")
        self.visible.append("&")

    def handle_charref(self, name: str) -> None:
        self.visible.append("#")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data[:20]}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration <!{decl[:20]}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction <?{data[:20]}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration <![{data[:20]}")


def utf16_length(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def html_problems(text: str) -> list[str]:
    """Why Telegram would reject `text` sent with parse_mode HTML (empty when it would not)."""
    checker = _TelegramHtml()
    checker.feed(text)
    checker.close()
    problems = checker.problems + [f"unclosed <{tag}>" for tag in checker.open]
    if match := _BARE_AMPERSAND.search(text):
        problems.append(f"bare & at {match.start()}: {text[match.start() : match.start() + 12]!r}")
    if utf16_length(text) > TELEGRAM_LIMIT:
        problems.append(f"{utf16_length(text)} UTF-16 units, over {TELEGRAM_LIMIT}")
    if not "".join(checker.visible).strip():
        problems.append("no visible text")
    return problems


Payload = MorePage | FullPassage | NewestFirst | MeetingOf  # what answer buttons carry


def assert_telegram_html(text: str) -> None:
    """`text` is a message Telegram's HTML parse mode accepts."""
    problems = html_problems(text)
    assert not problems, f"{problems}\nin {text[:600]!r}"


def assert_reply(reply: Reply) -> list[Payload]:
    """A reply sendable as HTML and, as its fallback, as plain text; its buttons' payloads."""
    assert_telegram_html(reply.html)
    assert reply.text.strip(), "empty plain-text reply"
    assert utf16_length(reply.text) <= TELEGRAM_LIMIT, "plain-text fallback over 4096"
    return assert_markup(reply.markup)


def assert_markup(markup: InlineKeyboardMarkup | None) -> list[Payload]:
    """Buttons Telegram accepts (text, and a payload PTB files under a 64-byte key, or a web
    link); their payloads."""
    data = []
    for row in markup.inline_keyboard if markup else ():
        assert row, "empty keyboard row"
        for button in row:
            assert button.text.strip()
            if button.callback_data is not None:
                assert isinstance(button.callback_data, Payload)
                data.append(button.callback_data)
            else:
                assert str(button.url).startswith(("https://", "http://")), button.url
    return data


def test_the_checker_rejects_what_telegram_rejects() -> None:
    good = '<b>1. <i>x</i></b>\n<blockquote>a &lt; b &amp;&#x27;</blockquote><a href="h">l</a>'
    assert html_problems(good) == []
    for bad in (
        "<p>x</p>",
        "<b>x",
        "<b><i>x</b></i>",
        "a < b",
        "a > b",
        "x &nbsp; y",
        "AT&T",
        "<a>x</a>",
        '<a href="x"><code>y</code></a>',
        "<blockquote><blockquote>x</blockquote></blockquote>",
        "<code><b>x</b></code>",
        "<span>x</span>",
        "<br/>",
        "<!-- c -->x",
        "   ",
        "x" * 4097,
        "😀" * 2049,
    ):
        assert html_problems(bad), bad


# --- Hostile reports: their excerpts, titles, sources and links are hostile too --------------

MARKS = "".join(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
BIDI = "".join(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
METACHARACTERS = "<>&\"'*_[]()~`#"
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
EMOJI = ("😀", "🇹🇭", "👍🏽", "👨\u200d👩\u200d👧", "❤️", "🔥", "🙏", "1️⃣", "🏳️\u200d🌈", "🤖")
DAY = "ที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ 13 สิงหาคม 2563"


def _hostile_reports() -> list[Report]:
    reports = [
        Report(
            doc_id="hostile/<b>&amp;",
            title='โครงการ <b>ไทยชนะ</b> &amp; "เมืองอัจฉริยะ" *_[]()~`# 🇹🇭',
            text="\n".join(
                [
                    'เรื่อง โครงการ <b>ไทยชนะ</b> &amp; "เมืองอัจฉริยะ" *_[]()~`# 🇹🇭',
                    "คณะรัฐมนตรีมีมติอนุมัติโครงการแอปพลิเคชันไทยชนะ <script>alert('x')</script>"
                    " & <i>ไม่ปิด & AT&T &nbsp; &#x3C; &lt;b&gt;",
                    '1. เมืองอัจฉริยะ (smart city) <a href="javascript:alert(1)">คลิก</a>'
                    " a < b > c && ไทยชนะ",
                    f"1.1 ไทยชนะ{ZERO_WIDTH}เมืองอัจฉริยะ \u202eไทยชนะ\u202c \u2067อัจฉริยะ\u2069"
                    " \ufeffsmart\u200dcity 🇹🇭👍🏽👨\u200d👩\u200d👧 blockchain",
                    f"1.2 {MARKS}ไทยชนะ \u0e4e\u0e3aเมืองอัจฉริยะ ๑๒๓ ๒๕๖๓ 1,234.56 ล้านบาท"
                    " cloud computing",
                    "2. **ไทยชนะ** __smart city__ [ลิงก์](http://x.test/?a=1&b=2) `code`"
                    " ~~ลบ~~ ||spoiler|| # หัวข้อ \\*_ดิจิทัล_\\*",
                    DAY,
                ]
            ),
            meeting_date=date(2020, 8, 13),
            url="https://example.org/report?a=1&b=<2>&c=\"3\"&d='4'",
            source="hostile/<b>&amp;.txt",
        ),
        Report(
            doc_id="english",
            title="Smart City & Blockchain <Cloud Computing> \"Digital Economy\" 'ASEAN'",
            text="\n".join(
                [
                    "Smart City & Blockchain <Cloud Computing> \"Digital Economy\" 'ASEAN'",
                    "The cabinet approved the smart city plan: blockchain, cloud computing & big"
                    " data <for> the digital economy; ASEAN-China cooperation 2020-2025.",
                    "1. Smart city pilots in 7 provinces (1,234.56 million baht) *not* _italic_.",
                    "2. COVID-19 tracking with the Thai Chana (ไทยชนะ) application </blockquote>.",
                    "ที่มา: cabinet meeting 2020-08-13",
                ]
            ),
            meeting_date=date(2020, 8, 13),
            url="javascript:alert(document.cookie)",
            source="\u202eevil\u202c.txt",
        ),
        Report(
            doc_id="escapes",
            title="&" * 200,
            text="\n".join(
                [
                    "เรื่อง " + "&<>" * 60,
                    *(
                        f"{n}. " + "ไทยชนะ&<>เมืองอัจฉริยะ<>&" * 12 + " smart&city<" * 8
                        for n in range(1, 5)
                    ),
                    "5. " + " ".join("<ไทยชนะ>" for _ in range(80)),
                    "6. " + "&&&&ดิจิทัล" * 60,
                    DAY,
                ]
            ),
            meeting_date=None,
            url=None,
            source="a&b<c>.txt",
        ),
        Report(
            doc_id="rtl-and-marks",
            title="\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 ไทยชนะ" + MARKS,
            text="\n".join(
                [
                    "เรื่อง \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 ไทยชนะ",
                    f"{MARKS * 3} {BIDI} {ZERO_WIDTH} เมืองอัจฉริยะ {MARKS} smart city",
                    "1. " + " ".join(EMOJI) + " ไทยชนะ " + "".join(EMOJI),
                    "2. " + "ไทยชนะ & เมืองอัจฉริยะ " * 300,
                    DAY,
                ]
            ),
            meeting_date=date(1, 1, 1),
            url="http://x.test/" + "%E0%B8%81" * 40,
            source="",
        ),
    ]
    # The loader's own path for text and records (clean() removes format characters there).
    reports += parse_text(
        "parsed",
        "เรื่อง ผลการดำเนินงานแอปพลิเคชัน <ไทยชนะ> & หมอชนะ\n"
        "คณะรัฐมนตรีรับทราบผลการดำเนินงานเมืองอัจฉริยะ ๓๐ จังหวัด วงเงิน ๑,๒๐๐ ล้านบาท\n"
        "(1) ไทยชนะ\u200b*ลงทะเบียน* [ร้านค้า] 😀\n(2) smart city <b>ระยะที่ 2</b>\n"
        "ที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ ๑๓ ส.ค. ๖๓\n",
        source="parsed.txt",
    ).reports
    record = {
        "id": 'rec"<1>',
        "title": "<i>ไทยชนะ</i> & เมืองอัจฉริยะ",
        "body": "เมืองอัจฉริยะ & ไทยชนะ <u>smart city</u> 1. blockchain & cloud computing",
        "meeting_date": "2021-02-30",
        "url": "https://example.org/?q=<ไทยชนะ>&x=\"'",
    }
    reports.append(parse_record(record, source="records.jsonl"))
    # A link within the loader's 2,048 characters that escapes to most of a message.
    long_link = dict(record, id="long-link", url="https://example.org/?" + "&q=<ไทยชนะ>" * 180)
    reports.append(parse_record(long_link, source="records.jsonl"))
    # Enough similar reports that a question finds 50 excerpts: pages, more-buttons, inline.
    reports += [
        Report(
            doc_id=f"series/{n:02d}",
            title=f"โครงการ smart city <ระยะ {n}> & ไทยชนะ {EMOJI[n % len(EMOJI)]}",
            text=f"เรื่อง โครงการ smart city ระยะ {n}\n"
            f"1. เมืองอัจฉริยะ <b>ระยะ {n}</b> & ไทยชนะ {MARKS[n % len(MARKS)]} วงเงิน {n} ล้านบาท\n"
            f"2. smart city{ZERO_WIDTH[n % 4]} & blockchain {'<' * n} ดิจิทัล\n{DAY}",
            meeting_date=date(2020 + n % 5, n % 12 + 1, 1),
            url=f"https://example.org/{n}?a=1&b=2" if n % 3 else None,
            source=f"series/{n:02d}&<{n}>.txt",
        )
        for n in range(1, 31)
    ]
    return reports


@pytest.fixture(scope="module")
def hostile_index() -> SearchIndex:
    """An index of reports whose titles, text, sources and links are hostile themselves."""
    return from_reports(_hostile_reports())


# --- Generated questions ----------------------------------------------------------------------

CORPUS_WORDS = (
    "ไทยชนะ",
    "แอปพลิเคชันไทยชนะ",
    "เมืองอัจฉริยะ",
    "smart city",
    "Smart City",
    "Blockchain",
    "cloud computing",
    "Big Data",
    "COVID-19",
    "โควิด-19",
    "ดิจิทัล",
    "เศรษฐกิจดิจิทัล",
    "อาเซียน-จีน",
    "13 สิงหาคม 2563",
    "๑๓ สิงหาคม ๒๕๖๓",
    "in August 2020",
    "ปี 2563",
    "2020-2025",
    "เมื่อไร",
    "how much",
    "วงเงินเท่าไร",
    "ไทยชะนะ",
    "goverment",
    "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม",
    "ASEAN",
    "script",
    "ล้านบาท",
)
MARKUP = (
    "<b>",
    "</b>",
    "<i>",
    "</blockquote>",
    '<a href="x">',
    "<script>",
    "<!--",
    "-->",
    "&amp;",
    "&lt;",
    "&#x27;",
    "&#",
    "&nbsp;",
    "**",
    "__",
    "[link](http://x)",
    "`",
    "```",
    "~~",
    "||",
    "\\",
    "<",
    ">",
    "&",
)

broad_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
thai_text = st.text(st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F), max_size=20)
marks_only = st.text(st.sampled_from(MARKS), min_size=1, max_size=30)
invisible_only = st.text(st.sampled_from(ZERO_WIDTH + BIDI), min_size=1, max_size=30)
metacharacters_only = st.text(st.sampled_from(METACHARACTERS), min_size=1, max_size=40)
emoji_only = st.lists(st.sampled_from(EMOJI), min_size=1, max_size=40).map("".join)
digits_only = st.text(st.sampled_from("0123456789" + THAI_DIGITS), min_size=1, max_size=40)
piece = st.one_of(
    st.sampled_from(CORPUS_WORDS),
    st.sampled_from(MARKUP),
    st.sampled_from(EMOJI),
    st.sampled_from(MARKS),
    st.sampled_from(ZERO_WIDTH + BIDI),
    st.sampled_from(METACHARACTERS),
    digits_only,
    thai_text,
    broad_text,
)
glue = st.sampled_from(("", " ", "  ", "\n", "\t", "\u200b", "&", "<b>"))
mixture = st.lists(st.tuples(piece, glue), max_size=10).map(
    lambda parts: "".join(p + g for p, g in parts)
)
# Noise that yields no index terms, around words the corpus knows: answers are found.
silent = st.one_of(marks_only, invisible_only, metacharacters_only, emoji_only)
wrapped_word = st.builds(
    lambda before, word, after: before + word + after,
    st.one_of(st.just(""), silent),
    st.sampled_from(CORPUS_WORDS),
    st.one_of(st.just(""), silent),
)
wrapped_words = st.builds(
    lambda first, parts: first + "".join(p + g for p, g in parts),
    wrapped_word,
    st.lists(
        st.tuples(st.one_of(wrapped_word, silent, st.sampled_from(MARKUP)), glue), max_size=5
    ),
)
aimed = st.one_of(wrapped_word, wrapped_words)
anything = st.one_of(
    mixture,
    broad_text,
    marks_only,
    invisible_only,
    metacharacters_only,
    emoji_only,
    digits_only,
    thai_text,
)
# Half aimed at answers being found, half at anything at all (one_of would flatten the two).
questions = st.booleans().flatmap(lambda aim: aimed if aim else anything)
# Spaces, digits, emoji and punctuation end a Thai or Latin run: a 5,000-character line made of
# them is a pasted document, not one 5,000-letter word (that case: see the tests at the end).
breaks = st.sampled_from((" ", " & ", "<b> ", "🙂", " 1 ", "๑", " * ", ", ", "\u200b "))
long_lines = st.builds(
    lambda chunk, end: (chunk + end) * (LINE // len(chunk + end) + 1),
    st.one_of(mixture, wrapped_word, st.sampled_from(CORPUS_WORDS)),
    breaks,
).map(lambda line: line[:LINE])

HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,  # conftest's autouse cache folder; not per example
    ],
}
NASTY = (
    "",
    " ",
    "\u200b",
    "\ufeff\u202e",
    MARKS,
    "<b>ไทยชนะ</b>",
    "&",
    "&amp;lt;",
    "</blockquote><b>",
    "ไทยชนะ" + MARKS,
    "🇹🇭" * 2049,
    "&" * LINE,
    "<" * LINE,
    "๑" * LINE,
)


def nasty_questions(**others: object) -> Callable[[Test], Test]:
    """Run the test first on each of the NASTY questions (with `others` for its other inputs)."""

    def decorate(test: Test) -> Test:
        for question in NASTY:
            test = example(question=question, **others)(test)
        return test

    return decorate


# --- Properties -------------------------------------------------------------------------------


def check_search(index: SearchIndex, question: str, k: int) -> None:
    """Hits are at most k, best first, each sharing a term with the question."""
    hits = index.search(index.analyze(question), k=k)
    assert len(hits) <= max(k, 0)
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(math.isfinite(score) and score > 0 for score in scores)
    assert all(hit.matched for hit in hits)
    assert all(0 <= hit.coverage <= 1 + 1e-9 for hit in hits)


def _more(answer: Answer, count: int) -> Answer:
    """The answer with its first `count` excerpts, as Engine.more composes them for a button."""
    if answer.results is None or count <= len(answer.excerpts):
        return answer
    return answer.results.answer(count)


def check_newest_first(answer: Answer, page_size: int) -> None:
    """The "newest first" reply of an answer is sendable, newest meeting first."""
    ordered = _more(answer, 50).newest_first(date(2026, 12, 2))
    reply = answer_reply(ordered, 0, page_size)
    assert_reply(reply)
    days = [e.citation.meeting_date or date.min for e in ordered.excerpts]
    assert days == sorted(days, reverse=True)


def check_answer(answer: Answer, page_size: int) -> None:
    """Every reply the bot can make of this answer is sendable: HTML, text, buttons, inline."""
    event("found" if answer.found else "not found")
    event(f"excerpts: {len(answer.excerpts)}" if len(answer.excerpts) < 10 else "excerpts: 10+")
    assert_telegram_html(to_html(answer))
    assert to_text(answer).strip()
    start, pages, shown = 0, 0, 0
    while True:  # the first page, then each "more results" page, as a user would press them
        answer = _more(answer, start + page_size)  # what the bot composes for that button
        reply = answer_reply(answer, start, page_size)
        data = assert_reply(reply)
        blocks = reply.html.count("<blockquote>")
        assert blocks >= 1 or not answer.found, (
            f"page from excerpt {start + 1} of a found answer shows no excerpt: {reply.html!r}"
        )
        shown += blocks
        for item in data:
            if isinstance(item, MeetingOf):  # the excerpt's meeting, listed when pressed
                continue
            assert item.answer is answer, item
            if isinstance(item, NewestFirst):
                check_newest_first(answer, page_size)
            elif isinstance(item, FullPassage):
                assert item.number < len(answer.excerpts), item
            else:  # "more" may point past what is composed: pressing it composes the rest
                assert item.start < len(answer.excerpts) + answer.more, item
        more = [item for item in data if isinstance(item, MorePage)]
        pages += 1
        if not more:
            break
        assert len(more) == 1
        assert more[0].start > start, "a more-results button that does not move on"
        start = more[0].start
        assert pages <= len(answer.excerpts)
    assert shown == len(answer.excerpts) or not answer.found
    for number in range(len(answer.excerpts)):
        assert_reply(passage_reply(answer, number))
    check_inline(answer)


def check_inline(answer: Answer) -> None:
    """All inline pages: ids unique and short, each chosen result a sendable HTML message."""
    ids: list[str] = []
    offset: str | None = "0"
    while offset is not None:
        page = _more(answer, min(int(offset) + INLINE_PAGE, INLINE_TOTAL))
        results, next_offset = inline_results(page, int(offset))
        assert results or not ids
        for result in results:
            assert 1 <= len(result.id.encode()) <= RESULT_ID_BYTES, result.id
            assert result.title.strip()
            assert result.input_message_content.parse_mode == "HTML"
            assert_telegram_html(result.input_message_content.message_text)
            ids.append(result.id)
        assert next_offset is None or int(next_offset) > int(offset)
        offset = next_offset
    assert len(ids) == len(set(ids)) >= 1


@nasty_questions(k=10)
@given(question=questions, k=st.integers(-1, 60))
@settings(max_examples=3300, **HYPOTHESIS)
def test_search_survives_hostile_questions(
    seed_index: SearchIndex, hostile_index: SearchIndex, question: str, k: int
) -> None:
    check_search(seed_index, question, k)
    check_search(hostile_index, question, k)


@nasty_questions(page_size=3, max_excerpts=3)
@given(question=questions, page_size=st.integers(1, 10), max_excerpts=st.sampled_from((1, 3)))
@settings(max_examples=3000, **HYPOTHESIS)
def test_seed_corpus_answers_are_valid_telegram_replies(
    seed_index: SearchIndex, question: str, page_size: int, max_excerpts: int
) -> None:
    check_answer(ask(seed_index, question, max_excerpts=max_excerpts), page_size)


@nasty_questions(page_size=3, max_excerpts=50)
@given(question=questions, page_size=st.integers(1, 10), max_excerpts=st.sampled_from((3, 50)))
@settings(max_examples=3500, **HYPOTHESIS)
def test_hostile_reports_answers_are_valid_telegram_replies(
    hostile_index: SearchIndex, question: str, page_size: int, max_excerpts: int
) -> None:
    check_answer(ask(hostile_index, question, max_excerpts=max_excerpts), page_size)


@given(question=long_lines, page_size=st.integers(1, 10))
@settings(max_examples=200, **HYPOTHESIS)
def test_five_thousand_character_lines(
    seed_index: SearchIndex, hostile_index: SearchIndex, question: str, page_size: int
) -> None:
    assert len(question) == LINE
    for index in (seed_index, hostile_index):
        check_search(index, question, 10)
        check_answer(ask(index, question, max_excerpts=50), page_size)


# Answers built directly, for renderer inputs retrieval rarely makes: any title, section, date,
# source and excerpt text (within the sizes answer.py produces), and marks anywhere.
short_hostile = st.one_of(
    st.sampled_from((*CORPUS_WORDS, *MARKUP, *EMOJI, *MARKS, *ZERO_WIDTH, *BIDI)),
    broad_text,
    metacharacters_only,
    marks_only,
)


@st.composite
def excerpts(draw: st.DrawFn) -> Excerpt:
    """An excerpt of up to ~600 characters with sorted, disjoint marks, and a citation."""
    text = draw(st.lists(short_hostile, max_size=15).map(" ".join))[:606]
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=12)))
    marks = tuple(zip(cuts[::2], cuts[1::2], strict=False))
    citation = Citation(
        doc_id=draw(short_hostile),
        title=draw(short_hostile)[:90] or "x",
        section=draw(st.sampled_from((TITLE, INTRO, SOURCE, "1", "1.2.4", "3(2)"))),
        meeting_date=draw(st.none() | st.dates()),
        url=draw(
            st.none()
            | st.sampled_from(("javascript:alert(1)", "tg://user?id=1", "ftp://x", ""))
            | short_hostile.map(lambda s: "https://example.org/?q=" + s)
        ),
        source=draw(short_hostile)[:100],
    )
    passage = draw(
        st.one_of(st.just(text), st.builds(lambda a, b: f"{a} {text} {b}", short_hostile, mixture))
    )
    quoted = passage or text or "x"
    return Excerpt(text, marks, citation, 1.0, Passage("d", "1", quoted, 0, len(quoted)))


answers = st.builds(
    Answer,
    question=questions,
    language=st.sampled_from(("th", "en", "mixed")),
    excerpts=st.lists(excerpts(), max_size=8).map(tuple),
    terms=st.lists(st.sampled_from(CORPUS_WORDS), max_size=4).map(tuple),
    translations=st.lists(
        st.tuples(short_hostile, st.lists(short_hostile, min_size=1, max_size=3).map(tuple)),
        max_size=3,
    ).map(tuple),
    corrections=st.lists(st.tuples(short_hostile, short_hostile), max_size=3).map(tuple),
)


@given(answer=answers, page_size=st.integers(1, 10))
@settings(max_examples=1000, **HYPOTHESIS)
def test_renderers_and_replies_take_any_answer(answer: Answer, page_size: int) -> None:
    assert_telegram_html(to_html(answer))
    assert to_text(answer).strip()
    for start in range(len(answer.excerpts)):
        assert_reply(answer_reply(answer, start, page_size))
        assert_reply(passage_reply(answer, start))
    if not answer.excerpts:
        assert_reply(answer_reply(answer, 0, page_size))
    check_inline(answer)


def test_a_long_link_does_not_push_the_excerpt_out_of_the_reply() -> None:
    # The loader keeps http(s) links of up to 2,048 characters; escaped for HTML this one no
    # longer fits a message beside its excerpt, and the page showed no excerpt at all.
    url = "https://example.org/?q=" + "&" * 800
    record = {"id": "r", "title": "ไทยชนะ", "body": "แอปพลิเคชันไทยชนะ", "url": url}
    index = from_reports([parse_record(record, source="r.jsonl")])
    answer = ask(index, "ไทยชนะ")
    assert answer.found
    reply = answer_reply(answer, 0, 3)
    assert_reply(reply)
    assert "<blockquote>" in reply.html, reply.html
    results, _ = inline_results(answer, 0)
    assert all("<blockquote>" in r.input_message_content.message_text for r in results)


def test_the_plain_text_fallback_fits_one_message_too() -> None:
    # Sent when Telegram rejects the HTML: the page is sized by its HTML, which leaves out a
    # link over a thousand characters, but the plain text printed it under every excerpt.
    url = "https://example.org/?q=" + "a" * 2000
    record = {
        "id": "r",
        "title": "ไทยชนะ",
        "body": "1. แอปพลิเคชันไทยชนะ\n2. ไทยชนะ อีกข้อ",
        "url": url,
    }
    answer = ask(from_reports([parse_record(record, source="r.jsonl")]), "ไทยชนะ")
    assert len(answer.excerpts) >= 2
    assert_reply(answer_reply(answer, 0, 3))


# --- Known hostile inputs that need a time or memory limit to test safely --------------------


@pytest.mark.parametrize(
    "make_answer",
    [
        pytest.param(
            # The loader keeps http(s) links of up to 2,048 characters; escaped for HTML such
            # a link is five times longer than a message.
            """
            url = "https://example.org/?q=" + "&" * 2000
            record = {"id": "r", "title": "ไทยชนะ", "body": "แอปพลิเคชันไทยชนะ", "url": url}
            index = from_reports([parse_record(record, source="r.jsonl")])
            answer = ask(index, "ไทยชนะ")
            """,
            id="long-escaped-link",
        ),
        pytest.param(
            # A report file deep in folders: its path, cited when there is no link, can be
            # nearly PATH_MAX (4,096 bytes) long.
            """
            citation = Citation("d", "ไทยชนะ", "1", None, None, "folder/" * 580 + "r.txt")
            quoted = Passage("d", "1", "แอปพลิเคชันไทยชนะ", 0, 17)
            excerpt = Excerpt("ไทยชนะ", ((0, 6),), citation, 1.0, quoted)
            answer = Answer("ไทยชนะ", "th", (excerpt,), ("ไทยชนะ",))
            """,
            id="long-source-path",
        ),
    ],
)
def test_the_full_passage_reply_always_ends(make_answer: str) -> None:
    # The reply cuts the passage by a tenth until the page fits; when the rest of the page
    # alone is over the limit, shorten() keeps returning "…" and the loop never ended.
    imports = """
        import json
        from bot.answer import Answer, ask
        from bot.excerpts import Citation, Excerpt
        from bot.index.build import from_reports
        from bot.passages import Passage
        from bot.chat.replies import passage_reply
        from bot.reports import parse_record
    """
    reply = """
        reply = passage_reply(answer, 0)
        print(json.dumps({"outcome": "replied", "html": reply.html}))
    """
    parts = (imports, make_answer, reply)
    result = run_isolated("".join(textwrap.dedent(part) for part in parts), timeout=15)
    assert result["outcome"] == "replied", result
    assert "ไทยชนะ" in str(result["html"])


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("ขฃ" * (LINE // 2), id="two-thai-letters"),
        pytest.param("กขคฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ" * 120, id="thai-alphabet"),
        pytest.param("a" * LINE, id="latin-letter"),
    ],
)
def test_a_five_thousand_letter_word_is_answered_in_little_memory(question: str) -> None:
    # One unbroken run of letters is spell-checked as one word: every string one edit away
    # from it, a few hundred thousand copies of a 5,000-letter word unless the run is bounded.
    # The child has 500 MB more than it starts with and is killed after 60 s (a hang guard;
    # it answered in under 2 s on the 2-core dev machine).
    result = run_isolated(
        f"""
        import json
        from pathlib import Path
        from bot.answer import ask
        from bot.corpus import load_corpus
        from bot.index.build import from_reports
        from bot.render import to_html
        index = from_reports(load_corpus([Path("corpus/{SEED.name}")]).reports)
        ask(index, "ไทยชนะ")
        # LIMIT
        answer = ask(index, {question[:LINE]!r})
        to_html(answer)
        print(json.dumps({{"outcome": "answered"}}))
        """,
        timeout=60,
        memory_mb=500,
    )
    assert result["outcome"] == "answered", result
