"""Stage: how much of a question a passage or report holds, and how unlikely that is by chance.

`coverage` weighs the question's concepts by the corpus's idf (for ranking sentences and
passages); `held` weighs them by their information in the language generally (bot.rarity), so
that "does a report answer this?" means the same on any corpus; `evidence` says whether a
report holds more of the question together than the luckiest report of a corpus this size
would by chance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

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
    holding: Mapping[str, Sequence[bool]],
    size: int,
) -> list[float]:
    """For each of `size` rows tested in `holding`, the share of the weighted concepts it
    holds. (Plain Python: for a dozen rows it beats a few NumPy calls per concept.)"""
    total = sum(weight for _, weight in weighted)
    found = [0.0] * size
    for terms, weight in weighted:
        columns = [holding[term] for term in terms]
        for row in range(size):
            if any(column[row] for column in columns):
                found[row] += weight
    return [value / total for value in found] if total else found


def evidence(
    query: Query, reports: Postings, holding: Mapping[str, Sequence[bool]], size: int
) -> list[float]:
    """For each of `size` report rows: the sum, over the question's content concepts the
    report holds, of ln((N + 1) / (df + 0.5)) (df: reports holding it, N: reports), less
    ln(N + 1), what the best of N reports would reach by chance.

    Positive when the report holds more of the question together than chance would give
    the luckiest report of a corpus this size; on a corpus of one report it is near 0,
    where chance says nothing and coverage alone decides. Infinite when every concept the
    report holds is in half the corpus or more: the corpus is about them.
    """
    chance = math.log(reports.size + 1)
    found = [-chance] * size
    topical = [True] * size  # every concept it holds is in half the corpus or more
    for concept in query.concepts:
        if max(information(word) for word in concept.words) == 0:
            continue
        known = [
            (terms, min(reports.frequency(t) for t in terms))
            for terms in concept.sets()
            if all(t in holding for t in terms)
        ]
        for row in range(size):
            present = [df for terms, df in known if all(holding[t][row] for t in terms)]
            if present:
                df = min(present)
                found[row] += math.log((reports.size + 1) / (df + 0.5))
                topical[row] = topical[row] and 2 * df >= reports.size
    # A corpus about what the question asks (thirty smart-city reports asked "smart city")
    # matches it everywhere: no chance at work there.
    return [math.inf if sure else value for value, sure in zip(found, topical, strict=True)]


def held(
    weighted: Sequence[tuple[Weighted, float]],
    holding: Mapping[str, Sequence[bool]],
    size: int,
) -> list[float]:
    """For each of `size` rows, the weighted share of the concepts it holds: a concept is
    held (as much as its best set counts) when all the terms of one of its sets are."""
    total = sum(weight for _, weight in weighted)
    found = [0.0] * size
    for sets, weight in weighted:
        for row in range(size):
            shares = [share for terms, share in sets if all(holding[t][row] for t in terms)]
            if shares:
                found[row] += weight * max(shares)
    return [value / total for value in found] if total else found
