"""Evaluation: run question sets through search and answer, and measure hit@k, MRR, abstention,
and shown@k: whether the excerpts as the bot shows them (each under its item's title) quote the
answer.

The question format is `../shared/eval/README.md`'s: one JSON object per line with `id`, `lang`,
`question`, `doc` (null when unanswerable), `answer_contains` and `answerable`; the project's own
sets (tests/data/eval) add `half` (tune or heldout) and `kind` (the question's style).
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.agenda import Agenda, listing_for
from bot.answer import MAX_EXCERPTS, MAX_PER_REPORT, compose
from bot.excerpts import Excerpt
from bot.index import Hit, SearchIndex

CUTOFFS = (1, 3, 5, 10)
SHOWN = (3, 5)  # excerpts as the bot shows them: its first page, and the first five


@dataclass(frozen=True, slots=True)
class Question:
    """One evaluation question and what counts as finding its answer."""

    id: str
    lang: str
    question: str
    doc: str | None
    answer_contains: tuple[str, ...]
    answerable: bool
    half: str = ""  # "tune" or "heldout" in the project's own sets
    kind: str = ""  # casual, formal, paraphrase, ... in the project's own sets


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the engine did with one question."""

    question: Question
    hits: tuple[Hit, ...]
    rank: int | None
    answered: bool
    seconds: float
    shown: int | None = None  # 1-based place of the first excerpt that quotes the answer


class QuestionFormatError(ValueError):
    """A question line that lacks a required field; the message names it."""


def parse_question(record: Mapping[str, Any]) -> Question:
    """A Question from one JSON object of a question file."""
    try:
        return Question(
            id=str(record["id"]),
            lang=str(record.get("lang") or "th"),
            question=str(record["question"]),
            doc=record.get("doc"),
            answer_contains=tuple(record.get("answer_contains") or ()),
            answerable=bool(record.get("answerable", record.get("doc") is not None)),
            half=str(record.get("half") or ""),
            kind=str(record.get("kind") or ""),
        )
    except KeyError as missing:
        raise QuestionFormatError(f"question line lacks {missing}") from None


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _first_quoting(question: Question, read: Iterable[tuple[str, str]]) -> int | None:
    """1-based place of the first (doc id, text) pair from the right document whose text
    holds an expected substring."""
    if question.doc is None:
        return None
    wanted = [_fold(text) for text in question.answer_contains]
    for place, (doc, text) in enumerate(read, start=1):
        if doc == question.doc and (not wanted or any(w in _fold(text) for w in wanted)):
            return place
    return None


def rank_of(question: Question, hits: Sequence[Hit]) -> int | None:
    """1-based rank of the first hit from the right document holding an expected substring."""
    return _first_quoting(question, ((hit.report.doc_id, hit.passage.text) for hit in hits))


def shown_rank(question: Question, excerpts: Sequence[Excerpt]) -> int | None:
    """1-based place of the first excerpt from the right document whose text or the title
    above it (what the user reads, not the whole passage) holds an expected substring."""
    read = ((e.citation.doc_id, f"{e.citation.title}\n{e.text}") for e in excerpts)
    return _first_quoting(question, read)


def run(index: SearchIndex, questions: Iterable[Question], k: int = 10) -> list[Outcome]:
    """Search and answer every question; time each one (search + answer composition).

    A question for a meeting ("มติ ครม. วันที่ 3 มี.ค. 2569") is answered as the bot answers
    it, with that meeting's listing: answered when there was such a meeting. Its hits are still
    the search's, for the rank measures (only unanswerable questions of the sets ask so).
    """
    outcomes = []
    depth = max(k, MAX_EXCERPTS * MAX_PER_REPORT * 2)
    agenda = Agenda.of(index.reports.values())
    for question in questions:
        started = time.perf_counter()
        query = index.analyze(question.question)
        hits = index.search(query, depth)
        listing = listing_for(agenda, question.question)
        shown = None
        if listing is None:
            answer = compose(question.question, query, hits, max(SHOWN), index.words)
            found, shown = answer.found, shown_rank(question, answer.excerpts)
        else:
            found = listing.meeting is not None or bool(listing.meetings)
        seconds = time.perf_counter() - started
        top = tuple(hits[:k])
        outcomes.append(Outcome(question, top, rank_of(question, top), found, seconds, shown))
    return outcomes


