"""Corpus loading of hostile files: a 50 MB one-line text, duplicate ids across formats,
TIS-620, unreadable files, symlink loops, a FIFO and a device, malformed JSONL, undecodable
file names. Each bad file is skipped with its reason; the rest always loads.

Files that could block or exhaust the test process (a FIFO, a link to /dev/zero) are read
under a deadline or in a child process with a memory limit.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import pytest

from bot.answer import ask
from bot.corpus import Corpus, load_corpus
from bot.index.build import from_reports
from bot.passages import MAX_CHARS
from bot.render import telegram_length, to_html, to_text
from bot.reports import MAX_TITLE_CHARS
from tests.isolated import run_isolated

REPORT = (
    "เรื่อง โครงการทดสอบ\nคณะรัฐมนตรีมีมติอนุมัติโครงการไทยชนะ\nที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ 1 มกราคม 2567\n"
)
BIG_MB = 50


def _good(folder: Path) -> None:
    (folder / "good.txt").write_text(REPORT, encoding="utf-8")


def _record(doc_id: str, title: str = "ทดสอบ", body: str = "คณะรัฐมนตรีมีมติ") -> str:
    return json.dumps({"id": doc_id, "title": title, "body": body}, ensure_ascii=False)


def _skipped(corpus: Corpus) -> dict[str, str]:
    return {note.path: note.message for note in corpus.skipped}


def test_a_50_mb_single_line_file_loads_and_so_does_the_rest(tmp_path: Path) -> None:
    unit = "คณะรัฐมนตรีมีมติอนุมัติโครงการเมืองอัจฉริยะและแอปพลิเคชันไทยชนะ ".encode()
    data = unit * (BIG_MB * 2**20 // len(unit))
    (tmp_path / "huge.txt").write_bytes(data)
    del data
    _good(tmp_path)
    # In a child process, so that a hang is killed rather than waited for (it took 3-4 s on
    # the 2-core dev machine, peak RSS about 1.5 GB in clean()).
    result = run_isolated(
        f"""
        import json
        from bot.corpus import load_corpus
        from bot.passages import split_report
        corpus = load_corpus([{str(tmp_path)!r}])
        huge = [report for report in corpus.reports if report.doc_id == "huge"]
        passages = split_report(huge[0]) if huge else []
        print(json.dumps({{
            "reports": sorted(report.doc_id for report in corpus.reports),
            "skipped": [note.path for note in corpus.skipped],
            "title": max((len(report.title) for report in huge), default=0),
            "passages": len(passages),
            "longest": max((len(passage.text) for passage in passages), default=0),
        }}))
        """,
        timeout=300,
    )
    assert "good" in result.get("reports", []), result
    if "huge" in result["reports"]:
        assert 0 < result["title"] <= MAX_TITLE_CHARS  # the endless line is not the title
        assert result["passages"] and 0 < result["longest"] <= MAX_CHARS
    else:
        assert "huge.txt" in result["skipped"]


def test_duplicate_ids_across_text_and_jsonl_keep_the_first_in_walk_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(_record("a", title="จาก JSONL") + "\n", encoding="utf-8")
    # A whole-meeting file gives ids m#1 and m#2; a record elsewhere claims m#1 too.
    meeting = (
        "สรุปผลการประชุมคณะรัฐมนตรี\n1. เรื่อง ข้อแรก\nรายละเอียดข้อแรก\n"
        "2. เรื่อง ข้อสอง\nรายละเอียดข้อสอง\nที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ 1 มกราคม 2567\n"
    )
    (tmp_path / "m.txt").write_text(meeting, encoding="utf-8")
    (tmp_path / "z.jsonl").write_text(_record("m#1", title="ซ้ำ") + "\n", encoding="utf-8")
    corpus = load_corpus([tmp_path, tmp_path / "a.txt"])  # the same file given twice, too
    ids = [report.doc_id for report in corpus.reports]
    assert sorted(ids) == ["a", "m#1", "m#2"]
    kept = {report.doc_id: report for report in corpus.reports}
    assert kept["a"].title == "จาก JSONL"  # a.jsonl sorts before a.txt
    assert kept["m#1"].title == "ข้อแรก"
    duplicates = sorted((note.path, note.message) for note in corpus.notices)
    assert duplicates == [
        ("a.txt", "duplicate id 'a' ignored (first kept)"),
        ("a.txt", "duplicate id 'a' ignored (first kept)"),
        ("z.jsonl", "duplicate id 'm#1' ignored (first kept)"),
    ]
    assert corpus.skipped == ()


def test_tis620_text_and_jsonl_load_and_stray_bytes_are_explained(tmp_path: Path) -> None:
    thai_digits = REPORT.replace("1 มกราคม 2567", "๑ มกราคม ๒๕๖๗")
    (tmp_path / "old.md").write_bytes(thai_digits.encode("cp874"))
    (tmp_path / "old.jsonl").write_bytes((_record("tis", title="ภาษาไทย") + "\n").encode("cp874"))
    # UTF-8 Thai with one stray Windows-874 byte (a curly quote): neither encoding reads it.
    (tmp_path / "mixed.txt").write_bytes(REPORT.encode() + b"\x93")
    corpus = load_corpus([tmp_path])
    reports = {report.doc_id: report for report in corpus.reports}
    assert reports["old"].title == "โครงการทดสอบ"
    assert reports["old"].meeting_date is not None and reports["old"].meeting_date.year == 2024
    assert reports["tis"].title == "ภาษาไทย"
    assert "TIS-620" in {note.path: note.message for note in corpus.notices}["old.md"]
    assert "not valid UTF-8 (byte" in _skipped(corpus)["mixed.txt"]


def test_an_unreadable_file_is_skipped_with_its_reason() -> None:
    # Under root (CI, containers) chmod 000 stops nobody, so the corpus is read by a child
    # process that becomes the unprivileged user `nobody` once its modules are imported.
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        folder.chmod(0o755)  # others may look inside; the locked file stays locked
        _good(folder)
        locked = folder / "locked.txt"
        locked.write_text(REPORT, encoding="utf-8")
        locked.chmod(0)
        become_nobody = "os.setgid(65534); os.setuid(65534)" if os.geteuid() == 0 else ""
        result = run_isolated(
            f"""
            import json, os
            from bot.corpus import load_corpus
            {become_nobody}
            corpus = load_corpus([{str(folder)!r}])
            print(json.dumps({{"reports": [r.doc_id for r in corpus.reports],
                               "skipped": {{n.path: n.message for n in corpus.skipped}}}}))
            """,
            timeout=60,
        )
        locked.chmod(0o644)
    assert result.get("reports") == ["good"], result
    assert "Permission denied" in str(result["skipped"])


def test_a_folder_named_like_a_report_is_read_as_a_folder(tmp_path: Path) -> None:
    (tmp_path / "x.txt").mkdir()
    _good(tmp_path / "x.txt")
    (tmp_path / "empty.jsonl").mkdir()
    corpus = load_corpus([tmp_path])
    assert [report.doc_id for report in corpus.reports] == ["x.txt/good"]
    assert corpus.skipped == ()


def test_symlink_loops_between_files_are_skipped_with_their_reason(tmp_path: Path) -> None:
    _good(tmp_path)
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "self.jsonl").symlink_to(tmp_path / "self.jsonl")
    (tmp_path / "up").symlink_to(tmp_path.parent)
    corpus = load_corpus([tmp_path])
    assert [report.doc_id for report in corpus.reports] == ["good"]
    reasons = _skipped(corpus)
    assert set(reasons) == {"a.txt", "b.txt", "self.jsonl"}
    assert all(reasons.values()), reasons  # today: "[Errno 40] Too many levels of symbolic links"


def test_a_fifo_named_like_a_report_does_not_block_loading(tmp_path: Path) -> None:
    _good(tmp_path)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    loaded: list[Corpus] = []
    worker = threading.Thread(target=lambda: loaded.append(load_corpus([tmp_path])))
    worker.start()
    worker.join(timeout=5)
    blocked = worker.is_alive()
    deadline = time.monotonic() + 10
    while worker.is_alive() and time.monotonic() < deadline:
        # Unblock the reader: opening the write end and closing it gives it end-of-file.
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:  # ENXIO: the reader has not opened it yet
            time.sleep(0.05)
        worker.join(timeout=0.2)
    assert not worker.is_alive(), "load_corpus still blocked on the FIFO"
    assert not blocked, "load_corpus blocked on a FIFO until a writer came (5 s)"
    [corpus] = loaded
    assert [report.doc_id for report in corpus.reports] == ["good"]
    assert "pipe.txt" in _skipped(corpus)


def test_a_link_to_an_endless_device_is_skipped(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    _good(tmp_path)
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    # Read in a child process with 300 MB more address space than it needs to start: an
    # endless read fails there with MemoryError instead of eating this machine's memory.
    result = run_isolated(
        f"""
        import json
        from bot.corpus import load_corpus
        # LIMIT
        corpus = load_corpus([{str(tmp_path)!r}])
        print(json.dumps({{"reports": [r.doc_id for r in corpus.reports],
                           "skipped": [n.path for n in corpus.skipped]}}))
        """,
        timeout=60,
        memory_mb=300,
    )
    assert result == {"reports": ["good"], "skipped": ["zero.txt"]}


def test_malformed_jsonl_lines_are_counted_and_good_lines_load(tmp_path: Path) -> None:
    lines = [
        _record("first"),
        "[" * 100_000,  # nested too deep for the json module: RecursionError
        '{"id": ' + "9" * 5000 + "}",  # an integer too long to convert: ValueError
        "null",
        '"just a string"',
        "3.5",
        '{"id": ["x"], "body": "y"}',
        '{"id": "", "body": "y"}',
        '{"id": "no-text", "title": "t"}',
        '{"id": "nul", "body": "a\\u0000b"}',
        "{'single': 'quotes'}",
        '{"id": "dup-key", "id": "dup-key-2", "body": "ข้อความ"}',
        _record("last") + "\r",
        '{"id": "truncated", "body": "ไม่ครบ',
    ]
    raw = ("\n".join(lines)).encode() + b"\n\xff\xfe\x00\x00binary\n"
    (tmp_path / "mixed.jsonl").write_bytes(b"\xef\xbb\xbf" + raw)
    corpus = load_corpus([tmp_path])
    ids = sorted(report.doc_id for report in corpus.reports)
    assert ids == ["dup-key-2", "first", "last", "nul"]
    [note] = corpus.notices
    assert note.path == "mixed.jsonl"
    assert note.message.startswith("11 bad line(s) skipped: line 2:"), note.message
    assert corpus.skipped == ()


def test_a_truncated_archive_is_skipped_and_the_rest_loads(tmp_path: Path) -> None:
    _good(tmp_path)
    whole = gzip.compress(("\n".join(_record(f"r{n}") for n in range(2000)) + "\n").encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "cut.jsonl.xz").write_bytes(b"\xfd7zXZ\x00\x00")
    corpus = load_corpus([tmp_path])
    assert [report.doc_id for report in corpus.reports] == ["good"]
    assert set(_skipped(corpus)) == {"cut.jsonl.gz", "cut.jsonl.xz"}


def test_a_file_name_that_is_not_utf8_still_gives_valid_replies(tmp_path: Path) -> None:
    # Thai file names from Windows zip archives are often TIS-620 bytes: Python names such a
    # file with lone surrogates, which no UTF encoding (nor Telegram) accepts.
    name = os.fsdecode("รายงาน.txt".encode("cp874"))  # "\udcc3\udcd2§ҹ.txt"
    (tmp_path / name).write_bytes(REPORT.encode())
    corpus = load_corpus([tmp_path])
    [report] = corpus.reports
    surrogates = [ch for ch in report.source if "\ud800" <= ch <= "\udfff"]
    assert not surrogates, f"the citation's source {report.source!r} cannot be sent"
    answer = ask(from_reports(corpus.reports), "ไทยชนะ")
    assert answer.found
    html = to_html(answer)
    assert telegram_length(html) <= 4096
    html.encode("utf-8")  # what the Bot API request will be
    to_text(answer).encode("utf-8")
