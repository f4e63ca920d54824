"""Edge: the burst benchmark. What a widely shared cabinet decision brings: N questions at
once, one from each of N users, answered by the real python-telegram-bot Application polling
the local Bot API server of the project's tests (`tests/botapi.py`, so it runs from a
checkout), with the per-user throttle and the outgoing pacing off. It measures what users
wait for: answers per second, latency from the update's arrival to its reply (p50, p95), the
CPU used, and that every update got exactly one reply.

`python -m bot bench --burst 1000 [--corpus PATH] [--queries FILE]`; with `--alone`, the same
questions one at a time (what one user waits for on a quiet bot). Numbers are printed, never
asserted.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.config import Settings
from bot.engine import Engine
from bot.evaluate import percentile

TOKEN = "123456:BURST-benchmark-token-not-a-real-one"
DEADLINE_SECONDS = 600


class BurstUnavailableError(Exception):
    """The local Bot API server (tests/botapi.py) is not there: run from the checkout."""


@dataclass(frozen=True, slots=True)
class Burst:
    """One burst's measurements."""

    updates: int
    answered: int  # updates that got exactly one reply
    seconds: float  # from the first update pushed to the last reply
    per_second: float
    p50_ms: float
    p95_ms: float
    cpu_seconds: float  # user + system, this process (the bot, and the server's threads)
    cores: float  # cpu_seconds / seconds


def _server() -> Any:
    try:
        from tests.botapi import FakeBotApi
    except ImportError as error:
        raise BurstUnavailableError(
            "the burst benchmark drives the local Bot API server in tests/botapi.py:"
            " run it from the project's checkout"
        ) from error
    return FakeBotApi


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _burst(engine: Engine, questions: Sequence[str], updates: int, alone: bool) -> Burst:
    from bot.chat.app import build_application

    server = _server()
    with tempfile.TemporaryDirectory() as folder, server(TOKEN, bot_username="burst_bot") as fake:
        settings = Settings(
            telegram_bot_token=SecretStr(TOKEN),
            telegram_api_base_url=fake.base_url,
            user_question_limit=0,
            messages_per_second=0,
            refresh_minutes=0,
            state_db=Path(folder) / "state.sqlite3",
            _env_file=None,  # type: ignore[call-arg]
        )
        application = build_application(settings, engine)
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:

            def replies() -> list[Any]:
                return [call for call in fake.calls("sendMessage") if call.ok]

            async def replied(count: int, deadline: float, every: float) -> None:
                while len(replies()) < count and time.perf_counter() < deadline:
                    await asyncio.sleep(every)

            # One question from each user: a private chat's reply is its one message.
            pushed: dict[int, float] = {}
            cpu, started = _cpu(), time.perf_counter()
            deadline = started + DEADLINE_SECONDS
            for number in range(updates):
                user = 10_000 + number
                pushed[user] = time.perf_counter()
                fake.push_message(questions[number % len(questions)], user_id=user)
                if alone:  # each question waits for the one before to be answered
                    await replied(number + 1, deadline, 0.0005)
            await replied(updates, deadline, 0.05)
            done = replies()
            cpu = _cpu() - cpu
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
    counts = Counter(call.params["chat_id"] for call in done)
    once = sum(1 for user in pushed if counts.get(user) == 1)
    latencies = [
        (call.at - pushed[call.params["chat_id"]]) * 1000
        for call in done
        if call.params["chat_id"] in pushed
    ]
    seconds = (max(call.at for call in done) - started) if done else 0.0
    return Burst(
        updates,
        once,
        seconds,
        len(done) / seconds if seconds else 0.0,
        percentile(latencies, 0.50) or 0.0,
        percentile(latencies, 0.95) or 0.0,
        cpu,
        cpu / seconds if seconds else 0.0,
    )


def run_burst(
    engine: Engine, questions: Sequence[str], updates: int, alone: bool = False
) -> Burst:
    """Send `updates` questions at once through the real Application (`alone`: one after the
    other, each once the one before was answered); measure the replies."""
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))  # `tests` is the checkout's folder, not a package
    return asyncio.run(_burst(engine, questions, updates, alone))


def burst_table(burst: Burst) -> str:
    """The burst's numbers as a table."""
    return "\n".join(
        [
            f"{'burst updates':<28}{burst.updates:>10}",
            f"{'answered exactly once':<28}{burst.answered:>10}",
            f"{'drained in (s)':<28}{burst.seconds:>10.2f}",
            f"{'answered per second':<28}{burst.per_second:>10.1f}",
            f"{'latency p50 (ms)':<28}{burst.p50_ms:>10.1f}",
            f"{'latency p95 (ms)':<28}{burst.p95_ms:>10.1f}",
            f"{'CPU seconds':<28}{burst.cpu_seconds:>10.2f}",
            f"{'cores used':<28}{burst.cores:>10.2f}",
        ]
    )
