"""Stage: Query -> Hits. Passages ranked, and what each holds of the question measured.

Ranking is BM25 (`bot.index.postings`, rank-bm25's formula with Lucene's idf) over passages,
blended with BM25 over whole reports; a month or year named in the question lifts reports of
meetings then, a passage stating the fact asked for rises a little, and one saying the
question's words side by side more; one holding the question's words only in the heading it
borrows falls, and when the best passage states no amount, date or name asked for, its
report's best passage that does comes second; a passage repeating an earlier one of its report
is not a hit.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot import text
from bot.abbreviations import both_ways, full_names
from bot.daterange import DateRange
from bot.facts import FACTS, stated
from bot.index import rerank
from bot.index.coverage import (
    by_chance,
    concept_weights,
    content_weights,
    coverage,
    evidence,
    held,
    information_total,
    with_meeting_date,
)
from bot.index.hits import NUMBERS, Hit, Ranked
from bot.index.postings import Postings, TermIds
from bot.index.query import Query, QueryReader, Tokenizer
from bot.index.titles import Titles
from bot.lexicon import Lexicon
from bot.passages import Passage
from bot.reports import Report
from bot.thaidate import BE_OFFSET, ENGLISH_MONTHS, THAI_MONTHS, Period

ERAS = ("พศ", "คศ")  # พ.ศ. and ค.ศ. as index terms


@dataclass(frozen=True, slots=True)
class Spans:
    """Every passage's index terms with their places in its text: rows of (term id, start,
    end), a negative start for words of the borrowed context; passage i's rows are
    rows[offsets[i]:offsets[i + 1]]. Memory-mapped from the cache, or kept from the build."""

    rows: np.ndarray  # int32, terms x 3
    offsets: np.ndarray  # int64, one more than there are passages

    def __call__(self, passage: int) -> np.ndarray:
        return self.rows[int(self.offsets[passage]) : int(self.offsets[passage + 1])]


class SearchIndex:
    """BM25 over passages, blended with BM25 over their whole reports.

    A question often names the report (its title words) and asks about one section of it, so a
    passage's score adds REPORT_WEIGHT times its report's score: the passage that answers wins
    inside the right report, and the right report's passages beat lookalikes in other reports.
    English words are translated into Thai terms through the lexicon, senses weighted by how
    often the corpus uses them, so "cabinet" finds คณะรัฐมนตรี rather than ตู้ (cupboard).
    `facts` (passages x FACTS, bool) says which passages state a date, an amount or a name; it is
    worked out from the passages when not given (the index cache keeps it). `spans`, when
    given, reads a passage's index terms with their places (term ids into the postings'
    vocabulary, start, end), so that excerpts need not segment their passages again.
    """

    REPORT_WEIGHT = 2.0
    # Translated words bring loose senses that a long report matches by chance, so English
    # questions lean more on the passage itself (enth_dev hit@5 0.59 at 2.0, 0.65 at 1.0).
    TRANSLATED_REPORT_WEIGHT = 1.0
    # A question naming a month or year ("มิถุนายน 2563", "in June 2020") lifts reports of
    # meetings then, without hiding others: years in questions often name other things.
    MONTH_BOOST = 0.5
    YEAR_BOOST = 0.3
    FACT_BOOST = 0.15  # a passage stating the kind of fact asked for (a date, an amount)
    TITLE_BOOST = 0.1  # a report whose whole title the question holds (bot.index.titles)
    # A pair of the question's neighbouring words found side by side adds this share of the
    # rarer one's idf, among the best PHRASE_CANDIDATES passages by BM25.
    PHRASE_WEIGHT = 1.0
    PHRASE_CANDIDATES = 32
    CONTEXT_ONLY = 0.6  # share of its score kept by a passage matching only through context

    def __init__(
        self,
        passages: Sequence[Passage],
        reports: Sequence[Report],
        tokenize: Tokenizer,
        passage_postings: Postings,
        report_postings: Postings,
        lexicon: Lexicon | None = None,
        facts: np.ndarray | None = None,
        spans: Spans | None = None,
        abbreviations: Mapping[str, str] | None = None,
    ) -> None:
        self.passages = tuple(passages)
        self._spans = spans
        self._terms = tuple(passage_postings.vocabulary)
        self.reports = {report.doc_id: report for report in reports}
        self._report_list = tuple(self.reports.values())  # by report row
        self.tokenize = tokenize
        self.lexicon = lexicon
        self._abbreviation_table = abbreviations
        self._reader: QueryReader | None = None
        self._passages = passage_postings
        self._reports = report_postings
        report_row = {doc_id: row for row, doc_id in enumerate(self.reports)}
        self._report_of = np.array(
            [report_row[passage.doc_id] for passage in self.passages], dtype=np.int64
        )
        # Each passage's length in characters (its text is source[start:end]).
        self._lengths = np.array([p.end - p.start for p in self.passages], dtype=float)
        if facts is None:
            facts = np.array([stated(passage.text) for passage in self.passages], dtype=bool)
        self.facts = facts.reshape(len(self.passages), len(FACTS))
        # A passage saying word for word what one before it in its report says adds nothing.
        self._repeats = rerank.repeats(self.passages, self._report_of, self._lengths)
        self._states = {
            fact: self.facts[:, column] & ~self._repeats for column, fact in enumerate(FACTS)
        }
        meetings = [self.reports[passage.doc_id].meeting_date for passage in self.passages]
        self._meeting = np.array(
            [(day.year, day.month) if day else (0, 0) for day in meetings], dtype=np.int64
        ).reshape(-1, 2)
        self._meeting_day = np.array(
            [day.toordinal() if day else 0 for day in meetings], dtype=np.int64
        )
        self._titles = Titles(self.passages, self._report_of, len(self.reports), self._term_ids)

    @classmethod
    def from_tokens(
        cls,
        passages: Sequence[Passage],
        reports: Iterable[Report],
        tokens: Sequence[list[str]] | TermIds,
        tokenize: Tokenizer,
        lexicon: Lexicon | None = None,
        facts: np.ndarray | None = None,
        spans: Spans | None = None,
    ) -> SearchIndex:
        """The index of passages already tokenized (term lists or ids, one per passage): the
        one way an index is put together, by bot.index.build and by tests of their own tokens."""
        passages = tuple(passages)
        table = tokens if isinstance(tokens, TermIds) else TermIds.encode(tokens)
        if len(table) != len(passages):
            raise ValueError(f"{len(table)} token lists for {len(passages)} passages")
        used = {passage.doc_id for passage in passages}
        reports = [report for report in reports if report.doc_id in used]
        report_row = {report.doc_id: row for row, report in enumerate(reports)}
        rows = np.array([report_row[passage.doc_id] for passage in passages], dtype=np.int64)
        columns = table.columns()
        return cls(
            passages,
            reports,
            tokenize,
            Postings.count(table, columns=columns),
            Postings.count(table, rows, len(reports), columns),
            lexicon,
            facts,
            spans,
        )

    def __len__(self) -> int:
        return len(self.passages)

    def with_lexicon(self, lexicon: Lexicon | None) -> SearchIndex:
        """The same index translating English through `lexicon` (its arrays shared)."""
        passage_postings, report_postings = self.postings
        return SearchIndex(
            self.passages,
            list(self.reports.values()),
            self.tokenize,
            passage_postings,
            report_postings,
            lexicon,
            self.facts,
            self._spans,
            self._abbreviation_table,
        )

    def words(self, hit: Hit, only: Iterable[str] | None = None) -> Sequence[text.Token]:
        """The words of a hit's passage that can match a question, as stored (or analysed
        again when the index was made from tokens alone): all of them, or `only` those terms."""
        if self._spans is not None:
            terms = self._terms
            column = self._passages.vocabulary
            wanted = None if only is None else {column[t] for t in only if t in column}
            return [
                text.Token(terms[term], start, end)
                for term, start, end in self._spans(hit.position).tolist()
                # Words of the borrowed context are not in the passage.
                if start >= 0 and (wanted is None or term in wanted)
            ]
        words = text.analyze_passage(hit.passage.text)
        if only is None:
            return words
        kept = set(only)
        return [word for word in words if word.term in kept]

    @property
    def postings(self) -> tuple[Postings, Postings]:
        """The passage-level and report-level BM25 postings (for saving the index)."""
        return self._passages, self._reports

    @property
    def abbreviation_table(self) -> Mapping[str, str]:
        """The abbreviations the corpus defines -> their full names (bot.abbreviations), mined
        when first needed (about a second on the archive) unless the cache kept them."""
        if self._abbreviation_table is None:
            texts = (report.text for report in self.reports.values())
            self._abbreviation_table = full_names(texts, text.segment_words)
        return self._abbreviation_table

    @property
    def reader(self) -> QueryReader:
        """What reads questions into Queries for this corpus (made when first asked)."""
        if self._reader is None:
            pairs = both_ways(self.abbreviation_table).items()
            abbreviations = Lexicon.parse([f"{short}\t{name}" for short, name in pairs])
            self._reader = QueryReader(
                self._passages, self.tokenize, self.lexicon, abbreviations, self.abbreviation_table
            )
        return self._reader

    def analyze(self, question: str) -> Query:
        """The question as a Query of this corpus's terms (bot.index.query)."""
        return self.reader.read(question)

    def scores(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """Passages sharing a term with the query (ascending rows) and their blended scores."""
        passage_scores = self._passages.scores(query.terms, query.added)
        rows = np.flatnonzero(passage_scores > 0)  # on a bool array: 7x faster than on floats
        if query.within is not None:  # a range the question states: a filter, not a lift
            rows = rows[self._in_range(query.within, rows)]
        if query.proposer is not None:  # so are the proposer and the section it names
            name = query.proposer
            rows = rows[self._of_reports(rows, lambda report: name in report.proposer)]
        if query.section is not None:
            section = query.section
            rows = rows[self._of_reports(rows, lambda report: report.heading == section)]
        if query.among is not None:
            among = query.among
            rows = rows[self._of_reports(rows, lambda report: report.doc_id in among)]
        report_scores = self._reports.scores(query.terms, query.added)
        weight = self.TRANSLATED_REPORT_WEIGHT if query.translated else self.REPORT_WEIGHT
        scores = report_scores[self._report_of[rows]]
        scores *= weight
        scores += passage_scores[rows]
        if query.period is not None:
            scores *= self._period_boost(query.period, rows)
        if query.fact is not None:
            scores *= np.where(self._states[query.fact][rows], 1 + self.FACT_BOOST, 1.0)
        titled = self._titles.held(query.terms, self._passages)
        if titled.any():
            scores *= np.where(titled[self._report_of[rows]], 1 + self.TITLE_BOOST, 1.0)
        return rows, scores

    def _fact_states(self, query: Query, every: np.ndarray, first: int) -> np.ndarray:
        """Which passages state the fact the question asks for (`query.fact`, not None), for
        rerank.fact_second: for a count asked in a unit, those of the best passage's report
        stating a number of that unit, when one does."""
        if query.fact == "amount" and query.unit:
            counting = rerank.counting(query.unit, self.passages, self._report_of, every, first)
            if counting is not None:
                counting &= ~self._repeats
                return counting
        return self._states[query.fact]

    def _of_reports(self, rows: np.ndarray, keep: Callable[[Report], bool]) -> np.ndarray:
        """Which of `rows` belong to reports that `keep` keeps."""
        reports = self.reports.values()
        chosen = np.fromiter(map(keep, reports), dtype=bool, count=len(reports))
        return chosen[self._report_of[rows]] if chosen.size else np.zeros(rows.size, bool)

    def _in_range(self, within: DateRange, rows: np.ndarray) -> np.ndarray:
        """Which of `rows` belong to reports of meetings inside the range."""
        day = self._meeting_day[rows]
        inside = day > 0
        if within.start is not None:
            inside &= day >= within.start.toordinal()
        if within.end is not None:
            inside &= day <= within.end.toordinal()
        return inside

    def _meeting_then(
        self, period: Period, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which of `rows` are of meetings in the period's year, in the year before it, and in
        its month of that year (none when it names no month)."""
        meeting = self._meeting[rows]
        in_year = meeting[:, 0] == period.year
        before = meeting[:, 0] == period.year - 1
        if period.month is None:
            return in_year, before, np.zeros(rows.size, dtype=bool)
        return in_year, before, in_year & (meeting[:, 1] == period.month)

    def _period_boost(self, period: Period, rows: np.ndarray) -> np.ndarray:
        """Score factors favouring reports from the meeting month or year the question names."""
        in_year, before, in_month = self._meeting_then(period, rows)
        if period.month is None:
            # "ปี 2563" is often decided in the year before (a minimum wage, a budget year).
            return np.where(in_year | before, 1 + self.YEAR_BOOST, 1.0)
        return np.where(in_month, 1 + self.MONTH_BOOST, np.where(in_year, 1 + self.YEAR_BOOST, 1))

    def _meeting_terms(self, query: Query, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The question's year and month terms (either era, Thai or English) -> which of `rows`
        are of a meeting then (the year, or the year before, as the year boost reads it)."""
        period = query.period
        if period is None:
            return {}
        in_year, before, in_month = self._meeting_then(period, rows)
        dated = dict.fromkeys((str(period.year), str(period.year + BE_OFFSET)), in_year | before)
        if period.month is not None:
            names = (THAI_MONTHS[period.month - 1], ENGLISH_MONTHS[period.month - 1].lower())
            dated |= dict.fromkeys(names, in_month)
        return {term: then for term, then in dated.items() if term in query.weights}

    def _pairs(self, query: Query) -> list[tuple[int, int, float]]:
        """The question's neighbouring term pairs (as term ids) and what finding one side by
        side is worth: the rarer term's idf."""
        column = self._passages.vocabulary
        terms = [t for t in query.terms if t in column]
        return [
            (column[a], column[b], min(self._passages.idf(a), self._passages.idf(b)))
            for a, b in itertools.pairwise(terms)
            if a != b
        ]

    def _with_phrases(self, query: Query, rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """The scores with the phrase bonus (bot.index.rerank.phrase_bonus) among the best
        PHRASE_CANDIDATES rows; Thai questions only: an English question's word order is not
        its Thai renderings'."""
        pairs = [] if query.translated else self._pairs(query)
        if not pairs or rows.size == 0:
            return scores
        column = self._passages.vocabulary
        eras = {column[era] for era in ERAS if era in column}
        depth = self.PHRASE_CANDIDATES
        vocabulary = len(self._terms)
        bonus = rerank.phrase_bonus(pairs, eras, vocabulary, self._positions, rows, scores, depth)
        return scores + self.PHRASE_WEIGHT * bonus

    def _with_own_words(self, query: Query, rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """The scores, those of the best PHRASE_CANDIDATES rows whose own text holds none of
        the question's terms lowered to CONTEXT_ONLY of them (bot.index.rerank.own_words)."""
        column = self._passages.vocabulary
        ids = [column[term] for term in query.weights if term in column]
        if not ids or rows.size == 0:
            return scores
        wanted = np.zeros(len(self._terms), dtype=bool)
        wanted[ids] = True
        depth = self.PHRASE_CANDIDATES
        holding = rerank.own_words(wanted, self._positions, rows, scores, depth)
        return np.where(holding, scores, scores * self.CONTEXT_ONLY)

    def _term_ids(self, row: int) -> np.ndarray:
        """A passage's index terms (term ids into the postings' vocabulary, with repeats)."""
        return self._positions(row)[:, 0]

    def _positions(self, row: int) -> np.ndarray:
        """A passage's index terms as rows of (term id, start, end): stored, or analysed again
        (an index made from tokens alone keeps no places)."""
        if self._spans is not None:
            return self._spans(row).astype(np.int64)
        column = self._passages.vocabulary
        words = [
            (column[w.term], w.start, w.end)
            for w in text.analyze_passage(self.passages[row].text)
            if w.term in column
        ]
        return np.array(words, dtype=np.int64).reshape(-1, 3)

    def search(self, query: Query, k: int = 10) -> list[Hit]:
        """The k best passages sharing at least one term with the query, best first."""
        return list(self.ranked(query, k))

    def ranked(self, query: Query, k: int = 10) -> Ranked:
        """The k best passages sharing at least one term with the query, best first, in
        columns (a Hit is built when one is read)."""
        terms = tuple(query.weights)
        if not query.terms or not self.passages or k <= 0:
            none = np.zeros(0, np.int64)
            return Ranked((), (), none, np.zeros((0, len(NUMBERS))), terms, none.astype(bool))
        every, every_score = self.scores(query)
        # The passes below change only the best PHRASE_CANDIDATES scores, each pass its own
        # best: the first k hits come from the best k + 2 * PHRASE_CANDIDATES (all of them, when
        # repeats left out leave fewer), so only those are ranked; every row stays for the fact.
        near = rerank.contenders(every_score, k + 2 * self.PHRASE_CANDIDATES)
        rows, scores = every[near], every_score[near]
        # Every row left out scores below this.
        cut = float(scores.min()) if near.size < every.size else -np.inf
        scores = self._with_own_words(query, rows, scores)
        scores = self._with_phrases(query, rows, scores)
        every_score[near] = scores  # this search's own array
        rows, scores = rerank.best(rows, scores, k, self._repeats)
        if cut > -np.inf and (rows.size < k or scores[-1] < cut):
            rows, scores = rerank.best(every, every_score, k, self._repeats)
        if query.fact is not None and rows.size > 1:
            states = self._fact_states(query, every, int(rows[0]))
            rows, scores = rerank.fact_second(
                states, self._report_of, every, every_score, rows, scores
            )
        report_rows = self._report_of[rows]
        passage_arrays = self._passages.holding(query.weights, rows)
        report_arrays = self._reports.holding(query.weights, report_rows)
        size = rows.size
        # How much of the question's content the report (and the passage) holds, each concept
        # weighed by its information in the language generally (bot.rarity), not by this
        # corpus's idf. Passages and reports share one vocabulary, so one set of weights.
        content = content_weights(query, self._reports)
        total = information_total(content) or 1.0
        dated = self._meeting_terms(query, rows)
        report_content = held(content, with_meeting_date(report_arrays, dated), size)
        numbers = np.column_stack(
            (
                scores,
                coverage(concept_weights(query, self._passages, 1), passage_arrays, size),
                report_content / total,
                evidence(query, self._reports, report_arrays, size),
                report_content,
                held(content, with_meeting_date(passage_arrays, dated), size) / total,
                by_chance(content, passage_arrays, self._lengths[rows]),
            )
        )
        # Per term of the question, which hits' passages hold it (a row of flags per term).
        flags = np.array([passage_arrays[term] for term in terms], dtype=bool)
        passages = [self.passages[row] for row in rows.tolist()]
        report_list = self._report_list
        reports = [report_list[row] for row in report_rows.tolist()]
        return Ranked(passages, reports, rows, numbers, terms, flags)
