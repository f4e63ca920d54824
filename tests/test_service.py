"""Start-up tests: `python -m bot` as a real process (no token, bad token, console chat, long
polling and webhook against the local fake Bot API) and the token-redacting log filter."""

from __future__ import annotations

import io
import logging
import os
import pty
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.service import RedactSecrets, install_redaction, webhook_path
from tests.botapi import Call, FakeBotApi
from tests.telegram_fixtures import PROJECT, SEED_FILE, TOKEN, USER_ID, seed_passages

DEADLINE = 30  # seconds for a whole process run; start-up imports take about two


def bot_env(**settings: str) -> dict[str, str]:
    """The environment for `python -m bot`: ours, minus every bot setting, plus `settings`."""
    names = {
        "TELEGRAM_BOT_TOKEN",
        "ADMIN_USER_IDS",
        "CORPUS_DIR",
        "RESULT_COUNT",
        "LOG_LEVEL",
        "TELEGRAM_API_BASE_URL",
        "WEBHOOK_URL",
        "WEBHOOK_LISTEN",
        "WEBHOOK_PORT",
        "WEBHOOK_SECRET_TOKEN",
    }
    env = {name: value for name, value in os.environ.items() if name.upper() not in names}
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env["CORPUS_DIR"] = str(SEED_FILE)
    return env | settings


