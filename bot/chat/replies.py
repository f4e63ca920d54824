"""Edge: what the Telegram bot says. Answer pages with their buttons (whose typed payloads,
MorePage and FullPassage, python-telegram-bot keeps), inline results, admin replies; the words
are bot.texts'.

Built from the core's Answer and render's HTML; the handlers that send them are in
bot.chat.handlers.
"""

from __future__ import annotations

import hashlib
import html
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    User,
)
from telegram.constants import ParseMode

from bot.answer import Answer
from bot.chat.pager import page_of, page_starts, pager_row
from bot.excerpts import shorten
from bot.render import (
    TELEGRAM_LIMIT,
    citation_line,
    section_label,
    telegram_length,
    to_html,
    to_text,
    words_for,
)
from bot.text import Language
from bot.texts import Texts, texts_for

MAX_QUESTION_CHARS = 1000  # longer text is a pasted document, not a question
# Keyboards whose buttons' answers python-telegram-bot keeps (arbitrary_callback_data); older
# buttons, and data the bot never issued, say "ask again".
RECENT_ANSWERS = 1000
MAX_LINK_CHARS = 1000  # a source link's HTML beyond this is not sent
INLINE_PAGE = 10  # results per inline page
INLINE_TOTAL = 50  # results per inline query in all
# Inline answers depend only on the question and the corpus, so Telegram may share them
# between users (is_personal=False) for five minutes; an empty query's hint for less.
INLINE_CACHE_SECONDS = 300
INLINE_HINT_CACHE_SECONDS = 30
SHARED = "shared"


COMMANDS = {
    None: [
        BotCommand("ask", "Ask about Thai cabinet reports"),
        BotCommand("latest", "The newest cabinet meeting's items"),
        BotCommand("meeting", "A cabinet meeting's items, e.g. /meeting 2021-10-12"),
        BotCommand("follow", "Get new cabinet items on a topic, e.g. /follow rail"),
        BotCommand("following", "The topics you follow"),
        BotCommand("unfollow", "Stop following a topic (or all)"),
        BotCommand("digest", "A summary of every new meeting: /digest on or off"),
        BotCommand("forget", "Delete what the bot keeps about you"),
        BotCommand("help", "What this bot does and how to use it"),
    ],
    "th": [
        BotCommand("ask", "ถามเกี่ยวกับรายงานการประชุมคณะรัฐมนตรี"),
        BotCommand("latest", "เรื่องทั้งหมดของการประชุม ครม. ล่าสุด"),
        BotCommand("meeting", "เรื่องของการประชุม ครม. วันที่ระบุ เช่น /meeting 12 ต.ค. 64"),
        BotCommand("follow", "รับมติ ครม. ใหม่ในหัวข้อที่สนใจ เช่น /follow รถไฟ"),
        BotCommand("following", "หัวข้อที่ติดตาม"),
        BotCommand("unfollow", "เลิกติดตามหัวข้อ (หรือทั้งหมด)"),
        BotCommand("digest", "สรุปทุกการประชุมใหม่: /digest on หรือ off"),
        BotCommand("forget", "ลบข้อมูลของคุณที่บอทเก็บไว้"),
        BotCommand("help", "วิธีใช้บอท"),
    ],
}
# What an admin's own chat adds to the menu.
ADMIN_COMMANDS = {
    None: [
        BotCommand("reload", "Rebuild the index from the corpus folder"),
        BotCommand("stats", "Index size, freshness and answer times"),
    ],
    "th": [
        BotCommand("reload", "สร้างดัชนีใหม่จากโฟลเดอร์รายงาน"),
        BotCommand("stats", "ขนาดดัชนี ความใหม่ และเวลาตอบ"),
    ],
}
# The bot's profile texts (setMyDescription, setMyShortDescription), per language.
DESCRIPTIONS = {
    None: (
        "Ask in Thai or English about Thai cabinet decisions (the cabinet meeting summaries of"
        " thaigov.go.th) and get cited excerpts: item, section, meeting date and link. /latest"
        " lists the newest meeting's items, /meeting a day's.",
        "Thai cabinet decisions, answered with cited excerpts.",
    ),
    "th": (
        "ถามเกี่ยวกับมติการประชุมคณะรัฐมนตรี (สรุปข่าวการประชุม ครม. จาก thaigov.go.th)"
        " เป็นภาษาไทยหรืออังกฤษ ได้คำตอบพร้อมข้อความอ้างอิง เรื่องที่ ข้อ วันที่ประชุม และลิงก์"
        " /latest ดูเรื่องของการประชุมล่าสุด /meeting ดูของวันที่ระบุ",
        "ค้นมติ ครม. พร้อมข้อความอ้างอิง",
    ),
}


