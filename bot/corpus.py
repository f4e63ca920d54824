"""Edge: corpus files -> Reports. The only module that reads report files.

A folder is read recursively (symlinked folders are not followed, so a link loop cannot trap
it). Each file that cannot be read or parsed is skipped with its reason; it never stops the
rest from loading.
"""

from __future__ import annotations

import gzip
import json
import logging
import lzma
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.meetings import looks_like_post
from bot.reports import EmptyPostError, Report, ReportFormatError, parse_records, parse_text
from bot.thaidate import find_iso_date

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.xz")
DOCUMENTATION = ("readme", "license", "licence", "copying", "changelog")  # names, not reports
MAX_FILE_BYTES = 512 * 2**20  # compressed or not; larger files are skipped with that reason
# How many bad JSONL line numbers one note lists before it only counts them.
_LISTED_BAD_LINES = 5


@dataclass(frozen=True, slots=True)
class FileNote:
    """Something to tell the operator about one file: why it was skipped, or what was repaired."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class Corpus:
    """What loading produced: the reports, the files skipped and why, and other notices."""

    reports: tuple[Report, ...]
    skipped: tuple[FileNote, ...]
    notices: tuple[FileNote, ...]
    files_read: int


class CorpusError(Exception):
    """A corpus path that does not exist or holds no readable report at all."""


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in JSONL_SUFFIXES + TEXT_SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return ""


def _looks_thai(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    thai = sum(1 for ch in letters if "\u0e00" <= ch <= "\u0e7f")
    return bool(letters) and thai / len(letters) >= 0.3


def decode(data: bytes) -> tuple[str, str | None]:
    """Text of a report file and a notice when it was not UTF-8; ValueError when it is neither."""
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        text = ""
    if _looks_thai(text):
        return text, "not UTF-8; decoded as TIS-620 (cp874)"
    raise ValueError(f"not valid UTF-8 (byte {utf8_error.start}) and not Thai TIS-620 text either")


def walk(root: Path) -> Iterator[Path]:
    """Files under `root`, sorted, without following symlinked folders."""
    for folder, subfolders, files in os.walk(root, followlinks=False):
        subfolders.sort()
        for name in sorted(files):
            yield Path(folder, name)


def jsonl_lines(path: Path) -> Iterator[bytes]:
    """The raw lines of a .jsonl file, or of one compressed as .jsonl.gz or .jsonl.xz."""
    opener = {".jsonl.gz": gzip.open, ".jsonl.xz": lzma.open}.get(_suffix(path), open)
    with opener(path, "rb") as handle:
        yield from handle


def _read_jsonl(path: Path, label: str, notices: list[FileNote]) -> list[Report]:
    reports: list[Report] = []
    bad: list[str] = []
    empty_posts = 0
    for number, raw in enumerate(jsonl_lines(path), start=1):
        if not raw.strip():
            continue
        try:
            reports.extend(parse_records(json.loads(decode(raw)[0]), source=label))
        except EmptyPostError:
            empty_posts += 1
        except ValueError as error:  # JSONDecodeError, ReportFormatError, undecodable bytes
            bad.append(f"line {number}: {error}")
        except RecursionError:
            bad.append(f"line {number}: nested too deeply to be a report")
    if empty_posts:
        notices.append(
            FileNote(label, f"{empty_posts} meeting post(s) skipped: header only, no item")
        )
    if bad:
        listed = "; ".join(bad[:_LISTED_BAD_LINES])
        more = f" (+{len(bad) - _LISTED_BAD_LINES} more)" if len(bad) > _LISTED_BAD_LINES else ""
        notices.append(FileNote(label, f"{len(bad)} bad line(s) skipped: {listed}{more}"))
    if not reports:
        raise ReportFormatError("no valid JSONL record")
    return reports


def _read_text(path: Path, doc_id: str, label: str, notices: list[FileNote]) -> list[Report]:
    text, notice = decode(path.read_bytes())
    if notice:
        notices.append(FileNote(label, notice))
    parsed = parse_text(doc_id, text, source=label, fallback_date=find_iso_date(path.name))
    notices.extend(FileNote(label, note) for note in parsed.notes)
    return parsed.reports


def _read_file(path: Path, label: str, notices: list[FileNote]) -> list[Report]:
    if _suffix(path) in JSONL_SUFFIXES:
        return _read_jsonl(path, label, notices)
    # A report file's id is its path in the corpus folder, without the extension.
    return _read_text(path, label[: -len(_suffix(path))], label, notices)


def printable(name: str) -> str:
    """A file name as text that can be shown anywhere (undecodable bytes become U+FFFD)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _not_readable(path: Path) -> str | None:
    """Why a file must not be read (a FIFO or device would block or never end), or None."""
    info = path.stat()  # follows links: a link to /dev/zero is a device
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a pipe, device or socket)"
    if info.st_size > MAX_FILE_BYTES:
        return f"larger than {MAX_FILE_BYTES // 2**20} MB"
    return None