def percentile(samples: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (share in 0..1) of `samples`; None when there are none."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _metrics(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    metrics: dict[str, Any] = {"questions": len(outcomes), "answerable": len(answerable)}
    if answerable:
        for cutoff in CUTOFFS:
            found = sum(1 for o in answerable if o.rank is not None and o.rank <= cutoff)
            metrics[f"hit@{cutoff}"] = round(found / len(answerable), 4)
        for cutoff in SHOWN:
            quoted = sum(1 for o in answerable if o.shown is not None and o.shown <= cutoff)
            metrics[f"shown@{cutoff}"] = round(quoted / len(answerable), 4)
        reciprocal = sum(1 / o.rank for o in answerable if o.rank is not None and o.rank <= 10)
        metrics["mrr@10"] = round(reciprocal / len(answerable), 4)
        wrongly = sum(1 for o in answerable if not o.answered)
        metrics["answerable_abstained"] = round(wrongly / len(answerable), 4)
    metrics["unanswerable"] = len(unanswerable)
    if unanswerable:
        right = sum(1 for o in unanswerable if not o.answered)
        metrics["unanswerable_abstained"] = round(right / len(unanswerable), 4)
    milliseconds = [o.seconds * 1000 for o in outcomes]
    metrics["p50_ms"] = round(percentile(milliseconds, 0.5) or 0.0, 3)
    metrics["p95_ms"] = round(percentile(milliseconds, 0.95) or 0.0, 3)
    return metrics


def summarize(outcomes: Sequence[Outcome], by_kind: bool = False) -> dict[str, dict[str, Any]]:
    """Metrics per question language (and per language and kind, `th/casual`) and for all
    questions together (key `all`)."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in sorted(outcomes, key=lambda o: (o.question.lang, o.question.kind)):
        lang, kind = outcome.question.lang, outcome.question.kind
        groups.setdefault(lang, []).append(outcome)
        if by_kind and kind:
            groups.setdefault(f"{lang}/{kind}", []).append(outcome)
    summary = {name: _metrics(group) for name, group in sorted(groups.items())}
    summary["all"] = _metrics(outcomes)
    return summary


_COLUMNS = (
    ("questions", "n"),
    ("hit@1", "hit@1"),
    ("hit@3", "hit@3"),
    ("hit@5", "hit@5"),
    ("hit@10", "hit@10"),
    ("mrr@10", "MRR@10"),
    ("shown@3", "shown@3"),
    ("shown@5", "shown@5"),
    ("answerable_abstained", "ans.abst"),
    ("unanswerable_abstained", "unans.abst"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
)


def table(summary: Mapping[str, Mapping[str, Any]]) -> str:
    """The summary as an aligned text table, one row per language."""
    header = ["lang", *(title for _, title in _COLUMNS)]
    rows = [header]
    for lang, metrics in summary.items():
        cells = [lang]
        for key, _ in _COLUMNS:
            value = metrics.get(key)
            cells.append(
                "-" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
            )
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    )


def outcome_record(outcome: Outcome) -> dict[str, Any]:
    """One `--out` line: id, lang, whether it answered, and the top hits."""
    return {
        "id": outcome.question.id,
        "lang": outcome.question.lang,
        "answered": outcome.answered,
        "shown": outcome.shown,
        "hits": [
            {
                "doc": hit.report.doc_id,
                "section": hit.passage.section,
                "text": hit.passage.text,
                "score": round(hit.score, 6),
                "report_coverage": round(hit.report_coverage, 4),
            }
            for hit in outcome.hits
        ],
    }
