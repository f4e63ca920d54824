"""Edge: the index on disk. Tokenize in parallel, save, load, and re-tokenize only what changed.

A cache folder holds plain files, no pickled code: `manifest.json` (the signature of the code
and libraries that shaped it, BM25's k1 and b, corpus file stamps, counts, load notes, content
hashes, the vocabulary),
`reports.jsonl`, `passages.json`, `tokens.npz` (each passage's term ids, for incremental
rebuilds) and `postings.npz` (the BM25 weights, for a warm start). When no corpus file changed
since it was written, start-up loads it as it is; otherwise the corpus is read again and only
reports whose content hash is new are tokenized. A cache that is corrupt, from another version
or another tokenizer is rebuilt, never trusted. Every build writes in a staging folder of its
own beside the cache and renames it into place.
"""

from __future__ import annotations

import ctypes
import glob
import hashlib
import json
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
import weakref
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from bot import text
from bot.bm25 import K1, B, Postings, TermIds
from bot.corpus import Corpus, FileNote, load_corpus, walk
from bot.facts import FACTS, stated
from bot.index import SearchIndex
from bot.lexicon import default_lexicon
from bot.passages import Passage, indexed_text, split_report, text_offset
from bot.reports import Report

log = logging.getLogger(__name__)

FORMAT_VERSION = 5  # 4: reports carry item number, section and chair; 5: short lists joined
PARALLEL_FROM = 4000  # passages; fewer are tokenized in this process
CHUNK = 1000  # passages per task sent to a worker process
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
SPANS = "spans.bin"  # every passage's terms as rows of (term id, start, end)
SPAN_TYPE = np.dtype("<i4")
ROW_BYTES = 3 * SPAN_TYPE.itemsize


# What reading a damaged cache file can raise (np.load: EOFError, BadZipFile, ValueError).
_DAMAGE = (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, zipfile.BadZipFile)


class CacheError(Exception):
    """The index cache cannot be used (missing, corrupt, stale format); it will be rebuilt."""


@dataclass(frozen=True, slots=True)
class Built:
    """An index with the corpus it came from, how it was obtained, and how long it took."""

    index: SearchIndex
    corpus: Corpus
    how: str
    seconds: float


# The code and data whose every change can change what a cache holds: how files are read into
# reports (corpus, meetings, reports, thaidate), cut into passages, tokenized, which facts and
# abbreviations they state, how BM25 weighs them, how the index is put together and stored.
# tests/test_store.py checks that every module the build imports is here or in QUERY_TIME.
SHAPING_SOURCES = (
    "corpus.py",
    "meetings.py",
    "reports.py",
    "thaidate.py",
    "passages.py",
    "text.py",
    "facts.py",
    "abbreviations.py",
    "bm25.py",
    "index.py",
    "store.py",
    "data/thai_words.txt",
)
# Modules the build imports that only read questions: a change to them leaves a cache right.
QUERY_TIME = ("lexicon.py", "rarity.py", "spelling.py")


def sources_hash(package: Path | None = None) -> str:
    """A hash of the shaping sources as they are in `package` (this package by default)."""
    root = package or resources.files("bot")
    digest = hashlib.sha256()
    for name in SHAPING_SOURCES:
        data = (root / name).read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:16]


_sources_hash = lru_cache(maxsize=1)(sources_hash)


def signature() -> str:
    """What a cache depends on: this format, the code and data that shape passages, tokens,
    facts and weights, and the tokenizer's libraries. Any change means a rebuild."""
    return (
        f"format {FORMAT_VERSION}; tokens {text.TOKENS_VERSION}; sources {_sources_hash()}; "
        f"pythainlp {version('pythainlp')}; nlpo3 {version('nlpo3')}"
    )


