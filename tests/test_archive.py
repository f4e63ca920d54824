"""`python -m bot import`: meeting posts -> the archive, and the archive read back as the corpus.

The posts are the real ones in tests/data/posts, laid out as a clone of the two scrapes holds
them; the whole archive's own test is in test_corpus (the default corpus).
"""

from __future__ import annotations

import json
import lzma
import shutil
import subprocess
import sys
from pathlib import Path

from bot.archive import build_archive, write_archive
from bot.corpus import load_corpus, read_posts
from tests.conftest import PROJECT, shared_path
from tests.test_meetings import CUT_SHORT, HEADER_ONLY, POSTS, SPECIAL_MEETING


def _import(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "import", *args],
        cwd=cwd,
        env={"PYTHONPATH": str(PROJECT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _lines(archive: Path) -> list[dict[str, object]]:
    with lzma.open(archive, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _as_meetings_jsonl(folder: Path, out: Path) -> None:
    """The posts as a meetings JSONL, the other form a scrape comes in (`text`, `path`, `url`)."""
    with out.open("w", encoding="utf-8") as handle:
        for path in sorted(folder.rglob("*.txt")):
            text = path.read_text(encoding="utf-8")
            where = path.relative_to(folder).as_posix()
            handle.write(json.dumps({"path": where, "text": text}, ensure_ascii=False) + "\n")


def test_import_writes_one_line_per_item_and_accounts_for_every_post(tmp_path: Path) -> None:
    out = tmp_path / "archive.jsonl.xz"
    result = _import(str(POSTS), "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = _lines(out)
    assert len(lines) == 42
    assert lines[0] == {
        "id": "thaigov-3933-01",
        "meeting_date": "2017-05-23",
        "item_no": 1,
        "section": "กฎหมาย",
        "title": lines[0]["title"],
        "body": lines[0]["body"],
        "url": "https://www.thaigov.go.th/news/contents/details/3933",
        "chair": "พลเอก ประยุทธ์ จันทร์โอชา นายกรัฐมนตรี",
    }
    assert [line["meeting_date"] for line in lines] == sorted(
        str(line["meeting_date"]) for line in lines
    )
    report = result.stdout
    header_only = HEADER_ONLY.relative_to(POSTS).as_posix()
    cut_short = CUT_SHORT.relative_to(POSTS).as_posix()
    special = SPECIAL_MEETING.relative_to(POSTS).as_posix()
    assert f"  skipped  2018-02-13  {header_only}: header only, no numbered item" in report
    assert f"  9 items  2020-05-19  {cut_short}: the post stops after item 9 of the 23 " in report
    assert f"  4 items  2024-09-09  {special}\n" in report
    assert "6 posts read: 5 gave 42 items; 1 held no item (header only)" in report
    assert "0 unreadable; 0 other files were not meeting posts" in report
    assert f"wrote 42 items to {out} (" in report and " KB)" in report


def test_the_same_posts_give_the_same_bytes_from_a_clone_or_a_jsonl(tmp_path: Path) -> None:
    first, again, from_jsonl = (tmp_path / f"{name}.jsonl.xz" for name in ("a", "b", "c"))
    clone = tmp_path / "clone"
    shutil.copytree(POSTS, clone, ignore=shutil.ignore_patterns("*.jsonl"))
    write_archive(build_archive(read_posts([clone])).records, first)
    write_archive(build_archive(read_posts([POSTS])).records, again)
    meetings = tmp_path / "meetings_th.jsonl"
    _as_meetings_jsonl(clone, meetings)
    write_archive(build_archive(read_posts([meetings])).records, from_jsonl)
    assert first.read_bytes() == again.read_bytes() == from_jsonl.read_bytes()


def test_the_archive_reads_back_as_the_posts_read_directly(tmp_path: Path) -> None:
    out = tmp_path / "archive.jsonl.xz"
    write_archive(build_archive(read_posts([POSTS])).records, out)
    from_archive = load_corpus([out]).reports
    from_posts = load_corpus([POSTS]).reports
    assert len(from_archive) == len(from_posts) == 42
    for archived, direct in zip(from_archive, sorted(from_posts, key=_order), strict=True):
        assert archived.doc_id == direct.doc_id
        assert (archived.title, archived.text) == (direct.title, direct.text)
        assert (archived.meeting_date, archived.item_no) == (direct.meeting_date, direct.item_no)
        assert (archived.heading, archived.chair, archived.url) == (
            direct.heading,
            direct.chair,
            direct.url,
        )


def _order(report: object) -> tuple[object, ...]:
    return (report.meeting_date, int(report.doc_id.split("-")[1]), report.item_no)  # type: ignore[attr-defined]


def test_a_post_in_both_scrapes_or_posted_twice_is_kept_once(tmp_path: Path) -> None:
    clone = tmp_path / "clones"
    (clone / "a").mkdir(parents=True)
    (clone / "b").mkdir()
    text = SPECIAL_MEETING.read_text(encoding="utf-8")
    (clone / "a" / "post.txt").write_text(text, encoding="utf-8")
    (clone / "b" / "same-post.txt").write_text(text, encoding="utf-8")
    reposted = text.replace("details/87824", "details/87900")
    (clone / "b" / "reposted.txt").write_text(reposted, encoding="utf-8")
    built = build_archive(read_posts([clone]))
    assert [line["id"] for line in built.records] == [f"thaigov-87824-0{n}" for n in (1, 2, 3, 4)]
    notes = {outcome.label: outcome.note for outcome in built.outcomes if not outcome.items}
    assert notes == {
        "b/same-post.txt": "the same post as a/post.txt; left out",
        "b/reposted.txt": "the same meeting, posted again, as a/post.txt; left out",
    }


def test_posts_without_a_link_get_ids_from_their_path(tmp_path: Path) -> None:
    text = SPECIAL_MEETING.read_text(encoding="utf-8")
    unlinked = text.replace("https://www.thaigov.go.th/news/contents/details/87824", "")
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "special.txt").write_text(unlinked, encoding="utf-8")
    built = build_archive(read_posts([tmp_path]))
    assert [line["id"] for line in built.records][:2] == ["2024/special#1", "2024/special#2"]
    assert built.records[0]["url"] is None
    assert [r.doc_id for r in load_corpus([tmp_path]).reports][:1] == ["2024/special#1"]


def test_import_with_no_post_writes_nothing_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text("ข่าวทั่วไป ไม่ใช่สรุปข่าวการประชุม", encoding="utf-8")
    out = tmp_path / "archive.jsonl.xz"
    result = _import(str(tmp_path), "--out", str(out))
    assert result.returncode == 1 and not out.exists()
    assert "no meeting item found; nothing written" in result.stderr
    assert "1 other files were not meeting posts" in result.stdout
    missing = _import(str(tmp_path / "nowhere"), "--out", str(out))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_the_archive_is_written_as_its_name_says_and_readable_by_others(tmp_path: Path) -> None:
    records = build_archive(read_posts([POSTS])).records
    for name in ("a.jsonl", "a.jsonl.gz", "a.jsonl.xz"):
        write_archive(records, tmp_path / name)
        assert len(load_corpus([tmp_path / name]).reports) == 42
        assert (tmp_path / name).stat().st_mode & 0o044 == 0o044  # not private to its writer
    (tmp_path / "a.jsonl.xz").chmod(0o640)
    write_archive(records, tmp_path / "a.jsonl.xz")  # an update keeps the file's permissions
    assert (tmp_path / "a.jsonl.xz").stat().st_mode & 0o777 == 0o640
    wrong = _import(str(POSTS), "--out", str(tmp_path / "archive.txt"))
    assert wrong.returncode == 2 and "ends in .jsonl.xz, .jsonl.gz, .jsonl" in wrong.stderr
    assert not (tmp_path / "archive.txt").exists()


def test_a_readme_beside_the_posts_is_not_a_post(tmp_path: Path) -> None:
    shutil.copytree(POSTS, tmp_path / "clone")
    (tmp_path / "clone" / "README.md").write_text(
        "# สรุปข่าวการประชุมคณะรัฐมนตรี: a scrape of the posts\n", encoding="utf-8"
    )
    built = build_archive(read_posts([tmp_path / "clone"]))
    assert len(built.outcomes) == 6 and built.others == 1


def test_the_shipped_archive_is_what_import_makes_of_the_scraped_posts() -> None:
    """corpus/thaigov-cabinet-items.jsonl.xz holds exactly the records `import` makes of
    meetings_th.jsonl.xz with the code as it is (compared uncompressed: xz takes a minute)."""
    posts = read_posts([shared_path("data/thaigov-cabinet/meetings_th.jsonl.xz")])
    built = build_archive(posts)
    shipped = _lines(PROJECT / "corpus" / "thaigov-cabinet-items.jsonl.xz")
    assert len(built.records) == len(shipped) == 8852
    assert list(built.records) == shipped
