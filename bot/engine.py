"""Edge: the live index. Holds the current SearchIndex, answers off the event loop, reloads it.

Handlers reach the index only through `Engine`: questions run in a worker thread, or in worker
processes on the other cores once `start_workers` has started them (bot.workers), so the event
loop never blocks. A reload builds a new index in a worker thread while questions keep being
answered from the old one, starts the workers of the new one, then swaps both in at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.agenda import Agenda, Listing, listing_for
from bot.answer import MAX_EXCERPTS, Answer, find
from bot.corpus import CorpusError
from bot.evaluate import percentile
from bot.index import SearchIndex
from bot.index.build import load_or_build
from bot.index.freshness import stamps
from bot.index.storage import Built
from bot.workers import Pool, PoolError, warm

log = logging.getLogger(__name__)

TIME_SAMPLES = 1000  # answer times kept for the p50/p95 in /stats


class ReloadBusyError(Exception):
    """A reload is already running; wait for its reply before asking for another."""


class ReloadError(Exception):
    """The corpus could not be rebuilt; the current index stays in use."""


@dataclass(frozen=True, slots=True)
class Reload:
    """A finished reload: the build it replaced and the build now answering."""

    before: Built
    after: Built


@dataclass(frozen=True, slots=True)
class Stats:
    """What /stats shows: corpus size, index age, questions answered, answer times."""

    reports: int
    passages: int
    files_read: int
    built_at: datetime
    questions: int
    p50_ms: float | None
    p95_ms: float | None


def load_index(paths: Sequence[Path], cache: Path | None = None) -> Built:
    """The index of the corpus (from the cache when current); CorpusError when it is empty."""
    built = load_or_build(paths, cache)
    if not built.corpus.reports:
        skipped = built.corpus.skipped
        reasons = "; ".join(f"{note.path}: {note.message}" for note in skipped[:5])
        where = ", ".join(str(path) for path in paths)
        raise CorpusError(
            f"no readable report in {where}"
            + (f" ({reasons})" if reasons else "")
            + ": add .txt/.md/.jsonl reports there, or give the right folder (--corpus or"
            " CORPUS_DIR)"
        )
    return built


class Engine:
    """The index now answering, its statistics, and the one reload allowed at a time."""

    def __init__(
        self,
        paths: Sequence[Path],
        current: Built,
        cache: Path | None = None,
        seen: list[list[Any]] | None = None,
        workers: int = 0,
    ) -> None:
        self.paths = tuple(paths)
        self.cache = cache
        self._current = current
        self._reload_lock = asyncio.Lock()
        self._stats_lock = threading.Lock()  # answers finish in worker threads
        self._questions = 0
        self._seconds: deque[float] = deque(maxlen=TIME_SAMPLES)
        self._agenda: tuple[SearchIndex, Agenda] | None = None
        self._pool: Pool | None = None  # worker processes answering questions, if started
        self.workers = workers  # worker processes to answer in, once started (0: threads)
        # The corpus files as they were when the current index was read (freshness.stamps).
        self._stamps = stamps(self.paths) if seen is None else seen

    @classmethod
    def load(cls, paths: Sequence[Path], cache: Path | None = None, workers: int = 0) -> Engine:
        """Build the first index (blocking, before any question), logging what was loaded;
        `workers` processes will answer once `start_workers` has started them."""
        seen = stamps(paths)
        current = load_index(paths, cache)
        for line in current.describe():
            log.info("%s", line)
        # The first question would otherwise pay for loading the dictionaries and lexicon.
        warm(current)
        return cls(paths, current, cache, seen, workers)

    async def start_workers(self) -> None:
        """Answer questions in the worker processes from now on (when `workers` asks for any).
        Workers that cannot start are logged and questions stay in this process's threads."""
        if self._pool is None:
            self._swap_pool(await self._new_pool())

    async def _new_pool(self) -> Pool | None:
        if self.workers <= 0:
            return None
        try:
            return await Pool.start(self.paths, self.cache, self.workers)
        except PoolError as error:
            log.error("%s; answering in this process's threads instead", error)
            return None

    def _swap_pool(self, pool: Pool | None) -> None:
        old, self._pool = self._pool, pool
        if old is not None:
            old.close()  # it answers what it was given, then its processes end

    @property
    def pool(self) -> Pool | None:
        """The worker processes answering questions now, if any."""
        return self._pool

    def close(self) -> None:
        """Stop the worker processes (each once its question in hand is answered)."""
        self._swap_pool(None)

    @property
    def current(self) -> Built:
        """The build answering questions right now."""
        return self._current

    @property
    def index(self) -> SearchIndex:
        """The index answering questions right now."""
        return self._current.index

    def ask(self, question: str, count: int = MAX_EXCERPTS) -> Answer:
        """Answer in this thread (the console chat, or a worker thread) and count it: the
        first `count` excerpts, and what composes the rest (Answer.results)."""
        started = time.perf_counter()
        answer = find(self.index, question).answer(count)
        self._count(time.perf_counter() - started)
        return answer

    def _count(self, seconds: float) -> None:
        with self._stats_lock:
            self._questions += 1
            self._seconds.append(seconds)

    @property
    def agenda(self) -> Agenda:
        """The meetings of the index now answering (made once per index, in milliseconds)."""
        index, known = self.index, self._agenda
        if known is None or known[0] is not index:
            known = self._agenda = (index, Agenda.of(index.reports.values()))
        return known[1]

    def listing(self, question: str) -> Listing | None:
        """The meeting a question asks for ("มติ ครม. ล่าสุด", "/meeting 2021-10-12"), or None
        when it asks about a topic."""
        return listing_for(self.agenda, question)

    async def answer(self, question: str, count: int = MAX_EXCERPTS) -> Answer:
        """Answer a question in a worker process (in a worker thread when there are none), so
        the event loop keeps serving other chats. Questions queue for the workers."""
        pool = self._pool
        if pool is not None:
            try:
                timed = await pool.answer(question, count)
            except PoolError as error:
                log.error("%s; answering in this process's threads from now on", error)
                if self._pool is pool:
                    self._swap_pool(None)
            else:
                self._count(timed.seconds)
                return timed.answer
        return await self.answer_now(question, count)

    async def answer_now(self, question: str, count: int = MAX_EXCERPTS) -> Answer:
        """Answer in a worker thread of this process at once, never behind queued questions:
        for inline queries, which Telegram drops unless answered within seconds."""
        return await asyncio.to_thread(self.ask, question, count)

    async def more(self, answer: Answer, count: int) -> Answer:
        """The same answer with its first `count` excerpts, composed in a worker thread (the
        answer itself when nothing more can be composed; asked again when it was revived or
        came from a worker process, which sends no hits to compose from)."""
        if count <= len(answer.excerpts) and not answer.revived:
            return answer
        if answer.results is not None:
            return await asyncio.to_thread(answer.results.answer, count)
        if answer.revived or answer.more:  # asked again: a button from before a restart, or
            return await self.answer_now(answer.question, count)  # a worker's answer
        return answer

    def corpus_changed(self) -> bool:
        """Whether a corpus file was added, removed or changed since the current index was
        loaded (their paths, sizes and modification times; blocking: walks the folders)."""
        return stamps(self.paths) != self._stamps

    @property
    def reloading(self) -> bool:
        """Whether a reload is running now."""
        return self._reload_lock.locked()

    async def reload(self) -> Reload:
        """Rebuild from the corpus paths in a worker thread and swap the new index in.

        ReloadBusyError when a reload is already running; ReloadError (old index kept) when the
        corpus cannot be loaded.
        """
        if self._reload_lock.locked():
            raise ReloadBusyError("a reload is already running")
        async with self._reload_lock:
            before = self._current
            seen = await asyncio.to_thread(stamps, self.paths)  # before reading: none missed
            try:
                after = await asyncio.to_thread(load_index, self.paths, self.cache)
            except (CorpusError, OSError) as error:
                log.warning("reload failed, keeping the current index: %s", error)
                raise ReloadError(str(error)) from error
            except Exception as error:  # any failure halfway must leave the old index serving
                log.exception("reload failed unexpectedly, keeping the current index")
                raise ReloadError(f"{type(error).__name__}: {error}") from error
            pool = await self._new_pool()  # its workers read the cache `after` was saved to
            self._current = after  # the swap: one assignment, seen whole by every reader
            self._swap_pool(pool)
            self._stamps = seen
        for line in after.describe():
            log.info("reload: %s", line)
        return Reload(before, after)

    def stats(self) -> Stats:
        """Corpus size, when the index was built, questions answered and answer times."""
        current = self._current
        with self._stats_lock:
            questions = self._questions
            samples = list(self._seconds)
        p50, p95 = percentile(samples, 0.50), percentile(samples, 0.95)
        return Stats(
            reports=current.reports,
            passages=current.passages,
            files_read=current.corpus.files_read,
            built_at=current.built_at,
            questions=questions,
            p50_ms=None if p50 is None else p50 * 1000,
            p95_ms=None if p95 is None else p95 * 1000,
        )
