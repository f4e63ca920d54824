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
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.config import Settings
from bot.engine import Engine
from bot.evaluate import percentile
from bot.workers import cpu_seconds, memory_kib

TOKEN = "123456:BURST-benchmark-token-not-a-real-one"
BOT_USERNAME = "burst_bot"
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
    cpu_seconds: float  # user + system: this process (the bot, the server's threads), workers
    cores: float  # cpu_seconds / seconds
    own_cpu_seconds: float  # ... of which this process's
    workers: int  # answering worker processes (0: answered in this process's threads)
    rss_mib: float  # resident memory of this process at the end
    pss_mib: float  # its proportional share (pages shared with the workers split among them)
    worker_rss_mib: tuple[float, ...] = ()  # each worker's resident memory
    worker_pss_mib: tuple[float, ...] = ()  # ... and its share


def _server() -> Any:
    try:
        from tests.botapi import FakeBotApi
    except ImportError as error:
        raise BurstUnavailableError(
            "the burst benchmark drives the local Bot API server in tests/botapi.py:"
            " run it from the project's checkout"
        ) from error
    return FakeBotApi


def _cpu(workers: Sequence[int] = ()) -> float:
    """CPU seconds (user + system) of this process and of the worker processes `workers`."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + sum(cpu_seconds(pid) for pid in workers)


@dataclass(frozen=True, slots=True)
class _Drained:
    """What the server saw: each reply's latency (its update pushed to it), the users answered
    exactly once, the replies, and the seconds from the first update to the last reply."""

    latencies_ms: tuple[float, ...]
    once: int
    replies: int
    seconds: float


def _drive(fake: Any, questions: Sequence[str], updates: int, alone: bool) -> _Drained:
    """Push one question from each of `updates` users (`alone`: each once the one before was
    answered) and wait for the replies (blocking: a thread, or the server's own process)."""

    def replies() -> list[Any]:
        return [call for call in fake.calls("sendMessage") if call.ok]

    def replied(count: int, deadline: float, every: float) -> None:
        while len(replies()) < count and time.perf_counter() < deadline:
            time.sleep(every)

    # One question from each user: a private chat's reply is its one message.
    pushed: dict[int, float] = {}
    started = time.perf_counter()
    deadline = started + DEADLINE_SECONDS
    for number in range(updates):
        user = 10_000 + number
        pushed[user] = time.perf_counter()
        fake.push_message(questions[number % len(questions)], user_id=user)
        if alone:
            replied(number + 1, deadline, 0.0005)
    replied(updates, deadline, 0.05)
    done = replies()
    counts = Counter(call.params["chat_id"] for call in done)
    latencies = tuple(
        (call.at - pushed[call.params["chat_id"]]) * 1000
        for call in done
        if call.params["chat_id"] in pushed
    )
    seconds = (max(call.at for call in done) - started) if done else 0.0
    once = sum(1 for user in pushed if counts.get(user) == 1)
    return _Drained(latencies, once, len(done), seconds)


def _serve_apart(pipe: Connection) -> None:
    """The local Bot API server in a process of its own: it sends its address, then drives the
    burst it is sent (questions, updates, alone), sends back what it saw, and serves on until
    told to stop."""
    with _server()(TOKEN, bot_username=BOT_USERNAME) as fake:
        pipe.send(fake.base_url)
        questions, updates, alone = pipe.recv()
        pipe.send(_drive(fake, questions, updates, alone))
        pipe.recv()  # serve until the bot has stopped polling


async def _run(
    engine: Engine, base_url: str, updates: int, drive: Callable[[], Awaitable[_Drained]]
) -> Burst:
    """Start the real Application on the server at `base_url`, drive the burst, measure."""
    from bot.chat.app import build_application

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            telegram_bot_token=SecretStr(TOKEN),
            telegram_api_base_url=base_url,
            user_question_limit=0,
            messages_per_second=0,
            refresh_minutes=0,
            state_db=Path(folder) / "state.sqlite3",
            _env_file=None,  # type: ignore[call-arg]
        )
        application = build_application(settings, engine)
        await engine.start_workers()
        pids = engine.pool.pids if engine.pool else ()
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            own, cpu = _cpu(), _cpu(pids)
            drained = await drive()
            own, cpu = _cpu() - own, _cpu(pids) - cpu
            memory = memory_kib(os.getpid())
            theirs = engine.pool.memory() if engine.pool else []
        finally:
            engine.close()
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
    seconds = drained.seconds
    return Burst(
        updates,
        drained.once,
        seconds,
        drained.replies / seconds if seconds else 0.0,
        percentile(drained.latencies_ms, 0.50) or 0.0,
        percentile(drained.latencies_ms, 0.95) or 0.0,
        cpu,
        cpu / seconds if seconds else 0.0,
        own,
        len(pids),
        memory[0] / 1024,
        memory[1] / 1024,
        tuple(rss / 1024 for _, rss, _ in theirs),
        tuple(pss / 1024 for _, _, pss in theirs),
    )


async def _burst_here(
    engine: Engine, questions: Sequence[str], updates: int, alone: bool
) -> Burst:
    with _server()(TOKEN, bot_username=BOT_USERNAME) as fake:
        return await _run(
            engine,
            fake.base_url,
            updates,
            lambda: asyncio.to_thread(_drive, fake, questions, updates, alone),
        )


async def _burst_apart(
    engine: Engine, questions: Sequence[str], updates: int, alone: bool
) -> Burst:
    _server()  # the checkout's tests/botapi.py is there, or say so now
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=_serve_apart, args=(theirs,), name="bot-api-server")
    server.start()
    try:
        base_url = await asyncio.to_thread(ours.recv)

        async def drive() -> _Drained:
            ours.send((list(questions), updates, alone))
            drained: _Drained = await asyncio.to_thread(ours.recv)
            return drained

        return await _run(engine, base_url, updates, drive)
    finally:
        if server.is_alive():
            ours.send(None)
        server.join(timeout=10)
        if server.is_alive():
            server.kill()


def run_burst(
    engine: Engine,
    questions: Sequence[str],
    updates: int,
    alone: bool = False,
    apart: bool = False,
) -> Burst:
    """Send `updates` questions at once through the real Application (`alone`: one after the
    other, each once the one before was answered); measure the replies. `apart`: the local
    Bot API server runs in a process of its own, as Telegram's servers are not in the bot's."""
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))  # `tests` is the checkout's folder, not a package
    burst = _burst_apart if apart else _burst_here
    return asyncio.run(burst(engine, questions, updates, alone))


def burst_table(burst: Burst) -> str:
    """The burst's numbers as a table."""
    n = max(burst.updates, 1)
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
            f"{'CPU ms per update, bot':<28}{burst.own_cpu_seconds * 1000 / n:>10.1f}",
            f"{'worker processes':<28}{burst.workers:>10}",
            f"{'bot process RSS / PSS (MiB)':<28}{burst.rss_mib:>10.0f} / {burst.pss_mib:.0f}",
            *(
                f"{f'worker {n} RSS / PSS (MiB)':<28}{rss:>10.0f} / {pss:.0f}"
                for n, (rss, pss) in enumerate(
                    zip(burst.worker_rss_mib, burst.worker_pss_mib, strict=True), 1
                )
            ),
        ]
    )
