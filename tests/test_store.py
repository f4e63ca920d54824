"""The index on disk: warm loads, incremental rebuilds, and caches that must not be trusted."""

from __future__ import annotations

import ast
import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.answer import ask, compose
from bot.index import SearchIndex, analysis, freshness, storage
from bot.index import build as builder

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
    built = builder.load_or_build([folder], cache)
    assert built.how == "built (1 of 1 reports tokenized)"
    assert (cache / "manifest.json").exists()
    warm = builder.load_or_build([folder], cache)
    assert warm.how == "cache"
    assert warm.index.passages == built.index.passages
    assert warm.index.reports == built.index.reports
    for question in ("แอปพลิเคชันไทยชนะ", "smart city", "Blockchain"):
        assert [(h.passage, h.score) for h in warm.index.search(warm.index.analyze(question))] == [
            (h.passage, h.score) for h in built.index.search(built.index.analyze(question))
        ]


def test_a_reports_proposer_is_kept_in_the_cache(folder: Path, tmp_path: Path) -> None:
    (folder / "rail.txt").write_text(
        EXTRA.replace("อนุมัติโครงการรถไฟฟ้า", "อนุมัติโครงการรถไฟฟ้าตามที่กระทรวงคมนาคม (คค.) เสนอ"),
        encoding="utf-8",
    )
    cache = tmp_path / "cache"
    built = builder.load_or_build([folder], cache)
    warm = builder.load_or_build([folder], cache)
    assert warm.how == "cache" and warm.index.reports == built.index.reports
    assert sorted(r.proposer for r in warm.index.reports.values()) == ["", "กระทรวงคมนาคม"]


