"""Inline queries and button presses are answered at once even when the bot is busy: with
hundreds of questions stuck waiting on Telegram, a /reload rebuilding the index, or slow
questions keeping the search threads busy. Telegram refuses answers to them after a few seconds.

What is asserted is the order in which the fake Bot API received calls, never elapsed time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat.lanes import QUESTION_LANE
from tests.botapi import FakeBotApi
from tests.telegram_fixtures import (
    ADMIN_ID,
    USER_ID,
    await_until,
    bot_message_ids,
    buttons,
    exchange,
    fake_api,
    reload_gate,
    running_bot,
    sent,
    write_smart_city_corpus,
)

BACKLOG = 300  # more questions than PTB's default of 256 updates at once


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


async def test_inline_and_buttons_are_answered_behind_a_backlog_and_a_reload(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    corpus, cache = write_smart_city_corpus(tmp_path / "corpus"), tmp_path / "cache"
    async with running_bot(fake, corpus, index_dir=cache, messages_per_second=0):
        first = await exchange(fake, "smart city", language_code="en")
        (answer_id,) = bot_message_ids(fake, USER_ID)
        passage = buttons(first)[0]["callback_data"]
        with reload_gate(cache) as gate:
            gate.arm()
            fake.push_message("/reload", user_id=ADMIN_ID, language_code="en")
            await gate.reached()  # the engine is rebuilding, held mid-way
            fake.hold("sendMessage")  # Telegram stops answering the bot's messages
            for number in range(BACKLOG):
                fake.push_message("smart city", user_id=10_000 + number % 100)
            # The lane is full: the /reload has one place, the questions' replies the rest.
            await await_until(
                lambda: fake.holding("sendMessage") >= QUESTION_LANE - 1, "a full question lane"
            )
            fake.push_inline_query("smart city")
            fake.push_callback_query(passage, message=answer_id, user_id=USER_ID)
            (inline,) = await fake.await_for("answerInlineQuery")
            (pressed,) = await fake.await_for("answerCallbackQuery")

            # Answered while every question's reply was still waiting and the reload was held.
            assert len(sent(fake)) == 2  # the first answer, "Reloading…" and nothing since
            # No more questions entered the lane meanwhile (the full passage may be waiting too).
            assert fake.holding("sendMessage") in (QUESTION_LANE - 1, QUESTION_LANE)
            assert len(inline.params["results"]) == 10 and "text" not in pressed.params
            fake.release("sendMessage")
            gate.let_all_through()
            await fake.await_for("sendMessage", count=2 + BACKLOG + 2, timeout=30)

    texts = [call.params["text"] for call in sent(fake)]
    assert sum(text.startswith("Results for <i>smart city</i>") for text in texts) == 1 + BACKLOG
    assert sum(text.startswith("Reloaded: reports 30 → 30") for text in texts) == 1


def slow_question(seed: int) -> str:
    """1,000 characters of made-up Thai words: each is looked up and spelling-corrected."""
    letters = "กขคงจฉชซญดตถทนบปผพฟภมยรลวศสหอะาิีึืุูเแโใไ่้๊๋ั็์"
    chance = random.Random(seed)
    words = ("".join(chance.choices(letters, k=chance.randint(3, 9))) for _ in range(200))
    return " ".join(words)[:1000]


async def test_inline_and_buttons_do_not_queue_behind_slow_searches(fake: FakeBotApi) -> None:
    slow = 40
    # Slow searches in the bot's own threads hold the GIL its event loop needs (7 to 34 of the
    # forty answered first, on the code before worker processes too): they search in a worker.
    async with running_bot(fake, messages_per_second=0, answer_workers=1, typing_after_ms=0):
        first = await exchange(fake, "AOT Airport", language_code="en")
        (answer_id,) = bot_message_ids(fake, USER_ID)
        for number in range(slow):
            fake.push_message(slow_question(number), user_id=30_000 + number)
        # Each question shows "typing…" as its search starts (typing_after_ms=0): all forty
        # are searching now, or waiting to.
        await fake.await_for("sendChatAction", count=1 + slow)
        fake.push_inline_query("AOT Airport")
        fake.push_callback_query(buttons(first)[0]["callback_data"], message=answer_id)
        await fake.await_for("answerInlineQuery")
        await fake.await_for("answerCallbackQuery")
        answered_meanwhile = len(sent(fake)) - 1
        await fake.await_for("sendMessage", count=1 + slow + 1, timeout=60)

    # Questions search two at a time (telegram.QUESTION_SEARCHES), so the inline query's search
    # found a worker thread free instead of queueing behind forty slow ones.
    assert answered_meanwhile < slow // 2, answered_meanwhile
