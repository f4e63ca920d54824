"""Edge: the index on disk. Tokenize in parallel, save, load, and re-tokenize only what changed.

A cache folder holds plain files, no pickled code: `manifest.json` (format version, tokenizer
signature, corpus file stamps, counts, load notes), `reports.json`, `passages.json`,
`tokens.npz` (each passage's term ids, for incremental rebuilds) and `postings.npz` (the BM25
weights, for a warm start). When no corpus file changed since it was written, start-up loads it
as it is; otherwise the corpus is read again and only reports whose content hash is new are
tokenized. A cache that is corrupt, from another version or another tokenizer is rebuilt, never
trusted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from bot import text
from bot.bm25 import Postings
from bot.corpus import Corpus, FileNote, load_corpus, walk
from bot.index import SearchIndex
from bot.lexicon import default_lexicon
from bot.passages import Passage, split_report
from bot.reports import Report

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
PARALLEL_FROM = 4000  # passages; fewer are tokenized in this process
CHUNK = 1000  # passages per task sent to a worker process


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
    tokens: Sequence[list[str]] = ()  # each passage's terms, when it was just built


def signature() -> str:
    """What the stored tokens depend on: this format, the tokenizer and its libraries."""
    return (
        f"format {FORMAT_VERSION}; tokens {text.TOKENS_VERSION}; "
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


def _tokenize_chunk(texts: list[str]) -> list[list[str]]:
    # Interned: the archive's ~5 million tokens then share one string per distinct term.
    return [[sys.intern(term) for term in text.tokenize(value)] for value in texts]


def _chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def tokenize_all(texts: Sequence[str], progress: Callable[[int], None]) -> list[list[str]]:
    """Tokens of every text, across the machine's cores when there are many."""
    workers = os.cpu_count() or 1
    results: list[list[str]] = []
    if len(texts) < PARALLEL_FROM or workers < 2:
        for chunk in _chunks(texts, CHUNK):
            results.extend(_tokenize_chunk(chunk))
            progress(len(results))
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for tokens in pool.map(_tokenize_chunk, _chunks(texts, CHUNK)):
            # Strings arrive unpickled, one object per occurrence: intern them here too.
            results.extend([sys.intern(term) for term in terms] for terms in tokens)
            progress(len(results))
    return results


