"""Edge: votes on answers. 👍 / 👎 under each answer in a chat, one vote per user per answer
(a later press changes it); 👎 turns the row into the reasons to choose from (wrong report,
not what was asked, the excerpt does not answer). Votes are stored with the question, its
language and the reports shown (bot.state), and `python -m bot feedback export` turns the
down-voted and declined questions into eval questions.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.answer import Answer
from bot.chat.context import BotContext
from bot.chat.handlers import throttled
from bot.chat.replies import texts_for_user
from bot.chat.votes import Rating, Reason, reason_row, replaced, vote_row
from bot.state import StateUnavailableError, Vote

log = logging.getLogger(__name__)


def answer_key(message: Message) -> str:
    """The id a vote is kept under: the answer's chat and message."""
    return f"{message.chat_id}:{message.message_id}"


async def _show(message: Message, markup: InlineKeyboardMarkup) -> None:
    try:
        await message.edit_reply_markup(markup)
    except BadRequest as error:  # pressed twice, or the message can no longer be edited
        log.info("could not mark the vote on message %s: %s", message.message_id, error)


def _vote(message: Message, user_id: int, rating: int, reason: str | None, answer: Answer) -> Vote:
    shown = tuple(dict.fromkeys(e.passage.doc_id for e in answer.excerpts))
    key = answer_key(message)
    return Vote(
        key,
        user_id,
        message.chat_id,
        rating,
        reason,
        answer.question,
        answer.language,
        shown,
        answer.found,
    )


def _mark(message: Message, vote: int) -> int | None:
    """The vote to mark on the row: the user's own in a private chat; none in a group, whose
    row every member shares."""
    return vote if message.chat.type == ChatType.PRIVATE else None


@throttled
async def rate(update: Update, context: BotContext) -> None:
    """A 👍 / 👎 press (a Rating): keep the vote; after 👎, offer the reasons."""
    query = update.callback_query
    if query is None or not isinstance(query.data, Rating) or query.from_user is None:
        return
    words = texts_for_user(query.from_user)
    message = query.message
    if not isinstance(message, Message):
        await query.answer(words.expired)
        return
    rating, answer = query.data.vote, query.data.answer
    vote = _vote(message, query.from_user.id, rating, None, answer)
    try:
        await asyncio.to_thread(context.shared.state.vote, vote)
    except StateUnavailableError:
        await query.answer(words.state_unavailable, show_alert=True)
        return
    if rating > 0:
        await query.answer(words.vote_thanks)
        await _show(message, replaced(message, vote_row(answer, _mark(message, 1))))
    else:
        await query.answer(words.vote_why)
        await _show(message, replaced(message, reason_row(answer, words)))


@throttled
async def give_reason(update: Update, context: BotContext) -> None:
    """A reason press after 👎 (a Reason): keep the down vote with its reason, and show the
    vote row again."""
    query = update.callback_query
    if query is None or not isinstance(query.data, Reason) or query.from_user is None:
        return
    words = texts_for_user(query.from_user)
    message = query.message
    if not isinstance(message, Message):
        await query.answer(words.expired)
        return
    answer = query.data.answer
    vote = _vote(message, query.from_user.id, -1, query.data.reason, answer)
    try:
        await asyncio.to_thread(context.shared.state.vote, vote)
    except StateUnavailableError:
        await query.answer(words.state_unavailable, show_alert=True)
        return
    await query.answer(words.reason_thanks)
    await _show(message, replaced(message, vote_row(answer, _mark(message, -1))))
