"""Pages turned in place over HTTP: in a group, "more results" and a meeting's "more" edit their
own message (◀ 2/5 ▶) instead of posting one a page; private chats still get a new message."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat.app import build_application
from bot.engine import Engine
from tests.botapi import Call, FakeBotApi
from tests.telegram_fixtures import (
    GROUP_ID,
    USER_ID,
    bot_message_ids,
    buttons,
    exchange,
    fake_api,
    html_problems,
    make_settings,
    polling,
    press,
    sent,
    write_smart_city_corpus,
)
from tests.test_meetings import POSTS

GROUP = {"chat_type": "supergroup", "chat_id": GROUP_ID}


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


def pager(call: Call | dict[str, object]) -> list[str]:
    """The labels of the pager row (◀, n/N, ▶) under a message."""
    markup = call.params.get("reply_markup") if isinstance(call, Call) else call["reply_markup"]
    rows = (markup or {}).get("inline_keyboard", [])  # type: ignore[union-attr]
    return [b["text"] for row in rows for b in row if re.fullmatch(r"◀|▶|\d+/\d+", b["text"])]


def button(labels: list[dict[str, str]], text: str) -> str:
    (found,) = [b["callback_data"] for b in labels if b["text"] == text]
    return found


async def turned(fake: FakeBotApi, data: str, message_id: int, chat_id: int) -> Call:
    """Press a button on a group message and return the edit it brings (none sent anew)."""
    edits, messages = len(fake.calls("editMessageText")), len(sent(fake))
    await press(fake, data, message_id, chat_id=chat_id)
    calls = await fake.await_for("editMessageText", count=edits + 1, timeout=5)
    assert len(sent(fake)) == messages  # the page turned; no message was posted
    return calls[edits]


def rows_of(fake: FakeBotApi, chat_id: int, message_id: int) -> list[dict[str, str]]:
    stored = fake.message(chat_id, message_id)
    assert stored is not None
    return [b for row in stored["reply_markup"]["inline_keyboard"] for b in row]


async def test_more_results_in_a_group_turns_the_page_in_place(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(fake, write_smart_city_corpus(tmp_path / "corpus"), result_count=3)
    application = build_application(settings, Engine.load([settings.corpus_dir]))
    async with polling(application):
        first = await exchange(fake, "/ask smart city", **GROUP)
        (message_id,) = bot_message_ids(fake, GROUP_ID)
        assert "<b>1. " in first.params["text"] and "<b>4. " not in first.params["text"]

        second = await turned(fake, button(buttons(first), "More results ▶"), message_id, GROUP_ID)
        assert second.params["message_id"] == message_id
        text = second.params["text"]
        assert "<b>4. " in text and "<b>6. " in text and "<b>3. " not in text
        assert html_problems(text) == []
        labels = pager(second)
        pages = int(labels[1].split("/")[1])
        assert labels == ["◀", f"2/{pages}", "▶"] and pages >= 3

        third = await turned(
            fake, button(rows_of(fake, GROUP_ID, message_id), "▶"), message_id, GROUP_ID
        )
        assert "<b>7. " in third.params["text"] and pager(third)[1] == f"3/{pages}"
        back = await turned(
            fake, button(rows_of(fake, GROUP_ID, message_id), "◀"), message_id, GROUP_ID
        )
        assert back.params["text"] == text  # page 2 again, as it was

        # The number between the arrows answers the press and changes nothing.
        number = button(rows_of(fake, GROUP_ID, message_id), f"2/{pages}")
        edits = len(fake.calls("editMessageText"))
        answered = await press(fake, number, message_id, chat_id=GROUP_ID)
        assert "text" not in answered.params
        assert len(fake.calls("editMessageText")) == edits

        # Back on page 1: ◀ is gone, "newest first" is back.
        await turned(fake, button(rows_of(fake, GROUP_ID, message_id), "◀"), message_id, GROUP_ID)
        labels = [b["text"] for b in rows_of(fake, GROUP_ID, message_id)]
        assert f"1/{pages}" in labels and "◀" not in labels and "🕒 Newest first" in labels
        for each in rows_of(fake, GROUP_ID, message_id):
            assert len(each["callback_data"].encode()) <= 64


async def test_a_meetings_more_in_a_group_turns_the_page_and_privately_posts_one(
    fake: FakeBotApi,
) -> None:
    settings = make_settings(fake, POSTS)
    application = build_application(settings, Engine.load([POSTS], settings.index_cache()))
    async with polling(application):
        first = await exchange(fake, "/meeting@test_bot 23 May 2017", **GROUP)
        (message_id,) = bot_message_ids(fake, GROUP_ID)
        more = button(buttons(first), "More results ▶")
        second = await turned(fake, more, message_id, GROUP_ID)
        assert "items 13–20 of 20" in second.params["text"]
        assert pager(second) == ["◀", "2/2"]
        first_again = await turned(
            fake, button(rows_of(fake, GROUP_ID, message_id), "◀"), message_id, GROUP_ID
        )
        assert "items 1–12 of 20" in first_again.params["text"]
        assert pager(first_again) == ["1/2", "▶"]
        # Pressed again, the page already shows: Telegram's "not modified" is no error.
        await press(fake, more, message_id, chat_id=GROUP_ID)
        await press(fake, more, message_id, chat_id=GROUP_ID)
        assert fake.errors == []

        private = await exchange(fake, "/meeting 23 May 2017", language_code="en")
        (private_id,) = bot_message_ids(fake, USER_ID)
        before = len(sent(fake))
        await press(fake, button(buttons(private), "More results ▶"), private_id)
        posted = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]
        assert "items 13–20 of 20" in posted.params["text"] and posted.params["chat_id"] == USER_ID