def texts_for_user(user: User | None) -> Texts:
    """The texts of what the bot says outside an answer, in the user's Telegram language."""
    return texts_for(user_language=user.language_code if user else None)


def texts_for_answer(answer: Answer) -> Texts:
    """The texts of an answer's reply and buttons, in its question's language."""
    return texts_for(answer.language)


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send: Telegram HTML, the same as plain text, and its buttons."""

    html: str
    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True, slots=True)
class MorePage:
    """What a "more results" button carries: its answer, and the excerpt the page starts at.

    Buttons carry these objects; python-telegram-bot's arbitrary_callback_data keeps them and
    sends Telegram a key of at most 64 bytes in their place.
    """

    answer: Answer
    start: int


@dataclass(frozen=True, slots=True)
class NewestFirst:
    """What a "newest first" button carries: the answer to order by meeting date."""

    answer: Answer


@dataclass(frozen=True, slots=True)
class FullPassage:
    """What a "full passage" button carries: its answer, and the excerpt (from 0) it opens."""

    answer: Answer
    number: int


@dataclass(frozen=True, slots=True)
class MeetingOf:
    """What an excerpt's meeting button carries: the meeting's day, and the reply's language
    (the index answering when it is pressed lists the items)."""

    day: date
    language: Language


START_PREFIX = "m"  # /start m20211012: the deep link of a meeting (from inline results)


def start_link(username: str, day: date) -> str:
    """The t.me link that opens the bot on a meeting's items (`/start m20211012`)."""
    return f"https://t.me/{username}?start={START_PREFIX}{day:%Y%m%d}"


def day_of_start(payload: str) -> date | None:
    """The meeting day of a /start payload made by start_link, if it is one."""
    if len(payload) != 9 or not payload.startswith(START_PREFIX) or not payload[1:].isdigit():
        return None
    try:
        return date(int(payload[1:5]), int(payload[5:7]), int(payload[7:9]))
    except ValueError:
        return None


def meeting_buttons(
    days: list[date], language: Language, username: str | None = None
) -> list[InlineKeyboardButton]:
    """A button per meeting (oldest first as given): a MeetingOf in chats, a deep link
    (`username` given) where there is no chat to reply in (inline results)."""
    label = texts_for(language).meeting_button
    buttons = []
    for day in dict.fromkeys(days):
        text = label.format(date=day.isoformat())
        if username:
            buttons.append(InlineKeyboardButton(text, url=start_link(username, day)))
        else:
            buttons.append(InlineKeyboardButton(text, callback_data=MeetingOf(day, language)))
    return buttons


def _is_web_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("https://", "http://"))


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[at : at + width]) for at in range(0, len(buttons), width)]


def fitting(answer: Answer, start: int, count: int) -> int:
    """How many excerpts from `start` (at most `count`, at least 1) fit one message whole."""
    count = min(count, len(answer.excerpts) - start)
    for shown in range(count, 1, -1):
        uncut = to_html(answer.page(start, shown), limit=sys.maxsize, first_number=start + 1)
        if telegram_length(uncut) <= TELEGRAM_LIMIT:
            return shown
    return 1 if count > 0 else 0


def answer_pages(answer: Answer, count: int) -> list[int]:
    """Where each page of the answer's excerpts starts, `count` a page or as many as fit."""
    return page_starts(len(answer.excerpts), lambda start: fitting(answer, start, count))


def answer_reply(answer: Answer, start: int, count: int, pages: list[int] | None = None) -> Reply:
    """A page of the answer from `start`, as much of it as fits one message, with buttons (the
    answer holds its excerpts up to the page at least; `more` says that others follow). With
    `pages` (answer_pages of an answer holding all its excerpts), the page turns in place:
    ◀ 2/5 ▶ instead of a "more results" button."""
    if pages is not None:
        start = pages[page_of(pages, start)]
    shown = fitting(answer, start, count)
    page = answer.page(start, shown)
    texts = texts_for_answer(answer)
    numbers = range(start + 1, start + shown + 1)
    passages = [
        InlineKeyboardButton(
            texts.passage.format(number=n), callback_data=FullPassage(answer, n - 1)
        )
        for n in numbers
    ]
    urls: dict[str, int] = {}  # one source button per report link, numbered by its first excerpt
    for n, excerpt in zip(numbers, page.excerpts, strict=True):
        if excerpt.citation.url and _is_web_url(excerpt.citation.url):
            urls.setdefault(excerpt.citation.url, n)
    sources = [
        InlineKeyboardButton(texts.source.format(number=n), url=url) for url, n in urls.items()
    ]
    days = [e.citation.meeting_date for e in page.excerpts if e.citation.item_no is not None]
    meetings = meeting_buttons([day for day in days if day], answer.language)
    rows = _rows(passages, 2) + _rows(sources, 2) + _rows(meetings, 2)
    if pages is not None and len(pages) > 1:
        rows.append(pager_row(pages, page_of(pages, start), lambda at: MorePage(answer, at)))
    elif pages is None and (start + shown < len(answer.excerpts) or (answer.more and shown)):
        more = MorePage(answer, start + shown)
        rows.append([InlineKeyboardButton(texts.more, callback_data=more)])
    if start == 0 and answer.newest is None and (len(answer.excerpts) > 1 or answer.more):
        rows.append([InlineKeyboardButton(texts.newest_button, callback_data=NewestFirst(answer))])
    return Reply(
        to_html(page, first_number=start + 1),
        to_text(page, first_number=start + 1),
        InlineKeyboardMarkup(rows) if rows else None,
    )


