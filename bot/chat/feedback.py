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
from bot.texts import Texts

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


async def _kept(
    update: Update, context: BotContext, kind: type[Rating] | type[Reason]
) -> tuple[Rating | Reason, Message, Texts] | None:
    """A vote or reason press, its vote kept: the payload, its message and the presser's
    words; None (the press answered) when it cannot be kept."""
    query = update.callback_query
    if query is None or not isinstance(query.data, kind) or query.from_user is None:
        return None
    words = texts_for_user(query.from_user)
    message = query.message
    if not isinstance(message, Message):
        await query.answer(words.expired)
        return None
    pressed = query.data
    rating, reason = (pressed.vote, None) if isinstance(pressed, Rating) else (-1, pressed.reason)
    vote = _vote(message, query.from_user.id, rating, reason, pressed.answer)
    try:
        await asyncio.to_thread(context.shared.state.vote, vote)
    except StateUnavailableError:
        await query.answer(words.state_unavailable, show_alert=True)
        return None
    return pressed, message, words


@throttled
async def rate(update: Update, context: BotContext) -> None:
    """A 👍 / 👎 press (a Rating): keep the vote; after 👎, offer the reasons."""
    kept = await _kept(update, context, Rating)
    if kept is None or update.callback_query is None:
        return
    (pressed, message, words), query = kept, update.callback_query
    if isinstance(pressed, Rating) and pressed.vote > 0:
        await query.answer(words.vote_thanks)
        await _show(message, replaced(message, vote_row(pressed.answer, _mark(message, 1))))
    else:
        await query.answer(words.vote_why)
        await _show(message, replaced(message, reason_row(pressed.answer, words)))


@throttled
async def give_reason(update: Update, context: BotContext) -> None:
    """A reason press after 👎 (a Reason): keep the down vote with its reason, and show the
    vote row again."""
    kept = await _kept(update, context, Reason)
    if kept is None or update.callback_query is None:
        return
    pressed, message, words = kept
    await update.callback_query.answer(words.reason_thanks)
    await _show(message, replaced(message, vote_row(pressed.answer, _mark(message, -1))))
