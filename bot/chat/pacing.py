"""Edge: the pace of what the bot sends, within Telegram's limits.

Everything goes through python-telegram-bot's AIORateLimiter (an overall messages-per-second
budget, per-chat limits, and SEND_RETRIES retries of a request refused with 429), except the
answers to inline queries and button presses, which Telegram takes only within seconds (see
`QuickAnswersRateLimiter`). Incoming updates are shared out by bot.chat.lanes.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

SEND_RETRIES = 3  # times a request refused by Telegram's flood control (429) is sent again


# Bot API methods that answer an inline query or a button press.
QUICK_METHODS = frozenset({"answerInlineQuery", "answerCallbackQuery"})


class QuickAnswersRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter for everything the bot sends, except the answers Telegram expects
    within seconds.

    When Telegram answers one message with 429 "retry after N", AIORateLimiter holds every
    request for N seconds, which would make an inline query's or a button's answer too late
    to be taken. Those answers count against no chat's message limit, so they go straight out.
    """

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        """Send quick answers at once; everything else as AIORateLimiter does."""
        if endpoint in QUICK_METHODS:
            return await callback(*args, **kwargs)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


def rate_limiter(messages_per_second: float) -> QuickAnswersRateLimiter:
    """The bot's outgoing pacing: `messages_per_second` in all, SEND_RETRIES retries on 429."""
    return QuickAnswersRateLimiter(overall_max_rate=messages_per_second, max_retries=SEND_RETRIES)
