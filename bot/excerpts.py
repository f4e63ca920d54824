"""Stage: hit -> Excerpt. A passage reduced to the sentences that answer, matched words marked,
cited.

The sentences richest in the question's (idf-weighted) words are chosen, with the one stating
the fact asked for (bot.facts) counting extra, then the clauses that complete them: Thai is cut
into sentences at its spaces, so the amount asked for is often the next clause.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.facts import Fact, states, states_count
from bot.index import Hit
from bot.passages import Passage
from bot.sentences import sentences
from bot.text import Token, analyze, analyze_passage

MAX_SENTENCES = 3
EXCERPT_CHARS = 600  # sentences are added, best first, while the excerpt stays under this
CONTEXT_CHARS = 450  # ... and the sentences around them, until it holds this much
TITLE_CHARS = 90
ELLIPSIS = " … "


@dataclass(frozen=True, slots=True)
class Citation:
    """Where an excerpt comes from: short report title, section, meeting date, link or file,
    and for a meeting's item its number and section heading."""

    doc_id: str
    title: str
    section: str
    meeting_date: date | None
    url: str | None
    source: str
    item_no: int | None = None  # the item's number in its meeting, when it is a meeting's
    heading: str | None = None  # the meeting section it sits under (กฎหมาย, ต่างประเทศ, ...)


@dataclass(frozen=True, slots=True)
class Excerpt:
    """The best sentences of one passage; `marks` are (start, end) spans of matched words."""

    text: str
    marks: tuple[tuple[int, int], ...]
    citation: Citation
    score: float
    passage: Passage  # the passage quoted (it refers to its report's text; no copy)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a space, else between two Thai words."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    if cut <= limit // 2:
        # Thai writes no spaces inside a phrase: cut where the segmenter says a word ends.
        ends = [token.end for token in analyze(text[: limit + 20]) if token.end <= limit - 1]
        cut = max(ends, default=limit - 1)
    return text[:cut].rstrip() + "…"


def _marks(tokens: Sequence[Token], terms: frozenset[str], text: str) -> list[tuple[int, int]]:
    """Spans of matched words among `tokens` (offsets into `text`), neighbours merged."""
    spans: list[tuple[int, int]] = []
    for token in tokens:
        if token.term not in terms:
            continue
        if spans and text[spans[-1][1] : token.start].strip(" -–/") == "":
            # Neighbouring matches read as one mark; a compound's parts lie inside it.
            spans[-1] = (spans[-1][0], max(spans[-1][1], token.end))
        else:
            spans.append((token.start, token.end))
    return spans


def _within(tokens: Sequence[Token], start: int, end: int) -> list[Token]:
    return [token for token in tokens if start <= token.start and token.end <= end]


