"""Meetings over HTTP: /latest, /meeting, the same asked in words, item buttons and pages; the
real Application polling the local fake Bot API, over six real meeting posts as they come."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram.ext import Application

from bot.chat.app import build_application
from bot.engine import Engine
from tests.botapi import FakeBotApi
from tests.telegram_fixtures import (
    ADMIN_ID,
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
)
from tests.test_meetings import POSTS
from tests.test_telegram import EVERYONE


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Application]:
    settings = make_settings(fake, POSTS)
    application = build_application(settings, Engine.load([POSTS], settings.index_cache()))
    async with polling(application) as running:
        yield running


def item_buttons(call: object) -> list[dict[str, str]]:
    return [b for b in buttons(call) if b["text"].isdigit()]  # type: ignore[arg-type]


async def test_latest_lists_the_newest_meetings_items_and_nothing_else(
    fake: FakeBotApi, bot: Application
) -> None:
    command = (await exchange(fake, "/latest", language_code="th")).params["text"]
    asked = (await exchange(fake, "มติ ครม. ล่าสุด")).params["text"]

    assert command.startswith("<b>มติคณะรัฐมนตรี 9 กันยายน 2567 (2024-09-09): 4 เรื่อง")
    assert asked == command
    for year in ("2560", "2563", "2566"):  # the other five meetings
        assert year not in command
    assert html_problems(command) == []


async def test_a_meeting_by_date_in_any_writing_lists_its_items_with_buttons(
    fake: FakeBotApi, bot: Application
) -> None:
    for asked in (
        "/meeting 19 พ.ค. 63",
        "/meeting 2020-05-19",
        "ครม. ๑๙ พฤษภาคม ๒๕๖๓ อนุมัติอะไรบ้าง",
    ):
        reply = await exchange(fake, asked, language_code="th")
        text = reply.params["text"]
        assert text.startswith("<b>มติคณะรัฐมนตรี 19 พฤษภาคม 2563 (2020-05-19): 9 เรื่อง"), asked
        assert [b["text"] for b in item_buttons(reply)] == [str(n) for n in range(1, 10)]
        for button in buttons(reply):
            assert len(button["callback_data"].encode()) <= 64
    english = (await exchange(fake, "cabinet decisions on 19 May 2020")).params["text"]
    assert english.startswith("<b>Cabinet meeting of 19 May 2020 (2020-05-19): 9 items")
    assert "<b>legal affairs</b>" in english


async def test_an_item_button_opens_the_item_cited(fake: FakeBotApi, bot: Application) -> None:
    listing = await exchange(fake, "/meeting 2020-05-19", language_code="th")
    first = item_buttons(listing)[0]
    (message_id,) = bot_message_ids(fake, USER_ID)
    before = len(sent(fake))
    await press(fake, first["callback_data"], message_id)
    opened = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]

    text = opened.params["text"]
    assert "<i>เรื่องที่ 1 (กฎหมาย) · 19 พฤษภาคม 2563 (2020-05-19)</i>" in text
    assert "<blockquote expandable>" in text and "details/31114" in text
    assert html_problems(text) == []


async def test_a_long_meeting_pages_and_a_date_without_one_offers_the_nearest(
    fake: FakeBotApi, bot: Application
) -> None:
    first = await exchange(fake, "/meeting 23 May 2017", language_code="en")
    assert "items 1–12 of 20" in first.params["text"]
    (more,) = [b for b in buttons(first) if b["text"] == "More results ▶"]
    (message_id,) = bot_message_ids(fake, USER_ID)
    before = len(sent(fake))
    await press(fake, more["callback_data"], message_id)
    second = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]
    assert "items 13–20 of 20" in second.params["text"]
    assert [b["text"] for b in item_buttons(second)] == [str(n) for n in range(13, 21)]

    none = (await exchange(fake, "/meeting 2020-05-20", language_code="en")).params["text"]
    assert none.startswith("No cabinet meeting on 20 May 2020 (2020-05-20).")
    assert "19 May 2020 (2020-05-19) · 6 September 2023 (2023-09-06)" in none
    usage = (await exchange(fake, "/meeting", language_code="en")).params["text"]
    assert "/meeting 2021-10-12" in usage


async def test_one_item_by_number_and_date(fake: FakeBotApi, bot: Application) -> None:
    item = (await exchange(fake, "ข้อ 2 ครม. 19 พ.ค. 63")).params["text"]
    missing = (await exchange(fake, "ข้อ 24 ครม. 19 พ.ค. 63")).params["text"]

    assert "<i>เรื่องที่ 2 (กฎหมาย) · 19 พฤษภาคม 2563 (2020-05-19)</i>" in item
    assert "ไม่มีเรื่องที่ 24 (มี 9 เรื่อง)" in missing


async def test_a_range_lists_its_meetings_each_a_button_to_its_items(
    fake: FakeBotApi, bot: Application
) -> None:
    reply = await exchange(fake, "ครม. อนุมัติอะไรบ้างระหว่างพฤษภาคม 2560 ถึงพฤษภาคม 2563")
    text = reply.params["text"]
    assert text.startswith("<b>การประชุมคณะรัฐมนตรี 1 พฤษภาคม 2560 – 31 พฤษภาคม 2563: 3 ครั้ง")
    days = [b["text"] for b in buttons(reply)]
    assert days == ["2017-05-23", "2020-04-03", "2020-05-19"]
    (message_id,) = bot_message_ids(fake, USER_ID)
    before = len(sent(fake))
    await press(fake, buttons(reply)[2]["callback_data"], message_id)
    meeting = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]
    assert meeting.params["text"].startswith("<b>มติคณะรัฐมนตรี 19 พฤษภาคม 2563 (2020-05-19): 9")
    assert html_problems(text) == []


# -- reach: guest mode, menus per scope, the bot's profile -----------------------------------


async def test_a_guest_mention_in_a_chat_the_bot_never_joined_is_answered_once(
    fake: FakeBotApi, bot: Application
) -> None:
    fake.push_guest_message("@test_bot มติ ครม. ล่าสุด")
    (meeting,) = await fake.await_for("answerGuestQuery", timeout=5)
    fake.push_guest_message("@test_bot ร่างพระราชกำหนดเรือไทย", language_code="en")
    answers = await fake.await_for("answerGuestQuery", count=2, timeout=5)

    for call in answers:
        assert call.ok and call.params["guest_query_id"].startswith("guest")
        text = call.params["result"]["input_message_content"]["message_text"]
        assert call.params["result"]["input_message_content"]["parse_mode"] == "HTML"
        assert html_problems(text) == []
    listing = meeting.params["result"]["input_message_content"]["message_text"]
    assert listing.startswith("<b>มติคณะรัฐมนตรี 9 กันยายน 2567 (2024-09-09): 4 เรื่อง")
    found = answers[1].params["result"]["input_message_content"]["message_text"]
    assert "ร่างพระราชกำหนดเรือไทย" in found and "23 พฤษภาคม 2560" in found
    assert not fake.calls("sendMessage")  # the bot is in no chat to send to


async def test_menus_per_scope_and_the_profile_in_both_languages(
    fake: FakeBotApi, bot: Application
) -> None:
    menus = {
        (call.params.get("scope", {}).get("chat_id"), call.params.get("language_code")): [
            command["command"] for command in call.params["commands"]
        ]
        for call in fake.calls("setMyCommands")
    }
    assert menus[(None, None)] == menus[(None, "th")] == EVERYONE
    assert menus[(ADMIN_ID, None)] == [*EVERYONE, "reload", "stats"]
    assert menus[(ADMIN_ID, "th")][-2:] == ["reload", "stats"]
    assert "thaigov.go.th" in (await bot.bot.get_my_description()).description
    thai = await bot.bot.get_my_short_description(language_code="th")
    assert thai.short_description == "ค้นมติ ครม. พร้อมข้อความอ้างอิง"


# -- from a citation to its meeting ----------------------------------------------------------


async def test_an_excerpts_meeting_button_lists_that_meetings_items(
    fake: FakeBotApi, bot: Application
) -> None:
    answer = await exchange(fake, "ร่างพระราชกำหนดเรือไทย")
    # One button per meeting the excerpts come from, the first excerpt's meeting first.
    meetings = [b for b in buttons(answer) if b["text"].startswith("🗓")]
    assert len({b["text"] for b in meetings}) == len(meetings)
    meeting = meetings[0]
    assert meeting["text"] == "🗓 ประชุม 2017-05-23"
    assert len(meeting["callback_data"].encode()) <= 64
    (message_id,) = bot_message_ids(fake, USER_ID)
    before = len(sent(fake))
    await press(fake, meeting["callback_data"], message_id)
    listing = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]
    assert listing.params["text"].startswith("<b>มติคณะรัฐมนตรี 23 พฤษภาคม 2560 (2017-05-23): 20")


async def test_an_inline_results_meeting_link_opens_the_meetings_items(
    fake: FakeBotApi, bot: Application
) -> None:
    fake.push_inline_query("ร่างพระราชกำหนดเรือไทย")
    (inline,) = await fake.await_for("answerInlineQuery", timeout=5)
    first = inline.params["results"][0]
    (link,) = [b for row in first["reply_markup"]["inline_keyboard"] for b in row]
    assert link["url"] == "https://t.me/test_bot?start=m20170523"
    started = (await exchange(fake, "/start m20170523", language_code="en")).params["text"]
    assert started.startswith("<b>Cabinet meeting of 23 May 2017 (2017-05-23): 20 items")


async def test_inline_a_meeting_gives_its_list_then_its_items(
    fake: FakeBotApi, bot: Application
) -> None:
    fake.push_inline_query("ครม. 23 พ.ค. 60")
    (first,) = await fake.await_for("answerInlineQuery", timeout=5)
    results = first.params["results"]
    assert len(results) == 10 and first.params["next_offset"] == "10"
    listing = results[0]["input_message_content"]["message_text"]
    assert listing.startswith("<b>มติคณะรัฐมนตรี 23 พฤษภาคม 2560 (2017-05-23): 20 เรื่อง")
    item = results[1]["input_message_content"]["message_text"]
    assert "<i>เรื่องที่ 1 (กฎหมาย) · 23 พฤษภาคม 2560 (2017-05-23)</i>" in item
    assert len({r["id"] for r in results}) == 10
    fake.push_inline_query("ครม. 23 พ.ค. 60", offset="20")
    calls = await fake.await_for("answerInlineQuery", count=2, timeout=5)
    assert len(calls[1].params["results"]) == 1 and "next_offset" not in calls[1].params


async def test_meetings_in_a_group(fake: FakeBotApi, bot: Application) -> None:
    group = {"chat_type": "supergroup", "chat_id": GROUP_ID}
    latest = await exchange(fake, "/latest@test_bot", **group)
    asked = await exchange(fake, "/ask ครม. 19 พ.ค. 63 อนุมัติอะไรบ้าง", **group)
    mention = await exchange(fake, "@test_bot cabinet decisions on 19 May 2020", **group)

    assert latest.params["chat_id"] == GROUP_ID
    assert latest.params["text"].startswith("<b>มติคณะรัฐมนตรี 9 กันยายน 2567 (2024-09-09)")
    assert asked.params["text"].startswith("<b>มติคณะรัฐมนตรี 19 พฤษภาคม 2563 (2020-05-19): 9")
    assert mention.params["text"].startswith("<b>Cabinet meeting of 19 May 2020 (2020-05-19)")
    assert len(sent(fake, GROUP_ID)) == 3


async def test_newest_first_orders_an_answer_by_meeting_and_says_when_even_that_is_old(
    fake: FakeBotApi, bot: Application
) -> None:
    answer = await exchange(fake, "ร่างกฎกระทรวง", language_code="th")
    (newest,) = [b for b in buttons(answer) if b["text"] == "🕒 ใหม่สุดก่อน"]
    (message_id,) = bot_message_ids(fake, USER_ID)
    before = len(sent(fake))
    await press(fake, newest["callback_data"], message_id)
    ordered = (await fake.await_for("sendMessage", count=before + 1, timeout=5))[before]

    text = ordered.params["text"]
    assert "เรียงจากการประชุมล่าสุด (ล่าสุด " in text
    assert "ล่าสุดมาจากการประชุมเมื่อกว่าหนึ่งปีก่อน" in text  # the posts end in 2024
    days = re.findall(r"\((\d{4}-\d{2}-\d{2})\)</i>", text)
    assert len(days) >= 2 and days == sorted(days, reverse=True)
    assert not [b for b in buttons(ordered) if b["text"] == "🕒 ใหม่สุดก่อน"]
    assert html_problems(text) == []


async def test_a_meetings_section_in_every_kind_of_chat(
    fake: FakeBotApi, bot: Application
) -> None:
    private = await exchange(fake, "ครม. 23 พ.ค. 60 แต่งตั้งใครบ้าง", language_code="th")
    lines = private.params["text"].splitlines()
    assert lines[:2] == [
        "<b>มติคณะรัฐมนตรี 23 พฤษภาคม 2560 (2017-05-23): 4 เรื่อง</b>",
        "เฉพาะหมวดแต่งตั้ง",
    ]
    assert [b["text"] for b in item_buttons(private)] == ["17", "18", "19", "20"]

    group = {"chat_type": "supergroup", "chat_id": GROUP_ID}
    asked = await exchange(
        fake, "/ask foreign affairs items from the meeting of 23 May 2017", **group
    )
    assert "The foreign affairs section only" in asked.params["text"]
    assert [b["text"] for b in item_buttons(asked)] == ["12", "13", "14", "15", "16"]

    fake.push_inline_query("ครม. 23 พ.ค. 60 หมวดกฎหมาย")
    (inline,) = await fake.await_for("answerInlineQuery", timeout=5)
    titles = [r["title"] for r in inline.params["results"][1:]]
    assert [t.split(".")[0] for t in titles] == [str(n) for n in range(1, 10)]  # the 10 legal
    assert inline.params["next_offset"] == "10"  # ... and the 10th on the next page

    fake.push_guest_message("@test_bot latest cabinet appointments", language_code="en")
    (guest,) = await fake.await_for("answerGuestQuery", timeout=5)
    text = guest.params["result"]["input_message_content"]["message_text"]
    assert text.startswith("<b>Cabinet meeting of 9 September 2024 (2024-09-09): 1 items")
    assert "The appointments section only" in text and html_problems(text) == []
