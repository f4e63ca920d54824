"""Shared fixtures: the default corpus, its index, and ../shared when it is present."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest

from bot.corpus import load_corpus
from bot.index import SearchIndex
from bot.index.build import from_reports
from bot.lexicon import Lexicon
from bot.passages import Passage
from bot.reports import Report
from bot.text import tokenize

PROJECT = Path(__file__).resolve().parent.parent
SEED = PROJECT / "corpus" / "cabinet-2020-08-13-asean-china-digital-economy.txt"
SEED_ID = "cabinet-2020-08-13-asean-china-digital-economy"
SHARED = PROJECT.parent / "shared"


def index_of(
    passages: Sequence[Passage],
    reports: Iterable[Report],
    words: Callable[[str], list[str]] = tokenize,
    lexicon: Lexicon | None = None,
) -> SearchIndex:
    """An index of hand-made passages tokenized by `words`, put together by the stage the
    build uses (SearchIndex.from_tokens), for tests of ranking on tokens of their own."""
    tokens = [words(passage.indexed_text) for passage in passages]
    return SearchIndex.from_tokens(passages, reports, tokens, words, lexicon)


def shared_path(relative: str) -> Path:
    """A file under ../shared, or skip the test with a clear reason when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"../shared/{relative} is not here (a fresh clone has no ../shared)")
    return path


@pytest.fixture(scope="session")
def seed_index() -> SearchIndex:
    """The index of the seed report alone."""
    return from_reports(load_corpus([SEED]).reports)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable folder holding a copy of the seed report."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder)
    return folder


@pytest.fixture(autouse=True)
def _index_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Index caches go to a temporary folder, never the user's ~/.cache (subprocesses too)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
