"""Stage: passages -> SearchIndex -> Hits. BM25 ranking with rank-bm25 as the formula's reference.

The BM25 statistics come from rank-bm25 (`LuceneBM25` below); the index then keeps, for every
term, the passages containing it with their precomputed BM25 weights (a compressed sparse column
layout in NumPy), so a query costs only its own postings instead of rank-bm25's Python loop over
every passage. Summing the weights in query-term order in float64 gives rank-bm25's scores.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25

from bot import text
from bot.passages import Passage, split_report
from bot.reports import Report

Tokenizer = Callable[[str], list[str]]


class LuceneBM25(BM25):
    """Okapi BM25 with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)), which is always > 0.

    rank-bm25's BM25Okapi uses log((N - n + 0.5) / (n + 0.5)): 0 for a term in half of the
    passages, negative above that, floored to epsilon * mean idf. On a small corpus (the default
    is one report of ~20 passages) that zeroes or inverts exactly the words a question shares
    with the report, so a passage can match and still score 0. Lucene's idf keeps every shared
    term worth something and still ranks rare terms far above common ones.
    """

    def __init__(self, corpus: Iterable[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        super().__init__(corpus)

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = idf(self.corpus_size, freq)

    def get_scores(self, query: list[str]) -> np.ndarray:
        """rank-bm25's reference loop: one score per passage for the query terms."""
        score = np.zeros(self.corpus_size)
        doc_len = np.array(self.doc_len)
        for q in query:
            q_freq = np.array([(doc.get(q) or 0) for doc in self.doc_freqs])
            score += (self.idf.get(q) or 0) * (
                q_freq
                * (self.k1 + 1)
                / (q_freq + self.k1 * (1 - self.b + self.b * doc_len / self.avgdl))
            )
        return score


def idf(passages: int, containing: int) -> float:
    """Lucene's BM25 idf for a term found in `containing` of `passages` passages."""
    return math.log(1 + (passages - containing + 0.5) / (containing + 0.5))


class Postings:
    """Per-term BM25 weights of a LuceneBM25 model, laid out as compressed sparse columns."""

    def __init__(
        self,
        size: int,
        vocabulary: dict[str, int],
        document_frequency: np.ndarray,
        indptr: np.ndarray,
        indices: np.ndarray,
        weights: np.ndarray,
    ) -> None:
        self.size = size
        self.vocabulary = vocabulary
        self.document_frequency = document_frequency
        self.indptr = indptr
        self.indices = indices
        self.weights = weights

    @classmethod
    def build(cls, documents: Iterable[list[str]]) -> Postings:
        """Weights of every (term, document) pair, computed by rank-bm25's formula."""
        documents = list(documents)
        if not documents:
            empty = np.zeros(0, dtype=np.int64)
            return cls(0, {}, empty, np.zeros(1, dtype=np.int64), empty, np.zeros(0))
        model = LuceneBM25(documents)
        vocabulary = {term: column for column, term in enumerate(model.idf)}
        columns: list[int] = []
        rows: list[int] = []
        counts: list[int] = []
        for row, term_counts in enumerate(model.doc_freqs):
            for term, count in term_counts.items():
                columns.append(vocabulary[term])
                rows.append(row)
                counts.append(count)
        column_array = np.asarray(columns, dtype=np.int64)
        order = np.lexsort((np.asarray(rows, dtype=np.int64), column_array))
        frequency = np.bincount(column_array, minlength=len(vocabulary))
        indptr = np.concatenate(([0], np.cumsum(frequency)))
        indices = np.asarray(rows, dtype=np.int64)[order]
        tf = np.asarray(counts, dtype=np.float64)[order]
        term_idf = np.repeat(np.array([model.idf[term] for term in vocabulary]), frequency)
        doc_len = np.asarray(model.doc_len, dtype=np.float64)[indices]
        k1, b = model.k1, model.b
        # The same expression, in the same order, as LuceneBM25.get_scores: identical floats.
        weights = term_idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / model.avgdl)))
        return cls(model.corpus_size, vocabulary, frequency, indptr, indices, weights)

    def idf(self, term: str) -> float:
        """The term's idf; a term no document contains gets the highest possible idf."""
        column = self.vocabulary.get(term)
        containing = 0 if column is None else int(self.document_frequency[column])
        return idf(self.size, containing)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows containing the term (ascending) and the term's weight in each."""
        column = self.vocabulary.get(term)
        if column is None:
            return self.indices[:0], self.weights[:0]
        start, end = self.indptr[column], self.indptr[column + 1]
        return self.indices[start:end], self.weights[start:end]

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for the query terms (repeats count, as in rank-bm25)."""
        scores = np.zeros(self.size)
        for term in terms:
            rows, weights = self.postings(term)
            scores[rows] += weights
        return scores

    def contains(self, term: str, row: int) -> bool:
        """Whether document `row` holds the term."""
        rows, _ = self.postings(term)
        at = int(np.searchsorted(rows, row))
        return at < rows.size and int(rows[at]) == row


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked passage: its score, the query terms it holds, and how much of the question
    (idf-weighted) the passage and its whole report cover."""

    passage: Passage
    report: Report
    score: float
    matched: tuple[str, ...]
    coverage: float
    report_coverage: float
    position: int


