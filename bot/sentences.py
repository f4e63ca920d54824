"""Stage: passage text -> sentences, the pieces an excerpt is made of.

Lines, `. ` and the spaces Thai writes between sentences (and, alas, between clauses: short
pieces join the next one; long ones are cut at a space).
"""

from __future__ import annotations

import re

# A space before `(กษ.)` or `(องค์การมหาชน)` is not a sentence end: the aside belongs to the
# name before it (one before `(1)` may be); nor is one before the repetition mark (`ต่าง ๆ`), before
# or after an era (`อุดรธานี พ.ศ. 2569`), or after an abbreviation in brackets, which the
# sentence goes on from (`กระทรวงเกษตรและสหกรณ์ (กษ.) เสนอ`).
_SENTENCE_END = re.compile(
    r"\n+|(?<=[.!?;])(?<!พ\.ศ\.)(?<!ค\.ศ\.)\s+"
    r"|(?<=[\u0E00-\u0E7F)”\"'])\s+(?!ๆ|พ\.\s?ศ\.|ค\.\s?ศ\.)(?=[^\s(]|\((?![\u0E01-\u0E4E]))"
)
_ABBREVIATION_BEFORE = re.compile(r"\([\u0E01-\u0E4E.]{1,15}\)\Z")
MIN_SENTENCE_CHARS = 60  # Thai spaces also separate clauses; shorter pieces join the next one
MAX_SENTENCE_CHARS = 320


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of sentence-like pieces: lines, `. `, and spaces after Thai words.

    Thai marks sentence ends with a space, but also puts spaces between clauses, so pieces
    shorter than MIN_SENTENCE_CHARS are joined with what follows, and pieces longer than
    MAX_SENTENCE_CHARS are cut at a space.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        line_end = match is None or "\n" in match.group()
        if not line_end and _ABBREVIATION_BEFORE.search(text, max(0, end - 17), end):
            continue
        if end - start < MIN_SENTENCE_CHARS and not line_end:
            continue
        if line_end and end - start < MIN_SENTENCE_CHARS and spans and spans[-1][1] >= 0:
            # A short tail ("ดังนี้") belongs to the sentence before it on the same line.
            start = spans.pop()[0]
        spans.append((start, end))
        if line_end:
            spans.append((end, -1))  # a marker: nothing joins across a line break
        start = match.end() if match else len(text)
    spans = [(begin, end) for begin, end in spans if end >= 0]
    pieces = []
    for begin, end in spans:
        while end - begin > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", begin + MIN_SENTENCE_CHARS, begin + MAX_SENTENCE_CHARS)
            cut = cut if cut > begin else begin + MAX_SENTENCE_CHARS
            pieces.append((begin, cut))
            begin = cut + 1 if text[cut : cut + 1] == " " else cut
        if text[begin:end].strip():
            pieces.append((begin, end))
    return pieces
