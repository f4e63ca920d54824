"""Answering in worker processes: the same answers as in the bot's own process, a reload that
reaches every worker, a further page composed from a worker's answer, a dead worker survived."""

from __future__ import annotations

import os
import pickle
import shutil
import signal
from pathlib import Path

import pytest

from bot.answer import ask
from bot.engine import Engine
from bot.workers import memory_kib, portable
from tests.telegram_fixtures import write_report, write_smart_city_corpus


def _shown(answer: object) -> list[tuple[str, object, tuple[tuple[int, int], ...]]]:
    return [(e.text, e.citation, e.marks) for e in answer.excerpts]  # type: ignore[attr-defined]


def test_a_portable_answer_keeps_what_is_shown_but_not_the_report_text(corpus: Path) -> None:
    engine = Engine.load([corpus])
    answer = ask(engine.index, "แอปพลิเคชันไทยชนะ")
    moved = pickle.loads(pickle.dumps(portable(answer)))

    assert answer.found and _shown(moved) == _shown(answer)
    assert [e.passage.text for e in moved.excerpts] == [e.passage.text for e in answer.excerpts]
    assert moved.results is None and moved.terms == answer.terms
    report = answer.excerpts[0].passage.source  # the whole report's text
    assert len(pickle.dumps(portable(answer))) < len(report.encode("utf-8"))


async def test_workers_answer_as_the_bot_itself_does_and_are_counted(corpus: Path) -> None:
    engine = Engine.load([corpus], workers=2)
    await engine.start_workers()
    try:
        assert engine.pool is not None and len(engine.pool.pids) == 2
        assert os.getpid() not in engine.pool.pids
        for question in ("แอปพลิเคชันไทยชนะ", "AOT Airport", "ราคาทองคำวันนี้"):
            pooled = await engine.answer(question, 3)
            assert _shown(pooled) == _shown(engine.ask(question, 3))
        assert engine.stats().questions == 6
        assert all(rss >= pss > 0 for _, rss, pss in engine.pool.memory())
    finally:
        engine.close()


async def test_a_reload_swaps_the_index_in_every_worker(corpus: Path) -> None:
    engine = Engine.load([corpus], workers=2)
    await engine.start_workers()
    try:
        before = engine.pool
        assert not (await engine.answer("รถไฟทางคู่สายอีสาน")).found
        write_report(
            corpus, "new.txt", "รถไฟทางคู่สายอีสาน", "อนุมัติโครงการรถไฟทางคู่สายอีสาน", "1 มกราคม 2567"
        )
        await engine.reload()
        assert engine.pool is not None and engine.pool is not before
        assert set(engine.pool.pids).isdisjoint(before.pids if before else ())
        for _ in range(4):  # whichever worker answers
            answer = await engine.answer("รถไฟทางคู่สายอีสาน")
            assert answer.found and answer.excerpts[0].citation.doc_id == "new"
    finally:
        engine.close()


async def test_the_next_page_of_a_workers_answer_is_composed(tmp_path: Path) -> None:
    engine = Engine.load([write_smart_city_corpus(tmp_path / "corpus")], workers=1)
    await engine.start_workers()
    try:
        first = await engine.answer("smart city", 3)
        assert first.results is None and first.more and len(first.excerpts) == 3
        more = await engine.more(first, 6)
        assert len(more.excerpts) == 6 and _shown(more)[:3] == _shown(first)
    finally:
        engine.close()


async def test_a_dead_worker_leaves_the_bot_answering_in_its_own_process(
    corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = Engine.load([corpus], workers=1)
    await engine.start_workers()
    try:
        assert engine.pool is not None
        os.kill(engine.pool.pids[0], signal.SIGKILL)
        answer = await engine.answer("แอปพลิเคชันไทยชนะ")
        assert answer.found and engine.pool is None
        assert "answering in this process's threads from now on" in caplog.text
    finally:
        engine.close()


async def test_workers_that_cannot_start_leave_the_bot_answering(
    corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = Engine.load([corpus], workers=1)  # no cache: a worker reads the corpus itself
    answer_before = engine.ask("แอปพลิเคชันไทยชนะ")
    shutil.rmtree(corpus)  # ... which is gone
    await engine.start_workers()
    assert engine.pool is None
    assert "the answering workers could not start" in caplog.text
    assert _shown(await engine.answer("แอปพลิเคชันไทยชนะ")) == _shown(answer_before)


def test_memory_of_a_process_that_is_not_there_is_zero() -> None:
    assert memory_kib(2**22 + 12345) == (0, 0)
    rss, pss = memory_kib(os.getpid())
    assert rss >= pss > 0
