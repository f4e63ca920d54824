"""Edge: the index on disk. Save a built index, load it warm, and never trust a wrong one.

A cache folder holds plain files, no pickled code: `manifest.json` (the signature of the code
and libraries that shaped it, BM25's k1 and b, corpus file stamps, counts, load notes, content
hashes, the vocabulary), `reports.jsonl`, `passages.json`, and one NumPy `.npy` file per array
(each passage's terms with their places, its report and facts; both postings), which loading
memory-maps: their pages are the page cache's, shared by every process that loads the cache
and never copied into private memory, and a process keeps reading the files it mapped after a
rebuild has put new ones in their place. A cache that is corrupt, from another version or
tokenizer, or counted with other BM25 parameters is rebuilt, never trusted. Every build writes
in a staging folder of its own beside the cache and renames it into place.
"""

from __future__ import annotations

import glob
import json
import logging
import shutil
import tempfile
import time
import zipfile
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bot import text
from bot.corpus import Corpus, FileNote
from bot.facts import FACTS
from bot.index.freshness import content_hash, signature, stamps
from bot.index.postings import K1, B, Postings, TermIds
from bot.index.search import SearchIndex, Spans
from bot.lexicon import default_lexicon
from bot.passages import Passage
from bot.reports import Report

log = logging.getLogger(__name__)

SPANS = "spans.npy"  # every passage's terms as rows of (term id, start, end), int32
OFFSETS = "offsets.npy"  # where each passage's rows start, int64, passages + 1
REPORT_ROWS = "report_rows.npy"  # each passage's report (row of reports.jsonl), int32
FACTS_FILE = "facts.npy"  # passages x FACTS, bool
POSTINGS_PARTS = ("df", "indptr", "indices", "weights")
# What reading a damaged cache file can raise (np.load: EOFError, BadZipFile, ValueError).
DAMAGE = (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, zipfile.BadZipFile)


class CacheError(Exception):
    """The index cache cannot be used (missing, corrupt, stale format); it will be rebuilt."""


@dataclass(frozen=True, slots=True)
class Built:
    """An index with the corpus it came from, how it was obtained, how long it took, and when."""

    index: SearchIndex
    corpus: Corpus
    how: str
    seconds: float
    built_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def reports(self) -> int:
        """How many reports the index holds."""
        return len(self.index.reports)

    @property
    def passages(self) -> int:
        """How many passages the index holds."""
        return len(self.index)

    def describe(self) -> list[str]:
        """The load lines for logs and admin replies: counts, time, skipped files and why."""
        corpus = self.corpus
        lines = [
            f"loaded {self.reports} reports, {self.passages} passages from "
            f"{corpus.files_read} file(s) in {self.seconds:.1f} s"
            f"{f' ({self.how})' if self.how else ''}; {len(corpus.skipped)} file(s) skipped"
        ]
        lines += [f"skipped {note.path}: {note.message}" for note in corpus.skipped]
        lines += [f"note {note.path}: {note.message}" for note in corpus.notices]
        return lines


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
        report.proposer,
    ]


STALE_STAGING_SECONDS = 24 * 3600  # a staging folder this old was left by a crash