@dataclass(frozen=True, slots=True)
class RawPost:
    """One meeting post as read, unsplit: where it came from, its text, its link if given."""

    label: str
    text: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class RawPosts:
    """The meeting posts found under some paths, the files that could not be read and why,
    and how many readable files held something else (other news in a scrape's clone)."""

    posts: tuple[RawPost, ...]
    skipped: tuple[FileNote, ...]
    others: int


def _posts_in_jsonl(path: Path, label: str) -> tuple[list[RawPost], list[int]]:
    """The posts of a meetings JSONL (`text`, `path`, `url`), and the lines holding none."""
    posts: list[RawPost] = []
    others: list[int] = []
    for number, raw in enumerate(jsonl_lines(path), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(decode(raw)[0])
        except (ValueError, RecursionError):
            record = None
        if not isinstance(record, dict):
            record = {}
        text, where, url = record.get("text"), record.get("path"), record.get("url")
        if not isinstance(text, str) or not looks_like_post(text):
            others.append(number)
            continue
        posts.append(
            RawPost(
                printable(where) if isinstance(where, str) and where else f"{label}:{number}",
                text,
                url if isinstance(url, str) else None,
            )
        )
    return posts, others


def read_posts(paths: Iterable[Path | str]) -> RawPosts:
    """Meeting posts as scraped: `.txt` files (a clone of thaigov-corpus or thaigov-v2-corpus)
    and meetings JSONL lines (`text`, `path`, `url`). Files that are not posts are counted."""
    posts: list[RawPost] = []
    skipped: list[FileNote] = []
    others = 0
    for path, label in _files(paths):
        suffix = _suffix(path)
        if not suffix or _is_documentation(path):
            others += 1
            continue
        try:
            problem = _not_readable(path)
            if problem:
                skipped.append(FileNote(label, problem))
            elif suffix in JSONL_SUFFIXES:
                found, not_posts = _posts_in_jsonl(path, label)
                posts.extend(found)
                if not found:
                    others += 1  # a JSONL of something else: reports, questions
                elif not_posts:
                    listed = ", ".join(map(str, not_posts[:_LISTED_BAD_LINES]))
                    message = f"{len(not_posts)} line(s) without a meeting post: {listed}"
                    skipped.append(FileNote(label, message))
            else:
                text, _ = decode(path.read_bytes())
                if looks_like_post(text):
                    posts.append(RawPost(label, text))
                else:
                    others += 1
        except (OSError, ValueError, EOFError, lzma.LZMAError) as error:
            skipped.append(FileNote(label, str(error) or type(error).__name__))
    return RawPosts(tuple(posts), tuple(skipped), others)


def _is_documentation(path: Path) -> bool:
    return path.name.lower().startswith(DOCUMENTATION) and _suffix(path) in TEXT_SUFFIXES


def _files(paths: Iterable[Path | str]) -> Iterator[tuple[Path, str]]:
    """Every file under the paths (a path may be a file) and its name relative to its path;
    CorpusError for a path that does not exist."""
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise CorpusError(f"corpus path {str(root)!r} does not exist")
        base = root if root.is_dir() else root.parent
        for path in [root] if root.is_file() else walk(root):
            yield path, printable(path.relative_to(base).as_posix())


def load_corpus(paths: Iterable[Path | str]) -> Corpus:
    """Reports from files and folders; unreadable files are listed in `skipped`, never raised."""
    reports: dict[str, Report] = {}
    skipped: list[FileNote] = []
    notices: list[FileNote] = []
    files_read = 0
    for path, label in _files(paths):
        if _is_documentation(path):
            continue  # a folder's README or licence describes the reports; it is not one
        if not _suffix(path):
            if not path.name.startswith("."):
                skipped.append(FileNote(label, "not a report file (.txt .md .jsonl[.gz|.xz])"))
            continue
        try:
            problem = _not_readable(path)
            if problem:
                skipped.append(FileNote(label, problem))
                continue
            found = _read_file(path, label, notices)
        except (OSError, ValueError, EOFError, lzma.LZMAError) as error:
            skipped.append(FileNote(label, str(error) or type(error).__name__))
            continue
        files_read += 1
        for report in found:
            if report.doc_id in reports:
                notices.append(
                    FileNote(label, f"duplicate id {report.doc_id!r} ignored (first kept)")
                )
                continue
            reports[report.doc_id] = report
    return Corpus(tuple(reports.values()), tuple(skipped), tuple(notices), files_read)
