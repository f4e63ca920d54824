"""Stage: how much of a question a passage or report holds, and how unlikely that is by chance.

`coverage` weighs the question's concepts by the corpus's idf (for ranking sentences and
passages); `held` weighs them by their information in the language generally (bot.rarity), so
that "does a report answer this?" means the same on any corpus; `evidence` says whether a
report holds more of the question together than the luckiest report of a corpus this size
would by chance, and `by_chance` how unlikely a text of its length is to hold what it holds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from bot.index.postings import Postings
from bot.index.query import Query
from bot.rarity import information

Weighted = tuple[tuple[tuple[str, ...], float], ...]  # (term set, how much it counts)


def content_weights(query: Query, postings: Postings) -> list[tuple[Weighted, float]]:
    """Each concept's term sets that the corpus knows with how much each counts (the
    question's own words fully, renderings by the concept's trust), and the concept's
    information in general language: the most telling of its own words (filler words: 0)."""
    weighted = []
    for concept in query.concepts:
        own = set(concept.words)
        sets = tuple(
            (terms, 1.0 if set(terms) <= own and not concept.guessed else concept.trust)
            for terms in concept.sets()
            if all(postings.frequency(t) for t in terms)
        )
        weighted.append((sets, max(information(word) for word in concept.words)))
    return weighted


def concept_weights(
    query: Query, postings: Postings, power: int
) -> list[tuple[tuple[str, ...], float]]:
    """Each concept's known terms and its weight, idf ** power.

    A concept's idf is the weighted mean idf of its alternatives the corpus knows; one
    the corpus does not know at all weighs as much as the rarest word could.
    """
    weighted = []
    for concept in query.concepts:
        known = {t: w for t, w in concept.alternatives.items() if postings.frequency(t)}
        if known:
            idf = sum(w * postings.idf(t) for t, w in known.items()) / sum(known.values())
        else:
            idf = postings.idf(concept.words[0])
        weighted.append((tuple(known), idf**power))
    return weighted


def coverage(
    weighted: Sequence[tuple[tuple[str, ...], float]],
    holding: Mapping[str, np.ndarray],
    size: int,
) -> np.ndarray:
    """For each of `size` rows tested in `holding`, the share of the weighted concepts it
    holds (any of a concept's terms holds it)."""
    total = sum(weight for _, weight in weighted)
    found = np.zeros(size)
    for terms, weight in weighted:
        if terms:
            found += weight * np.logical_or.reduce([holding[term] for term in terms])
    return found / total if total else found


def evidence(
    query: Query, reports: Postings, holding: Mapping[str, np.ndarray], size: int
) -> np.ndarray:
    """For each of `size` report rows: the sum, over the question's content concepts the
    report holds, of ln((N + 1) / (df + 0.5)) (df: reports holding it, N: reports), less
    ln(N + 1), what the best of N reports would reach by chance.

    Positive when the report holds more of the question together than chance would give
    the luckiest report of a corpus this size; on a corpus of one report it is near 0,
    where chance says nothing and coverage alone decides. Infinite when the report holds
    concepts and every one of them is in half the corpus or more: the corpus is about them.
    """
    found = np.full(size, -math.log(reports.size + 1))
    topical = np.ones(size, dtype=bool)  # every concept it holds is in half the corpus or more
    holds_any = np.zeros(size, dtype=bool)
    for concept in query.concepts:
        if max(information(word) for word in concept.words) == 0:
            continue
        rarest = np.full(size, np.inf)  # df of the rarest of the concept's sets each row holds
        for terms in concept.sets():
            if all(t in holding for t in terms):
                present = np.logical_and.reduce([holding[t] for t in terms])
                df = min(reports.frequency(t) for t in terms)
                rarest = np.where(present, np.minimum(rarest, df), rarest)
        held = np.isfinite(rarest)
        df = np.where(held, rarest, 0.0)
        found += np.where(held, np.log((reports.size + 1) / (df + 0.5)), 0.0)
        topical &= ~held | (2 * df >= reports.size)
        holds_any |= held
    # A corpus about what the question asks (thirty smart-city reports asked "smart city")
    # matches it everywhere: no chance at work there.
    return np.where(topical & holds_any, math.inf, found)


def held(
    weighted: Sequence[tuple[Weighted, float]],
    holding: Mapping[str, np.ndarray],
    size: int,
) -> np.ndarray:
    """For each of `size` rows, the information (nats) of the question's content it holds: a
    concept is held (as much as its best set counts) when all the terms of one of its sets
    are. Divided by `information_total(weighted)`, the share of the content held."""
    found = np.zeros(size)
    for sets, weight in weighted:
        if not weight or not sets:
            continue
        best = np.zeros(size)
        for terms, share in sets:
            together = np.logical_and.reduce([holding[t] for t in terms])
            np.maximum(best, together * share, out=best)
        found += weight * best
    return found


def with_meeting_date(
    holding: Mapping[str, np.ndarray], dated: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """`holding` with each date term of the question (its year, its month) also held by the
    rows whose meeting was then (`dated`: term -> rows of that meeting year or month): "ม.ค.
    67 ครม. รับรอง..." is answered by a report of a January 2567 meeting that never writes
    the date, and its content should count as held."""
    return {term: rows | dated[term] if term in dated else rows for term, rows in holding.items()}


def information_total(weighted: Sequence[tuple[Weighted, float]]) -> float:
    """The information (nats) of all the question's content, held or not."""
    return sum(weight for _, weight in weighted)


WORD_CHARS = 4.0  # characters per word of Thai or English text, about


def by_chance(
    weighted: Sequence[tuple[Weighted, float]],
    holding: Mapping[str, np.ndarray],
    characters: np.ndarray,
) -> np.ndarray:
    """For each row (a text of `characters` characters), how unlikely it is (nats) that a
    text that long holds the content concepts it holds by chance: the sum, over the concepts
    it holds, of -ln(1 - exp(-L p)), L its length in words and p the concept's share of
    general text (exp(-information)). A short passage holding a rare word says much; a long
    report holding a common one nothing."""
    words = characters / WORD_CHARS
    found = np.zeros(characters.size)
    for sets, weight in weighted:
        if not weight or not sets:
            continue
        present = np.zeros(characters.size, dtype=bool)
        for terms, _ in sets:
            present |= np.logical_and.reduce([holding[t] for t in terms])
        chance = -np.expm1(-words * math.exp(-weight))
        found += np.where(present, -np.log(np.maximum(chance, 1e-300)), 0.0)
    return found
