"""Edge: what the bot says about meetings. A meeting's items a page at a time, with a button
per item that opens it (typed payloads, MeetingPage and OpenItem, that python-telegram-bot
keeps), and the opened item; the words are bot.texts', the layout bot.render_agenda's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot.agenda import Listing
from bot.chat.pager import page_of, page_starts, pager_row
from bot.chat.replies import INLINE_PAGE, INLINE_TOTAL, Reply, result_id
from bot.excerpts import shorten
from bot.render import TELEGRAM_LIMIT, telegram_length
from bot.render_agenda import (
    heading_label,
    item_html,
    item_text,
    listing_html,
    listing_text,
    numbered,
)
from bot.reports import Report
from bot.text import Language
from bot.texts import texts_for

MEETING_PAGE = 12  # items listed per message, each with its button
BUTTONS_PER_ROW = 6
DATES_PER_ROW = 3


@dataclass(frozen=True, slots=True)
class MeetingPage:
    """What a button to a page of a listing carries: the listing, the item (or meeting) the
    page starts at, and whether it turns the page of the message it sits under (its "more"
    button and pager) rather than opening a listing of its own (a range's meeting)."""

    listing: Listing
    start: int
    turn: bool = False


@dataclass(frozen=True, slots=True)
class OpenItem:
    """What an item's button carries: the item, and the language of the reply."""

    report: Report
    language: Language


def _entries(listing: Listing) -> int:
    """How many entries the listing pages through: its meeting's items or its range's meetings."""
    if listing.asked.within is not None:
        return len(listing.meetings)
    if listing.meeting is None or listing.asked.item is not None:
        return 0
    return len(listing.meeting.items)


def _fitting(listing: Listing, start: int, count: int = MEETING_PAGE) -> int:
    """How many entries from `start` (at most `count`) one message holds."""
    while count > 1 and telegram_length(listing_html(listing, start, count)) > TELEGRAM_LIMIT:
        count -= 1  # long titles: fewer a page
    return count


def listing_reply(
    listing: Listing, start: int = 0, count: int = MEETING_PAGE, *, paged: bool = False
) -> Reply:
    """A page of a meeting's items from `start` with a button per item and one for the next
    page (`paged`: ◀ 2/5 ▶, turning the page in place); or the item asked for, or the meetings
    nearest a day without one."""
    pages = (
        page_starts(_entries(listing), lambda at: _fitting(listing, at, count)) if paged else []
    )
    if pages:
        start = pages[page_of(pages, start)]
    count = _fitting(listing, start, count)
    html, text = listing_html(listing, start, count), listing_text(listing, start, count)
    meeting = listing.meeting
    asked, language = listing.asked, listing.language
    if asked.within is not None:
        shown_days = listing.meetings[start : start + count]
        buttons = [
            InlineKeyboardButton(
                m.day.isoformat(),
                callback_data=MeetingPage(
                    Listing(replace(asked, day=m.day, within=None), language, m), 0
                ),
            )
            for m in shown_days
        ]
        width = DATES_PER_ROW
    elif meeting is None or listing.asked.item is not None:
        return Reply(html, text)
    else:
        buttons = [
            InlineKeyboardButton(
                numbered(r).rstrip("."), callback_data=OpenItem(r, listing.language)
            )
            for r in meeting.items[start : start + count]
        ]
        width = BUTTONS_PER_ROW
    rows = [buttons[at : at + width] for at in range(0, len(buttons), width)]
    if len(pages) > 1:

        def turn(at: int) -> MeetingPage:
            return MeetingPage(listing, at, turn=True)

        rows.append(pager_row(pages, page_of(pages, start), turn))
    elif not paged and start + count < _entries(listing):
        more = MeetingPage(listing, start + count, turn=True)
        rows.append([InlineKeyboardButton(texts_for(listing.language).more, callback_data=more)])
    return Reply(html, text, InlineKeyboardMarkup(rows) if rows else None)


def item_reply(report: Report, language: Language) -> Reply:
    """One item opened: title, number, section, meeting date, its opening and its link."""
    words = texts_for(language)
    return Reply(item_html(report, words), item_text(report, words))


def listing_results(
    listing: Listing, start: int
) -> tuple[list[InlineQueryResultArticle], str | None]:
    """Inline results for a meeting asked for: the list first, then each item (posting it
    cited), 10 a page up to 50; a range's meetings or a day without one as one result."""
    words = texts_for(listing.language)
    first = listing_reply(listing)
    title = first.text.split("\n", 1)[0]
    head = InlineQueryResultArticle(
        result_id(title, -1),
        shorten(title, 60),
        InputTextMessageContent(first.html, parse_mode=ParseMode.HTML),
    )
    meeting = listing.meeting
    if meeting is None or listing.asked.within is not None or listing.asked.item is not None:
        return ([head] if start == 0 else []), None
    results = [head] + [
        InlineQueryResultArticle(
            result_id(title, position),
            shorten(f"{numbered(report)} {report.title}", 60),
            InputTextMessageContent(
                item_reply(report, listing.language).html, parse_mode=ParseMode.HTML
            ),
            description=heading_label(report, words),
        )
        for position, report in enumerate(meeting.items)
    ]
    results = results[:INLINE_TOTAL]
    end = min(start + INLINE_PAGE, len(results))
    return results[start:end], (str(end) if end < len(results) else None)