def run_bot(
    cwd: Path, *args: str, stdin: str | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot` to completion in `cwd` (so no project .env is read)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=bot_env(**settings),
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=False,
    )


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    """The fake Bot API server, serving the bot process from a thread of this one."""
    with FakeBotApi(token=TOKEN, bot_username="test_bot") as server:
        yield server
    assert server.errors == []


def start_process(cwd: Path, **settings: str) -> tuple[subprocess.Popen[str], Path]:
    """Start `python -m bot` in the background, its output going to a log file (a pipe nobody
    reads could fill up and stall it)."""
    log = cwd / "bot.log"
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=cwd,
            env=bot_env(**settings),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    return process, log


def wait_for_call(
    fake: FakeBotApi, process: subprocess.Popen[str], log: Path, method: str, count: int = 1
) -> list[Call]:
    """`fake.wait_for`, but fail at once, showing the bot's log, if the bot process exits."""
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            return fake.wait_for(method, count=count, timeout=0.2)
        except AssertionError:
            if process.poll() is not None:
                output = log.read_text(encoding="utf-8")
                raise AssertionError(f"the bot exited before {method}:\n{output}") from None
            if time.monotonic() > deadline:
                raise


def stop(process: subprocess.Popen[str], log: Path) -> str:
    """Ctrl-C the bot (as an operator would) and return its log."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    return log.read_text(encoding="utf-8")


def post_when_listening(url: str, update: dict[str, Any], secret: str | None) -> httpx.Response:
    """POST an update to the bot's webhook, retrying until its server listens (PTB registers
    the webhook with Telegram first, then starts listening)."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            return httpx.post(url, json=update, headers=headers, timeout=5)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_no_token_and_no_terminal_exits_2_with_what_to_set(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "@BotFather" in result.stderr
    assert "/newbot" in result.stderr and ".env" in result.stderr
    assert "python -m bot run --console" in result.stderr  # what works without a token
    assert "Traceback" not in result.stderr + result.stdout


def test_the_no_token_hint_names_the_interpreter_as_the_readme_runs_it() -> None:
    """From the folder holding the virtual environment, as the README's command runs it, the
    hint is `.venv/bin/python -m bot ...`: plain `python` may lack the project's packages."""
    venv_parent = Path(sys.executable).parents[2]
    if (venv_parent / ".env").exists():
        pytest.skip(f"{venv_parent}/.env would be read")
    result = run_bot(venv_parent)
    shown = Path(sys.executable).relative_to(venv_parent).as_posix()
    assert result.returncode == 2
    assert f"`{shown} -m bot run --console`" in result.stderr
    assert f"then run `{shown} -m bot` again" in result.stderr


def test_malformed_token_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = run_bot(tmp_path, TELEGRAM_BOT_TOKEN="not-a-token")
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is malformed" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_corpus_exits_2_naming_it(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "run", "--console", stdin="", CORPUS_DIR=str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "CORPUS_DIR" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_chat_answers_with_the_same_engine(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "run", "--console", stdin="แอปพลิเคชันไทยชนะ\nexit\nAOT Airport\n")
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "@BotFather" in result.stderr
    assert f"loaded 1 reports, {seed_passages()} passages" in result.stderr
    assert "ผลการค้นหาสำหรับ: แอปพลิเคชันไทยชนะ" in result.stdout
    assert "«แอปพลิเคชันไทยชนะ»" in result.stdout and "2020-08-13" in result.stdout
    assert "Results for" not in result.stdout  # "AOT Airport" came after "exit"


def test_no_token_in_a_terminal_opens_the_console_chat(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,
            env=bot_env(),
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(controller, b"AOT Airport\nexit\n")
        stdout, stderr = process.communicate(timeout=DEADLINE)
    finally:
        os.close(terminal)
        os.close(controller)
    assert process.returncode == 0, stderr
    assert "TELEGRAM_BOT_TOKEN" in stderr and "@BotFather" in stderr
    assert "Results for: AOT Airport" in stdout and "«AOT Airport»" in stdout


def test_polling_service_answers_and_never_logs_the_token(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    settings = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "LOG_LEVEL": "DEBUG",
    }
    process, log = start_process(tmp_path, **settings)
    try:
        wait_for_call(fake, process, log, "getUpdates")
        fake.push_message("AOT Airport", language_code="en")
        (reply,) = wait_for_call(fake, process, log, "sendMessage")
        commands = wait_for_call(fake, process, log, "setMyCommands", count=2)
    finally:
        stderr = stop(process, log)

    assert process.returncode == 0, stderr
    assert reply.params["chat_id"] == USER_ID and "<b>AOT Airport</b>" in reply.params["text"]
    assert {call.params.get("language_code") for call in commands} == {None, "th"}
    assert f"loaded 1 reports, {seed_passages()} passages from 1 file(s)" in stderr
    assert "polling Telegram" in stderr
    assert TOKEN not in stderr and TOKEN.split(":")[1] not in stderr
    assert "Set Bot API URL: " in stderr and "[REDACTED]" in stderr  # PTB's DEBUG line, redacted
    assert "Traceback" not in stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_webhook_service_checks_the_secret_and_answers(fake: FakeBotApi, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    secret = "webhook-secret-for-the-test"
    settings = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "WEBHOOK_URL": url,
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET_TOKEN": secret,
    }
    process, log = start_process(tmp_path, **settings)
    try:
        (registered,) = wait_for_call(fake, process, log, "setWebhook")
        update = fake.push_message("แอปพลิเคชันไทยชนะ")
        forged = post_when_listening(url, update, secret=None)
        accepted = post_when_listening(url, update, secret=secret)
        (reply,) = wait_for_call(fake, process, log, "sendMessage")
    finally:
        stderr = stop(process, log)

    assert process.returncode == 0, stderr
    assert registered.params["url"] == url and registered.params["secret_token"] == secret
    assert TOKEN not in url and forged.status_code == 403 and accepted.status_code == 200
    assert "<b>แอปพลิเคชันไทยชนะ</b>" in reply.params["text"]
    assert TOKEN not in stderr and secret not in stderr


def test_webhook_path_is_the_urls_own_path() -> None:
    assert webhook_path("https://bot.example.org/telegram/hook") == "telegram/hook"
    assert webhook_path("https://bot.example.org") == ""


def test_redaction_removes_the_token_from_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets([TOKEN]))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
        logger.warning(f"literal {TOKEN} in the message")  # the case to cover
        logger.warning("url-encoded: %s", TOKEN.replace(":", "%3A"))
        logger.warning("%d args, %s", 2, {"token": TOKEN})
        try:
            raise RuntimeError(f"failed calling /bot{TOKEN}/getUpdates")
        except RuntimeError:
            logger.exception("with a traceback")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output and TOKEN.replace(":", "%3A") not in output
    assert output.count("[REDACTED]") == 5
    assert "2 args, {'token': '[REDACTED]'}" in output
    assert "RuntimeError: failed calling /bot[REDACTED]/getUpdates" in output


def test_install_redaction_covers_records_of_every_logger() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    redaction = install_redaction([TOKEN])
    try:
        logging.getLogger("telegram.ext.Updater").error("token %s", TOKEN)
    finally:
        for each in [*root.handlers, logging.lastResort]:
            if each is not None:
                each.removeFilter(redaction)
        root.removeHandler(handler)
    assert stream.getvalue() == "token [REDACTED]\n"


def test_unreachable_telegram_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM", "WEBHOOK"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env
        | {
            "PYTHONPATH": str(PROJECT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "error: cannot reach Telegram" in result.stderr
    assert "Traceback" not in result.stderr and TOKEN not in result.stderr
