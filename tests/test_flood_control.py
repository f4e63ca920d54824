"""Flood control, both ways: Telegram's 429 "retry after" answers are retried and no reply is
lost; one user asking too fast is told, once, to slow down while everyone else is served."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from bot.chat.pacing import SEND_RETRIES
from bot.config import Settings
from tests.botapi import FakeBotApi
from tests.telegram_fixtures import (
    USER_ID,
    await_until,
    bot_message_ids,
    exchange,
    fake_api,
    running_bot,
    sent,
)

# PTB itself reads RetryAfter.retry_after as it builds the error, which warns of a future type.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")
APOLOGY = "Sorry, something went wrong while answering. Please try again."
ASKED = re.compile(r"(?:แอปพลิเคชันไทยชนะ|AOT Airport) (\d+)")
QUICK = 0.01  # seconds in a test 429's retry_after (Telegram's are whole seconds)


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


def errors(fake: FakeBotApi, method: str) -> list[int | None]:
    """The error code of each call of `method` (None when it went through)."""
    return [call.error_code for call in fake.calls(method)]


async def test_a_reply_refused_with_429_is_sent_again_until_it_goes_through(
    fake: FakeBotApi,
) -> None:
    async with running_bot(fake):
        fake.fail_next("sendMessage", retry_after=QUICK, times=SEND_RETRIES)
        reply = await exchange(fake, "AOT Airport", language_code="en")

    assert SEND_RETRIES == 3
    assert errors(fake, "sendMessage") == [429, 429, 429, None]
    assert "<b>AOT Airport</b>" in reply.params["text"]
    assert fake.last_call("sendMessage").params == fake.calls("sendMessage")[0].params


async def test_after_three_retries_the_bot_gives_up_and_apologises(
    fake: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(fake):
        fake.fail_next("sendMessage", retry_after=QUICK, times=SEND_RETRIES + 1)
        apology = await exchange(fake, "AOT Airport", language_code="en")

    # AIORateLimiter(max_retries=3) is in effect: one try and three retries, then the error.
    assert errors(fake, "sendMessage") == [429, 429, 429, 429, None]
    assert apology.params["text"] == APOLOGY
    (failure,) = [r for r in caplog.records if r.name == "bot.chat.handlers"]
    assert failure.levelno == logging.ERROR and "RetryAfter" in repr(failure.exc_info)


async def test_a_burst_under_flood_control_loses_no_reply(fake: FakeBotApi) -> None:
    users = range(5000, 5030)
    async with running_bot(fake, typing_after_ms=0):  # "typing…" for every question
        fake.fail_next("sendChatAction", retry_after=QUICK, times=SEND_RETRIES)
        fake.fail_next("sendMessage", retry_after=QUICK, times=SEND_RETRIES)
        for user in users:
            fake.push_message("แอปพลิเคชันไทยชนะ", user_id=user)
        await fake.await_for("sendMessage", count=len(users), predicate=lambda c: c.ok)

    replies = Counter(call.params["chat_id"] for call in sent(fake))
    assert replies == dict.fromkeys(users, 1)
    assert all("<b>แอปพลิเคชันไทยชนะ</b>" in call.params["text"] for call in sent(fake))
    assert errors(fake, "sendMessage").count(429) == SEND_RETRIES
    assert errors(fake, "sendChatAction").count(429) == SEND_RETRIES


async def test_a_typing_indicator_that_fails_does_not_cost_the_answer(fake: FakeBotApi) -> None:
    async with running_bot(fake, typing_after_ms=0):
        fake.fail_next("sendChatAction", retry_after=QUICK, times=SEND_RETRIES + 1)
        reply = await exchange(fake, "AOT Airport", language_code="en")

    assert errors(fake, "sendChatAction") == [429] * (SEND_RETRIES + 1)
    assert "<b>AOT Airport</b>" in reply.params["text"]


async def test_one_user_flooding_is_told_to_slow_down_once_and_others_are_served(
    fake: FakeBotApi,
) -> None:
    thai, english, other = 7001, 7002, 7003
    async with running_bot(fake, user_question_limit=3, user_question_window=600):
        for number in range(12):
            fake.push_message(f"แอปพลิเคชันไทยชนะ {number}", user_id=thai, language_code="th")
            fake.push_message(f"AOT Airport {number}", user_id=english, language_code="en")
        fake.push_message("AOT Airport", user_id=other, language_code="en")
        await fake.await_for("sendMessage", count=3 + 1 + 3 + 1 + 1, timeout=10)
        # Every update has been taken (the last was the other user's) and answered or dropped.
        await await_until(lambda: not fake.pending_updates(), "all updates fetched")
        late = await exchange(fake, "/help", user_id=other, language_code="en")

    by_chat: dict[int, list[str]] = {}
    for call in sent(fake):
        by_chat.setdefault(call.params["chat_id"], []).append(call.params["text"])
    notices = {
        thai: "ถามถี่เกินไปแล้ว กรุณารอประมาณ 600 วินาทีแล้วค่อยถามใหม่",
        english: "You are asking faster than I can answer. Please wait about 600 s and ask again.",
    }
    for flooder, notice in notices.items():
        texts = by_chat[flooder]
        assert texts.count(notice) == 1 and len(texts) == 4
        # First come, first served: the three answers are to the first three questions.
        answered = {int(number) for text in texts for number in ASKED.findall(text)}
        assert answered == {0, 1, 2}, texts
    assert by_chat[other][0].startswith("Results for <i>AOT Airport</i>")
    assert late.params["chat_id"] == other  # still served after the flood
    assert len(sent(fake)) == 3 + 1 + 3 + 1 + 2


async def test_a_flooding_user_pressing_buttons_gets_the_notice_on_each_press(
    fake: FakeBotApi,
) -> None:
    async with running_bot(fake, user_question_limit=2, user_question_window=600):
        first = await exchange(fake, "AOT Airport", language_code="en")
        data = first.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        (message_id,) = bot_message_ids(fake, USER_ID)
        for _ in range(3):
            fake.push_callback_query(data, message=message_id, user_id=USER_ID, language_code="en")
        await fake.await_for("answerCallbackQuery", count=3)

    answers = Counter(call.params.get("text") for call in fake.calls("answerCallbackQuery"))
    notice = "You are asking faster than I can answer. Please wait about 600 s and ask again."
    assert answers == {None: 1, notice: 2}  # the press within the limit is just acknowledged
    assert len(sent(fake)) == 2  # the answer and the one full passage


def test_throttle_and_send_rate_defaults_and_what_turns_them_off() -> None:
    defaults: dict[str, Any] = Settings(_env_file=None).model_dump()  # type: ignore[call-arg]
    assert defaults["user_question_limit"] == 10 and defaults["user_question_window"] == 60
    assert defaults["messages_per_second"] == 30
    off = Settings(_env_file=None, user_question_limit=0, messages_per_second=0)  # type: ignore[call-arg]
    assert off.user_question_limit == 0 and off.messages_per_second == 0


async def test_a_429_pause_holds_no_inline_answer_or_button_press(fake: FakeBotApi) -> None:
    pause = 3  # seconds Telegram asks the bot to wait before sending that message again
    async with running_bot(fake):
        await exchange(fake, "AOT Airport", language_code="en")  # a message with buttons
        fake.fail_next("sendMessage", retry_after=pause)
        fake.push_message("แอปพลิเคชันไทยชนะ")
        await fake.await_for("sendMessage", predicate=lambda call: call.error_code == 429)
        # AIORateLimiter now holds every request for the pause; these answers must not wait.
        fake.push_inline_query("ไทยชนะ")
        fake.push_callback_query("more:nope")  # a button under the bot's last message
        await fake.await_for("answerInlineQuery", timeout=pause - 1)
        await fake.await_for("answerCallbackQuery", timeout=pause - 1)
        assert errors(fake, "sendMessage") == [None, 429]  # the retry is still waiting
        await fake.await_for("sendMessage", count=3, timeout=pause + 5)

    assert errors(fake, "sendMessage") == [None, 429, None]