def best_sentences(
    text: str,
    weights: dict[str, float],
    tokens: Sequence[Token] | None = None,
    fact: Fact | None = None,
    unit: str | None = None,
) -> list[tuple[int, int]]:
    """Spans of the sentences richest in query terms (1-3) and what completes them, in reading
    order.

    When the question asks for a date, an amount or a name (`fact`), a sentence stating one
    counts as holding the question's best word once more: the excerpt shows the answer, not
    only the words around it. When it counts in a unit ("กี่ชั้น", `unit`), only sentences
    stating a number of that unit count so, if any does ("13 ชั้น", not "55.60 เมตร").
    Thai text is cut into sentences at its spaces, so a "sentence" is often one clause
    ("ภายใต้กรอบวงเงิน 2,500 ล้านบาท"): a lone one between two chosen is added, and then those
    between, after and before the chosen until the excerpt holds CONTEXT_CHARS.
    """
    tokens = analyze(text) if tokens is None else tokens
    spans = sentences(text) or [(0, len(text))]
    # Each query word found goes to the one sentence that can hold it (spans are in order
    # and do not overlap): the last one starting at or before it.
    starts = [start for start, _ in spans]
    found: list[set[str]] = [set() for _ in spans]
    for token in tokens:
        if token.term in weights:
            at = bisect_right(starts, token.start) - 1
            if at >= 0 and token.end <= spans[at][1]:
                found[at].add(token.term)
    bonus = max(weights.values(), default=0.0) if fact else 0.0
    stating = [bool(fact) and states(text[start:end], fact) for start, end in spans]
    if fact == "amount" and unit:
        counting = [states_count(text[start:end], unit) for start, end in spans]
        stating = counting if any(counting) else stating
    scored = []
    for order in range(len(spans)):
        # fsum: rounded once, so the total (and which sentence wins a near tie) does not
        # depend on the set's order, which changes with each process's string hashing.
        value = math.fsum(weights[term] for term in found[order])
        if stating[order]:
            value += bonus
        scored.append((-value, order))
    scored.sort()
    chosen: list[int] = []
    length = 0
    best = -scored[0][0]
    for negative_score, order in scored:
        # Further sentences only when they hold at least half as much of the question.
        if len(chosen) == MAX_SENTENCES or (chosen and -negative_score < max(best / 2, 1e-9)):
            break
        size = spans[order][1] - spans[order][0]
        if chosen and length + size > EXCERPT_CHARS:
            continue
        chosen.append(order)
        length += size

    # A lone sentence between two chosen ones is read with them rather than skipped ("…").
    for order in range(min(chosen) + 1, max(chosen)):
        size = spans[order][1] - spans[order][0]
        lone = order not in chosen and {order - 1, order + 1} <= set(chosen)
        if lone and length + size <= EXCERPT_CHARS:
            chosen.append(order)
            length += size
    # Then, while the excerpt is short of CONTEXT_CHARS, the sentences between the chosen
    # ones, those after the last and those before the first.
    between = [order for order in range(min(chosen) + 1, max(chosen)) if order not in chosen]
    for around in (between, range(max(chosen) + 1, len(spans)), range(min(chosen) - 1, -1, -1)):
        for order in around:
            size = spans[order][1] - spans[order][0]
            if length >= CONTEXT_CHARS or length + size > EXCERPT_CHARS:
                break
            chosen.append(order)
            length += size
    return sorted(spans[order] for order in chosen)


_SPACES = str.maketrans("\n\t\r\f\v", "     ")


def excerpt(
    hit: Hit,
    weights: dict[str, float],
    tokens: Sequence[Token] | None = None,
    fact: Fact | None = None,
    unit: str | None = None,
) -> Excerpt:
    """The hit's passage reduced to its best sentences, matched words marked, with a citation.

    `tokens` are the passage's words (at least those of the question's terms) when the index
    has them.
    """
    passage = hit.passage
    terms = frozenset(weights)
    if tokens is None:  # once: for choosing sentences and marking words
        tokens = analyze_passage(passage.text)
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    offset = 0
    previous_end = 0
    for start, end in best_sentences(passage.text, weights, tokens, fact, unit):
        # Line breaks become spaces, one for one, so token offsets stay valid.
        sentence = passage.text[start:end].translate(_SPACES)
        spans = _marks(_within(tokens, start, end), terms, passage.text)
        if len(sentence) > EXCERPT_CHARS:
            sentence = shorten(sentence, EXCERPT_CHARS)
        if parts:
            glue = " " if passage.text[previous_end:start].strip() == "" else ELLIPSIS
            parts.append(glue)
            offset += len(glue)
        limit = len(sentence.rstrip("…"))
        marks.extend(
            (offset + a - start, offset + b - start) for a, b in spans if b - start <= limit
        )
        parts.append(sentence)
        offset += len(sentence)
        previous_end = end
    report = hit.report
    citation = Citation(
        doc_id=report.doc_id,
        title=shorten(report.title, TITLE_CHARS),
        section=passage.section,
        meeting_date=report.meeting_date,
        url=report.url,
        source=report.source,
        item_no=report.item_no,
        heading=report.heading,
    )
    return Excerpt("".join(parts), tuple(marks), citation, hit.score, passage)
