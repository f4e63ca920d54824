"""Stage: hits -> Answer. Pick each passage's best sentences, mark matched words, cite, abstain.

An Answer is the whole reply in data form; `render` turns it into Telegram HTML or plain text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.index import Hit, Query, SearchIndex
from bot.text import Language, Token, analyze, analyze_passage, detect_language, sentences

MAX_EXCERPTS = 3
MAX_PER_REPORT = 2  # so one long report does not crowd out every other source
MAX_SENTENCES = 3
EXCERPT_CHARS = 600  # sentences are added, best first, while the excerpt stays under this
TITLE_CHARS = 90
ELLIPSIS = " … "

# Abstention: the best hit's report must hold this share of the question's concepts, weighted
# by squared idf (Hit.report_coverage). Calibrated on the dev sets and tests/data/offtopic.jsonl
# over the whole cabinet archive: at 0.42, Thai answerable questions answered 0.875 and Thai
# unanswerable/off-topic ones abstained 0.79; English 0.75 / 0.70 (see README, Quality).
MIN_REPORT_COVERAGE = 0.42
# ...or hold less of it, but with strong evidence: a blended BM25 score this high. Questions
# that phrase their report's matter in other words (answerable, coverage 0.25-0.42) still match
# many of its rarer words; off-topic ones with that coverage match a few common words and score
# under 75. Any threshold from 75 to 90 (with 0.2-0.3 coverage) gave the same picture on the
# dev sets: cabinet_dev answered 0.95-0.975 with every unanswerable question declined,
# enth_dev answered 0.87-0.90 (from 0.76), the off-topic set unchanged (README, Quality).
STRONG_SCORE = 80.0
MIN_STRONG_COVERAGE = 0.24


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
    passage: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A question, its language, and the cited excerpts that answer it (none: nothing found).

    Excerpts are best first; a reply shows a page of them (`page`), numbered from start + 1.
    `translations` pairs the question's English words with the Thai words they matched;
    `corrections` pairs misspelt words with the words searched instead.
    """

    question: str
    language: Language
    excerpts: tuple[Excerpt, ...]
    terms: tuple[str, ...]
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()

    @property
    def found(self) -> bool:
        """Whether anything relevant was found."""
        return bool(self.excerpts)

    def page(self, start: int, count: int) -> Answer:
        """The same answer holding only excerpts [start, start + count)."""
        return replace(self, excerpts=self.excerpts[start : start + count])


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


def is_relevant(hits: Sequence[Hit]) -> bool:
    """Whether the best hit is worth quoting rather than saying nothing relevant was found."""
    if not hits:
        return False
    best = hits[0]
    return best.report_coverage >= MIN_REPORT_COVERAGE or (
        best.score >= STRONG_SCORE and best.report_coverage >= MIN_STRONG_COVERAGE
    )


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
    text: str, weights: dict[str, float], tokens: Sequence[Token] | None = None
) -> list[tuple[int, int]]:
    """Spans of the 1-3 sentences richest in query terms, in reading order."""
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
    scored = []
    for order, (start, end) in enumerate(spans):
        scored.append((-sum(weights[term] for term in found[order]), order, start, end))
    scored.sort()
    chosen: list[tuple[int, int]] = []
    length = 0
    best = -scored[0][0]
    for negative_score, _, start, end in scored:
        # Further sentences only when they hold at least half as much of the question.
        if len(chosen) == MAX_SENTENCES or (chosen and -negative_score < max(best / 2, 1e-9)):
            break
        if chosen and length + end - start > EXCERPT_CHARS:
            continue
        chosen.append((start, end))
        length += end - start
    return sorted(chosen)


_SPACES = str.maketrans("\n\t\r\f\v", "     ")


def excerpt(hit: Hit, weights: dict[str, float], tokens: Sequence[Token] | None = None) -> Excerpt:
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
    for start, end in best_sentences(passage.text, weights, tokens):
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
    return Excerpt("".join(parts), tuple(marks), citation, hit.score, passage.text)


def compose(
    question: str,
    query: Query,
    hits: Sequence[Hit],
    max_excerpts: int = MAX_EXCERPTS,
    words: Callable[[Hit, Iterable[str]], Sequence[Token]] | None = None,
) -> Answer:
    """The Answer for `hits` (best first): up to `max_excerpts` cited excerpts, or none.

    `words` gives a hit's passage words of the question's terms as the index stored them
    (SearchIndex.words), so that excerpts need not segment their passages again.
    """
    language = detect_language(question)
    if not is_relevant(hits):
        return Answer(question, language, (), query.terms)
    weights = dict(query.weights)
    per_report: dict[str, int] = {}
    excerpts = []
    for hit in hits:
        if len(excerpts) == max_excerpts:
            break
        seen = per_report.get(hit.report.doc_id, 0)
        if seen == MAX_PER_REPORT:
            continue
        per_report[hit.report.doc_id] = seen + 1
        excerpts.append(excerpt(hit, weights, words(hit, weights) if words else None))
    return Answer(
        question,
        language,
        tuple(excerpts),
        query.terms,
        _translations(query, hits),
        query.corrections,
    )


def _translations(query: Query, hits: Sequence[Hit]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """English words of the question and the Thai words they matched in the hits."""
    matched = {term for hit in hits for term in hit.matched}
    pairs = []
    for concept in query.concepts:
        thai = tuple(t for t in concept.alternatives if t not in concept.words and t in matched)
        english = [w for w in dict.fromkeys(concept.words) if w.isascii() and w[:1].isalpha()]
        # COVID-19 also stands as its parts covid and 19: name the word once.
        shown = [w for w in english if not any(w != o and w in o for o in english)]
        if thai and shown:
            pairs.append((" ".join(shown), thai))
    return tuple(dict.fromkeys(pairs))  # a phrase asked twice is named once


def ask(index: SearchIndex, question: str, max_excerpts: int = MAX_EXCERPTS) -> Answer:
    """Search the index and compose the cited answer: the whole core in one call."""
    query = index.analyze(question)
    hits = index.search(query, k=max_excerpts * MAX_PER_REPORT * 2)
    return compose(question, query, hits, max_excerpts, index.words)
