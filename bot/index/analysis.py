"""Stage: passages -> terms and facts, on every core. What indexing needs of each passage.

Each passage's index terms (ids into one vocabulary) with where each word starts and ends, and
which kinds of fact it states, computed in worker processes when there are many passages and
sent back as a few arrays, not millions of strings.
"""

from __future__ import annotations

import logging
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import numpy as np
from tqdm import tqdm

from bot import text
from bot.facts import FACTS, stated
from bot.passages import Passage, indexed_text, text_offset

log = logging.getLogger(__name__)

PARALLEL_FROM = 4000  # passages; fewer are tokenized in this process
CHUNK = 1000  # passages per task sent to a worker process


@dataclass(frozen=True, slots=True)
class Analysed:
    """What indexing needs of some passages: their index terms, each passage's term count,
    and which kinds of fact (bot.facts.FACTS) each states.

    `tokens` has a row per term: its id in one vocabulary, then where its word starts and
    ends in the passage's text (negative when the word is in the borrowed context), so that
    excerpts can mark words without segmenting the passage again.
    """

    tokens: np.ndarray  # int32, terms x 3: id, start, end
    lengths: np.ndarray  # int64, one per passage
    facts: np.ndarray  # bool, passages x FACTS

    @classmethod
    def join(cls, parts: Sequence[Analysed]) -> Analysed:
        """The parts one after the other."""
        return cls(
            np.concatenate([np.zeros((0, 3), dtype=np.int32), *(part.tokens for part in parts)]),
            np.concatenate([np.zeros(0, dtype=np.int64), *(part.lengths for part in parts)]),
            np.concatenate(
                [np.zeros((0, len(FACTS)), dtype=bool), *(part.facts for part in parts)]
            ),
        )

    def passages(self, start: int, stop: int, first_token: int) -> Analysed:
        """Passages start..stop, whose terms begin at tokens[first_token]."""
        lengths = self.lengths[start:stop]
        last = first_token + int(lengths.sum())
        return Analysed(self.tokens[first_token:last], lengths, self.facts[start:stop])


def _analyse_chunk(pieces: list[tuple[str, str]]) -> tuple[list[str], Analysed]:
    """Terms and facts of (context, text) passages, the terms as ids into the chunk's own
    vocabulary: a few arrays to send back instead of millions of strings."""
    vocabulary: dict[str, int] = {}
    rows: list[list[int]] = [[], [], []]
    lengths = []
    for context, body in pieces:  # passage texts are already clean
        terms, starts, ends = text.index_tokens(indexed_text(context, body))
        shift = text_offset(context)
        rows[0].extend([vocabulary.setdefault(term, len(vocabulary)) for term in terms])
        rows[1].extend([start - shift for start in starts])
        rows[2].extend([end - shift for end in ends])
        lengths.append(len(terms))
    tokens = np.ascontiguousarray(np.array(rows, dtype=np.int32).T)
    facts = np.array([stated(body) for _, body in pieces], dtype=bool).reshape(-1, len(FACTS))
    return list(vocabulary), Analysed(tokens, np.array(lengths, dtype=np.int64), facts)


def _in_order(
    pool: ProcessPoolExecutor, function: Callable[[Any], Any], items: Iterable[Any], window: int
) -> Iterator[Any]:
    """pool.map with at most `window` items in flight, so that the texts of a whole corpus
    are never all waiting in memory at once."""
    pending: deque[Future[Any]] = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def analyse_all(
    passages: Sequence[Passage], vocabulary: dict[str, int], progress: Callable[[int], None]
) -> Analysed:
    """Terms (ids into `vocabulary`, which grows) and facts of every passage, across the
    machine's cores when there are many."""
    parts: list[Analysed] = []
    chunks = (
        [(passage.context, passage.text) for passage in passages[start : start + CHUNK]]
        for start in range(0, len(passages), CHUNK)
    )
    workers = os.cpu_count() or 1
    with ExitStack() as stack:
        if len(passages) < PARALLEL_FROM or workers < 2:
            results: Iterable[Any] = map(_analyse_chunk, chunks)
        else:
            # Fresh interpreters rather than forks: a fork starts with all of this process's
            # memory mapped, and only tokenizing needs to be there.
            pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
            stack.enter_context(pool)
            results = _in_order(pool, _analyse_chunk, chunks, 2 * workers)
        done = 0
        for words, part in results:
            known = (vocabulary.setdefault(word, len(vocabulary)) for word in words)
            part.tokens[:, 0] = np.fromiter(known, np.int32, len(words))[part.tokens[:, 0]]
            parts.append(part)
            done += part.lengths.size
            progress(done)
    return Analysed.join(parts)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (passages done, rate, time left) while a long stage runs, when
    stderr is a terminal; elsewhere nothing (the stage's log line says how it went)."""
    if not sys.stderr.isatty() or total < PARALLEL_FROM:
        yield lambda done: None
        return
    bar = tqdm(total=total, desc=label, unit=" passages", file=sys.stderr, dynamic_ncols=True)
    with bar:

        def report(done: int) -> None:
            bar.update(done - bar.n)

        yield report
