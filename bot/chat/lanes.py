"""Edge: how the bot shares its attention between updates (a python-telegram-bot update processor).

Telegram gives a bot a few seconds to answer an inline query or a button press, after which the
answer is refused ("query is too old"). Messages have no such deadline. With one pool of
concurrent updates, as PTB's `concurrent_updates(True)` gives, a backlog of questions (a burst of
users, or replies held up by Telegram's flood control) fills the pool and inline queries and
button presses wait behind it. Here they have a lane of their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

QUESTION_LANE = 64  # messages handled at once; the rest wait their turn
QUICK_LANE = 64  # inline queries and button presses handled at once
# PTB's own limit wraps both lanes and is taken before an update's lane is known, so it must
# not bind: a question waiting for its lane would otherwise hold a slot an inline query needs.
_NO_LIMIT = 2**31 - 1


def is_quick(update: object) -> bool:
    """Whether Telegram expects a quick answer: an inline query or a button press."""
    return isinstance(update, Update) and (
        update.inline_query is not None or update.callback_query is not None
    )


class Lanes(BaseUpdateProcessor):
    """Updates in two lanes, so questions never keep inline queries and buttons waiting."""

    def __init__(self, questions: int = QUESTION_LANE, quick: int = QUICK_LANE) -> None:
        super().__init__(_NO_LIMIT)
        self.questions = asyncio.BoundedSemaphore(questions)
        self.quick = asyncio.BoundedSemaphore(quick)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers once its lane has room."""
        async with self.quick if is_quick(update) else self.questions:
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
