"""Corpus loading: folders, formats, encodings, and bad files skipped with a reason."""

from __future__ import annotations

import gzip
import json
import lzma
from datetime import date
from pathlib import Path

import pytest

from bot.corpus import CorpusError, FileNote, decode, load_corpus
from tests.conftest import SEED, SEED_ID

REPORT = "เรื่อง โครงการทดสอบ\nคณะรัฐมนตรีมีมติอนุมัติโครงการ\nที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ 1 มกราคม 2567\n"


def _records(*ids: str) -> str:
    return "".join(
        json.dumps({"id": i, "title": f"เรื่อง {i}", "body": "คณะรัฐมนตรีมีมติ"}, ensure_ascii=False)
        + "\n"
        for i in ids
    )


def test_the_default_corpus_is_the_seed_and_the_shipped_archive() -> None:
    corpus = load_corpus([SEED.parent])
    seed, *archive = corpus.reports
    assert seed.doc_id == SEED_ID and len(archive) == 8852
    assert corpus.skipped == () and corpus.notices == ()
    assert corpus.files_read == 2  # corpus/README.md describes them and is no report
    first = archive[0]
    assert (first.doc_id, first.meeting_date, first.item_no) == (
        "thaigov-3933-01",
        date(2017, 5, 23),
        1,
    )
    assert first.heading == "กฎหมาย" and first.chair == "พลเอก ประยุทธ์ จันทร์โอชา นายกรัฐมนตรี"
    assert first.url == "https://www.thaigov.go.th/news/contents/details/3933"
    assert first.title.startswith("ร่างพระราชกำหนดเรือไทย")
    assert max(r.meeting_date for r in archive if r.meeting_date) == date(2025, 9, 2)


def test_folder_is_read_recursively_with_path_ids(tmp_path: Path) -> None:
    (tmp_path / "2024" / "01").mkdir(parents=True)
    (tmp_path / "2024" / "01" / "item.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "notes.md").write_text(REPORT, encoding="utf-8")
    (tmp_path / "export.jsonl").write_text(_records("r-1", "r-2"), encoding="utf-8")
    with gzip.open(tmp_path / "more.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(_records("g-1"))
    with lzma.open(tmp_path / "more.jsonl.xz", "wt", encoding="utf-8") as handle:
        handle.write(_records("x-1"))
    corpus = load_corpus([tmp_path])
    assert sorted(r.doc_id for r in corpus.reports) == [
        "2024/01/item",
        "g-1",
        "notes",
        "r-1",
        "r-2",
        "x-1",
    ]
    assert corpus.skipped == () and corpus.files_read == 5


def test_a_single_file_can_be_the_corpus() -> None:
    assert [r.doc_id for r in load_corpus([SEED]).reports] == [SEED_ID]


def test_tis620_file_is_decoded_and_reported(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_bytes(REPORT.encode("cp874"))
    corpus = load_corpus([tmp_path])
    assert corpus.reports[0].title == "โครงการทดสอบ"
    assert [n.message for n in corpus.notices] == ["not UTF-8; decoded as TIS-620 (cp874)"]


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(b"\xef\xbb\xbf" + REPORT.replace("\n", "\r\n").encode())
    [report] = load_corpus([tmp_path]).reports
    assert report.title == "โครงการทดสอบ" and "\r" not in report.text


def test_bad_files_are_skipped_with_reasons_and_the_rest_loads(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin.txt").write_bytes("Ça coûte très cher ÿ".encode("latin-1"))
    (tmp_path / "broken.jsonl.gz").write_bytes(b"not gzip at all")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop").symlink_to(tmp_path)
    corpus = load_corpus([tmp_path])
    assert [r.doc_id for r in corpus.reports] == ["good"]
    reasons = {note.path: note.message for note in corpus.skipped}
    assert set(reasons) == {
        "empty.txt",
        "binary.txt",
        "latin.txt",
        "broken.jsonl.gz",
        "image.png",
        "dangling.txt",
    }
    assert "no text" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "not valid UTF-8" in reasons["latin.txt"]
    assert "not a report file" in reasons["image.png"]


def test_malformed_jsonl_lines_are_skipped_and_good_lines_load(tmp_path: Path) -> None:
    lines = _records("a") + "{not json\n" + '["a list"]\n' + '{"title": "no id"}\n' + _records("b")
    (tmp_path / "mixed.jsonl").write_text(lines + "\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert [r.doc_id for r in corpus.reports] == ["a", "b"]
    [note] = corpus.notices
    assert note.message.startswith("3 bad line(s) skipped: line 2:")


def test_duplicate_ids_keep_the_first_and_say_so(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(_records("same"), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(_records("same", "other"), encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert [r.doc_id for r in corpus.reports] == ["same", "other"]
    assert [n.message for n in corpus.notices] == ["duplicate id 'same' ignored (first kept)"]


def test_missing_corpus_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus([tmp_path / "nope"])


def test_decode_rejects_text_that_is_neither_utf8_nor_thai() -> None:
    assert decode("ไทย".encode())[0] == "ไทย"
    assert decode("ไทย".encode("cp874")) == ("ไทย", "not UTF-8; decoded as TIS-620 (cp874)")
    with pytest.raises(ValueError, match="binary"):
        decode(b"a\x00b")


def test_a_folder_of_raw_meeting_posts_loads_as_their_items(tmp_path: Path) -> None:
    from tests.test_meetings import CUT_SHORT, HEADER_ONLY, POSTS

    corpus = load_corpus([POSTS])
    assert len(corpus.reports) == 42 and corpus.files_read == 5  # and one header only
    header_only = HEADER_ONLY.relative_to(POSTS).as_posix()
    assert _notes(corpus.skipped) == {
        header_only: "meeting post without items (header only, no numbered item)"
    }
    cut_short = _notes(corpus.notices)[CUT_SHORT.relative_to(POSTS).as_posix()]
    assert cut_short.startswith("the post stops after item 9 of the 23 items its contents list")
    # The same posts as a meetings JSONL (text, path, url), as shared/data holds them.
    lines = [
        json.dumps({"path": p.name, "text": p.read_text(encoding="utf-8")}, ensure_ascii=False)
        for p in sorted(POSTS.rglob("*.txt"))
    ]
    (tmp_path / "meetings.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_jsonl = load_corpus([tmp_path])
    assert sorted(r.doc_id for r in from_jsonl.reports) == sorted(r.doc_id for r in corpus.reports)
    assert _notes(from_jsonl.notices) == {
        "meetings.jsonl": "1 meeting post(s) skipped: header only, no item"
    }


def _notes(notes: tuple[FileNote, ...]) -> dict[str, str]:
    return {note.path: note.message for note in notes}
