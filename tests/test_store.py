"""The index on disk: warm loads, incremental rebuilds, and caches that must not be trusted."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot import store

EXTRA = (
    "เรื่อง โครงการรถไฟฟ้าสายใหม่\nคณะรัฐมนตรีอนุมัติโครงการรถไฟฟ้า\n"
    "ที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ 7 มกราคม 2568\n"
)


@pytest.fixture
def folder(corpus: Path) -> Path:
    """The writable copy of the default corpus (conftest's `corpus`)."""
    return corpus


def test_saved_index_loads_warm_with_the_same_answers(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    built = store.load_or_build([folder], cache)
    assert built.how == "built (1 of 1 reports tokenized)"
    assert (cache / "manifest.json").exists()
    warm = store.load_or_build([folder], cache)
    assert warm.how == "cache"
    assert warm.index.passages == built.index.passages
    assert warm.index.reports == built.index.reports
    for question in ("แอปพลิเคชันไทยชนะ", "smart city", "Blockchain"):
        assert [(h.passage, h.score) for h in warm.index.search(question)] == [
            (h.passage, h.score) for h in built.index.search(question)
        ]


def test_only_changed_reports_are_tokenized_again(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store.load_or_build([folder], cache)
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    rebuilt = store.load_or_build([folder], cache)
    assert rebuilt.how == "built (1 of 2 reports tokenized)"
    assert rebuilt.index.search("รถไฟฟ้า")[0].report.doc_id == "new"
    assert store.load_or_build([folder], cache).how == "cache"


def test_cached_tokens_equal_fresh_ones(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store.load_or_build([folder], cache)
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    partly_cached = store.build([folder], cache).index
    fresh = store.build([folder], None).index
    for mine, theirs in zip(partly_cached.postings, fresh.postings, strict=True):
        assert mine.vocabulary == theirs.vocabulary
        assert np.array_equal(mine.weights, theirs.weights)


@pytest.mark.parametrize(
    "damage",
    [
        lambda cache: (cache / "postings.npz").write_bytes(b"garbage"),
        lambda cache: (cache / "passages.json").write_text("[[0, 1", encoding="utf-8"),
        lambda cache: (cache / "reports.json").unlink(),
        lambda cache: (cache / "manifest.json").write_text("{}", encoding="utf-8"),
    ],
)
def test_a_damaged_cache_is_rebuilt_not_trusted(folder: Path, tmp_path: Path, damage) -> None:
    cache = tmp_path / "cache"
    good = store.load_or_build([folder], cache)
    damage(cache)
    rebuilt = store.load_or_build([folder], cache)
    assert rebuilt.how.startswith("built")
    assert [h.score for h in rebuilt.index.search("ไทยชนะ")] == [
        h.score for h in good.index.search("ไทยชนะ")
    ]
    assert store.load_or_build([folder], cache).how == "cache"


def test_a_cache_from_another_tokenizer_is_stale(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store.load_or_build([folder], cache)
    manifest = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))
    manifest["signature"] = "format 0; tokens 0"
    (cache / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert store.load_or_build([folder], cache).how == "built (1 of 1 reports tokenized)"


def test_damaged_tokens_are_not_reused(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store.load_or_build([folder], cache)
    (cache / "tokens.npz").write_bytes(b"")
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    rebuilt = store.load_or_build([folder], cache)
    assert rebuilt.how == "built (2 of 2 reports tokenized)"
    assert rebuilt.index.search("ไทยชนะ")[0].passage.section == "2"
