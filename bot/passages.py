"""Stage: Report -> Passages, split along the report's own structure.

Title, opening resolution, each numbered section and sub-item (`1.`, `1.1`, `1.1.1`, `(1)`),
closing remarks and the source line each become a passage that remembers its section label and
character offsets in the report text. Short list items also carry their parent heading's words
(`context`) for retrieval; very long paragraphs are cut at sentence or space boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.reports import Report

TITLE = "title"
INTRO = "intro"
SOURCE = "source"
SPECIAL = frozenset({TITLE, INTRO, SOURCE})

MAX_CHARS = 1200  # longer paragraphs are cut into parts of at most this many characters
SHORT_ITEM_CHARS = 160  # items shorter than this borrow their parent heading's words
LIST_ITEM_CHARS = 60  # siblings this short, LIST_ITEMS or more in a row, are read as one list
LIST_ITEMS = 3
CONTEXT_CHARS = 200  # how much of the parent heading they borrow
PARAGRAPH_CHARS = 700  # successive unnumbered paragraphs are joined up to this size
CONTINUATION_CHARS = 40  # an unnumbered line this short continues the line before (a hard wrap)

# `1.`, `1.2`, `1.2.3`, and `4.3)`: the label without its closing bracket.
_NUMBERED = re.compile(r"(?P<label>\d{1,2}\.(?:\d{1,2}\.?)*)\)?\s*(?=\S)")
# `(1)` and `1)`: a sub-item of the section above.
_PAREN_ITEM = re.compile(r"(?:\((?P<label>\d{1,2})\)|(?P<bare>\d{1,2})\))\s*(?=\S)")
_SOURCE_LINE = re.compile(r"ที่มา\s*[:：]")
_TITLE_WORD = re.compile(r"เรื่อง\s*[:：]?\s*")
_BREAKS = ("\n", ". ", "。", "  ", " ")


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of one report: `text` is what an excerpt quotes, `context` only helps retrieval.

    `source` is the whole report text (the same string object, not a copy) and the passage is
    source[start:end]: an archive's passages then cost no second copy of its text.
    """

    doc_id: str
    section: str
    source: str = field(repr=False)
    start: int
    end: int
    context: str = ""

    @property
    def text(self) -> str:
        """What an excerpt quotes."""
        return self.source[self.start : self.end]

    @property
    def indexed_text(self) -> str:
        """What retrieval reads: the borrowed context, then the passage itself."""
        return indexed_text(self.context, self.text)


def indexed_text(context: str, text: str) -> str:
    """What retrieval reads of a passage with this context and text."""
    return f"{context}\n{text}"


def text_offset(context: str) -> int:
    """Where the passage's own text starts in its `indexed_text`."""
    return len(context) + 1


@dataclass(frozen=True, slots=True)
class _Block:
    section: str
    start: int
    end: int
    first: str = ""  # for a run of list items read as one: the first item's section


def _is_sibling(a: _Block, b: _Block) -> bool:
    return a.section not in SPECIAL and _parent(a.section) == _parent(b.section)


def _lists(blocks: list[_Block]) -> list[_Block]:
    """Runs of at least LIST_ITEMS very short sibling items (a list of names, of places)
    joined into one block `1–10`: each alone says too little to answer, together they do."""
    joined: list[_Block] = []
    at = 0
    while at < len(blocks):
        end = at
        while (
            end < len(blocks)
            and blocks[end].end - blocks[end].start <= LIST_ITEM_CHARS
            and _is_sibling(blocks[at], blocks[end])
            and blocks[end].end - blocks[at].start <= MAX_CHARS
        ):
            end += 1
        if end - at >= LIST_ITEMS:
            first, last = blocks[at], blocks[end - 1]
            label = f"{first.section}–{last.section}"
            joined.append(_Block(label, first.start, last.end, first.section))
            at = end
        else:
            joined.append(blocks[at])
            at += 1
    return joined


def _lines(text: str) -> Iterator[tuple[int, int]]:
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = position + line.index(stripped[0])
            yield start, start + len(stripped)
        position += len(line) + 1


def _parent(section: str) -> str:
    if section.endswith(")"):
        return section[: section.rindex("(")]
    return section.rsplit(".", 1)[0] if "." in section else ""


def _blocks(text: str) -> list[_Block]:
    """Labelled line ranges, continuation lines merged into the block before them."""
    blocks: list[_Block] = []
    current = ""
    for index, (start, end) in enumerate(_lines(text)):
        line = text[start:end]
        numbered = _NUMBERED.match(line)
        paren = _PAREN_ITEM.match(line)
        if index == 0:
            title = _TITLE_WORD.match(line)
            blocks.append(_Block(TITLE, start + (title.end() if title else 0), end))
            continue
        if _SOURCE_LINE.match(line):
            blocks.append(_Block(SOURCE, start, end))
        elif numbered:
            current = numbered["label"].rstrip(".")
            blocks.append(_Block(current, start + numbered.end(), end))
        elif paren and current:
            label = paren["label"] or paren["bare"]
            blocks.append(_Block(f"{current}({label})", start + paren.end(), end))
        elif len(line) < CONTINUATION_CHARS and len(blocks) > 1 and blocks[-1].section != SOURCE:
            blocks[-1] = _Block(blocks[-1].section, blocks[-1].start, end)
        else:
            # An unnumbered paragraph after numbered items sums up the top-level section;
            # successive ones of one section are read together up to PARAGRAPH_CHARS.
            section = current.split(".")[0] if current else INTRO
            last = blocks[-1]
            if last.section == section and end - last.start <= PARAGRAPH_CHARS:
                blocks[-1] = _Block(section, last.start, end)
            else:
                blocks.append(_Block(section, start, end))
    return blocks


def _cut(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) parts of at most MAX_CHARS, cut at the latest sentence or space boundary."""
    while end - start > MAX_CHARS:
        window = text[start : start + MAX_CHARS]
        cut = next(
            (at + len(mark) for mark in _BREAKS if (at := window.rfind(mark)) >= MAX_CHARS // 2),
            MAX_CHARS,
        )
        piece_end = start + cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        yield start, piece_end
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def split_report(report: Report) -> list[Passage]:
    """The passages of one report, in reading order."""
    text = report.text
    blocks = _blocks(text)
    by_section = {block.section: block for block in reversed(blocks)}
    passages = []
    previous: _Block | None = None
    for block in _lists(blocks):
        context = ""
        parent = by_section.get(_parent(block.first or block.section))
        if parent is None and block.first and previous is not None:
            # A list at the top level is introduced by the paragraph before it
            # (`...แต่งตั้งกรรมการ จำนวน 10 คน ดังนี้`).
            parent = previous
        if parent and (block.end - block.start < SHORT_ITEM_CHARS or block.first):
            context = text[parent.start : min(parent.end, parent.start + CONTEXT_CHARS)]
        previous = block
        for start, end in _cut(text, block.start, block.end):
            passages.append(Passage(report.doc_id, block.section, text, start, end, context))
    return passages