@dataclass(frozen=True, slots=True)
class Query:
    """An analysed question: its index terms (repeats kept) and each distinct term's idf."""

    text: str
    terms: tuple[str, ...]
    weights: Mapping[str, float]


class SearchIndex:
    """BM25 over passages, blended with BM25 over their whole reports.

    A question often names the report (its title words) and asks about one section of it, so a
    passage's score adds REPORT_WEIGHT times its report's score: the passage that answers wins
    inside the right report, and the right report's passages beat lookalikes in other reports.
    """

    REPORT_WEIGHT = 2.0

    def __init__(
        self,
        passages: Sequence[Passage],
        reports: Sequence[Report],
        tokenize: Tokenizer,
        passage_postings: Postings,
        report_postings: Postings,
    ) -> None:
        self.passages = tuple(passages)
        self.reports = {report.doc_id: report for report in reports}
        self.tokenize = tokenize
        self._passages = passage_postings
        self._reports = report_postings
        report_row = {doc_id: row for row, doc_id in enumerate(self.reports)}
        self._report_of = np.array(
            [report_row[passage.doc_id] for passage in self.passages], dtype=np.int64
        )

    @classmethod
    def build(
        cls, passages: Sequence[Passage], reports: Iterable[Report], tokenize: Tokenizer
    ) -> SearchIndex:
        """Tokenize every passage (with its context) and precompute BM25 weights."""
        passages = tuple(passages)
        used = {passage.doc_id for passage in passages}
        reports = [report for report in reports if report.doc_id in used]
        tokens = [tokenize(f"{passage.context}\n{passage.text}") for passage in passages]
        by_report: dict[str, list[str]] = {report.doc_id: [] for report in reports}
        for passage, passage_tokens in zip(passages, tokens, strict=True):
            by_report[passage.doc_id].extend(passage_tokens)
        return cls(
            passages,
            reports,
            tokenize,
            Postings.build(tokens),
            Postings.build(by_report.values()),
        )

    @classmethod
    def from_reports(
        cls, reports: Sequence[Report], tokenize: Tokenizer | None = None
    ) -> SearchIndex:
        """Split reports into passages and index them (with the project tokenizer by default)."""
        passages = [passage for report in reports for passage in split_report(report)]
        return cls.build(passages, reports, tokenize or text.tokenize)

    def __len__(self) -> int:
        return len(self.passages)

    def analyze(self, question: str) -> Query:
        """The question's index terms and the passage-level idf of each distinct one."""
        terms = tuple(self.tokenize(question))
        return Query(
            question, terms, {term: self._passages.idf(term) for term in dict.fromkeys(terms)}
        )

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """Blended score of every passage; 0 for passages sharing no term with the query."""
        passage_scores = self._passages.scores(terms)
        report_scores = self._reports.scores(terms)[self._report_of]
        return np.where(passage_scores > 0, passage_scores + self.REPORT_WEIGHT * report_scores, 0)

    def search(self, question: str | Query, k: int = 10) -> list[Hit]:
        """The k best passages sharing at least one term with the question, best first."""
        query = question if isinstance(question, Query) else self.analyze(question)
        if not query.terms or not self.passages or k <= 0:
            return []
        scores = self.scores(query.terms)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > k:
            # Everything scoring at least the k-th best score, so ties at the cut stay ordered.
            kth = np.partition(scores[candidates], candidates.size - k)[candidates.size - k]
            candidates = candidates[scores[candidates] >= kth]
        ranked = sorted(candidates.tolist(), key=lambda row: (-scores[row], row))[:k]
        total = sum(query.weights.values())
        # Report coverage weighs terms by squared report-level idf: a question's rarest words
        # decide whether a report is really about it (calibrated in answer.MIN_REPORT_COVERAGE).
        specificity = {term: self._reports.idf(term) ** 2 for term in query.weights}
        total_specificity = sum(specificity.values())
        hits = []
        for row in ranked:
            matched = tuple(term for term in query.weights if self._passages.contains(term, row))
            report_row = int(self._report_of[row])
            in_report = [
                term for term in query.weights if self._reports.contains(term, report_row)
            ]
            passage = self.passages[row]
            hits.append(
                Hit(
                    passage=passage,
                    report=self.reports[passage.doc_id],
                    score=float(scores[row]),
                    matched=matched,
                    coverage=sum(query.weights[term] for term in matched) / total,
                    report_coverage=sum(specificity[term] for term in in_report)
                    / total_specificity,
                    position=row,
                )
            )
        return hits