def passage_reply(answer: Answer, index: int) -> Reply:
    """The whole passage behind excerpt `index` with its citation, within one message."""
    excerpt = answer.excerpts[index]
    citation = excerpt.citation
    words = words_for(answer)
    title = f"{index + 1}. {citation.title}"
    where = citation_line(citation, words)
    url = citation.url if _is_web_url(citation.url) else None
    link = f'\n<a href="{html.escape(str(url))}">{words.link}</a>' if url else ""
    if telegram_length(link) > MAX_LINK_CHARS:
        url, link = None, ""  # a link longer than the passage it cites is left out
    head = f"<b>{html.escape(title, quote=False)}</b>\n<i>{html.escape(where, quote=False)}</i>"
    passage = excerpt.passage.text

    def laid_out(text: str) -> str:  # a long passage folds (an expandable quote)
        return (
            f"{head}\n<blockquote expandable>{html.escape(text, quote=False)}</blockquote>{link}"
        )

    page = laid_out(passage)
    while telegram_length(page) > TELEGRAM_LIMIT and len(passage) > 1:  # long ones are cut
        passage = shorten(passage, len(passage) * 9 // 10)
        page = laid_out(passage)
    plain = "\n".join([title, where, passage, *([url] if url else [])])
    source = texts_for_answer(answer).source.format(number=index + 1)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(source, url=url)]]) if url else None
    return Reply(page, plain, markup)


def result_id(question: str, rank: int) -> str:
    """A stable inline result id (32 hex characters) for the question's rank-th result."""
    return hashlib.blake2b(f"{rank}\n{question}".encode(), digest_size=16).hexdigest()


def inline_results(
    answer: Answer, start: int, username: str | None = None
) -> tuple[list[InlineQueryResultArticle], str | None]:
    """One page of inline results from `start`, and the next page's offset (None at the end);
    with the bot's `username`, each meeting item's result links to its meeting's items.

    None, not "": PTB 22.8's ExtBot with Defaults sends an empty-string parameter as "[]"
    (it takes "" for an empty list of poll options), which Telegram would read as an offset.
    """
    words = words_for(answer)
    if not answer.found:
        content = InputTextMessageContent(to_html(answer), parse_mode=ParseMode.HTML)
        article = InlineQueryResultArticle(
            result_id(answer.question, -1), words.not_found, content, description=words.hint
        )
        return ([article] if start == 0 else []), None
    end = min(start + INLINE_PAGE, len(answer.excerpts), INLINE_TOTAL)
    more = end < len(answer.excerpts) or answer.more
    results = []
    for rank in range(start, end):
        excerpt = answer.excerpts[rank]
        citation = excerpt.citation
        cited = to_html(answer.page(rank, 1), first_number=rank + 1)
        day = citation.meeting_date if citation.item_no is not None else None
        link = meeting_buttons([day], answer.language, username) if day and username else []
        results.append(
            InlineQueryResultArticle(
                result_id(answer.question, rank),
                f"{shorten(citation.title, 60)} · {section_label(citation, words)}",
                InputTextMessageContent(cited, parse_mode=ParseMode.HTML),
                reply_markup=InlineKeyboardMarkup([link]) if link else None,
                description=shorten(excerpt.text, 120),
            )
        )
    return results, (str(end) if more and end < INLINE_TOTAL else None)


def guest_result(question: str, reply: Reply) -> InlineQueryResultArticle:
    """A reply to a guest message (guest mode): the message the caller's chat gets, as an
    inline result (its buttons, which need the bot in the chat, left out)."""
    content = InputTextMessageContent(reply.html, parse_mode=ParseMode.HTML)
    return InlineQueryResultArticle(result_id(question, 0), shorten(question, 60) or "?", content)
