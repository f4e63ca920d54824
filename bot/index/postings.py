"""Stage: tokens -> BM25 weights. The ranking formula, with rank-bm25 as its reference.

`LuceneBM25` is rank-bm25's BM25Okapi with Lucene's idf. `Postings` keeps, for every term, the
documents containing it with their precomputed BM25 weights (a compressed sparse column layout
in NumPy), so a query costs only its own postings instead of rank-bm25's Python loop over every
document. Summing the weights in query-term order in float64 gives rank-bm25's scores exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

K1 = 1.5  # rank-bm25's defaults for BM25Okapi
B = 0.75


class LuceneBM25(BM25Okapi):
    """rank-bm25's BM25Okapi with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)), always > 0.

    BM25Okapi's own idf is log((N - n + 0.5) / (n + 0.5)): 0 for a term in half of the
    passages, negative above that, floored to epsilon * mean idf. On a small corpus (the seed
    report alone is ~20 passages) that zeroes or inverts exactly the words a question shares
    with the report, so a passage can match and still score 0. Lucene's idf keeps every shared
    term worth something and still ranks rare terms far above common ones. Only the idf is
    changed: scoring is BM25Okapi's own loop, the reference `Postings` must equal.
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = idf(self.corpus_size, freq)


def idf(passages: int, containing: int) -> float:
    """Lucene's BM25 idf for a term found in `containing` of `passages` passages."""
    return math.log(1 + (passages - containing + 0.5) / (containing + 0.5))


