"""What the ranking adds to BM25 among its best candidates: phrases, own words, the fact asked,
and which of the best are kept (not a passage repeating an earlier one of its report).

Each pass reads only the best `depth` rows of a search (their term places), so its cost does
not grow with the corpus, and leaves the other rows' scores as they were: a search's first k
hits are the same whatever k.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from bot.facts import states_count
from bot.passages import Passage

Positions = Callable[[int], np.ndarray]  # a passage row -> its terms as (term id, start, end)


def contenders(scores: np.ndarray, size: int) -> np.ndarray:
    """Where every score at least the `size`-th best of `scores` is (ties at the cut kept),
    ascending: the only rows the passes below and the first `size - 2 * depth` hits can come
    from, since the passes change the scores of the best `depth` alone (bot.index.search)."""
    if scores.size <= size:
        return np.arange(scores.size)
    cut = scores.size - size
    return np.flatnonzero(scores >= np.partition(scores, cut)[cut])


def candidates(rows: np.ndarray, scores: np.ndarray, depth: int) -> np.ndarray:
    """Where the best `depth` of `scores` are, best first, equal scores in row order (so
    repeated passages, which score alike, are chosen the same way however many rows come)."""
    return np.lexsort((rows, -scores))[:depth]


def phrase_bonus(
    pairs: Sequence[tuple[int, int, float]],
    eras: set[int],
    vocabulary: int,
    positions: Positions,
    rows: np.ndarray,
    scores: np.ndarray,
    depth: int,
) -> np.ndarray:
    """Per row, what its phrases are worth: among the best `depth` rows, the worth of every
    pair (a, b, worth) of the question's neighbouring terms that the passage holds side by side
    (`เงินเฟ้อ` `เดือน` `มีนาคม`); 0 elsewhere. An era between a word and its year
    (ปีงบประมาณ พ.ศ. 2566; `eras` are their term ids, of a `vocabulary` of that many terms)
    keeps them side by side."""
    bonus = np.zeros(scores.size)
    wanted = np.zeros(vocabulary, dtype=bool)  # the pairs' terms and the eras
    wanted[[t for a, b, _ in pairs for t in (a, b)]] = True
    wanted[list(eras)] = True
    for place in candidates(rows, scores, depth).tolist():
        words = positions(int(rows[place]))
        ends: dict[int, set[int]] = {}
        starts: dict[int, set[int]] = {}
        era_before: dict[int, int] = {}  # where a year's era starts, by where the year starts
        for term, start, end in words[wanted[words[:, 0]]].tolist():
            if term in eras:
                era_before[end] = era_before[end + 1] = start
                continue
            ends.setdefault(term, set()).add(end)
            starts.setdefault(term, set()).add(start)
            if start in era_before:
                starts[term].add(era_before[start])
        for a, b, worth in pairs:
            if a in ends and b in starts:
                after = starts[b]
                if any(end in after or end + 1 in after for end in ends[a]):
                    bonus[place] += worth
    return bonus


def own_words(
    wanted: np.ndarray, positions: Positions, rows: np.ndarray, scores: np.ndarray, depth: int
) -> np.ndarray:
    """Per row, whether its passage's own text (not the heading words it borrows, placed
    before its start) holds one of the `wanted` term ids; rows beyond the best `depth` say
    yes. A list item matching only through its heading ("สถ." under a heading naming the
    question's plan) would quote none of the question's words."""
    holding = np.ones(scores.size, dtype=bool)
    for place in candidates(rows, scores, depth).tolist():
        words = positions(int(rows[place]))
        own = words[words[:, 1] >= 0, 0]  # words of the borrowed context start below 0
        holding[place] = bool(wanted[own].any())
    return holding


def counting(
    unit: str,
    passages: Sequence[Passage],
    report_of: np.ndarray,
    every: np.ndarray,
    first: int,
) -> np.ndarray | None:
    """Which passages (a bool per passage) of `first`'s report among the rows `every` state a
    number of the unit a count is asked in ("กี่ชั้น": "13 ชั้น"), as `states` for
    fact_second; None when none does. Only the one report's passages are read."""
    same = every[report_of[every] == report_of[first]]
    stating = np.fromiter(
        (states_count(passages[row].text, unit) for row in same.tolist()), bool, same.size
    )
    if not stating.any():
        return None
    states = np.zeros(len(passages), dtype=bool)
    states[same[stating]] = True
    return states


def fact_second(
    states: np.ndarray,
    report_of: np.ndarray,
    every: np.ndarray,
    every_score: np.ndarray,
    rows: np.ndarray,
    scores: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The ranked `rows` (of all rows `every` and their scores) with the best report's best
    passage stating the fact asked for (`states`, per passage) second, when the best passage
    states none: the item's title words are in one passage and its amount in another
    ("บ้านล้านหลังเฟส 3 ใช้งบเท่าไหร่"). It takes the score of the passage it displaces when
    that is higher, so scores still descend."""
    first = int(rows[0])
    if states[first]:
        return rows, scores
    same = (report_of[every] == report_of[first]) & states[every]
    if not same.any():
        return rows, scores
    places = np.flatnonzero(same)
    # The best of them; equal scores in passage order (argmax takes the first).
    best = int(places[np.argmax(every_score[places])])
    row, score = every[best], max(every_score[best], scores[1])
    if rows[1] == row:
        return rows, scores
    kept = rows[1:] != row
    rest_rows, rest_scores = rows[1:][kept], scores[1:][kept]
    size = rows.size
    rows = np.concatenate((rows[:1], [row], rest_rows))[:size]
    scores = np.concatenate((scores[:1], [score], rest_scores))[:size]
    return rows.astype(np.int64), scores


def best(
    rows: np.ndarray, scores: np.ndarray, k: int, repeated: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The k best of `rows` (scored `scores`), best first, equal scores in row order, leaving
    out the rows `repeated` marks. Only the candidates for the first k are checked for repeats
    unless that leaves fewer than k (masking every row costs 0.2 ms a question on the archive)."""
    top_rows, top_scores = _top(rows, scores, k)
    unique = ~repeated[top_rows]
    # The candidates are every row scoring at least the k-th best: enough when k are left.
    if top_rows.size == rows.size or int(unique.sum()) >= k:
        return top_rows[unique][:k], top_scores[unique][:k]
    kept = ~repeated[rows]
    top_rows, top_scores = _top(rows[kept], scores[kept], k)
    return top_rows[:k], top_scores[:k]


def _top(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    if rows.size > k:
        # Everything scoring at least the k-th best score, so ties at the cut stay ordered.
        kth = np.partition(scores, rows.size - k)[rows.size - k]
        keep = scores >= kth
        rows, scores = rows[keep], scores[keep]
    # Best first; equal scores in row order (rows ascend, and lexsort is stable).
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order]


def repeats(passages: Sequence[Passage], report_of: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per passage, whether an earlier passage of its report has the same text (an item
    listing one change under two sections): 1,601 of the archive's 111,516 passages. Only
    passages of one report and one length are compared (reading every text costs 0.2 s)."""
    repeated = np.zeros(len(passages), dtype=bool)
    # Rows by report, then length, then row: each run of one report and length may repeat.
    order = np.lexsort((np.arange(lengths.size), lengths, report_of))
    changes = (np.diff(report_of[order]) != 0) | (np.diff(lengths[order]) != 0)
    starts = np.flatnonzero(np.concatenate(([True], changes)))
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), order.size], strict=True):
        if end - start > 1:
            seen: set[str] = set()
            for row in order[start:end].tolist():
                words = passages[row].text
                repeated[row] = words in seen
                seen.add(words)
    return repeated
