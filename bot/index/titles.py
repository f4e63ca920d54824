"""Which reports' whole titles a question holds.

A question that names a report's whole title is about that report: "ประเทศออสเตรเลียปกครองด้วย
ระบอบอะไร" about the article titled ประเทศออสเตรเลีย, not the one on New Zealand that says more
of its words. Counted on the title passages' index terms: how many of the question's terms each
title holds, against how many distinct terms it has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from bot.index.postings import Postings
from bot.passages import TITLE, Passage


class Titles:
    """The title passage of each report, and (once first asked) each title's distinct terms,
    kept as a small inverted list: term id -> the titles holding it."""

    def __init__(
        self,
        passages: Sequence[Passage],
        report_of: np.ndarray,
        reports: int,
        terms_of: Callable[[int], np.ndarray],
    ) -> None:
        first = np.full(reports, -1, dtype=np.int64)  # report row -> its title passage
        for row, passage in enumerate(passages):
            if passage.section == TITLE and first[report_of[row]] < 0:
                first[report_of[row]] = row
        self._rows = first[first >= 0]
        self._report_of_title = np.flatnonzero(first >= 0)
        self._reports = reports
        self._terms_of = terms_of
        self._inverted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _inverted_list(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(term ids ascending, the title holding each, each title's distinct terms): made when
        first needed, from the stored term places (0.14 s on the archive; the bot's warm-up
        question pays it, before any user's)."""
        if self._inverted is None:
            distinct = [np.unique(self._terms_of(row)) for row in self._rows.tolist()]
            sizes = np.array([ids.size for ids in distinct], dtype=np.int64)
            terms = np.concatenate(distinct) if distinct else np.zeros(0, np.int64)
            owners = np.repeat(np.arange(sizes.size), sizes)
            order = np.argsort(terms, kind="stable")
            self._inverted = (terms[order], owners[order], sizes)
        return self._inverted

    def held(self, terms: Iterable[str], postings: Postings) -> np.ndarray:
        """Per report row: whether every term of its title is among `terms` (term ids in the
        vocabulary of `postings`, the passages' own)."""
        whole = np.zeros(self._reports, dtype=bool)
        columns = {postings.vocabulary.get(term) for term in terms} - {None}
        if not columns or not self._rows.size:
            return whole
        ids, owners, sizes = self._inverted_list()
        wanted = np.array(sorted(columns), dtype=ids.dtype)
        starts, ends = ids.searchsorted(wanted), ids.searchsorted(wanted, side="right")
        holders = np.concatenate([owners[a:b] for a, b in zip(starts, ends, strict=True)])
        count = np.bincount(holders, minlength=sizes.size)
        whole[self._report_of_title[(sizes > 0) & (count == sizes)]] = True
        return whole
