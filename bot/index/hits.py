"""Hits: a ranked passage with what it holds of the question, and a search's hits in columns.

A search keeps its hits as columns (`Ranked`) and builds a `Hit` only when one is read: the bot
searches 200 hits per question, so that any page of its answer can be composed from them, and
reads a page's worth.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from bot.passages import Passage
from bot.reports import Report


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked passage: its score, the query terms it holds, how much of the question the
    passage (idf-weighted) and its whole report (weighted by information, bot.rarity) cover,
    and `evidence`: how unlikely it is that a report of this corpus holds what this one holds
    of the question by chance (see bot.index.coverage.evidence). `content` is the information
    (nats) of the question's content the report holds, `passage_content` the share of that
    content the passage itself holds, `passage_surprise` how unlikely (nats) a passage of its
    length holds what it holds by chance (bot.index.coverage.by_chance)."""

    passage: Passage
    report: Report
    score: float
    matched: tuple[str, ...]
    coverage: float
    report_coverage: float
    position: int
    evidence: float = 0.0
    content: float = 0.0
    passage_content: float = 0.0
    passage_surprise: float = 0.0


# Ranked's number columns, in Hit's field order.
NUMBERS = (
    "score",
    "coverage",
    "report_coverage",
    "evidence",
    "content",
    "passage_content",
    "passage_surprise",
)


class Ranked(Sequence[Hit]):
    """Hits kept in columns, read back as Hits: what a search returns and an answer keeps for
    its later pages.

    `numbers` holds one row per hit (the NUMBERS columns), `flags` one row per term of `terms`
    and one column per hit: whether that hit's passage holds the term. Two hundred Hit objects
    take ~50 kB; these columns (passages and reports shared with the index) a fraction of it,
    for each of the answers a bot keeps for their buttons, and building them costs no Hit.
    """

    __slots__ = ("_flags", "_numbers", "_passages", "_positions", "_reports", "_terms")

    def __init__(
        self,
        passages: Sequence[Passage],
        reports: Sequence[Report],
        positions: np.ndarray,
        numbers: np.ndarray,
        terms: Sequence[str],
        flags: np.ndarray,
    ) -> None:
        self._passages = tuple(passages)
        self._reports = tuple(reports)
        self._positions = positions
        self._numbers = numbers.reshape(len(self._passages), len(NUMBERS))
        self._terms = tuple(terms)
        self._flags = flags.reshape(len(self._terms), len(self._passages))

    def __len__(self) -> int:
        return len(self._passages)

    def terms_matched(self) -> set[str]:
        """Every term some hit matched (read from the flags, building no Hit)."""
        return set(itertools.compress(self._terms, self._flags.any(axis=1).tolist()))

    @overload
    def __getitem__(self, at: int) -> Hit: ...
    @overload
    def __getitem__(self, at: slice) -> Sequence[Hit]: ...
    def __getitem__(self, at: int | slice) -> Hit | Sequence[Hit]:
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(len(self)))]
        if not -len(self) <= at < len(self):
            raise IndexError(at)
        score, coverage, report_coverage, evidence, content, share, surprise = self._numbers[
            at
        ].tolist()
        return Hit(
            self._passages[at],
            self._reports[at],
            score,
            tuple(itertools.compress(self._terms, self._flags[:, at].tolist())),
            coverage,
            report_coverage,
            int(self._positions[at]),
            evidence,
            content,
            share,
            surprise,
        )
