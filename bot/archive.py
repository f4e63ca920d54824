"""Edge: meeting posts -> the archive file (`python -m bot import SRC... --out FILE.jsonl.xz`).

Posts are read as scraped (`corpus.read_posts`: a clone of thaigov-corpus or thaigov-v2-corpus,
or a meetings JSONL), split into items by `bot.meetings`, and written one JSON line per item,
xz-compressed. A post that repeats another (one post in both scrapes, or a meeting posted twice
under two links) is left out, keeping the fuller copy. The order is fixed (meeting date, post,
item number) and so are the bytes: the same sources always give the same file.
"""

from __future__ import annotations

import gzip
import json
import lzma
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, cast

from bot.corpus import FileNote, RawPost, RawPosts
from bot.meetings import Meeting, NotAPostError, banner_date, parse_post, same_title
from bot.reports import item_id, post_notes

ARCHIVE_SUFFIXES = (".jsonl.xz", ".jsonl.gz", ".jsonl")
XZ_PRESET = 9  # the archive is written once and read at every cold start: smallest wins
# Two posts of one meeting date whose titles agree this much are one meeting posted twice.
SAME_MEETING_SHARE = 0.8


EMPTY = "empty"  # a post holding no item
REPEAT = "repeat"  # a post repeating another that is kept instead


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """What became of one post: how many items it gave, and why it gave fewer or none
    (`left_out`: EMPTY or REPEAT when it gave none)."""

    label: str
    meeting_date: date | None
    items: int
    note: str = ""
    left_out: str = ""


@dataclass(frozen=True, slots=True)
class Archive:
    """The items to write, one record each, and a line of account for every post read."""

    records: tuple[dict[str, Any], ...]
    outcomes: tuple[PostOutcome, ...]
    skipped: tuple[FileNote, ...]
    others: int

    @property
    def posts(self) -> int:
        """How many posts went into the archive."""
        return sum(1 for outcome in self.outcomes if outcome.items)


@dataclass(frozen=True, slots=True)
class _Parsed:
    post: RawPost
    meeting: Meeting

    @property
    def size(self) -> tuple[int, int]:
        return len(self.meeting.items), sum(len(item.body) for item in self.meeting.items)

    @property
    def order(self) -> tuple[date, int, str]:
        post = self.meeting.post_id
        return (self.meeting.meeting_date or date.min, int(post) if post else 0, self.post.label)


def _fallback_id(label: str) -> str:
    return label[: -len(".txt")] if label.lower().endswith(".txt") else label


def records(parsed: _Parsed) -> list[dict[str, Any]]:
    """The archive lines of one post's items."""
    meeting = parsed.meeting
    day = meeting.meeting_date.isoformat() if meeting.meeting_date else None
    return [
        {
            "id": item_id(meeting, item.number, _fallback_id(parsed.post.label)),
            "meeting_date": day,
            "item_no": item.number,
            "section": item.section,
            "title": item.title,
            "body": item.body,
            "url": meeting.url,
            "chair": meeting.chair,
        }
        for item in meeting.items
    ]


def _same_meeting(a: Meeting, b: Meeting) -> bool:
    if a.meeting_date is None or a.meeting_date != b.meeting_date:
        return False
    matched = sum(1 for x in a.items if any(same_title(x.title, y.title) for y in b.items))
    return matched >= SAME_MEETING_SHARE * min(len(a.items), len(b.items))


def _keep_fullest(group: Sequence[_Parsed], why: str) -> tuple[_Parsed, dict[str, str]]:
    """The fullest copy of a post, and a note for each other copy."""
    best = max(group, key=lambda p: (p.size, -p.order[1]))  # then the older post
    notes = {p.post.label: f"{why} {best.post.label}; left out" for p in group if p is not best}
    return best, notes


def _without_repeats(parsed: Sequence[_Parsed]) -> tuple[list[_Parsed], dict[str, str]]:
    notes: dict[str, str] = {}
    by_post: dict[str, list[_Parsed]] = defaultdict(list)
    unique: list[_Parsed] = []
    for one in parsed:
        post = one.meeting.post_id
        if post:
            by_post[post].append(one)
        else:
            unique.append(one)
    for group in by_post.values():
        best, dropped = _keep_fullest(group, "the same post as")
        unique.append(best)
        notes |= dropped
    unique.sort(key=lambda p: p.order)
    kept: list[_Parsed] = []
    for one in unique:
        twin = next((k for k in kept if _same_meeting(k.meeting, one.meeting)), None)
        if twin is None:
            kept.append(one)
            continue
        best, dropped = _keep_fullest([twin, one], "the same meeting, posted again, as")
        notes |= dropped
        kept[kept.index(twin)] = best
    return kept, notes


