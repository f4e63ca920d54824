"""Everyday phrases kept whole when a question is segmented.

The segmenter reads the longest dictionary words it can, and an everyday phrase the dictionary
lacks can lose its edge to a word that straddles it: เงินค่าเลี้ยงลูกจากประกันสังคม is read
ค่า เลี้ยง ลูกจาก (a palm fruit), and the phrase ค่าเลี้ยงลูก, which bot/data/synonyms.tsv
matches to สงเคราะห์บุตร, is lost. Where a question holds such a phrase, it is read as the
segmenter would read it if the phrase were one more dictionary word: the reading with the phrase
set apart wins when it has no more words than the plain one (ค่าเลี้ยงลูก + จาก + ประกันสังคม
against ค่า + เลี้ยง + ลูกจาก + ประกันสังคม), and the phrase is then set apart by spaces before
the question is analysed (ค่าไฟ inside ค่าไฟฟ้า is not: one word against two). Passages are
segmented as before.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from bot import text

_THAI_RUN = re.compile("[\u0e01-\u0e4e]+")


@lru_cache(maxsize=1)
def phrases() -> frozenset[str]:
    """The Thai everyday words of bot/data/synonyms.tsv that are not dictionary words."""
    lines = (resources.files("bot") / "data" / "synonyms.tsv").read_text("utf-8").splitlines()
    written = (line.partition("\t")[0].strip() for line in lines if not line.startswith("#"))
    return frozenset(
        word
        for word in written
        if word and _THAI_RUN.fullmatch(word) and not text.is_thai_word(word)
    )


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str] | None:
    """Finds the phrases in a run, longest first (most questions hold none)."""
    known = sorted(phrases(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, known))) if known else None


def _words(piece: str) -> int:
    return len(text.segment_words(piece)) if piece else 0


def _set_apart(run: str, pattern: re.Pattern[str]) -> str:
    pieces: list[str] = []
    words = 0  # in the reading with the phrases set apart
    position = 0
    for match in pattern.finditer(run):
        words += _words(run[position : match.start()]) + 1
        pieces += [run[position : match.start()], f" {match.group()} "]
        position = match.end()
    if not pieces:
        return run
    words += _words(run[position:])
    pieces.append(run[position:])
    return "".join(pieces) if words <= _words(run) else run


def set_apart(question: str) -> str:
    """The question with the everyday phrases it holds set apart by spaces where the
    segmenter, knowing them, would read them whole (`เงินค่าเลี้ยงลูกจาก` -> `เงิน ค่าเลี้ยงลูก
    จาก`); unchanged when it holds none."""
    pattern = _pattern()
    if pattern is None or not pattern.search(question):
        return question
    return _THAI_RUN.sub(lambda run: _set_apart(run.group(), pattern), question)
