"""Buttons across a restart over HTTP: the same STATE_DB, a new process's Application, and old
messages' buttons (more results, full passage, votes, a meeting's items and pages) still work."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.agenda import Asked
from bot.chat.alerts import Unfollow
from bot.chat.app import build_application
from bot.chat.meetings import MeetingPage, OpenItem
from bot.chat.pager import PageNumber
from bot.chat.persistence import decode, durable, encode
from bot.chat.replies import FullPassage, MeetingOf, MorePage, NewestFirst
from bot.chat.votes import Rating, Reason
from bot.daterange import DateRange
from bot.engine import Engine
from bot.state import State
from tests.botapi import FakeBotApi
from tests.telegram_fixtures import (
    USER_ID,
    bot_message_ids,
    buttons,
    exchange,
    fake_api,
    make_settings,
    polling,
    press,
    sent,
    write_smart_city_corpus,
)
from tests.test_meetings import POSTS


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


def label(call: object, text: str) -> str:
    (found,) = [b["callback_data"] for b in buttons(call) if b["text"] == text]  # type: ignore[arg-type]
    return found


async def pressed_reply(fake: FakeBotApi, data: str, message_id: int) -> str:
    before = len(sent(fake))
    answered = await press(fake, data, message_id)
    assert "text" not in answered.params or "expired" not in answered.params["text"]
    return (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before].params[
        "text"
    ]


async def test_an_answers_buttons_work_after_a_restart(fake: FakeBotApi, tmp_path: Path) -> None:
    corpus = write_smart_city_corpus(tmp_path / "corpus")
    settings = make_settings(fake, corpus, state_db=tmp_path / "state.sqlite3", result_count=3)
    async with polling(build_application(settings, Engine.load([corpus]))):
        first = await exchange(fake, "smart city", language_code="en")
        (answer_id,) = bot_message_ids(fake, USER_ID)
        before_restart = await pressed_reply(fake, label(first, "More results ▶"), answer_id)

    async with polling(build_application(settings, Engine.load([corpus]))):  # a new process
        again = await pressed_reply(fake, label(first, "More results ▶"), answer_id)
        assert again == before_restart and "<b>4. " in again
        passage = await pressed_reply(fake, label(first, "📄 Full passage 1"), answer_id)
        assert passage.startswith("<b>1. ")
        await press(fake, label(first, "👍"), answer_id)
        await fake.await_for("editMessageReplyMarkup", timeout=5)
    kept = State.open(tmp_path / "state.sqlite3")
    assert kept.rates().up == 1
    kept.close()


async def test_a_meetings_buttons_work_after_a_restart(fake: FakeBotApi, tmp_path: Path) -> None:
    settings = make_settings(fake, POSTS, state_db=tmp_path / "state.sqlite3")
    async with polling(build_application(settings, Engine.load([POSTS]))):
        listing = await exchange(fake, "/meeting 23 May 2017", language_code="en")
        (listing_id,) = bot_message_ids(fake, USER_ID)

    async with polling(build_application(settings, Engine.load([POSTS]))):
        item = await pressed_reply(fake, label(listing, "1"), listing_id)
        assert "<b>ร่างพระราชกำหนดเรือไทย" in item
        page = await pressed_reply(fake, label(listing, "More results ▶"), listing_id)
        assert "items 13–20 of 20" in page


def test_every_kind_of_payload_comes_back_in_its_durable_form(tmp_path: Path) -> None:
    engine = Engine.load([POSTS])
    meeting = engine.agenda.meetings[0]
    listing = engine.agenda.listing(Asked(meeting.day, section="กฎหมาย"), "en")
    ranged = engine.agenda.listing(Asked(within=DateRange(date(2020, 1, 1), None)), "th")
    answer = engine.ask("ร่างพระราชกำหนดเรือไทย")
    payloads = [
        MorePage(answer, 3),
        FullPassage(answer, 1),
        NewestFirst(answer),
        Rating(answer, -1),
        Reason(answer, "excerpt"),
        MeetingOf(meeting.day, "en"),
        MeetingPage(listing, 12, turn=True),
        MeetingPage(ranged, 0),
        OpenItem(meeting.items[0], "th"),
        Unfollow(-100123, "รถไฟทางคู่"),
        PageNumber(),
        "plain text",
    ]
    keyboards = [("keyboard", 1.5, {str(n): p for n, p in enumerate(payloads)})]
    back = decode(encode((keyboards, {"query": "keyboard"})), engine)
    ((_, when, buttons),), queries = back
    assert when == 1.5 and queries == {"query": "keyboard"} and len(buttons) == len(payloads)
    for number, payload in enumerate(payloads):
        assert durable(buttons[str(number)]) == durable(payload)
    assert buttons["0"].answer.revived and buttons["0"].answer.question == answer.question
    assert buttons["6"].listing == listing  # the listing asked again of the agenda
    # A report gone from the corpus leaves its button out; the others stay.
    gone = {"kind": "item", "doc": "no-such-report", "language": "th"}
    text = json.dumps({"keyboards": [["k", 1.0, {"a": gone, "b": {"kind": "page"}}]]})
    ((_, _, left),), _ = decode(text, engine)
    assert list(left) == ["b"]
