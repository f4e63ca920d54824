"""What a saved index depends on, so that a cache is used only while it is still right.

The signature names the format, the tokenizer's libraries and a hash of every source file whose
change can change what a cache holds; corpus file stamps say whether the corpus changed; a
report's content hash says whether its cached tokens can be reused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bot import text
from bot.corpus import walk
from bot.reports import Report

FORMAT_VERSION = 7  # 6: one .npy per array, memory-mapped; 7: reports keep their proposer
# The code and data whose every change can change what a cache holds: how files are read into
# reports (corpus, meetings, reports, thaidate, agencies: who proposed each), cut into passages,
# tokenized, which facts and abbreviations they state, how BM25 weighs them, how the index is
# put together and stored.
# tests/test_store.py checks that every module the build imports is here or in QUERY_TIME.
SHAPING_SOURCES = (
    "corpus.py",
    "meetings.py",
    "reports.py",
    "thaidate.py",
    "agencies.py",
    "passages.py",
    "text.py",
    "facts.py",
    "abbreviations.py",
    "index/__init__.py",
    "index/analysis.py",
    "index/build.py",
    "index/freshness.py",
    "index/postings.py",
    "index/search.py",
    "index/storage.py",
    "data/thai_words.txt",
)
# Modules the build imports that only read questions or weigh hits: a change to them leaves a
# cache right (and costs no rebuild).
QUERY_TIME = (
    "lexicon.py",
    "everyday.py",
    "rarity.py",
    "spelling.py",
    "daterange.py",
    "sections.py",
    "social.py",
    "index/query.py",
    "index/coverage.py",
    "index/hits.py",
    "index/rerank.py",
    "index/titles.py",
)


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


def stamps(paths: Sequence[Path]) -> list[list[Any]]:
    """Path, size and modification time of every file the corpus is read from."""
    found: list[list[Any]] = []
    for given in paths:
        root = Path(given)
        for path in [root] if root.is_file() else walk(root):
            try:
                info = path.stat()
                found.append([str(path), info.st_size, info.st_mtime_ns])
            except OSError as error:
                found.append([str(path), -1, type(error).__name__])
    return found


def content_hash(report: Report) -> str:
    """A hash of everything in a report that its passages and tokens depend on."""
    fields = (report.doc_id, report.title, report.text)
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:32]
