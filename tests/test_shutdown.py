"""Graceful shutdown: `python -m bot` as a real process gets SIGTERM (what systemd, Docker and
Kubernetes send) while an answer is on its way to Telegram. The answer is delivered, fetching
updates stops, and the process exits 0 with a clean log."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botapi import FakeBotApi
from tests.telegram_fixtures import TOKEN, USER_ID, fake_api
from tests.test_service import (
    DEADLINE,
    free_port,
    post_when_listening,
    start_process,
    wait_for_call,
)

STOPPING = "Application is stopping"  # PTB's line once no more updates are taken


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


def wait_for_log(process: subprocess.Popen[str], log: Path, text: str) -> None:
    """Wait until the bot's log shows `text`; fail with the log if it exits or takes too long."""
    deadline = time.monotonic() + DEADLINE
    while text not in log.read_text(encoding="utf-8"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} in the bot's log:\n{log.read_text('utf-8')}")
        time.sleep(0.02)


def wait_until_held(fake: FakeBotApi, process: subprocess.Popen[str], log: Path) -> None:
    """Wait until the bot's answer reaches Telegram, which holds it."""
    deadline = time.monotonic() + DEADLINE
    while fake.holding("sendMessage") < 1:
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"no answer on its way:\n{log.read_text('utf-8')}")
        time.sleep(0.02)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_sigterm_lets_the_answer_in_flight_finish_then_exits_0(
    fake: FakeBotApi, tmp_path: Path, mode: str
) -> None:
    settings = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url}
    port = free_port()
    webhook, secret = f"http://127.0.0.1:{port}/telegram", "shutdown-test-secret"
    if mode == "webhook":
        settings |= {"WEBHOOK_URL": webhook, "WEBHOOK_PORT": str(port)}
        settings |= {"WEBHOOK_SECRET_TOKEN": secret}
    process, log = start_process(tmp_path, **settings)
    try:
        wait_for_call(fake, process, log, "getUpdates" if mode == "polling" else "setWebhook")
        fake.hold("sendMessage")
        update = fake.push_message("AOT Airport", language_code="en")
        if mode == "webhook":
            assert post_when_listening(webhook, update, secret).status_code == 200
        wait_until_held(fake, process, log)
        process.send_signal(signal.SIGTERM)
        wait_for_log(process, log, STOPPING)  # shutting down, and waiting for the answer
        assert process.poll() is None
        fake.release("sendMessage")
        process.wait(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text(encoding="utf-8")

    assert process.returncode == 0, output
    (reply,) = fake.calls("sendMessage")
    assert reply.ok and reply.params["chat_id"] == USER_ID
    assert "<b>AOT Airport</b>" in reply.params["text"]
    assert output.index(STOPPING) < output.index("stopped: every update received was answered")
    for trouble in ("Traceback", " ERROR ", " CRITICAL ", " WARNING ", TOKEN):
        assert trouble not in output, output