def _progress(label: str, total: int) -> Callable[[int], None]:
    """A one-line progress report on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty() or total < PARALLEL_FROM:
        return lambda done: None

    def report(done: int) -> None:
        end = "\n" if done >= total else ""
        line = f"\r{label}: {done:,}/{total:,} passages ({done / total:.0%})"
        print(line, end=end, file=sys.stderr, flush=True)

    return report


# --- writing -------------------------------------------------------------------------------


def _report_row(report: Report) -> list[Any]:
    meeting = report.meeting_date.isoformat() if report.meeting_date else None
    return [report.doc_id, report.title, report.text, meeting, report.url, report.source]


def _postings_arrays(prefix: str, postings: Postings) -> dict[str, np.ndarray]:
    return {
        f"{prefix}_size": np.array([postings.size]),
        f"{prefix}_df": postings.document_frequency,
        f"{prefix}_indptr": postings.indptr,
        f"{prefix}_indices": postings.indices,
        f"{prefix}_weights": postings.weights,
    }


def save(
    folder: Path,
    paths: Sequence[Path],
    built: Built,
    tokens: Sequence[list[str]],
) -> None:
    """Write the cache; files go to a temporary folder first, then replace the old one."""
    index = built.index
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(folder.name + ".new")
    staging.mkdir(exist_ok=True)
    reports = list(index.reports.values())
    (staging / "reports.json").write_text(
        json.dumps([[*_report_row(r), content_hash(r)] for r in reports], ensure_ascii=False),
        encoding="utf-8",
    )
    row_of = {report.doc_id: row for row, report in enumerate(reports)}
    (staging / "passages.json").write_text(
        json.dumps(
            [[row_of[p.doc_id], p.section, p.start, p.end, p.context] for p in index.passages],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    vocabulary = sorted({term for terms in tokens for term in terms})
    term_id = {term: number for number, term in enumerate(vocabulary)}
    lengths = np.array([len(terms) for terms in tokens], dtype=np.int64)
    ids = np.fromiter((term_id[t] for terms in tokens for t in terms), dtype=np.int32)
    np.savez(staging / "tokens.npz", ids=ids, offsets=np.concatenate(([0], np.cumsum(lengths))))
    passage_postings, report_postings = index.postings
    np.savez(
        staging / "postings.npz",
        **_postings_arrays("passage", passage_postings),
        **_postings_arrays("report", report_postings),
    )
    manifest = {
        "signature": signature(),
        "corpus": [str(Path(p).resolve()) for p in paths],
        "files": _stamps(paths),
        "reports": len(reports),
        "passages": len(index),
        "files_read": built.corpus.files_read,
        "skipped": [asdict(note) for note in built.corpus.skipped],
        "notices": [asdict(note) for note in built.corpus.notices],
        "vocabulary": vocabulary,
        "passage_vocabulary": list(passage_postings.vocabulary),
        "report_vocabulary": list(report_postings.vocabulary),
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    old = folder.with_name(folder.name + ".old")
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    if old.exists():
        for child in old.iterdir():
            child.unlink()
        old.rmdir()


# --- reading -------------------------------------------------------------------------------


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CacheError("no cache yet") from None
    except (OSError, ValueError) as error:
        raise CacheError(f"unreadable manifest: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("signature") != signature():
        raise CacheError("written by another version or tokenizer")
    return manifest


def _postings(arrays: Any, prefix: str, vocabulary: list[str]) -> Postings:
    postings = Postings(
        int(arrays[f"{prefix}_size"][0]),
        {term: column for column, term in enumerate(vocabulary)},
        arrays[f"{prefix}_df"],
        arrays[f"{prefix}_indptr"],
        arrays[f"{prefix}_indices"],
        arrays[f"{prefix}_weights"],
    )
    if (
        postings.indptr.size != len(vocabulary) + 1
        or postings.document_frequency.size != len(vocabulary)
        or postings.indices.size != postings.weights.size
        or int(postings.indptr[-1]) != postings.indices.size
    ):
        raise CacheError(f"{prefix} postings do not fit together")
    return postings


def _reports(folder: Path) -> tuple[list[Report], list[str]]:
    rows = json.loads((folder / "reports.json").read_text(encoding="utf-8"))
    reports = [
        Report(doc_id, title, body, date.fromisoformat(day) if day else None, url, source)
        for doc_id, title, body, day, url, source, _ in rows
    ]
    return reports, [row[6] for row in rows]


def _passages(folder: Path, reports: list[Report]) -> list[Passage]:
    rows = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
    return [
        Passage(reports[row].doc_id, section, reports[row].text[start:end], start, end, context)
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
        reports, _ = _reports(folder)
        passages = _passages(folder, reports)
        with np.load(folder / "postings.npz", allow_pickle=False) as arrays:
            passage_postings = _postings(arrays, "passage", manifest["passage_vocabulary"])
            report_postings = _postings(arrays, "report", manifest["report_vocabulary"])
    except _DAMAGE as error:
        raise CacheError(f"corrupt cache: {type(error).__name__}: {error}") from None
    if passage_postings.size != len(passages) or report_postings.size != len(reports):
        raise CacheError("corrupt cache: counts do not match")
    index = SearchIndex(
        passages, reports, text.tokenize, passage_postings, report_postings, default_lexicon()
    )
    return Built(index, _corpus(manifest, reports), "cache", time.perf_counter() - started)


def _cached_tokens(folder: Path) -> dict[str, list[list[str]]]:
    """Tokens of each cached report's passages by content hash ({} when there is no cache)."""
    try:
        manifest = _read_manifest(folder)
        _, hashes = _reports(folder)
        rows = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
        with np.load(folder / "tokens.npz", allow_pickle=False) as arrays:
            ids, offsets = arrays["ids"], arrays["offsets"]
        vocabulary = manifest["vocabulary"]
        if offsets.size != len(rows) + 1:
            raise CacheError("token offsets do not match the passages")
        by_hash: dict[str, list[list[str]]] = {digest: [] for digest in hashes}
        for number, row in enumerate(rows):
            terms = [vocabulary[i] for i in ids[offsets[number] : offsets[number + 1]]]
            by_hash[hashes[row[0]]].append(terms)
        return by_hash
    except CacheError as error:
        log.info("no reusable tokens in %s (%s)", folder, error)
    except _DAMAGE as error:
        log.warning("ignoring the corrupt index cache in %s: %s", folder, error)
    return {}


def build(paths: Sequence[Path], folder: Path | None) -> Built:
    """Read the corpus and index it, reusing cached tokens of unchanged reports; save it."""
    started = time.perf_counter()
    corpus = load_corpus(paths)
    cached = _cached_tokens(folder) if folder else {}
    passages: list[Passage] = []
    tokens: list[list[str] | None] = []
    reused = 0
    for report in corpus.reports:
        report_passages = split_report(report)
        known = cached.get(content_hash(report))
        if known is not None and len(known) == len(report_passages):
            tokens.extend(known)
            reused += 1
        else:
            tokens.extend([None] * len(report_passages))
        passages.extend(report_passages)
    missing = [number for number, terms in enumerate(tokens) if terms is None]
    fresh = tokenize_all(
        [passages[number].indexed_text for number in missing],
        _progress("tokenizing", len(missing)),
    )
    for number, terms in zip(missing, fresh, strict=True):
        tokens[number] = terms
    complete = [terms or [] for terms in tokens]
    index = SearchIndex.from_tokens(
        passages, corpus.reports, complete, text.tokenize, default_lexicon()
    )
    retokenized = len(corpus.reports) - reused
    how = f"built ({retokenized} of {len(corpus.reports)} reports tokenized)"
    built = Built(index, corpus, how, time.perf_counter() - started, complete)
    if folder is not None and corpus.reports:
        try:
            save(folder, paths, built, complete)
        except OSError as error:
            log.warning("could not save the index cache in %s: %s", folder, error)
    return built


def load_or_build(paths: Sequence[Path], folder: Path | None) -> Built:
    """The cached index when it is current, else a (partly cached) rebuild that is saved."""
    if folder is not None:
        try:
            return load(folder, paths)
        except CacheError as error:
            log.info("index cache %s not used: %s", folder, error)
    return build(paths, folder)
