"""The bot token never reaches a log or the terminal. A whole session runs through `serve`, in
this process, with every logger at DEBUG (httpx and PTB log request URLs, which contain the
token): /start, questions, inline queries, buttons, reloads good and bad, Telegram errors, a
flood, then SIGTERM. Every captured record, all output and every warning is then searched."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.service import serve
from tests.botapi import Call, FakeBotApi
from tests.telegram_fixtures import (
    ADMIN_ID,
    SEED_FILE,
    USER_ID,
    fake_api,
    write_smart_city_corpus,
)

SECRET = "7070707070:NEVER_LOG_this_token_f00dcafe"
FORMS = (SECRET, SECRET.split(":")[1], quote(SECRET, safe=""))
WAIT = 10  # seconds for any one reply
LIMIT = 20  # replies per user per minute, USER_QUESTION_LIMIT


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api(SECRET)


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """serve() adds its redaction filter to every root handler (pytest's included): undo it."""
    handlers = [*logging.getLogger().handlers, logging.lastResort]
    before = {id(handler): list(handler.filters) for handler in handlers if handler}
    yield
    for handler in handlers:
        if handler is not None:
            handler.filters[:] = before[id(handler)]
    asyncio.set_event_loop(None)  # run_polling leaves its closed loop as the current one


class Session:
    """Drives the bot from a thread while serve() runs the event loop in the main thread."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake

    def reply(self, push: Callable[[], Any], method: str = "sendMessage") -> Call:
        """Push an update and return the bot's next call of `method` that went through."""
        before = len([call for call in self.fake.calls(method) if call.ok])
        push()
        calls = self.fake.wait_for(method, before + 1, WAIT, lambda call: call.ok)
        return calls[before]

    def say(self, text: str, **fields: Any) -> Call:
        return self.reply(lambda: self.fake.push_message(text, **fields))

    def run(self, corpus: Path) -> None:
        fake = self.fake
        fake.wait_for("getUpdates", timeout=WAIT)
        self.say("/start")
        self.say("/help", language_code="en")
        self.say("แอปพลิเคชันไทยชนะ")
        first = self.say("smart city", language_code="en")
        self.say("<b>AOT</b> & Airport?", language_code="en")
        self.reply(lambda: fake.push_inline_query("smart city"), "answerInlineQuery")
        self.reply(lambda: fake.push_inline_query("smart city", offset="10"), "answerInlineQuery")
        self.reply(lambda: fake.push_inline_query(""), "answerInlineQuery")
        keyboard = first.params["reply_markup"]["inline_keyboard"]
        for data in (keyboard[0][0]["callback_data"], keyboard[-1][0]["callback_data"], "p:x:0"):
            press = lambda data=data: fake.push_callback_query(data, user_id=USER_ID)  # noqa: E731
            self.reply(press, "answerCallbackQuery")
        admin: dict[str, Any] = {"user_id": ADMIN_ID, "language_code": "en"}
        self.say("/reload", **admin)
        fake.wait_for("sendMessage", predicate=lambda c: "Reloaded" in c.params["text"])
        shutil.rmtree(corpus)
        self.say("/reload", **admin)
        fake.wait_for("sendMessage", predicate=lambda c: "Reload failed" in c.params["text"])
        self.say("/stats", **admin)
        self.say("/reload", user_id=USER_ID)  # refused
        fake.fail_next("sendMessage", error_code=500, description="Internal Server Error")
        self.say("AOT Airport")  # the apology
        fake.fail_next("sendMessage", retry_after=0.01, times=2)
        self.say("AOT Airport")  # retried
        fake.fail_next("sendMessage", description="Bad Request: can't parse entities: x")
        self.say("AOT Airport")  # sent again as plain text
        fake.fail_next("getUpdates", error_code=502, description="Bad Gateway")
        for number in range(LIMIT + 5):  # answers up to the limit, then one "slow down"
            fake.push_message(f"flood {number}", user_id=9999)
        flooded = lambda c: c.params.get("chat_id") == 9999  # noqa: E731
        fake.wait_for("sendMessage", LIMIT + 1, WAIT, flooded)
        self.say("ไทยชนะ")  # served after Telegram's 502 on getUpdates


def scanned(record: logging.LogRecord) -> str:
    """Everything a handler could write of a record: message, arguments, extras, traceback."""
    formatted = logging.Formatter("%(message)s").format(record)
    return "\n".join([formatted, repr(vars(record)), record.exc_text or ""])


@pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")
def test_a_full_session_logs_no_trace_of_the_token(
    fake: FakeBotApi,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    restored_logging: None,
) -> None:
    corpus = write_smart_city_corpus(tmp_path / "corpus", reports=12)
    (corpus / SEED_FILE.name).write_bytes(SEED_FILE.read_bytes())
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr(SECRET),
        telegram_api_base_url=fake.base_url,
        corpus_dir=corpus,
        index_dir=tmp_path / "cache",
        admin_user_ids=frozenset({ADMIN_ID}),
        log_level="DEBUG",
        user_question_limit=LIMIT,
    )
    for name in ("", "httpx", "httpcore", "telegram", "bot", "asyncio"):
        caplog.set_level(logging.DEBUG, logger=name)
    failure: list[BaseException] = []
    finished = threading.Event()

    def drive() -> None:
        try:
            Session(fake).run(corpus)
        except BaseException as error:  # reported by the test, in the main thread
            failure.append(error)
        # Stop serve() as an operator's SIGTERM would, once PTB's handler is in place.
        while not finished.wait(0.05):
            if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
                os.kill(os.getpid(), signal.SIGTERM)
                break

    driver = threading.Thread(target=drive, daemon=True)
    driver.start()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = serve(settings)
        finally:
            finished.set()
    driver.join(WAIT)
    if failure:
        raise failure[0]
    output = capsys.readouterr()

    assert status == 0
    records = caplog.records
    texts = [scanned(record) for record in records] + [caplog.text, output.out, output.err]
    texts += [str(warning.message) for warning in caught]
    leaks = [text for text in texts for form in FORMS if form in text]
    assert leaks == []
    # The search was worth doing: the token was in URLs that these loggers logged, redacted.
    redacted = {record.name for record in records if "[REDACTED]" in record.getMessage()}
    assert {"httpx", "telegram.ext.ExtBot"} <= redacted, redacted
    assert len([r for r in records if r.levelno == logging.DEBUG]) > 100
    assert any(r.name == "bot.chat.handlers" and r.levelno == logging.ERROR for r in records)