def test_only_changed_reports_are_tokenized_again(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    builder.load_or_build([folder], cache)
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    rebuilt = builder.load_or_build([folder], cache)
    assert rebuilt.how == "built (1 of 2 reports tokenized)"
    assert rebuilt.index.search(rebuilt.index.analyze("รถไฟฟ้า"))[0].report.doc_id == "new"
    assert builder.load_or_build([folder], cache).how == "cache"


def test_cached_tokens_equal_fresh_ones(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    builder.load_or_build([folder], cache)
    (folder / "a-first.txt").write_text(EXTRA, encoding="utf-8")  # read before the cached one
    partly_cached = builder.build([folder], cache).index
    fresh = builder.build([folder], None).index
    for mine, theirs in zip(partly_cached.postings, fresh.postings, strict=True):
        assert mine.vocabulary.keys() == theirs.vocabulary.keys()
        for term in theirs.vocabulary:  # ids may be numbered differently; the postings not
            for got, expected in zip(mine.postings(term), theirs.postings(term), strict=True):
                assert np.array_equal(got, expected)


@pytest.mark.parametrize(
    "damage",
    [
        lambda cache: (cache / "passage.weights.npy").write_bytes(b"garbage"),
        lambda cache: (cache / "report.indptr.npy").write_bytes(b""),
        lambda cache: (cache / "passages.json").write_text("[[0, 1", encoding="utf-8"),
        lambda cache: (cache / "reports.jsonl").unlink(),
        lambda cache: (cache / "reports.jsonl").write_text('["x", "t"', encoding="utf-8"),
        lambda cache: (cache / "manifest.json").write_text("{}", encoding="utf-8"),
    ],
)
def test_a_damaged_cache_is_rebuilt_not_trusted(folder: Path, tmp_path: Path, damage) -> None:
    cache = tmp_path / "cache"
    good = builder.load_or_build([folder], cache)
    damage(cache)
    rebuilt = builder.load_or_build([folder], cache)
    assert rebuilt.how.startswith("built")
    assert [h.score for h in rebuilt.index.search(rebuilt.index.analyze("ไทยชนะ"))] == [
        h.score for h in good.index.search(good.index.analyze("ไทยชนะ"))
    ]
    assert builder.load_or_build([folder], cache).how == "cache"


def test_a_cache_from_another_tokenizer_is_stale(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    builder.load_or_build([folder], cache)
    manifest = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))
    manifest["signature"] = "format 0; tokens 0"
    (cache / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert builder.load_or_build([folder], cache).how == "built (1 of 1 reports tokenized)"


@pytest.mark.parametrize(
    "damage",
    [
        lambda cache: (cache / storage.OFFSETS).write_bytes(b""),
        lambda cache: (cache / storage.REPORT_ROWS).write_bytes(b"PK\x03\x04 not a zip"),
        lambda cache: (cache / storage.SPANS).write_bytes(b"\x00" * 7),
    ],
)
def test_damaged_tokens_are_not_reused(folder: Path, tmp_path: Path, damage) -> None:
    cache = tmp_path / "cache"
    builder.load_or_build([folder], cache)
    damage(cache)
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    rebuilt = builder.load_or_build([folder], cache)
    assert rebuilt.how == "built (2 of 2 reports tokenized)"
    assert rebuilt.index.search(rebuilt.index.analyze("ไทยชนะ"))[0].passage.section == "2"


def test_parallel_analysis_equals_the_one_done_here(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    here = builder.build([folder], None).index
    # Spawned worker processes, chunks of 3 passages, at most 4 in flight.
    monkeypatch.setattr(analysis, "PARALLEL_FROM", 1)
    monkeypatch.setattr(analysis, "CHUNK", 3)
    monkeypatch.setattr(analysis.os, "cpu_count", lambda: 2)
    cache = tmp_path / "cache"
    parallel = builder.build([folder], cache).index
    assert np.array_equal(parallel.facts, here.facts) and parallel.facts.any()
    for mine, theirs in zip(parallel.postings, here.postings, strict=True):
        assert list(mine.vocabulary) == list(theirs.vocabulary)
        assert np.array_equal(mine.weights, theirs.weights)
    warm = builder.load_or_build([folder], cache)
    assert warm.how == "cache" and np.array_equal(warm.index.facts, here.facts)


def test_cached_facts_are_those_the_index_works_out(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    builder.load_or_build([folder], cache)
    warm = builder.load_or_build([folder], cache).index
    worked_out = SearchIndex(*_parts(warm))
    assert np.array_equal(warm.facts, worked_out.facts)


def _parts(index: SearchIndex) -> tuple:
    passage_postings, report_postings = index.postings
    reports = list(index.reports.values())
    return index.passages, reports, index.tokenize, passage_postings, report_postings


QUESTIONS = ("แอปพลิเคชันไทยชนะ", "smart city", "ความร่วมมือด้านเศรษฐกิจดิจิทัล", "ไทยชะนะ", "ASEAN 2563")


@pytest.mark.parametrize("warm", [False, True])
def test_excerpts_from_stored_words_equal_freshly_analysed_ones(
    folder: Path, tmp_path: Path, warm: bool
) -> None:
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    cache = tmp_path / "cache"
    built = builder.load_or_build([folder], cache)
    index = builder.load_or_build([folder], cache).index if warm else built.index
    marked = 0
    for question in (*QUESTIONS, "รถไฟฟ้า"):
        query = index.analyze(question)
        hits = index.search(query, 12)
        assert hits
        stored = compose(question, query, hits, words=index.words)
        assert stored == compose(question, query, hits)  # words analysed again
        marked += sum(len(excerpt.marks) for excerpt in stored.excerpts)
    assert marked > 10


def test_an_index_keeps_reading_its_own_words_after_a_rebuild(
    folder: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    old = builder.load_or_build([folder], cache).index
    before = [ask(old, question) for question in QUESTIONS]
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    assert builder.load_or_build([folder], cache).how.startswith("built")  # cache replaced
    assert [ask(old, question) for question in QUESTIONS] == before


def test_a_truncated_words_file_is_not_trusted(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    builder.load_or_build([folder], cache)
    spans = cache / storage.SPANS
    spans.write_bytes(spans.read_bytes()[:-5])
    assert builder.load_or_build([folder], cache).how.startswith("built")


def _source(package: Path, module: str) -> str | None:
    """The file of a project module ("bot.index.query" -> "index/query.py"), if it is one."""
    path = module.removeprefix("bot").removeprefix(".").replace(".", "/")
    for name in (f"{path}.py", f"{path}/__init__.py"):
        if path and (package / name).is_file():
            return name
    return None


def _imported(package: Path, module: str, seen: set[str]) -> set[str]:
    """The files of the project modules `module` imports, directly or through others."""
    name = _source(package, module)
    if name is None or name in seen:
        return seen
    seen.add(name)
    if name.endswith("__init__.py") is False and "/" in name:
        _imported(package, module.rsplit(".", 1)[0], seen)  # importing it runs its package
    for node in ast.walk(ast.parse((package / name).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot"):
            _imported(package, node.module, seen)
            for alias in node.names:  # `from bot.index import storage` imports a module
                _imported(package, f"{node.module}.{alias.name}", seen)
    return seen


def test_the_signature_covers_the_code_and_data_that_shape_a_cache(tmp_path: Path) -> None:
    """A change to how passages are cut, tokens made or facts found must rebuild the cache
    (an unchanged corpus once kept serving passages of an older rule)."""
    package = Path(freshness.__file__).parent.parent
    assert all((package / name).is_file() for name in freshness.SHAPING_SOURCES)
    built_by = _imported(package, "bot.index.build", set())
    assert built_by == set(freshness.SHAPING_SOURCES[:-1]) | set(freshness.QUERY_TIME)
    assert f"sources {freshness._sources_hash()}" in freshness.signature()
    # The change that once went unseen: a passage's borrowed context made longer.
    copy = tmp_path / "bot"
    for name in freshness.SHAPING_SOURCES:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(package / name, copy / name)
    assert freshness.sources_hash(copy) == freshness.sources_hash()
    source = (copy / "passages.py").read_text(encoding="utf-8")
    edited = source.replace("CONTEXT_CHARS = 200", "CONTEXT_CHARS = 300")
    assert edited != source
    (copy / "passages.py").write_text(edited, encoding="utf-8")
    assert freshness.sources_hash(copy) != freshness.sources_hash()


def test_weights_of_other_bm25_parameters_are_counted_again(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    builder.load_or_build([folder], cache)
    manifest = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["bm25"] == {"k1": 1.5, "b": 0.75}
    manifest["bm25"] = {"k1": 1.2, "b": 0.75}
    (cache / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="bot.index.build"):
        assert builder.load_or_build([folder], cache).how == "built (1 of 1 reports tokenized)"
    assert "BM25 weights counted with {'k1': 1.2, 'b': 0.75}" in caplog.text
    assert builder.load_or_build([folder], cache).how == "cache"


def _beside(cache: Path) -> list[str]:
    return sorted(path.name for path in cache.parent.iterdir() if path.name != "corpus")


def test_what_a_crash_left_beside_the_cache_never_stops_a_save(
    folder: Path, tmp_path: Path
) -> None:
    """A crash once left `<cache>.old` half emptied, and every later save failed on it."""
    cache = tmp_path / "cache"
    builder.load_or_build([folder], cache)
    for leftover in ("cache.old", "cache.new", "cache.old-1x2y3z"):
        (tmp_path / leftover).mkdir()
        (tmp_path / leftover / "postings.npz").write_bytes(b"half written")
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    assert builder.load_or_build([folder], cache).how == "built (1 of 2 reports tokenized)"
    assert _beside(cache) == ["cache"]
    assert builder.load_or_build([folder], cache).how == "cache"


def test_every_build_stages_in_a_folder_of_its_own(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, second = storage.new_staging(cache), storage.new_staging(cache)
    assert first != second and first.parent == second.parent == tmp_path
    assert first.name.startswith("cache.new-") and not any(first.iterdir())


def test_a_save_that_fails_halfway_leaves_the_old_cache_and_nothing_else(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    builder.load_or_build([folder], cache)
    (folder / "new.txt").write_text(EXTRA, encoding="utf-8")
    real_save = np.save

    def disk_full(path: Path, array: np.ndarray) -> None:
        if Path(path).name == "report.weights.npy":
            raise OSError(28, "No space left on device")
        real_save(path, array)

    monkeypatch.setattr(storage.np, "save", disk_full)
    rebuilt = builder.load_or_build([folder], cache)
    assert rebuilt.index.search(rebuilt.index.analyze("รถไฟฟ้าสายใหม่"))[0].report.doc_id == "new"
    assert _beside(cache) == ["cache"]
    monkeypatch.setattr(storage.np, "save", real_save)
    assert builder.load_or_build([folder], cache).how == "built (1 of 2 reports tokenized)"
    assert builder.load_or_build([folder], cache).how == "cache"


def test_a_build_that_crashes_leaves_no_staging_folder(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"

    def crash(*args: object, **kwargs: object) -> None:
        raise MemoryError("killed while counting")

    monkeypatch.setattr(builder.SearchIndex, "from_tokens", crash)
    with pytest.raises(MemoryError):
        builder.build([folder], cache)
    assert _beside(cache) == []
