"""Edge: what the bot says about meetings. A meeting's items a page at a time, with a button
per item that opens it (typed payloads, MeetingPage and OpenItem, that python-telegram-bot
keeps), and the opened item; the words are bot.texts', the layout bot.render_agenda's.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot.agenda import Asked, Listing
from bot.answer import shorten
from bot.chat.replies import INLINE_PAGE, INLINE_TOTAL, Reply, result_id
from bot.render import TELEGRAM_LIMIT, telegram_length
from bot.render_agenda import heading_label, item_html, item_text, listing_html, listing_text
from bot.reports import Report
from bot.text import Language
from bot.texts import texts_for

MEETING_PAGE = 12  # items listed per message, each with its button
BUTTONS_PER_ROW = 6
DATES_PER_ROW = 3


@dataclass(frozen=True, slots=True)
class MeetingPage:
    """What a meeting's "more" button carries: the listing, and the item the page starts at."""

    listing: Listing
    start: int


@dataclass(frozen=True, slots=True)
class OpenItem:
    """What an item's button carries: the item, and the language of the reply."""

    report: Report
    language: Language


def listing_reply(listing: Listing, start: int = 0, count: int = MEETING_PAGE) -> Reply:
    """A page of a meeting's items from `start` with a button per item and one for the next
    page; or the item asked for, or the meetings nearest a day without one."""
    html, text = listing_html(listing, start, count), listing_text(listing, start, count)
    while telegram_length(html) > TELEGRAM_LIMIT and count > 1:  # long titles: fewer a page
        count -= 1
        html, text = listing_html(listing, start, count), listing_text(listing, start, count)
    words = texts_for(listing.language)
    if listing.asked.within is not None:
        return _range_reply(listing, start, count, html, text)
    meeting = listing.meeting
    if meeting is None or listing.asked.item is not None:
        return Reply(html, text)
    shown = meeting.items[start : start + count]
    buttons = [
        InlineKeyboardButton(str(report.item_no), callback_data=OpenItem(report, listing.language))
        for report in shown
    ]
    rows = [buttons[at : at + BUTTONS_PER_ROW] for at in range(0, len(buttons), BUTTONS_PER_ROW)]
    if start + count < len(meeting.items):
        rows.append(
            [InlineKeyboardButton(words.more, callback_data=MeetingPage(listing, start + count))]
        )
    return Reply(html, text, InlineKeyboardMarkup(rows) if rows else None)


def _range_reply(listing: Listing, start: int, count: int, html: str, text: str) -> Reply:
    """A page of a range's meetings, a button opening each one's items."""
    words = texts_for(listing.language)
    shown = listing.meetings[start : start + count]
    buttons = [
        InlineKeyboardButton(
            meeting.day.isoformat(),
            callback_data=MeetingPage(Listing(Asked(meeting.day), listing.language, meeting), 0),
        )
        for meeting in shown
    ]
    rows = [buttons[at : at + DATES_PER_ROW] for at in range(0, len(buttons), DATES_PER_ROW)]
    if start + count < len(listing.meetings):
        rows.append(
            [InlineKeyboardButton(words.more, callback_data=MeetingPage(listing, start + count))]
        )
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
            result_id(title, report.item_no or 0),
            shorten(f"{report.item_no}. {report.title}", 60),
            InputTextMessageContent(
                item_reply(report, listing.language).html, parse_mode=ParseMode.HTML
            ),
            description=heading_label(report, words),
        )
        for report in meeting.items
    ]
    results = results[:INLINE_TOTAL]
    end = min(start + INLINE_PAGE, len(results))
    return results[start:end], (str(end) if end < len(results) else None)
