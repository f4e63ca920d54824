"""Votes on answers over HTTP with a real state database: 👍 / 👎, reasons, one vote per user
per answer, /stats after a restart, /forget, and `feedback export` writing eval questions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.chat.app import build_application
from bot.engine import Engine
from bot.evaluate import parse_question
from bot.state import State
from tests.botapi import FakeBotApi
from tests.telegram_fixtures import (
    ADMIN_ID,
    USER_ID,
    bot_message_ids,
    buttons,
    exchange,
    fake_api,
    make_settings,
    polling,
    press,
)


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


def row(fake: FakeBotApi, message_id: int) -> list[str]:
    """The labels of the last row under a stored message."""
    stored = fake.message(USER_ID, message_id)
    assert stored is not None
    return [b["text"] for b in stored["reply_markup"]["inline_keyboard"][-1]]


def data(fake: FakeBotApi, message_id: int, label: str) -> str:
    stored = fake.message(USER_ID, message_id)
    assert stored is not None
    (found,) = [
        b["callback_data"]
        for line in stored["reply_markup"]["inline_keyboard"]
        for b in line
        if b["text"] == label
    ]
    return found


async def test_votes_and_reasons_are_kept_across_a_restart_and_exported(
    fake: FakeBotApi, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.sqlite3"
    settings = make_settings(fake, corpus, state_db=state)
    async with polling(build_application(settings, Engine.load([corpus]))):
        answer = await exchange(fake, "แอปพลิเคชันไทยชนะ", language_code="en")
        assert [b["text"] for b in buttons(answer)][-2:] == ["👍", "👎"]
        (answer_id,) = bot_message_ids(fake, USER_ID)

        thanked = await press(fake, data(fake, answer_id, "👍"), answer_id)
        assert thanked.params["text"] == "ขอบคุณสำหรับความเห็น"  # the presser's Telegram is Thai
        await fake.await_for("editMessageReplyMarkup", timeout=5)
        assert row(fake, answer_id) == ["👍 ✓", "👎"]

        asked = await press(fake, data(fake, answer_id, "👎"), answer_id)  # a change of mind
        assert asked.params["text"] == "ขอบคุณ คำตอบนี้ผิดอย่างไร"
        await fake.await_for("editMessageReplyMarkup", count=2, timeout=5)
        assert row(fake, answer_id) == ["รายงานผิดเรื่อง", "ไม่มีสิ่งที่ถาม", "ข้อความไม่ตอบคำถาม"]
        await press(fake, data(fake, answer_id, "รายงานผิดเรื่อง"), answer_id)
        await fake.await_for("editMessageReplyMarkup", count=3, timeout=5)
        assert row(fake, answer_id) == ["👍", "👎 ✓"]

        await exchange(fake, "ราคาทองคำวันนี้เท่าไหร่", language_code="th")  # declined
        await exchange(fake, "ขอบคุณครับ", language_code="th")  # thanks: neither, nor a miss

    async with polling(build_application(settings, Engine.load([corpus]))):  # a restart
        stats = await exchange(fake, "/stats", user_id=ADMIN_ID, language_code="en")
        text = stats.params["text"]
        assert (
            "Asked 2 times in all (1 answered · 1 declined) · 👍 0 · 👎 1 (Wrong report 1)" in text
        )
        # The seed report is an item of its meeting (its source line names the day).
        assert "The newest meeting the bot knows: 13 August 2020 (2020-08-13)" in text

    out = tmp_path / "misses.jsonl"
    monkeypatch.setenv("STATE_DB", str(state))
    monkeypatch.chdir(tmp_path)  # no .env of the project's
    assert main(["feedback", "export", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r["kind"]) for r in records] == [
        ("แอปพลิเคชันไทยชนะ", "feedback-wrong_report"),
        ("ราคาทองคำวันนี้เท่าไหร่", "feedback-declined"),
    ]
    assert records[0]["shown"] and records[0]["lang"] == "th"
    questions = [parse_question(r) for r in records]  # eval reads them as they are
    assert [q.question for q in questions] == [r["question"] for r in records]


async def test_forget_deletes_the_users_votes_and_questions(
    fake: FakeBotApi, corpus: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.sqlite3"
    settings = make_settings(fake, corpus, state_db=state)
    async with polling(build_application(settings, Engine.load([corpus]))):
        await exchange(fake, "แอปพลิเคชันไทยชนะ", language_code="th")
        (answer_id,) = bot_message_ids(fake, USER_ID)
        await press(fake, data(fake, answer_id, "👎"), answer_id)
        await fake.await_for("editMessageReplyMarkup", timeout=5)
        await exchange(fake, "ราคาทองคำวันนี้", language_code="th")
        await exchange(fake, "/follow รถไฟ", language_code="th")
        forgotten = await exchange(fake, "/forget", language_code="th")
        assert forgotten.params["text"] == "ลบข้อมูลของคุณที่บอทเก็บไว้แล้ว (3 รายการ)"
    kept = State.open(state)
    assert kept.misses() == [] and kept.following(USER_ID) == [] and kept.rates().down == 0
    kept.close()
