"""Edge: the 👍 / 👎 row under an answer and the reasons row after 👎 (typed payloads, Rating
and Reason, that python-telegram-bot keeps); bot.chat.feedback handles their presses.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.answer import Answer
from bot.chat.replies import Reply, answer_reply
from bot.texts import Texts

UP, DOWN = "👍", "👎"
CHOSEN = " ✓"


@dataclass(frozen=True, slots=True)
class Rating:
    """What a vote button carries: the answer, and the vote (1 up, -1 down)."""

    answer: Answer
    vote: int


@dataclass(frozen=True, slots=True)
class Reason:
    """What a reason button (after 👎) carries: the answer, and why it was voted down."""

    answer: Answer
    reason: str


def vote_row(answer: Answer, chosen: int | None = None) -> list[InlineKeyboardButton]:
    """👍 👎, the user's own vote marked."""
    return [
        InlineKeyboardButton(
            label + (CHOSEN if chosen == vote else ""), callback_data=Rating(answer, vote)
        )
        for label, vote in ((UP, 1), (DOWN, -1))
    ]


def reason_row(answer: Answer, words: Texts) -> list[InlineKeyboardButton]:
    """The reasons to choose from after 👎."""
    return [
        InlineKeyboardButton(label, callback_data=Reason(answer, key))
        for key, label in words.reasons.items()
    ]


def with_votes(reply: Reply, answer: Answer) -> Reply:
    """The reply with 👍 👎 as its last row."""
    rows = [*reply.markup.inline_keyboard] if reply.markup else []
    return Reply(reply.html, reply.text, InlineKeyboardMarkup([*rows, vote_row(answer)]))


def question_reply(answer: Answer, page_size: int) -> Reply:
    """What a question asked in a chat gets: the answer's first page, then 👍 👎 (a greeting
    gets its greeting back, with nothing to rate)."""
    first = answer_reply(answer, 0, page_size)
    return first if answer.social is not None else with_votes(first, answer)


def replaced(message: Message, row: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """The message's keyboard with its vote (or reason) row replaced by `row`."""
    kept = [
        list(buttons)
        for buttons in (message.reply_markup.inline_keyboard if message.reply_markup else ())
        if not any(isinstance(b.callback_data, Rating | Reason) for b in buttons)
    ]
    return InlineKeyboardMarkup([*kept, row])