@dataclass(frozen=True, slots=True)
class TermIds:
    """Documents' terms as ids into one vocabulary: document i is ids[offsets[i]:offsets[i+1]].

    The compact form of tokenized passages (4 bytes a term instead of a string reference and
    a list per passage): what worker processes send back, what the cache stores, what
    postings are counted from.
    """

    vocabulary: tuple[str, ...]
    ids: np.ndarray  # int32
    offsets: np.ndarray  # int64, one more than there are documents

    @classmethod
    def encode(
        cls, documents: Iterable[Sequence[str]], vocabulary: dict[str, int] | None = None
    ) -> TermIds:
        """Term lists as ids; `vocabulary` (term -> id) is extended with new terms."""
        known = {} if vocabulary is None else vocabulary
        ids: list[np.ndarray] = []
        lengths: list[int] = []
        for terms in documents:
            ids.append(
                np.fromiter((known.setdefault(t, len(known)) for t in terms), np.int32, len(terms))
            )
            lengths.append(len(terms))
        return cls(
            tuple(known),
            np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32),
            np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))),
        )

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def columns(self) -> dict[str, int]:
        """Term -> id."""
        return {term: column for column, term in enumerate(self.vocabulary)}

    def terms(self, document: int) -> list[str]:
        """One document's terms, in order."""
        start, end = self.offsets[document], self.offsets[document + 1]
        return [self.vocabulary[i] for i in self.ids[start:end]]


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
        k1: float = K1,
        b: float = B,
    ) -> None:
        self.size = size
        self.vocabulary = vocabulary
        self.document_frequency = document_frequency
        self.indptr = indptr
        self.indices = indices
        self.weights = weights
        self.k1, self.b = k1, b  # the parameters the weights were counted with
        # Where each term's postings start, as Python ints: a query looks up dozens of terms,
        # and a NumPy scalar is several times slower to fetch and to slice with.
        self._bounds: list[int] = indptr.tolist()

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]], k1: float = K1, b: float = B) -> Postings:
        """Weights of every (term, document) pair of documents given as term lists."""
        return cls.count(TermIds.encode(documents), k1=k1, b=b)

    @classmethod
    def count(
        cls,
        table: TermIds,
        rows: np.ndarray | None = None,
        size: int | None = None,
        columns: dict[str, int] | None = None,
        k1: float = K1,
        b: float = B,
    ) -> Postings:
        """Weights by LuceneBM25's formula, counted in NumPy over a table of term ids.

        Each of the table's documents is one row, or, with `rows`, document i counts towards
        row rows[i] of `size` rows (passages pooled into their reports). rank-bm25 keeps a dict
        of term counts per document, several hundred MB for the whole archive; counting ids in
        arrays gives the same statistics (tests compare the scores with LuceneBM25.get_scores)
        in a fraction of the memory and time. `columns` is the table's `columns()`, when the
        caller already has it (postings of passages and reports share one).
        """
        lengths = np.diff(table.offsets)
        if rows is not None:
            size = len(lengths) if size is None else size
            token_rows = np.repeat(rows.astype(np.min_scalar_type(size)), lengths)
            lengths = np.bincount(rows, weights=lengths, minlength=size).astype(np.int64)
        else:
            size = len(lengths)
            token_rows = np.repeat(np.arange(size, dtype=np.min_scalar_type(size)), lengths)
        vocabulary = table.columns() if columns is None else columns
        if not size:
            empty = np.zeros(0, dtype=np.int64)
            return cls(
                0, vocabulary, empty, np.zeros(1, dtype=np.int64), empty, np.zeros(0), k1, b
            )
        # One sort of term * size + row: unique pairs come out term by term, rows ascending,
        # which is the compressed sparse column order, and the counts are the term frequencies.
        # Sorted in place and counted by hand, freeing each array as soon as it is used: the
        # archive's 5 million terms then need ~100 MB of working memory, not ~130 MB.
        # Keys in 32 bits when they fit (reports: 55,000 terms x 9,000 rows), else 64.
        key_type = np.int32 if len(vocabulary) * size < 2**31 else np.int64
        pairs = table.ids.astype(key_type)
        pairs *= size
        pairs += token_rows
        del token_rows
        pairs.sort()
        starts = np.flatnonzero(np.concatenate(([pairs.size > 0], pairs[1:] != pairs[:-1])))
        unique = pairs[starts]
        del pairs
        tf = np.empty(starts.size, dtype=np.int32)  # each pair's count: the next start - its own
        np.subtract(starts[1:], starts[:-1], out=tf[:-1], casting="unsafe")
        tf[-1:] = table.ids.size - starts[-1:]
        del starts
        column = (unique // size).astype(np.int32)
        np.remainder(unique, size, out=unique)
        indices = unique.astype(np.int32)  # row numbers fit; half the memory of int64
        del unique
        frequency = np.bincount(column, minlength=len(vocabulary))
        del column
        indptr = np.concatenate(([0], np.cumsum(frequency)))
        avgdl = int(lengths.sum()) / size
        # LuceneBM25.get_scores computes idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl /
        # avgdl))). The same operations in the same order, each in place (no temporaries the
        # size of all postings), give identical floats.
        tf = tf.astype(np.float64)
        denominator = lengths.astype(np.float64)[indices]  # dl
        np.multiply(b, denominator, out=denominator)
        np.divide(denominator, avgdl, out=denominator)
        np.add(1 - b, denominator, out=denominator)
        np.multiply(k1, denominator, out=denominator)
        np.add(tf, denominator, out=denominator)
        weights = tf
        np.multiply(weights, k1 + 1, out=weights)
        np.divide(weights, denominator, out=weights)
        del denominator
        # math.log per term, as LuceneBM25._calc_idf computes it: identical idf values.
        term_idf = np.array([idf(size, int(n)) for n in frequency])
        np.multiply(np.repeat(term_idf, frequency), weights, out=weights)
        return cls(size, vocabulary, frequency, indptr, indices, weights, k1, b)

    def idf(self, term: str) -> float:
        """The term's idf; a term no document contains gets the highest possible idf."""
        return idf(self.size, self.frequency(term))

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows containing the term (ascending) and the term's weight in each."""
        column = self.vocabulary.get(term)
        if column is None:
            return self.indices[:0], self.weights[:0]
        start, end = self._bounds[column], self._bounds[column + 1]
        return self.indices[start:end], self.weights[start:end]

    def frequency_together(self, terms: Sequence[str]) -> int:
        """How many documents hold all the terms (0 for none)."""
        if not terms:
            return 0
        rows = self.postings(terms[0])[0]
        for term in terms[1:]:
            rows = np.intersect1d(rows, self.postings(term)[0], assume_unique=True)
        return int(rows.size)

    def frequency(self, term: str) -> int:
        """How many documents hold the term."""
        column = self.vocabulary.get(term)
        return 0 if column is None else self._bounds[column + 1] - self._bounds[column]

    def scores(
        self, terms: Sequence[str], weighted: Mapping[str, float] | None = None
    ) -> np.ndarray:
        """BM25 score of every row for the query terms (repeats count, as in rank-bm25),
        plus `weighted` terms whose contributions are scaled by their weight.

        All the terms' postings side by side, summed by np.bincount: it adds each weight to
        its row in order, term after term, so every row's sum is built exactly as rank-bm25
        builds it (the same floats), in one pass, with no Python loop over rows.
        """
        postings = [self.postings(term) for term in terms]
        for term, factor in (weighted or {}).items():
            rows, weights = self.postings(term)
            postings.append((rows, factor * weights))
        rows = np.concatenate([self.indices[:0], *(rows for rows, _ in postings)])
        if rows.size == 0:  # np.bincount would count in integers
            return np.zeros(self.size)
        weights = np.concatenate([weights for _, weights in postings])
        return np.bincount(rows, weights, minlength=self.size)

    def holding(self, terms: Iterable[str], rows: np.ndarray) -> dict[str, np.ndarray]:
        """For each term, which of `rows` hold it: a binary search of the distinct rows, in
        ascending order and of the postings' own integer type (NumPy would otherwise copy each
        term's postings to the rows' type), in each term's postings (ascending too)."""
        terms = list(terms)
        distinct, inverse = np.unique(np.asarray(rows), return_inverse=True)
        distinct = distinct.astype(self.indices.dtype)
        found = np.zeros((len(terms), distinct.size), dtype=bool)
        for number, term in enumerate(terms):
            held = self.postings(term)[0]
            if held.size:
                found[number] = held.take(held.searchsorted(distinct), mode="clip") == distinct
        return dict(zip(terms, found[:, inverse.reshape(-1)], strict=True))
