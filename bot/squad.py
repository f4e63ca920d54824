"""Reading question sets in SQuAD's shape (iapp-wiki-qa): questions asked of their own paragraphs.

Each record holds a `question`, the `context` paragraph that answers it and the `answers`
quoted from it. The distinct paragraphs become reports (one each, named by a hash of the
text, so the same paragraph in two files is one report) and each question counts as found
when a hit from its paragraph holds its first answer. Asked of another corpus (the cabinet
archive), the same questions make a large set of questions that corpus cannot answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.evaluate import Question, QuestionFormatError
from bot.reports import Report

FIELDS = ("question", "context", "answers")


@dataclass(frozen=True, slots=True)
class Squad:
    """A SQuAD-shaped set: its paragraphs as reports, and its questions."""

    paragraphs: tuple[Report, ...]
    questions: tuple[Question, ...]


def is_squad(record: Mapping[str, Any]) -> bool:
    """Whether a question-file record is SQuAD-shaped (has a context paragraph and answers)."""
    return all(field in record for field in FIELDS)


def paragraph_id(context: str) -> str:
    return "para-" + hashlib.sha1(context.encode("utf-8")).hexdigest()[:12]


def read_squad(records: Iterable[Mapping[str, Any]]) -> Squad:
    """Paragraphs (first seen first) and one answerable Question per record."""
    paragraphs: dict[str, Report] = {}
    questions = []
    for number, record in enumerate(records, start=1):
        if not is_squad(record):
            missing = [field for field in FIELDS if field not in record]
            raise QuestionFormatError(f"record {number} lacks {', '.join(missing)}")
        context = str(record["context"])
        doc = paragraph_id(context)
        title = str(record.get("title") or "").strip() or context[:60]
        paragraphs.setdefault(doc, Report(doc, title, f"เรื่อง {title}\n{context}"))
        answers = record["answers"].get("text") if isinstance(record["answers"], Mapping) else []
        questions.append(
            Question(
                id=str(record.get("question_id") or f"q{number}"),
                lang="th",
                question=str(record["question"]),
                doc=doc,
                answer_contains=tuple(str(text) for text in (answers or [])[:1]),
                answerable=True,
            )
        )
    return Squad(tuple(paragraphs.values()), tuple(questions))


def as_unanswerable(questions: Iterable[Question]) -> list[Question]:
    """The questions asked of a corpus that does not hold their paragraphs."""
    return [replace(q, doc=None, answer_contains=(), answerable=False) for q in questions]