def build_archive(found: RawPosts) -> Archive:
    """The archive of these posts, in its fixed order, with an account of every post."""
    parsed: list[_Parsed] = []
    outcomes: dict[str, PostOutcome] = {}
    for post in found.posts:
        try:
            meeting = parse_post(post.text, post.url)
        except NotAPostError as error:
            day = banner_date(post.text)
            outcomes[post.label] = PostOutcome(post.label, day, 0, str(error), EMPTY)
            continue
        parsed.append(_Parsed(post, meeting))
    kept, repeats = _without_repeats(parsed)
    for one in parsed:
        label = one.post.label
        if label in repeats:
            day = one.meeting.meeting_date
            outcomes[label] = PostOutcome(label, day, 0, repeats[label], REPEAT)
        else:
            note = "; ".join(post_notes(one.meeting))
            items = len(one.meeting.items)
            outcomes[label] = PostOutcome(label, one.meeting.meeting_date, items, note)
    lines = [record for one in kept for record in records(one)]
    ordered = sorted(outcomes.values(), key=lambda o: (o.meeting_date or date.min, o.label))
    return Archive(tuple(lines), tuple(ordered), found.skipped, found.others)


def archive_kind(out: Path) -> str:
    """The compression an archive's name asks for (`.jsonl.xz`, `.jsonl.gz` or `.jsonl`, as the
    corpus reader knows them); ValueError for any other name."""
    for kind in ARCHIVE_SUFFIXES:
        if out.name.lower().endswith(kind):
            return kind
    raise ValueError(f"{out.name}: an archive's name ends in {', '.join(ARCHIVE_SUFFIXES)}")


def write_archive(lines: Iterable[dict[str, Any]], out: Path) -> int:
    """Write the records as JSON lines compressed as the name says, whole or not at all (a
    failure leaves the old file); the bytes written."""
    kind = archive_kind(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as raw, _compressed(raw, kind) as stream:
            for record in lines:
                stream.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        # mkstemp makes the file private; an archive is read by whoever runs the bot.
        Path(temporary).chmod(_mode(out))
        Path(temporary).replace(out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out.stat().st_size


def _compressed(raw: BinaryIO, kind: str) -> AbstractContextManager[BinaryIO]:
    # Neither stream records a file name or a time, so equal records give equal bytes.
    if kind == ".jsonl.xz":
        return cast(AbstractContextManager[BinaryIO], lzma.LZMAFile(raw, "wb", preset=XZ_PRESET))
    if kind == ".jsonl.gz":
        stream = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
        return cast(AbstractContextManager[BinaryIO], stream)
    return nullcontext(raw)


def _mode(out: Path) -> int:
    """The permissions a new archive gets: the old file's, else what the umask allows."""
    try:
        return out.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def describe(archive: Archive) -> list[str]:
    """One line per post read (items found, or why none), then the totals."""
    lines = []
    for outcome in archive.outcomes:
        day = outcome.meeting_date.isoformat() if outcome.meeting_date else "date unknown"
        if outcome.left_out:
            lines.append(f"  skipped  {day}  {outcome.label}: {outcome.note}")
        else:
            note = f": {outcome.note}" if outcome.note else ""
            lines.append(f"{outcome.items:3d} items  {day}  {outcome.label}{note}")
    lines += [f"  skipped  {note.path}: {note.message}" for note in archive.skipped]
    empty = sum(1 for o in archive.outcomes if o.left_out == EMPTY)
    repeated = sum(1 for o in archive.outcomes if o.left_out == REPEAT)
    short = sum(1 for o in archive.outcomes if o.items and o.note)
    lines.append(
        f"{len(archive.outcomes)} posts read: {archive.posts} gave {len(archive.records)} items; "
        f"{empty} held no item (header only), {repeated} repeated another post, "
        f"{short} lack some of the items their contents list; {len(archive.skipped)} unreadable; "
        f"{archive.others} other files were not meeting posts"
    )
    return lines