def default_cache_dir(paths: Sequence[Path]) -> Path:
    """A per-corpus folder under the user's cache (XDG_CACHE_HOME or ~/.cache)."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256("\n".join(str(Path(p).resolve()) for p in paths).encode()).hexdigest()
    return root / "thaigov-qa-bot" / key[:16]


def _stamps(paths: Sequence[Path]) -> list[list[Any]]:
    """Path, size and modification time of every file the corpus is read from."""
    stamps: list[list[Any]] = []
    for given in paths:
        root = Path(given)
        for path in [root] if root.is_file() else walk(root):
            try:
                info = path.stat()
                stamps.append([str(path), info.st_size, info.st_mtime_ns])
            except OSError as error:
                stamps.append([str(path), -1, type(error).__name__])
    return stamps


def content_hash(report: Report) -> str:
    """A hash of everything in a report that its passages and tokens depend on."""
    fields = (report.doc_id, report.title, report.text)
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:32]


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
def _progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
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


# --- writing -------------------------------------------------------------------------------


def _report_row(report: Report) -> list[Any]:
    meeting = report.meeting_date.isoformat() if report.meeting_date else None
    return [
        report.doc_id,
        report.title,
        report.text,
        meeting,
        report.url,
        report.source,
        report.item_no,
        report.heading,
        report.chair,
    ]


def _postings_arrays(prefix: str, postings: Postings) -> dict[str, np.ndarray]:
    return {
        f"{prefix}_size": np.array([postings.size]),
        f"{prefix}_df": postings.document_frequency,
        f"{prefix}_indptr": postings.indptr,
        f"{prefix}_indices": postings.indices,
        f"{prefix}_weights": postings.weights,
    }


STALE_STAGING_SECONDS = 24 * 3600  # a staging folder this old was left by a crash


def _staging(folder: Path) -> Path:
    """A new folder of its own beside `folder`, to write a cache in before it replaces it:
    two builds at once (`python -m bot index` during a /reload) never share one."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{folder.name}.new-", dir=folder.parent))


