"""Reload under load: 1,000 questions through the real bot (long polling over HTTP against the
fake Bot API) while ten /reloads run, four of them on a corpus broken while they run.

Each corpus version carries its number in every generated report ("ชุด v3"), so each answer
shows which index it came from. The gate (tests/telegram_fixtures.py) holds every reload mid-way
while questions are answered, which makes the overlap certain rather than likely.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat.app import build_application
from bot.engine import Engine
from tests.botapi import Call, FakeBotApi
from tests.telegram_fixtures import (
    ADMIN_ID,
    SEED_FILE,
    await_until,
    fake_api,
    html_problems,
    make_settings,
    polling,
    reload_gate,
    sent,
    write_report,
)

GENERATED = 4  # reports per corpus version, besides the seed report
VERSION = re.compile(r"ชุด v(\d+)")
QUESTIONS = ("smart city", "เมืองอัจฉริยะ", "โครงการ smart city แห่งที่ 2", "Smart City projects")
USERS = range(20_000, 20_200)  # 200 users, five questions each: the default throttle allows it
BEFORE, WHILE_HELD = 60, 40  # questions per round: with the /reload, and while it is held
# One round per /reload: None builds a new corpus version; otherwise how the corpus is broken
# after the reload started, and what the admin must be told.
ROUNDS: list[tuple[str, str] | None] = [
    None,
    ("removed", "does not exist"),
    None,
    ("replaced by a file", "not a report file"),
    None,
    None,
    ("replaced by a named pipe", "no readable report"),
    None,
    ("every report overwritten with binary", "binary file"),
    None,
]


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


def clear(path: Path) -> None:
    """Remove whatever is at `path`: a folder, a file or a named pipe."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def write_version(corpus: Path, version: int) -> None:
    """The corpus as of `version`: the seed report and GENERATED reports marked with it."""
    clear(corpus)
    corpus.mkdir()
    shutil.copy(SEED_FILE, corpus)
    for number in range(1, GENERATED + 1):
        write_report(
            corpus,
            f"smart-city-{number}.txt",
            f"โครงการ smart city แห่งที่ {number} ชุด v{version}",
            f"คณะรัฐมนตรีอนุมัติโครงการเมืองอัจฉริยะ (smart city) แห่งที่ {number} ชุด v{version}"
            f" วงเงิน {number * 10} ล้านบาท",
            f"{number} มีนาคม 2567",
        )


def damage(corpus: Path, how: str) -> None:
    """Break the corpus the way `how` says."""
    if how == "every report overwritten with binary":
        for path in corpus.iterdir():
            path.write_bytes(b"\x00\xff\x00 not a report")
        return
    clear(corpus)
    if how == "replaced by a file":
        corpus.write_bytes(b"\x00\xff not a report")
    elif how == "replaced by a named pipe":
        os.mkfifo(corpus)


def versions(call: Call) -> set[int]:
    """The corpus versions an answer cites."""
    return {int(number) for number in VERSION.findall(call.params["text"])}


async def test_a_thousand_questions_through_ten_reloads_some_failing(
    fake: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    write_version(corpus, 0)
    # The fake has no flood limit of its own; the bot's 30 messages/s would only slow this down.
    settings = make_settings(fake, corpus, index_dir=cache, messages_per_second=0)
    engine = Engine.load([corpus], cache)
    application = build_application(settings, engine)
    users = itertools.cycle(USERS)
    questions = itertools.cycle(QUESTIONS)
    live, newest, asked = 0, 0, 0

    def ask(count: int) -> None:
        nonlocal asked
        for _ in range(count):
            user = next(users)
            language = "en" if user % 2 else "th"
            fake.push_message(next(questions), user_id=user, language_code=language)
        asked += count

    def answers() -> list[Call]:
        return [call for call in sent(fake) if call.params["chat_id"] != ADMIN_ID]

    async def admin_reply(count: int) -> Call:
        calls = await fake.await_for(
            "sendMessage", count=count, predicate=lambda c: c.params["chat_id"] == ADMIN_ID
        )
        return calls[count - 1]

    caplog.set_level(logging.INFO)
    async with polling(application):
        with reload_gate(cache) as gate:
            for number, broken in enumerate(ROUNDS):
                gate.arm()
                ask(BEFORE // 2)
                fake.push_message("/reload", user_id=ADMIN_ID, language_code="en")
                ask(BEFORE - BEFORE // 2)
                await gate.reached()  # the reload has begun; it has not read the corpus yet
                if broken:
                    damage(corpus, broken[0])
                else:
                    newest += 1
                    write_version(corpus, newest)
                    gate.let_through()
                    await gate.reached()  # the new corpus is read, its index not yet built
                ask(WHILE_HELD)
                await await_until(lambda: len(answers()) >= asked, f"{asked} answers", 30)
                round_answers = answers()[asked - BEFORE - WHILE_HELD :]
                assert len({call.params["chat_id"] for call in round_answers}) == 100
                for call in round_answers:
                    # Answered while the reload was held: from the whole old index, not a part.
                    assert versions(call) == {live}, call.params["text"]
                    assert html_problems(call.params["text"]) == []
                gate.let_all_through()
                result = (await admin_reply(2 * number + 2)).params["text"]
                if broken:
                    assert result.startswith("Reload failed; the current index stays in use.")
                    assert broken[1] in result, result
                    write_version(corpus, live)  # repaired
                else:
                    assert result.startswith("Reloaded: reports 5 → 5"), result
                    live = newest

    assert asked == 1000 and len(answers()) == 1000
    assert not any("Sorry" in call.params["text"] for call in answers())
    assert [c.error_code for c in fake.calls("sendMessage") if not c.ok] == []
    failures = [r for r in caplog.records if r.getMessage().startswith("reload failed")]
    assert len(failures) == 4 and all(r.levelno == logging.WARNING for r in failures)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [r.getMessage() for r in caplog.records if r.name == "bot.chat.handlers"] == []
    assert engine.stats().questions == 1000
