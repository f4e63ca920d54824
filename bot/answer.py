"""Stage: hits -> Answer. Pick each passage's best sentences, mark matched words, cite; abstain
when bot.abstain says the hits do not answer.

`find` keeps a question's ranked hits as `Results`; `Results.answer(count)` composes the first
`count` excerpts from them, so a reply composes the page it shows, and a "more results" button
the pages up to its own, rather than every excerpt a question could page through. An Answer is
the reply in data form; `render` turns it into Telegram HTML or plain text.
"""

from __future__ import annotations

import itertools
import math
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from bot.abstain import answers
from bot.daterange import DateRange
from bot.facts import Fact, states, states_count
from bot.index import Hit, Query, Ranked, SearchIndex
from bot.passages import TITLE, Passage
from bot.sentences import sentences
from bot.social import Social
from bot.text import Language, Token, analyze, analyze_passage, detect_language

MAX_EXCERPTS = 3
MAX_PER_REPORT = 2  # so one long report does not crowd out every other source
BEST_REPORT_EXCERPTS = 4  # ... but the best report, the likeliest to answer, may give more
PAGED = 50  # excerpts a question's pages (and inline results) reach in all
# Hits kept per question: enough for PAGED excerpts at two per report, with room for passages
# that repeat another's words.
DEPTH = PAGED * MAX_PER_REPORT * 2
MAX_SENTENCES = 3
EXCERPT_CHARS = 600  # sentences are added, best first, while the excerpt stays under this
CONTEXT_CHARS = 250  # ... and the sentences around them, until it holds this much
TITLE_CHARS = 90
ELLIPSIS = " … "
OLD_DAYS = 365  # a newest item older than this is said to be old


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


@dataclass(frozen=True, slots=True)
class Answer:
    """A question, its language, and the cited excerpts that answer it (none: nothing found).

    Excerpts are best first; a reply shows a page of them (`page`), numbered from start + 1.
    `translations` pairs the question's English words with the Thai words they matched;
    `corrections` pairs misspelt words with the words searched instead. `more` says whether
    further excerpts can be composed from `results` (Results.answer with a larger count).
    """

    question: str
    language: Language
    excerpts: tuple[Excerpt, ...]
    terms: tuple[str, ...]
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    more: bool = False
    results: Results | None = field(default=None, repr=False, compare=False)
    within: DateRange | None = None  # the meeting dates the question restricted itself to
    proposer: str | None = None  # the proposer it restricted itself to
    section: str | None = None  # the meeting section it restricted itself to
    newest: date | None = None  # set when ordered newest meeting first: the newest one's date
    newest_is_old: bool = False  # ... and that meeting was over a year before the asking
    revived: bool = False  # known only by its question (a button kept across a restart)
    social: Social | None = None  # the question only greets or thanks (bot.social)

    @property
    def found(self) -> bool:
        """Whether anything relevant was found."""
        return bool(self.excerpts)

    def __deepcopy__(self, memo: dict[int, object]) -> Answer:
        # An Answer never changes, so a copy may be itself. python-telegram-bot's persistence
        # deep-copies every kept button's data before saving it; copying each answer's ranked
        # hits cost the bot a sixth of its time in a burst.
        return self

    def page(self, start: int, count: int) -> Answer:
        """The same answer holding only excerpts [start, start + count)."""
        return replace(self, excerpts=self.excerpts[start : start + count])

    def newest_first(self, today: date) -> Answer:
        """The same excerpts, newest meeting first (undated ones last; ties in rank order),
        knowing whether even the newest is over a year old."""
        dated = [e.citation.meeting_date for e in self.excerpts if e.citation.meeting_date]
        excerpts = sorted(
            self.excerpts, key=lambda e: -(e.citation.meeting_date or date.min).toordinal()
        )
        newest = max(dated, default=None)
        old = newest is not None and (today - newest).days > OLD_DAYS
        return replace(
            self,
            excerpts=tuple(excerpts),
            more=False,
            results=None,
            newest=newest,
            newest_is_old=old,
        )


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


Words = Callable[[Hit, Iterable[str]], Sequence[Token] | None]  # a hit's stored words


