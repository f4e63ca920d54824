"""Edge: answering on every core. Worker processes that each read the index from the same cache.

Python runs one thread of Python at a time per process, so answers in threads share one core
with the event loop. Here questions are answered in worker processes, each holding the index as
`load_or_build` reads it from the cache folder the bot's own process wrote: its postings and
spans are memory-mapped, so the workers share those pages instead of copying them.

An answer crosses back as plain data (`portable`): each excerpt keeps its own passage's text,
not its whole report, and no ranked hits; the bot's process composes a further page itself
(Engine.more asks again). A `/reload` starts a new pool on the new cache, waits until every
worker of it has answered once, then swaps it in; the old pool finishes what it was given.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import queue
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing.queues import Queue
from pathlib import Path

from bot.answer import Answer, ask, find
from bot.excerpts import Excerpt
from bot.index.storage import Built

log = logging.getLogger(__name__)

WARM_UP_QUESTION = "กระทรวงดิจิตัล smart city"  # Thai, English and a typo: every loader runs
START_SECONDS = 300.0  # a worker reading a large archive from a cold disk

_built: Built | None = None  # in a worker process: the index it answers from


class PoolError(Exception):
    """The worker processes could not start or have died; answer in the bot's own process."""


@dataclass(frozen=True, slots=True)
class Timed:
    """A worker's answer and the seconds it took to find and compose (not the queueing)."""

    answer: Answer
    seconds: float


def warm(built: Built) -> None:
    """Answer one question that loads every dictionary and lexicon the first real one needs."""
    ask(built.index, WARM_UP_QUESTION)


def _start(paths: tuple[Path, ...], cache: Path | None, ready: Queue[int]) -> None:
    """A worker's start: read the index (from the cache the bot's process wrote), warm up,
    then say so with its process id."""
    from bot.engine import load_index  # the same reader, kept in one place

    global _built
    _built = load_index(paths, cache)
    warm(_built)
    ready.put(os.getpid())


def _nothing() -> None:
    """A call that makes the pool start a worker process."""


def _answer(question: str, count: int) -> Timed:
    if _built is None:
        raise PoolError("the worker has no index")
    started = time.perf_counter()
    answer = find(_built.index, question).answer(count)
    return Timed(portable(answer), time.perf_counter() - started)


def _portable_excerpt(excerpt: Excerpt) -> Excerpt:
    passage = excerpt.passage
    text = passage.text
    return replace(
        excerpt, passage=replace(passage, source=text, start=0, end=len(text), context="")
    )


def portable(answer: Answer) -> Answer:
    """The answer as it crosses to another process: the same excerpts, each holding only its
    passage's text (its report's text stays behind), and no ranked hits (`results`)."""
    return replace(
        answer, excerpts=tuple(_portable_excerpt(e) for e in answer.excerpts), results=None
    )


def memory_kib(pid: int) -> tuple[int, int]:
    """A process's resident memory and its proportional share (PSS: pages shared with other
    processes counted by their share), in KiB, from /proc (0, 0 where there is none)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii")
    except OSError:
        return 0, 0
    fields: dict[str, int] = {}
    for line in rollup.splitlines():
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            fields[name] = int(rest.split()[0])
    return fields.get("Rss", 0), fields.get("Pss", 0)


def cpu_seconds(pid: int) -> float:
    """A live process's user + system CPU seconds, from /proc (0 where there is none)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Pool:
    """`size` worker processes answering from the index cached in `cache`."""

    def __init__(self, paths: Sequence[Path], cache: Path | None, size: int) -> None:
        # spawn, not fork: the bot's process runs threads (PTB, the state database's writer)
        # that a forked child would inherit half-way through.
        context = multiprocessing.get_context("spawn")
        self._ready: Queue[int] = context.Queue()
        self._executor = ProcessPoolExecutor(
            size,
            mp_context=context,
            initializer=_start,
            initargs=(tuple(paths), cache, self._ready),
        )
        self.pids: tuple[int, ...] = ()

    @classmethod
    async def start(
        cls, paths: Sequence[Path], cache: Path | None, size: int, timeout: float = START_SECONDS
    ) -> Pool:
        """A pool whose every worker has read the index and answered once (PoolError when one
        could not, or not within `timeout` seconds)."""
        pool = cls(paths, cache, size)
        loop = asyncio.get_running_loop()
        try:
            # One call per worker at once: the pool starts a process for each.
            await asyncio.gather(
                *(loop.run_in_executor(pool._executor, _nothing) for _ in range(size))
            )
            pids = [await asyncio.to_thread(pool._ready.get, True, timeout) for _ in range(size)]
        except (BrokenProcessPool, OSError, queue.Empty) as error:
            pool.close()
            why = f"not ready in {timeout:.0f} s" if isinstance(error, queue.Empty) else error
            raise PoolError(f"the answering workers could not start: {why}") from error
        pool.pids = tuple(sorted(pids))
        log.info("answering in %d worker processes (pids %s)", size, pool.pids)
        return pool

    async def answer(self, question: str, count: int) -> Timed:
        """The answer of a worker (PoolError when the pool has broken)."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, _answer, question, count)
        except BrokenProcessPool as error:
            raise PoolError(f"an answering worker died: {error}") from error

    def memory(self) -> list[tuple[int, int, int]]:
        """(pid, RSS KiB, PSS KiB) of each worker."""
        return [(pid, *memory_kib(pid)) for pid in self.pids]

    def close(self, wait: bool = False) -> None:
        """Stop the workers once what they were given is answered (`wait`: block until then)."""
        self._executor.shutdown(wait=wait, cancel_futures=False)
