"""The live index holder: answers and counts them, reloads once at a time, keeps the old index."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.corpus import CorpusError
from bot.engine import Engine, ReloadBusyError, ReloadError, load_index
from bot.evaluate import Question, percentile, shown_rank
from bot.excerpts import Citation, Excerpt
from bot.passages import Passage
from tests.telegram_fixtures import write_report


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(100, 0, -1)]
    assert percentile(samples, 0.50) == 50.0
    assert percentile(samples, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.5) is None


def test_shown_rank_reads_what_the_user_reads_not_the_whole_passage() -> None:
    passage = Passage("a", "1", "งบประมาณ 2,500 ล้านบาท\nเพื่อจัดงานพืชสวนโลก", 0, 41)

    def shown(text: str, title: str = "พืชสวนโลก", doc: str = "a") -> Excerpt:
        return Excerpt(text, (), Citation(doc, title, "1", None, None, "a"), 1.0, passage)

    question = Question("q", "th", "งบเท่าไร", "a", ("2,500 ล้านบาท",), True)
    assert shown_rank(question, [shown("เพื่อจัดงานพืชสวนโลก")]) is None  # the passage holds it
    assert shown_rank(question, [shown("2,500 ล้านบาท", doc="b"), shown("งบ 2,500 ล้านบาท")]) == 2
    assert shown_rank(question, [shown("งาน", title="งบ 2,500 ล้านบาท")]) == 1  # its title


def test_a_corpus_without_reports_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "readme.pdf").write_bytes(b"%PDF")
    with pytest.raises(CorpusError, match=r"no readable report .*readme\.pdf: not a report file"):
        load_index([tmp_path])


async def test_answers_are_counted_and_timed(corpus: Path) -> None:
    engine = Engine.load([corpus])
    answer = await engine.answer("AOT Airport")
    engine.ask("แอปพลิเคชันไทยชนะ")
    stats = engine.stats()

    assert answer.found and answer.language == "en"
    assert (stats.reports, stats.files_read, stats.questions) == (1, 1, 2)
    assert stats.passages == len(engine.index) > 0
    assert stats.p50_ms is not None and stats.p95_ms is not None
    assert 0 < stats.p50_ms <= stats.p95_ms


async def test_only_one_of_two_concurrent_reloads_runs(corpus: Path) -> None:
    engine = Engine.load([corpus])
    write_report(corpus, "new.txt", "รถไฟทางคู่", "อนุมัติโครงการรถไฟทางคู่", "1 มกราคม 2567")
    first, second = await asyncio.gather(engine.reload(), engine.reload(), return_exceptions=True)

    assert isinstance(second, ReloadBusyError)
    assert not isinstance(first, BaseException)
    assert (first.before.reports, first.after.reports) == (1, 2)
    assert engine.current is first.after and not engine.reloading


async def test_a_failed_reload_keeps_the_old_index(corpus: Path) -> None:
    engine = Engine.load([corpus])
    before = engine.current
    shutil.rmtree(corpus)
    with pytest.raises(ReloadError, match="does not exist"):
        await engine.reload()
    assert engine.current is before and (await engine.answer("AOT Airport")).found
