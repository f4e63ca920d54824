"""Edge: what every handler can reach, through a context type of the bot's own.

`Shared` is stored once in bot_data; `BotContext.shared` and `BotContext.engine` are the one
typed way to reach it (PTB's `ContextTypes(context=BotContext)` makes every handler's context
one of these).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.chat.replies import SHARED
from bot.chat.throttle import Throttle
from bot.engine import Engine
from bot.state import State


@dataclass(frozen=True, slots=True)
class Shared:
    """What the handlers share: the engine, the page size, the admins, the per-user throttle,
    the question searches allowed at once, the state database, and how long an answer may
    take before the chat is shown "typing…"."""

    engine: Engine
    page_size: int
    admins: frozenset[int]
    throttle: Throttle
    searches: asyncio.Semaphore
    state: State
    typing_after: float  # seconds


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's callback context, with typed accessors for what the bot's handlers share."""

    @property
    def shared(self) -> Shared:
        """The handlers' shared state."""
        value = self.bot_data[SHARED]
        if not isinstance(value, Shared):
            raise TypeError(f"bot_data[{SHARED!r}] holds {type(value).__name__}, not Shared")
        return value

    @property
    def engine(self) -> Engine:
        """The engine answering questions."""
        return self.shared.engine


CONTEXT_TYPES = ContextTypes(context=BotContext)
