"""Edge: the benchmark. One run measures, on the same corpus and questions, rank-bm25's own
per-passage loop (the naive path) against the project's search, plus build, load and memory.

Numbers are printed, never asserted: `python -m bot bench [--corpus PATH] [--queries FILE]`.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from bot.answer import Answer, ask, find
from bot.chat.replies import Reply
from bot.chat.votes import question_reply
from bot.evaluate import percentile
from bot.index import storage
from bot.index.build import build
from bot.index.postings import LuceneBM25
from bot.render import to_html

# Questions used when no --queries file is given (Thai and English, about cabinet matters).
DEFAULT_QUESTIONS = (
    "แอปพลิเคชันไทยชนะ",
    "เมืองอัจฉริยะ",
    "งบประมาณรายจ่ายประจำปี",
    "ร่างพระราชบัญญัติ",
    "การจัดซื้อจัดจ้าง",
    "ความร่วมมืออาเซียน",
    "โครงการชลประทาน",
    "มาตรการช่วยเหลือเกษตรกร",
    "smart city",
    "Ministry of Finance budget",
    "digital economy cooperation",
    "ADMM defence ministers meeting",
)
NAIVE_SAMPLE = 100  # questions timed on the naive path (each costs a loop over all passages)
KEPT_ANSWERS = 1000  # answers kept for their buttons, as the bot keeps them
PAGE = 3  # excerpts on a reply's first page


@dataclass(frozen=True, slots=True)
class Timing:
    """Per-question times in milliseconds."""

    p50_ms: float
    p95_ms: float


def _time(function: Callable[[str], Any], questions: Sequence[str]) -> tuple[Timing, list[Any]]:
    results = []
    times = []
    for question in questions:
        started = time.perf_counter()
        results.append(function(question))
        times.append((time.perf_counter() - started) * 1000)
    return Timing(percentile(times, 0.5) or 0.0, percentile(times, 0.95) or 0.0), results


def read_questions(paths: Sequence[Path] | None) -> list[str]:
    """Questions from JSONL files (`question` fields) or plain text files (one per line)."""
    if not paths:
        return list(DEFAULT_QUESTIONS)
    questions = []
    lines = [line for path in paths for line in path.read_text("utf-8-sig").splitlines()]
    for line in lines:
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            questions.append(str(json.loads(line)["question"]))
        else:
            questions.append(line.strip())
    return questions


def _private_mb() -> float | None:
    """Memory of this process that no file backs (Linux's smaps_rollup "Anonymous"), in MB:
    what the index's memory-mapped arrays, shared with the page cache, do not count in."""
    try:
        with Path("/proc/self/smaps_rollup").open(encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Anonymous:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def first_page(index: Any, question: str) -> Reply:
    """What the bot sends for a question: its whole search (the hits every page is composed
    from), the first page composed and rendered as it fits one message, with its buttons."""
    return question_reply(find(index, question).answer(PAGE), PAGE)


def _kept_answers_mb(index: Any, questions: Sequence[str]) -> float | None:
    """How much private memory KEPT_ANSWERS answers take, kept as the bot keeps them for their
    buttons (the first page composed, the ranked hits kept for the others)."""
    before = _private_mb()
    recent: deque[Answer] = deque(maxlen=KEPT_ANSWERS)
    for number in range(KEPT_ANSWERS):
        recent.append(find(index, questions[number % len(questions)]).answer(PAGE))
    after = _private_mb()
    return None if before is None or after is None else after - before


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """The largest resident set of this process (or of its largest finished child), in MB."""
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports kilobytes


def _cold_build(paths: Sequence[Path], cache: Path) -> dict[str, float]:
    """In a fresh process: build and save the index; its time and peak memory."""
    started = time.perf_counter()
    build(paths, cache)
    return {
        "cold_build_s": time.perf_counter() - started,
        "build_peak_rss_mb": _peak_rss_mb(),
        "worker_peak_rss_mb": _peak_rss_mb(resource.RUSAGE_CHILDREN),
    }


def run(paths: Sequence[Path], questions: Sequence[str]) -> dict[str, Any]:
    """Measure everything once and return the figures (also printed by `report`).

    The cold build runs in a process of its own, as `python -m bot index` would, so that its
    memory and the answering process's memory are each measured on their own; this process
    then loads the saved index as the bot does at start-up and answers the questions.
    """
    with tempfile.TemporaryDirectory(prefix="bench-index-") as folder:
        cache = Path(folder) / "index"
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            cold = pool.submit(_cold_build, paths, cache).result()
        started = time.perf_counter()
        index = storage.load(cache, paths).index
        warm = time.perf_counter() - started
        tokens = storage.load_tokens(cache)
    queries = [index.analyze(question) for question in questions]

    search_time, _ = _time(lambda q: index.search(index.analyze(q), 10), questions)
    answer_time, _ = _time(lambda q: to_html(ask(index, q)), questions)
    page_time, _ = _time(lambda q: first_page(index, q), questions)
    serve_peak = _peak_rss_mb()
    serve_private = _private_mb()
    kept = _kept_answers_mb(index, questions)

    # The naive path: rank-bm25's own loop over every passage for the same query terms.
    naive = LuceneBM25([tokens.terms(number) for number in range(len(tokens))])
    del tokens
    sample = queries[:NAIVE_SAMPLE]

    def naive_search(question: str) -> np.ndarray:
        scores = naive.get_scores(index.tokenize(question))
        np.argsort(-scores, kind="stable")[:10]
        return scores

    naive_time, _ = _time(naive_search, questions[:NAIVE_SAMPLE])
    naive_scores = [naive.get_scores(list(query.terms)) for query in sample]
    passage_postings = index.postings[0]
    agree = 0
    for query, expected in zip(sample, naive_scores, strict=True):
        actual = passage_postings.scores(list(query.terms))
        top = np.lexsort((np.arange(expected.size), -expected))[:10]
        same = np.array_equal(np.lexsort((np.arange(actual.size), -actual))[:10], top)
        agree += int(same and np.allclose(actual[top], expected[top], rtol=0, atol=1e-9))
    return {
        "corpus": [str(path) for path in paths],
        "reports": len(index.reports),
        "passages": len(index),
        "questions": len(questions),
        "cold_build_s": round(cold["cold_build_s"], 2),
        "warm_load_s": round(warm, 3),
        "naive_p50_ms": round(naive_time.p50_ms, 2),
        "naive_p95_ms": round(naive_time.p95_ms, 2),
        "search_p50_ms": round(search_time.p50_ms, 3),
        "search_p95_ms": round(search_time.p95_ms, 3),
        "answer_p50_ms": round(answer_time.p50_ms, 3),
        "answer_p95_ms": round(answer_time.p95_ms, 3),
        "first_page_p50_ms": round(page_time.p50_ms, 3),
        "first_page_p95_ms": round(page_time.p95_ms, 3),
        "speedup": round(naive_time.p50_ms / max(search_time.p50_ms, 1e-9), 1),
        "top10_agree": round(agree / max(len(sample), 1), 4),
        # The largest single process: the build's, its tokenizing workers', or the answering
        # one's (after loading the index and answering every question).
        "peak_rss_mb": round(max(cold["build_peak_rss_mb"], serve_peak), 1),
        "build_peak_rss_mb": round(cold["build_peak_rss_mb"], 1),
        "worker_peak_rss_mb": round(cold["worker_peak_rss_mb"], 1),
        "serve_peak_rss_mb": round(serve_peak, 1),
        "serve_private_mb": None if serve_private is None else round(serve_private, 1),
        "kept_1000_answers_mb": None if kept is None else round(kept, 1),
        "peak_rss_with_naive_mb": round(_peak_rss_mb(), 1),
    }


def report(figures: dict[str, Any]) -> str:
    """The figures as a table, then one line of JSON."""
    rows = [
        ("corpus", ", ".join(figures["corpus"])),
        ("reports / passages", f"{figures['reports']:,} / {figures['passages']:,}"),
        ("questions", str(figures["questions"])),
        ("cold build (read, tokenize, index, save)", f"{figures['cold_build_s']} s"),
        ("warm load (from the saved index)", f"{figures['warm_load_s']} s"),
        ("naive rank-bm25 p50 / p95", f"{figures['naive_p50_ms']} / {figures['naive_p95_ms']} ms"),
        ("search p50 / p95", f"{figures['search_p50_ms']} / {figures['search_p95_ms']} ms"),
        (
            "answer (search + render) p50 / p95",
            f"{figures['answer_p50_ms']} / {figures['answer_p95_ms']} ms",
        ),
        (
            "the bot's reply (first page, buttons) p50 / p95",
            f"{figures['first_page_p50_ms']} / {figures['first_page_p95_ms']} ms",
        ),
        ("speed-up (naive / search, p50)", f"{figures['speedup']}x"),
        ("top-10 identical to rank-bm25", f"{figures['top10_agree']:.0%} of questions"),
        (
            "peak RSS: build / its workers / answering",
            f"{figures['build_peak_rss_mb']} / {figures['worker_peak_rss_mb']} / "
            f"{figures['serve_peak_rss_mb']} MB",
        ),
        ("peak RSS of the largest process", f"{figures['peak_rss_mb']} MB"),
        ("answering process: private memory", f"{figures['serve_private_mb']} MB"),
        ("1,000 answers kept for their buttons", f"{figures['kept_1000_answers_mb']} MB more"),
        ("peak RSS with the naive model", f"{figures['peak_rss_with_naive_mb']} MB"),
    ]
    width = max(len(label) for label, _ in rows)
    table = "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)
    return f"{table}\n{json.dumps(figures, ensure_ascii=False)}"
