"""Edge: the handlers of the buttons under the bot's replies.

Each button carries a typed payload (bot.chat.replies, bot.chat.meetings, bot.chat.pager) that
python-telegram-bot's arbitrary_callback_data keeps. "More results" and a listing's "more"
post the next page in private chats and turn the page in place (◀ 2/5 ▶) in groups, where a
message a page would crowd out the conversation.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TypeVar

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.agenda import Asked
from bot.answer import PAGED, Answer
from bot.chat.context import BotContext
from bot.chat.handlers import send, throttled
from bot.chat.meetings import MeetingPage, OpenItem, item_reply, listing_reply
from bot.chat.replies import (
    FullPassage,
    MeetingOf,
    MorePage,
    NewestFirst,
    Reply,
    answer_pages,
    answer_reply,
    passage_reply,
    texts_for_user,
)

log = logging.getLogger(__name__)

Payload = TypeVar("Payload")
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


async def _pressed(update: Update, kind: type[Payload]) -> tuple[Payload, Message] | None:
    """A press of a button carrying a `kind` payload, acknowledged: the payload and the
    message to reply under (None for another button, or one on an inline message)."""
    query = update.callback_query
    if query is None or not isinstance(query.data, kind):
        return None
    await query.answer()
    return (query.data, query.message) if isinstance(query.message, Message) else None


def _in_group(message: Message) -> bool:
    return message.chat.type in GROUPS


async def turn_page(message: Message, reply: Reply) -> None:
    """Show `reply` in place of the message (its buttons' page turned); HTML Telegram cannot
    parse goes as plain text, and a message that can no longer be edited gets a new one."""
    try:
        await message.edit_text(reply.html, reply_markup=reply.markup)
    except BadRequest as error:
        reason = str(error).lower()
        if "not modified" in reason:  # pressed twice: the page already shows
            return
        if "can't parse entities" in reason:
            log.warning("Telegram rejected the page's HTML (%s); editing it as plain text", error)
            await message.edit_text(reply.text, parse_mode=None, reply_markup=reply.markup)
            return
        log.info("could not edit message %s (%s); sending the page anew", message.id, error)
        await send(message, reply)


@throttled
async def meeting_page(update: Update, context: BotContext) -> None:
    """A page of a listing (its "more" button or pager, a MeetingPage turning the page), or a
    listing of its own (a range's meeting)."""
    if pressed := await _pressed(update, MeetingPage):
        page, message = pressed
        if page.turn and _in_group(message):
            await turn_page(message, listing_reply(page.listing, page.start, paged=True))
        else:
            await send(message, listing_reply(page.listing, page.start))


async def page_number(update: Update, context: BotContext) -> None:
    """The page number between a pager's arrows: nothing to do but acknowledge the press."""
    if update.callback_query:
        await update.callback_query.answer()


@throttled
async def newest_first(update: Update, context: BotContext) -> None:
    """The answer's excerpts (all it can page through) newest meeting first ("newest first"
    button: a NewestFirst)."""
    if pressed := await _pressed(update, NewestFirst):
        button, message = pressed
        state = context.shared
        every = await state.engine.more(button.answer, PAGED)
        ordered = every.newest_first(datetime.now(UTC).date())
        await send(message, answer_reply(ordered, 0, state.page_size))


@throttled
async def meeting_of(update: Update, context: BotContext) -> None:
    """The items of an excerpt's meeting (its 🗓 button: a MeetingOf)."""
    if pressed := await _pressed(update, MeetingOf):
        button, message = pressed
        listing = context.shared.engine.agenda.listing(Asked(button.day), button.language)
        await send(message, listing_reply(listing))


@throttled
async def open_item(update: Update, context: BotContext) -> None:
    """One item of a meeting, opened (its button: an OpenItem)."""
    if pressed := await _pressed(update, OpenItem):
        button, message = pressed
        await send(message, item_reply(button.report, button.language))


@throttled
async def more_results(update: Update, context: BotContext) -> None:
    """The page of a kept answer that a "more results" button or a pager arrow (a MorePage)
    leads to: a new message in private chats, the same message in groups."""
    query = update.callback_query
    if query is not None and isinstance(query.data, MorePage):
        await _button(query, context, query.data.answer, query.data.start, more=True)


@throttled
async def full_passage(update: Update, context: BotContext) -> None:
    """Send the whole passage behind one cited excerpt ("full passage" button: a FullPassage)."""
    query = update.callback_query
    if query is not None and isinstance(query.data, FullPassage):
        await _button(query, context, query.data.answer, query.data.number, more=False)


async def _button(
    query: CallbackQuery, context: BotContext, kept: Answer, number: int, *, more: bool
) -> None:
    state = context.shared
    message = query.message
    if not isinstance(message, Message):  # a button on an inline message: nothing to reply to
        await query.answer(texts_for_user(query.from_user).expired)
        return
    in_place = more and _in_group(message)
    # The excerpts up to the page asked for (all of them, to number the pages of a pager),
    # composed now from the answer's kept hits.
    wanted = PAGED if in_place else number + (state.page_size if more else 1)
    answer = await state.engine.more(kept, wanted)
    if number >= len(answer.excerpts):
        await query.answer(texts_for_user(query.from_user).expired)
        return
    await query.answer()
    if in_place:
        pages = answer_pages(answer, state.page_size)
        await turn_page(message, answer_reply(answer, number, state.page_size, pages))
    elif more:
        await send(message, answer_reply(answer, number, state.page_size))
    else:
        await send(message, passage_reply(answer, number))


async def expired_button(update: Update, context: BotContext) -> None:
    """Tell the user to ask again when a button's data is unknown: expired from the cache,
    from before a restart, or never issued (python-telegram-bot's InvalidCallbackData)."""
    if update.callback_query:
        await update.callback_query.answer(texts_for_user(update.effective_user).expired)
