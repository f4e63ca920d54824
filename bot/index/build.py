"""Stage: corpus files -> SearchIndex, the one way an index is built: with a cache folder
(start-up, /reload, `python -m bot index`) or without one (in memory: eval's own paragraphs,
tests), by the same code.

The corpus is read and cut into passages; only reports whose content hash an earlier cache does
not hold are tokenized again (bot.index.analysis); the index is counted, saved
(bot.index.storage), and given the English lexicon last, so that the memory of counting and
of the lexicon are never needed at the same time.
"""

from __future__ import annotations

import ctypes
import logging
import resource
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from bot import text
from bot.corpus import Corpus, load_corpus
from bot.facts import FACTS
from bot.index.analysis import Analysed, analyse_all, progress_bar
from bot.index.freshness import content_hash
from bot.index.postings import TermIds
from bot.index.search import SearchIndex, Spans
from bot.index.storage import (
    DAMAGE,
    FACTS_FILE,
    REPORT_ROWS,
    SPANS,
    Built,
    CacheError,
    discard,
    load,
    new_staging,
    read_manifest,
    save,
    spans,
    write_spans,
)
from bot.lexicon import default_lexicon
from bot.passages import Passage, split_report
from bot.reports import Report

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number


@dataclass(frozen=True, slots=True)
class _Reusable:
    """What an earlier cache holds of each report, by content hash, and its vocabulary."""

    vocabulary: tuple[str, ...] = ()
    by_hash: Mapping[str, Analysed] = field(default_factory=dict)


def _cached_analysis(folder: Path) -> _Reusable:
    """What an earlier cache in `folder` holds for reuse (nothing when there is none)."""
    try:
        manifest = read_manifest(folder)
        hashes = manifest["hashes"]
        every, rows = _analysis(folder, manifest)
        by_hash = {}
        start = first_token = 0
        for row, count in _runs(rows):
            part = every.passages(start, start + count, first_token)
            by_hash[hashes[row]] = part
            start += count
            first_token += part.tokens.shape[0]
        return _Reusable(tuple(manifest["vocabulary"]), by_hash)
    except CacheError as error:
        log.info("no reusable tokens in %s (%s)", folder, error)
    except DAMAGE as error:
        log.warning("ignoring the corrupt index cache in %s: %s", folder, error)
    return _Reusable()


def _analysis(folder: Path, manifest: dict[str, Any]) -> tuple[Analysed, np.ndarray]:
    """The cached analysis of every passage, and each passage's report row."""
    rows = np.load(folder / REPORT_ROWS, allow_pickle=False)
    facts = np.load(folder / FACTS_FILE, allow_pickle=False)
    stored = spans(folder, rows.size)
    reports = len(manifest["hashes"])
    if facts.shape != (rows.size, len(FACTS)) or (rows.size and int(rows.max()) >= reports):
        raise CacheError("facts or report rows do not fit the passages")
    ids = stored.rows[:, 0]
    if ids.size and not 0 <= int(ids.min()) <= int(ids.max()) < len(manifest["vocabulary"]):
        raise CacheError("token ids outside the vocabulary")
    return Analysed(stored.rows, np.diff(stored.offsets), facts.astype(bool)), rows


def _runs(rows: np.ndarray) -> Iterator[tuple[int, int]]:
    """(value, how many times in a row) for each run of equal values."""
    if not rows.size:
        return
    starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
    counts = np.diff(np.append(starts, rows.size))
    yield from zip(rows[starts].tolist(), counts.tolist(), strict=True)


def _assemble(
    parts: Sequence[Analysed | int], fresh: Analysed, vocabulary: dict[str, int]
) -> tuple[TermIds, Analysed]:
    """All passages' terms in order, from each report's cached analysis or its share of the
    fresh one (an int: how many passages), keeping only terms still in use: as a TermIds
    table, and as the analysis with the ids renumbered the same way."""
    if all(isinstance(part, int) for part in parts):
        every = fresh  # nothing reused: already in order, and not copied again
    else:
        pieces: list[Analysed] = []
        at_passage = at_token = 0
        for part in parts:
            if isinstance(part, int):
                part = fresh.passages(at_passage, at_passage + part, at_token)
                at_passage += part.lengths.size
                at_token += part.tokens.shape[0]
            pieces.append(part)
        every = Analysed.join(pieces)
    used = np.zeros(len(vocabulary), dtype=bool)
    used[every.tokens[:, 0]] = True
    renumber = (np.cumsum(used) - 1).astype(np.int32)
    every.tokens[:, 0] = renumber[every.tokens[:, 0]]
    words = tuple(word for word, keep in zip(vocabulary, used.tolist(), strict=True) if keep)
    offsets = np.concatenate(([0], np.cumsum(every.lengths)))
    return TermIds(words, every.tokens[:, 0].copy(), offsets), every