def _discard(path: Path) -> None:
    """Remove a folder and all it holds; a failure is logged, and harms no later save."""
    try:
        shutil.rmtree(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning("could not remove %s: %s", path, error)


def _replace(folder: Path, staging: Path) -> None:
    """Let the staging folder become `folder`; the old cache, moved aside under a name of its
    own, is removed whole, with whatever earlier crashes left beside it."""
    old = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    with suppress(FileNotFoundError):  # no cache yet, or another build just moved it aside
        folder.rename(old)
    try:
        staging.rename(folder)
    except OSError:
        if old.exists() and not folder.exists():
            old.rename(folder)  # keep the old cache rather than none
        raise
    now = time.time()
    for leftover in folder.parent.glob(f"{glob.escape(folder.name)}.*"):
        kind = leftover.name[len(folder.name) :]
        if kind.startswith((".old", ".new")) and leftover.is_dir():
            stale = kind.startswith(".old") or kind == ".new"
            if stale or now - leftover.stat().st_mtime > STALE_STAGING_SECONDS:
                _discard(leftover)


def _write_spans(staging: Path, tokens: np.ndarray, offsets: np.ndarray) -> SpanFile:
    """Write every passage's terms (id, start, end) and open them for reading."""
    path = staging / SPANS
    tokens.astype(SPAN_TYPE, copy=False).tofile(path)
    return SpanFile(path, offsets)


def save(
    folder: Path,
    staging: Path,
    paths: Sequence[Path],
    built: Built,
    tokens: TermIds,
    facts: np.ndarray,
) -> None:
    """Write the cache next to the spans `_write_spans` wrote in the staging folder, then
    let the staging folder replace the old cache."""
    index = built.index
    passage_postings, report_postings = index.postings
    for postings in index.postings:  # one vocabulary is stored for the tokens and both
        if list(postings.vocabulary) != list(tokens.vocabulary):
            raise ValueError("the postings were not counted from these tokens")
        if (postings.k1, postings.b) != (K1, B):
            raise ValueError("the postings were counted with other BM25 parameters")
    if not (staging / SPANS).exists():
        raise ValueError("save() needs the spans written first")
    reports = list(index.reports.values())
    with (staging / "reports.jsonl").open("w", encoding="utf-8") as handle:
        for report in reports:  # a line at a time: the archive is ~100 MB as one JSON string
            handle.write(json.dumps(_report_row(report), ensure_ascii=False) + "\n")
    row_of = {report.doc_id: row for row, report in enumerate(reports)}
    (staging / "passages.json").write_text(
        json.dumps(
            [[row_of[p.doc_id], p.section, p.start, p.end, p.context] for p in index.passages],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    np.savez(
        staging / "tokens.npz",
        offsets=tokens.offsets,
        report_rows=np.array([row_of[p.doc_id] for p in index.passages], dtype=np.int32),
        facts=facts,
    )
    np.savez(
        staging / "postings.npz",
        **_postings_arrays("passage", passage_postings),
        **_postings_arrays("report", report_postings),
    )
    manifest = {
        "signature": signature(),
        "bm25": {"k1": K1, "b": B},
        "corpus": [str(Path(p).resolve()) for p in paths],
        "files": _stamps(paths),
        "reports": len(reports),
        "passages": len(index),
        "files_read": built.corpus.files_read,
        "skipped": [asdict(note) for note in built.corpus.skipped],
        "notices": [asdict(note) for note in built.corpus.notices],
        "hashes": [content_hash(report) for report in reports],
        "vocabulary": list(tokens.vocabulary),
        "abbreviations": dict(index.abbreviation_table),
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    _replace(folder, staging)


# --- reading -------------------------------------------------------------------------------


class SpanFile:
    """Each passage's terms with their places (spans.bin), read one passage at a time.

    The file stays open, so a reader keeps reading the file it was made for even after a
    rebuild has put a new cache in its place.
    """

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self._offsets = offsets
        self._descriptor = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._descriptor)
        expected = int(offsets[-1]) * ROW_BYTES if offsets.size else 0
        if os.fstat(self._descriptor).st_size != expected:
            raise CacheError(f"{SPANS} does not fit the passages")

    def __call__(self, row: int) -> np.ndarray:
        start, end = int(self._offsets[row]), int(self._offsets[row + 1])
        data = os.pread(self._descriptor, (end - start) * ROW_BYTES, start * ROW_BYTES)
        if len(data) != (end - start) * ROW_BYTES:
            raise OSError(f"{SPANS} ends early")
        return np.frombuffer(data, dtype=SPAN_TYPE).reshape(-1, 3)

    def read_all(self) -> np.ndarray:
        """Every passage's rows (for rebuilds that reuse them)."""
        total = int(self._offsets[-1]) if self._offsets.size else 0
        data = os.pread(self._descriptor, total * ROW_BYTES, 0)
        if len(data) != total * ROW_BYTES:
            raise OSError(f"{SPANS} ends early")
        return np.frombuffer(data, dtype=SPAN_TYPE).reshape(-1, 3)


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CacheError("no cache yet") from None
    except (OSError, ValueError) as error:
        raise CacheError(f"unreadable manifest: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("signature") != signature():
        raise CacheError("written by another version or tokenizer")
    if manifest.get("bm25") != {"k1": K1, "b": B}:
        raise CacheError(f"BM25 weights counted with {manifest.get('bm25')}, not k1 {K1}, b {B}")
    return manifest


def _postings(arrays: Any, prefix: str, vocabulary: dict[str, int]) -> Postings:
    postings = Postings(
        int(arrays[f"{prefix}_size"][0]),
        vocabulary,
        arrays[f"{prefix}_df"],
        arrays[f"{prefix}_indptr"],
        arrays[f"{prefix}_indices"],
        arrays[f"{prefix}_weights"],
        K1,
        B,
    )
    if (
        postings.indptr.size != len(vocabulary) + 1
        or postings.document_frequency.size != len(vocabulary)
        or postings.indices.size != postings.weights.size
        or int(postings.indptr[-1]) != postings.indices.size
    ):
        raise CacheError(f"{prefix} postings do not fit together")
    return postings


def _abbreviations(manifest: dict[str, Any]) -> dict[str, str]:
    table = manifest.get("abbreviations")
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        raise CacheError("corrupt cache: abbreviations are not a table")
    return table


def _reports(folder: Path) -> list[Report]:
    with (folder / "reports.jsonl").open(encoding="utf-8") as handle:
        rows = map(json.loads, handle)
        return [
            Report(
                doc_id,
                title,
                body,
                date.fromisoformat(day) if day else None,
                url,
                source,
                item_no,
                heading,
                chair,
            )
            for doc_id, title, body, day, url, source, item_no, heading, chair in rows
        ]


def _passages(folder: Path, reports: list[Report]) -> list[Passage]:
    rows = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
    return [
        Passage(reports[row].doc_id, section, reports[row].text, start, end, context)
        for row, section, start, end, context in rows
    ]


def _corpus(manifest: dict[str, Any], reports: list[Report]) -> Corpus:
    return Corpus(
        tuple(reports),
        tuple(FileNote(**note) for note in manifest["skipped"]),
        tuple(FileNote(**note) for note in manifest["notices"]),
        int(manifest["files_read"]),
    )


def load(folder: Path, paths: Sequence[Path]) -> Built:
    """The cached index, when no corpus file changed since it was saved; CacheError if not."""
    started = time.perf_counter()
    manifest = _read_manifest(folder)
    if manifest["files"] != _stamps(paths):
        raise CacheError("corpus files changed")
    try:
        reports = _reports(folder)
        passages = _passages(folder, reports)
        vocabulary = {term: column for column, term in enumerate(manifest["vocabulary"])}
        with np.load(folder / "postings.npz", allow_pickle=False) as arrays:
            passage_postings = _postings(arrays, "passage", vocabulary)
            report_postings = _postings(arrays, "report", vocabulary)
        with np.load(folder / "tokens.npz", allow_pickle=False) as arrays:
            facts, offsets = arrays["facts"], arrays["offsets"]
        if offsets.size != len(passages) + 1:
            raise CacheError("corrupt cache: token offsets do not fit the passages")
        spans = SpanFile(folder / SPANS, offsets)
    except _DAMAGE as error:
        raise CacheError(f"corrupt cache: {type(error).__name__}: {error}") from None
    if passage_postings.size != len(passages) or report_postings.size != len(reports):
        raise CacheError("corrupt cache: counts do not match")
    if facts.shape != (len(passages), len(FACTS)) or facts.dtype != bool:
        raise CacheError("corrupt cache: facts do not fit the passages")
    index = SearchIndex(
        passages,
        reports,
        text.tokenize,
        passage_postings,
        report_postings,
        default_lexicon(),
        facts,
        spans,
        _abbreviations(manifest),
    )
    return Built(index, _corpus(manifest, reports), "cache", time.perf_counter() - started)


def _analysis(folder: Path, manifest: dict[str, Any]) -> tuple[Analysed, np.ndarray]:
    """The cached analysis of every passage, and each passage's report row."""
    with np.load(folder / "tokens.npz", allow_pickle=False) as arrays:
        offsets, rows, facts = arrays["offsets"], arrays["report_rows"], arrays["facts"]
    if offsets.size != rows.size + 1 or facts.shape != (rows.size, len(FACTS)):
        raise CacheError("token offsets or facts do not fit the passages")
    tokens = SpanFile(folder / SPANS, offsets).read_all()
    ids = tokens[:, 0]
    if ids.size and not 0 <= int(ids.min()) <= int(ids.max()) < len(manifest["vocabulary"]):
        raise CacheError("token ids outside the vocabulary")
    return Analysed(tokens, np.diff(offsets), facts.astype(bool)), rows


def load_tokens(folder: Path) -> TermIds:
    """The term ids of every passage in a saved index (CacheError when it cannot be used)."""
    try:
        manifest = _read_manifest(folder)
        analysed, _ = _analysis(folder, manifest)
    except _DAMAGE as error:
        raise CacheError(f"corrupt cache: {type(error).__name__}: {error}") from None
    offsets = np.concatenate(([0], np.cumsum(analysed.lengths)))
    return TermIds(tuple(manifest["vocabulary"]), analysed.tokens[:, 0].copy(), offsets)


@dataclass(frozen=True, slots=True)
class _Reusable:
    """What an earlier cache holds of each report, by content hash, and its vocabulary."""

    vocabulary: tuple[str, ...] = ()
    by_hash: Mapping[str, Analysed] = field(default_factory=dict)


def _cached_analysis(folder: Path) -> _Reusable:
    """What an earlier cache in `folder` holds for reuse (nothing when there is none)."""
    try:
        manifest = _read_manifest(folder)
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
    except _DAMAGE as error:
        log.warning("ignoring the corrupt index cache in %s: %s", folder, error)
    return _Reusable()


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
    """Read the corpus and index it, reusing cached tokens of unchanged reports; save it."""
    with _freed_memory_returned():
        return _build(paths, folder)


def _build(paths: Sequence[Path], folder: Path | None) -> Built:
    started = time.perf_counter()
    log.info("building the index of %s", ", ".join(map(str, paths)))
    stages = _Stages()
    corpus = load_corpus(paths)
    stages.done("read", f"{len(corpus.reports):,} reports from {corpus.files_read} file(s)")
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
    with _progress("tokenizing", len(missing)) as progress:
        fresh = analyse_all(missing, vocabulary, progress)
    tokens, analysed = _assemble(parts, fresh, vocabulary)
    stages.done("tokenize", f"{len(missing):,} passages")
    retokenized = sum(1 for part in parts if isinstance(part, int))
    del reusable, parts, fresh, missing  # the cached and fresh pieces, now copied into tokens
    facts = analysed.facts
    # The words' places go to disk before indexing (and are read back one passage at a time),
    # so that they and the index's working arrays are never in memory together.
    spans = staging = None
    try:
        if folder is not None and corpus.reports:
            try:
                staging = _staging(folder)
                spans = _write_spans(staging, analysed.tokens, tokens.offsets)
            except OSError as error:
                log.warning("could not save the index cache in %s: %s", folder, error)
        del analysed
        # The lexicon is loaded once the counting is over: its memory and the counting's are
        # then never needed at the same time.
        index = SearchIndex.from_tokens(
            passages, corpus.reports, tokens, text.tokenize, None, facts, spans
        )
        stages.done("index", f"{len(tokens.vocabulary):,} terms")
        how = f"built ({retokenized} of {len(corpus.reports)} reports tokenized)"
        built = Built(index, corpus, how, time.perf_counter() - started)
        if folder is not None and staging is not None and spans is not None:
            try:
                save(folder, staging, paths, built, tokens, facts)
            except OSError as error:
                log.warning("could not save the index cache in %s: %s", folder, error)
            stages.done("save", str(folder))
    finally:
        if staging is not None and staging.exists():  # not saved: nothing of it is kept
            _discard(staging)
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