@dataclass(frozen=True, slots=True)
class Results:
    """A question's ranked hits (best first), from which its answer is composed a page at a time.

    `words` gives a hit's passage words of the question's terms as the index stored them
    (SearchIndex.words), or None, when excerpts segment their passages again.
    """

    question: str
    query: Query
    hits: Sequence[Hit]
    words: Words | None = field(default=None, repr=False, compare=False)

    @property
    def found(self) -> bool:
        """Whether the best hits are worth quoting (bot.abstain)."""
        return answers(self.query, self.hits)

    def _excerpts(self) -> Iterator[Excerpt]:
        """Excerpts best first, the same words never twice: at most BEST_REPORT_EXCERPTS from
        the best report and MAX_PER_REPORT from each other one, then the passages over those
        caps in rank order (a corpus of one report still pages through all of it); and, when
        the best report holds some of the question's content, none from a report holding none
        of it (one matching only the words that frame a question, "cabinet" in "Cabinet of
        Ministers of the Kyrgyz Republic")."""
        weights = dict(self.query.weights)
        per_report: dict[str, int] = {}
        shown: set[str] = set()
        some_content = bool(self.hits) and self.hits[0].content > 0
        best = self.hits[0].report.doc_id if self.hits else None
        over: list[Hit] = []
        relevant = (hit for hit in self.hits if not (some_content and hit.content <= 0))
        for hit in relevant:
            seen = per_report.get(hit.report.doc_id, 0)
            cap = BEST_REPORT_EXCERPTS if hit.report.doc_id == best else MAX_PER_REPORT
            # A title passage quoted under its own report's title, already shown, says nothing.
            if seen == cap or (seen and hit.passage.section == TITLE):
                over.append(hit)
                continue
            if (quoted := self._quote(hit, weights, shown)) is not None:
                per_report[hit.report.doc_id] = seen + 1
                yield quoted
        for hit in over:  # then the passages the caps held back
            if (quoted := self._quote(hit, weights, shown)) is not None:
                yield quoted

    def _quote(self, hit: Hit, weights: dict[str, float], shown: set[str]) -> Excerpt | None:
        """The hit's excerpt, or None when the same words were quoted already (from another
        passage or report: once is enough); `shown` gains its words."""
        tokens = self.words(hit, weights) if self.words else None
        quoted = excerpt(hit, weights, tokens, self.query.fact, self.query.unit)
        said = " ".join(quoted.text.split())
        if said in shown:
            return None
        shown.add(said)
        return quoted

    def answer(self, count: int = MAX_EXCERPTS) -> Answer:
        """The Answer holding the first `count` excerpts (composed now; PAGED at most), or none
        when the hits do not answer the question; `more` when another excerpt follows them."""
        language = detect_language(self.question)
        if self.query.social is not None:
            return Answer(self.question, language, (), self.query.terms, social=self.query.social)
        if not self.found:
            return Answer(
                self.question,
                language,
                (),
                self.query.terms,
                within=self.query.within,
                proposer=self.query.proposer,
                section=self.query.section,
            )
        count = min(count, PAGED)
        composed = list(itertools.islice(self._excerpts(), max(count, 0) + (count < PAGED)))
        return Answer(
            self.question,
            language,
            tuple(composed[:count]),
            self.query.terms,
            _translations(self.query, self.hits),
            self.query.corrections,
            more=len(composed) > count,
            results=self,
            within=self.query.within,
            proposer=self.query.proposer,
            section=self.query.section,
        )


def compose(
    question: str,
    query: Query,
    hits: Sequence[Hit],
    max_excerpts: int = MAX_EXCERPTS,
    words: Words | None = None,
) -> Answer:
    """The Answer for `hits` (best first): up to `max_excerpts` cited excerpts, or none."""
    return Results(question, query, tuple(hits), words).answer(max_excerpts)


def _weakly(index: SearchIndex) -> Words:
    """The index's stored words while the index lives: an answer kept for its buttons must not
    keep a replaced index in memory (its excerpts then segment their passages again)."""
    method = weakref.WeakMethod(index.words)

    def words(hit: Hit, only: Iterable[str]) -> Sequence[Token] | None:
        live = method()
        return None if live is None else live(hit, only)

    return words


def find(
    index: SearchIndex, question: str, depth: int = DEPTH, among: frozenset[str] | None = None
) -> Results:
    """The question's best `depth` hits (of the reports `among`, when given), from which any
    page of its answer is composed."""
    query = replace(index.analyze(question), among=among)
    hits = () if query.social is not None else index.ranked(query, k=depth)  # nothing to seek
    return Results(question, query, hits, _weakly(index))


def _translations(query: Query, hits: Sequence[Hit]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """English words of the question and the Thai words they matched in the hits."""
    asked = [c for c in query.concepts if any(w.isascii() and w[:1].isalpha() for w in c.words)]
    if not asked:  # no English word: nothing to pair (and no pass over 200 hits)
        return ()
    if isinstance(hits, Ranked):
        matched = hits.terms_matched()
    else:
        matched = {term for hit in hits for term in hit.matched}
    pairs = []
    for concept in asked:
        thai = tuple(t for t in concept.alternatives if t not in concept.words and t in matched)
        english = [w for w in dict.fromkeys(concept.words) if w.isascii() and w[:1].isalpha()]
        # COVID-19 also stands as its parts covid and 19: name the word once.
        shown = [w for w in english if not any(w != o and w in o for o in english)]
        if thai and shown:
            pairs.append((" ".join(shown), thai))
    return tuple(dict.fromkeys(pairs))  # a phrase asked twice is named once


def ask(index: SearchIndex, question: str, max_excerpts: int = MAX_EXCERPTS) -> Answer:
    """Search the index and compose the cited answer: the whole core in one call."""
    return find(index, question, max_excerpts * MAX_PER_REPORT * 2).answer(max_excerpts)