class _Stages:
    """A log line as each stage of a build ends: what it did, its time and the peak memory."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def done(self, stage: str, what: str = "") -> None:
        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # Linux: kB
        detail = f"{what}, " if what else ""
        log.info("index %s: %s%.1f s (peak %d MB)", stage, detail, now - self.last, peak)
        self.last = now


@contextmanager
def _freed_memory_returned() -> Iterator[None]:
    """While indexing, give blocks of 128 KB and more back to the system as soon as they are
    freed (glibc; elsewhere nothing changes).

    glibc serves such blocks from its heap once it has seen large frees, and keeps what is
    freed there: the hundreds of half-megabyte arrays a build passes through then stay in the
    process (the archive's build peaked at ~380 MB; ~310 MB this way). Afterwards the heap
    serves blocks up to 32 MB again, as glibc would have come to by itself, so answering does
    not pay a fresh mapping for every temporary array.
    """
    mallopt = _mallopt()
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, 128 * 1024)
    try:
        yield
    finally:
        if mallopt is not None:
            mallopt(M_MMAP_THRESHOLD, 32 * 2**20)


def _mallopt() -> Callable[[int, int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return None  # not Linux with glibc


def build(paths: Sequence[Path], folder: Path | None) -> Built:
    """Read the corpus and index it, reusing cached tokens of unchanged reports; save it in
    `folder` (None: keep it in memory only)."""
    started = time.perf_counter()
    log.info("building the index of %s", ", ".join(map(str, paths)))
    stages = _Stages()
    with _freed_memory_returned():
        corpus = load_corpus(paths)
        stages.done("read", f"{len(corpus.reports):,} reports from {corpus.files_read} file(s)")
        return _index(corpus, paths, folder, started, stages)


def from_reports(reports: Sequence[Report]) -> SearchIndex:
    """An index of these reports, built in memory exactly as `build` builds one."""
    corpus = Corpus(tuple(reports), (), (), 0)
    return _index(corpus, (), None, time.perf_counter(), _Stages()).index


def _index(
    corpus: Corpus, paths: Sequence[Path], folder: Path | None, started: float, stages: _Stages
) -> Built:
    reusable = _cached_analysis(folder) if folder else _Reusable()
    vocabulary = {term: number for number, term in enumerate(reusable.vocabulary)}
    passages: list[Passage] = []
    parts: list[Analysed | int] = []
    missing: list[Passage] = []
    for report in corpus.reports:
        report_passages = split_report(report)
        known = reusable.by_hash.get(content_hash(report))
        if known is not None and known.lengths.size == len(report_passages):
            parts.append(known)
        else:
            parts.append(len(report_passages))
            missing.extend(report_passages)
        passages.extend(report_passages)
    stages.done("split", f"{len(passages):,} passages, {len(missing):,} to tokenize")
    with progress_bar("tokenizing", len(missing)) as progress:
        fresh = analyse_all(missing, vocabulary, progress)
    tokens, analysed = _assemble(parts, fresh, vocabulary)
    stages.done("tokenize", f"{len(missing):,} passages")
    retokenized = sum(1 for part in parts if isinstance(part, int))
    del reusable, parts, fresh, missing  # the cached and fresh pieces, now copied into tokens
    facts = analysed.facts
    # With a cache folder the words' places go to disk before indexing (and are mapped back),
    # so that they and the index's working arrays are never in private memory together.
    stored = Spans(analysed.tokens, tokens.offsets)
    staging = None
    try:
        if folder is not None and corpus.reports:
            try:
                staging = new_staging(folder)
                stored = write_spans(staging, analysed.tokens, tokens.offsets)
            except OSError as error:
                log.warning("could not save the index cache in %s: %s", folder, error)
        del analysed
        # The lexicon is loaded once the counting is over: its memory and the counting's are
        # then never needed at the same time.
        index = SearchIndex.from_tokens(
            passages, corpus.reports, tokens, text.tokenize, None, facts, stored
        )
        stages.done("index", f"{len(tokens.vocabulary):,} terms")
        how = f"built ({retokenized} of {len(corpus.reports)} reports tokenized)"
        built = Built(index, corpus, how, time.perf_counter() - started)
        if folder is not None and staging is not None and (staging / SPANS).exists():
            try:
                save(folder, staging, paths, built, tokens)
            except OSError as error:
                log.warning("could not save the index cache in %s: %s", folder, error)
            stages.done("save", str(folder))
    finally:
        if staging is not None and staging.exists():  # not saved: nothing of it is kept
            discard(staging)
    index = index.with_lexicon(default_lexicon())
    stages.done("lexicon")
    return replace(built, index=index, seconds=time.perf_counter() - started)


def load_or_build(paths: Sequence[Path], folder: Path | None) -> Built:
    """The cached index when it is current, else a (partly cached) rebuild that is saved."""
    if folder is not None:
        try:
            return load(folder, paths)
        except CacheError as error:
            log.info("index cache %s not used: %s", folder, error)
    return build(paths, folder)
