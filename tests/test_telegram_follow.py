"""Following topics over HTTP with a real state database: /follow, a reload that brings a
matching report (and one that does not), unfollowing, a chat that blocked the bot, digests of
new meetings, restarts with the same STATE_DB, the refresh job, a database that cannot serve."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.chat.app import build_application
from bot.engine import Engine
from tests.botapi import Call, FakeBotApi
from tests.telegram_fixtures import (
    ADMIN_ID,
    GROUP_ID,
    USER_ID,
    await_reply,
    await_until,
    bot_message_ids,
    buttons,
    exchange,
    fake_api,
    html_problems,
    make_settings,
    polling,
    press,
    sent,
    write_report,
)
from tests.test_meetings import POSTS

OTHER_USER = 555_000_111
RAIL = (
    "rail.txt",
    "โครงการรถไฟทางคู่สายเหนือ",
    "คณะรัฐมนตรีอนุมัติโครงการรถไฟทางคู่สายเหนือ ช่วงเด่นชัย เชียงราย เชียงของ วงเงิน 85,345 ล้านบาท",
    "1 มกราคม 2567",
)
WAGE = (
    "wage.txt",
    "การปรับอัตราค่าจ้างขั้นต่ำ",
    "คณะรัฐมนตรีรับทราบการปรับอัตราค่าจ้างขั้นต่ำ วันละ 400 บาท ทั่วประเทศ",
    "8 มกราคม 2567",
)
Start = Callable[..., Any]


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


@pytest.fixture
async def start(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[Start]:
    """Start the bot on a corpus with a given state file; `stop()` stops the newest one."""
    async with AsyncExitStack() as stack:

        async def run(corpus: Path, state: Path | None = None, **settings: Any) -> Application:
            config = make_settings(
                fake, corpus, state_db=state or tmp_path / "state.sqlite3", **settings
            )
            engine = Engine.load([config.corpus_dir], config.index_cache())
            return await stack.enter_async_context(polling(build_application(config, engine)))

        yield run


def to(fake: FakeBotApi, chat_id: int) -> list[Call]:
    return [call for call in sent(fake) if call.params["chat_id"] == chat_id]


async def reload_as_admin(fake: FakeBotApi) -> str:
    fake.push_message("/reload", user_id=ADMIN_ID, language_code="en")
    return (await await_reply(fake, "Reloaded:", timeout=15)).params["text"]


async def test_a_reload_bringing_a_matching_report_alerts_its_follower_only(
    fake: FakeBotApi, start: Start, corpus: Path
) -> None:
    await start(corpus)
    followed = await exchange(fake, "/follow รถไฟทางคู่ เชียงของ", language_code="th")
    assert followed.params["text"].startswith("ติดตาม “รถไฟทางคู่ เชียงของ” แล้ว")
    await exchange(fake, "/follow ค่าจ้างขั้นต่ำ", user_id=OTHER_USER, language_code="th")
    listed = await exchange(fake, "/following", language_code="th")
    assert "• รถไฟทางคู่ เชียงของ" in listed.params["text"]

    write_report(corpus, *RAIL)
    report = await reload_as_admin(fake)
    assert "1 new or changed reports: 1 alerts and 0 digests sent" in report
    await await_until(lambda: len(to(fake, USER_ID)) >= 3, "the alert")
    alert = to(fake, USER_ID)[-1]
    text = alert.params["text"]
    assert text.startswith("<b>🔔 มีมติ ครม. ใหม่เกี่ยวกับ “รถไฟทางคู่ เชียงของ” ที่คุณติดตาม</b>")
    assert "โครงการรถไฟทางคู่สายเหนือ" in text and "1 มกราคม 2567" in text
    assert html_problems(text) == []
    assert not [c for c in to(fake, OTHER_USER) if "🔔" in c.params["text"]]  # not their topic

    # The other follower's topic arrives with its own report, and only then.
    write_report(corpus, *WAGE)
    await reload_as_admin(fake)
    await await_until(lambda: any("🔔" in c.params["text"] for c in to(fake, OTHER_USER)), "wage")
    assert len([c for c in to(fake, USER_ID) if "🔔" in c.params["text"]]) == 1

    # The alert's unfollow button stops the topic.
    (unfollow,) = [b for b in buttons(alert) if b["text"].startswith("🔕")]
    alert_id = bot_message_ids(fake, USER_ID)[-1]
    answered = await press(fake, unfollow["callback_data"], alert_id)
    assert answered.params["text"] == "เลิกติดตาม “รถไฟทางคู่ เชียงของ” แล้ว"
    none = await exchange(fake, "/following", language_code="th")
    assert none.params["text"].startswith("ยังไม่ได้ติดตามหัวข้อใด")


async def test_a_chat_that_blocked_the_bot_is_unsubscribed(
    fake: FakeBotApi, start: Start, corpus: Path
) -> None:
    await start(corpus)
    await exchange(fake, "/follow รถไฟทางคู่", language_code="en")
    fake.block(USER_ID)
    write_report(corpus, *RAIL)
    report = await reload_as_admin(fake)
    assert "0 alerts" in report
    await await_until(lambda: bool(fake.calls("sendMessage")), "an attempt")
    blocked = [c for c in fake.calls("sendMessage") if c.params["chat_id"] == USER_ID]
    assert blocked and not blocked[-1].ok  # it was tried, and Telegram said 403
    fake.block(USER_ID, blocked=False)
    after = await exchange(fake, "/following", language_code="en")
    assert after.params["text"].startswith("No topics followed yet")


async def test_follows_survive_a_restart_and_what_came_meanwhile_is_told(
    fake: FakeBotApi, start: Start, corpus: Path, tmp_path: Path
) -> None:
    state = tmp_path / "kept" / "state.sqlite3"
    first = await start(corpus, state)
    await exchange(fake, "/follow รถไฟทางคู่", language_code="th")
    await first.updater.stop()
    await first.stop()
    await first.shutdown()

    write_report(corpus, *RAIL)  # added while the bot was down
    await start(corpus, state)
    await await_until(lambda: any("🔔" in c.params["text"] for c in to(fake, USER_ID)), "alert")
    listed = await exchange(fake, "/following", language_code="th")
    assert "• รถไฟทางคู่" in listed.params["text"]


async def test_the_refresh_job_reloads_a_changed_corpus_by_itself(
    fake: FakeBotApi, start: Start, corpus: Path
) -> None:
    await start(corpus, refresh_minutes=0.01)  # every 0.6 s
    await exchange(fake, "/follow รถไฟทางคู่", language_code="en")
    write_report(corpus, *RAIL)
    await await_until(lambda: any("🔔" in c.params["text"] for c in to(fake, USER_ID)), "alert")
    await await_until(
        lambda: any("rebuilt by itself" in c.params["text"] for c in to(fake, ADMIN_ID)),
        "the admins' report",
    )
    answer = await exchange(fake, "รถไฟทางคู่สายเหนือ เชียงของ", language_code="th")
    assert "โครงการรถไฟทางคู่สายเหนือ" in answer.params["text"]


async def test_a_group_digest_and_follows_are_for_its_admins(
    fake: FakeBotApi, start: Start, corpus: Path
) -> None:
    await start(corpus)
    group = {"chat_type": "supergroup", "chat_id": GROUP_ID}
    refused = await exchange(fake, "/digest@test_bot on", language_code="en", **group)
    assert refused.params["text"] == "In a group, only the group's admins can set what it follows."
    fake.set_chat_administrators(GROUP_ID, [USER_ID])
    on = await exchange(fake, "/digest@test_bot on", language_code="en", **group)
    assert on.params["text"] == "This chat will get a summary of every new cabinet meeting."

    post = next((POSTS / "thaigov-v2-corpus").rglob("*.txt"))
    shutil.copy(post, corpus / "post.txt")  # a whole meeting the corpus did not have
    report = await reload_as_admin(fake)
    assert "1 digests sent" in report
    await await_until(lambda: any("🗞" in c.params["text"] for c in to(fake, GROUP_ID)), "digest")
    (digest,) = [c for c in to(fake, GROUP_ID) if "🗞" in c.params["text"]]
    assert digest.params["text"].startswith(
        "<b>🗞 A new cabinet meeting</b>\n<b>Cabinet meeting of"
    )
    assert html_problems(digest.params["text"]) == []


async def test_a_corrupt_database_does_not_stop_answers(
    fake: FakeBotApi, start: Start, corpus: Path, tmp_path: Path
) -> None:
    state = tmp_path / "broken.sqlite3"
    state.write_bytes(b"not a database at all" * 200)
    await start(corpus, state)
    answer = await exchange(fake, "แอปพลิเคชันไทยชนะ", language_code="th")
    assert "แอปพลิเคชันไทยชนะ" in answer.params["text"]
    follow = await exchange(fake, "/follow รถไฟ", language_code="en")
    assert follow.params["text"].startswith("Sorry, the bot cannot store follows and votes")
    forget = await exchange(fake, "/forget", language_code="en")
    assert forget.params["text"].startswith("Sorry, the bot cannot store")
    assert state.read_bytes().startswith(b"not a database")  # never overwritten