def new_staging(folder: Path) -> Path:
    """A new folder of its own beside `folder`, to write a cache in before it replaces it:
    two builds at once (`python -m bot index` during a /reload) never share one."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{folder.name}.new-", dir=folder.parent))


def discard(path: Path) -> None:
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
                discard(leftover)


def write_spans(staging: Path, tokens: np.ndarray, offsets: np.ndarray) -> Spans:
    """Write every passage's terms (id, start, end) and map them for reading: written before
    the index is counted, they are never in private memory beside its working arrays."""
    np.save(staging / SPANS, tokens.astype(np.int32, copy=False))
    np.save(staging / OFFSETS, offsets)
    return Spans(_mapped(staging, SPANS), np.load(staging / OFFSETS))


def save(
    folder: Path, staging: Path, paths: Sequence[Path], built: Built, tokens: TermIds
) -> None:
    """Write the cache next to the spans `write_spans` wrote in the staging folder, then
    let the staging folder replace the old cache."""
    index = built.index
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
    report_rows = np.array([row_of[p.doc_id] for p in index.passages], dtype=np.int32)
    np.save(staging / REPORT_ROWS, report_rows)
    np.save(staging / FACTS_FILE, index.facts)
    for name, postings in zip(("passage", "report"), index.postings, strict=True):
        arrays = (postings.document_frequency, postings.indptr, postings.indices, postings.weights)
        for part, array in zip(POSTINGS_PARTS, arrays, strict=True):
            np.save(staging / f"{name}.{part}.npy", array)
    manifest = {
        "signature": signature(),
        "bm25": {"k1": K1, "b": B},
        "corpus": [str(Path(p).resolve()) for p in paths],
        "files": stamps(paths),
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


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the cache in `folder`; CacheError when there is none or it is stale."""
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


def _mapped(folder: Path, name: str) -> np.ndarray:
    """The file's array, memory-mapped, as a plain read-only ndarray over the same pages:
    np.memmap's subclass hooks cost more than the slicing itself on every posting read."""
    return np.load(folder / name, mmap_mode="r", allow_pickle=False).view(np.ndarray)


def _postings(folder: Path, name: str, size: int, vocabulary: dict[str, int]) -> Postings:
    df, indptr, indices, weights = (
        _mapped(folder, f"{name}.{part}.npy") for part in POSTINGS_PARTS
    )
    if (
        indptr.size != len(vocabulary) + 1
        or df.size != len(vocabulary)
        or indices.size != weights.size
        or int(indptr[-1]) != indices.size
    ):
        raise CacheError(f"{name} postings do not fit together")
    return Postings(size, vocabulary, df, indptr, indices, weights, K1, B)


def spans(folder: Path, passages: int) -> Spans:
    """The stored terms of `passages` passages, checked to fit them."""
    rows, offsets = _mapped(folder, SPANS), np.load(folder / OFFSETS, allow_pickle=False)
    fits = rows.ndim == 2 and rows.shape[1] == 3 and offsets.shape == (passages + 1,)
    if not fits or int(offsets[-1]) != rows.shape[0]:
        raise CacheError("corrupt cache: stored terms do not fit the passages")
    return Spans(rows, offsets)


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
                proposer,
            )
            for doc_id, title, body, day, url, source, item_no, heading, chair, proposer in rows
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
    manifest = read_manifest(folder)
    if manifest["files"] != stamps(paths):
        raise CacheError("corpus files changed")
    try:
        reports = _reports(folder)
        passages = _passages(folder, reports)
        vocabulary = {term: column for column, term in enumerate(manifest["vocabulary"])}
        passage_postings = _postings(folder, "passage", len(passages), vocabulary)
        report_postings = _postings(folder, "report", len(reports), vocabulary)
        facts = np.load(folder / FACTS_FILE, allow_pickle=False)
        stored = spans(folder, len(passages))
    except DAMAGE as error:
        raise CacheError(f"corrupt cache: {type(error).__name__}: {error}") from None
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
        stored,
        _abbreviations(manifest),
    )
    return Built(index, _corpus(manifest, reports), "cache", time.perf_counter() - started)


def load_tokens(folder: Path) -> TermIds:
    """The term ids of every passage in a saved index (CacheError when it cannot be used)."""
    try:
        manifest = read_manifest(folder)
        stored = spans(folder, int(manifest["passages"]))
    except DAMAGE as error:
        raise CacheError(f"corrupt cache: {type(error).__name__}: {error}") from None
    ids = np.ascontiguousarray(stored.rows[:, 0])
    return TermIds(tuple(manifest["vocabulary"]), ids, stored.offsets)
