"""Stage: hits -> Answer. Choose which hits to quote (bot.excerpts quotes each), abstain when
bot.abstain says the hits do not answer.

`find` keeps a question's ranked hits as `Results`; `Results.answer(count)` composes the first
`count` excerpts from them, so a reply composes the page it shows, and a "more results" button
the pages up to its own, rather than every excerpt a question could page through. An Answer is
the reply in data form; `render` turns it into Telegram HTML or plain text.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from bot.abstain import answers
from bot.daterange import DateRange
from bot.excerpts import Excerpt, excerpt
from bot.index import Hit, Query, Ranked, SearchIndex
from bot.passages import TITLE
from bot.social import Social
from bot.text import Language, Token, detect_language

MAX_EXCERPTS = 3
MAX_PER_REPORT = 2  # so one long report does not crowd out every other source
BEST_REPORT_EXCERPTS = 4  # ... but the best report, the likeliest to answer, may give more
PAGED = 50  # excerpts a question's pages (and inline results) reach in all
# Hits kept per question: enough for PAGED excerpts at two per report, with room for passages
# that repeat another's words.
DEPTH = PAGED * MAX_PER_REPORT * 2
OLD_DAYS = 365  # a newest item older than this is said to be old


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
