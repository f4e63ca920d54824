"""Everyday phrases kept whole when a question is segmented.

The segmenter reads the longest dictionary words it can, and an everyday phrase the dictionary
lacks can lose its edge to a word that straddles it: เงินค่าเลี้ยงลูกจากประกันสังคม is read
ค่า เลี้ยง ลูกจาก (a palm fruit), and the phrase ค่าเลี้ยงลูก, which bot/data/synonyms.tsv
matches to สงเคราะห์บุตร, is lost. Questions are therefore segmented once more with those
phrases as words too, and where that reading keeps a phrase whole, the phrase is set apart by
spaces before the question is analysed; passages are segmented as before.
"""

from __future__ import annotations

import re
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pythainlp.tokenize.nlpo3 import load_dict as load_dictionary
from pythainlp.tokenize.nlpo3 import segment as segment_thai

from bot import text

DICTIONARY_NAME = "thaigov-qa-bot-questions"
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
    """Finds whether a run holds any of the phrases at all (most questions hold none)."""
    known = sorted(phrases(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, known))) if known else None


@lru_cache(maxsize=1)
def _dictionary() -> str:
    """The name under which nlpo3 holds the segmenter's words and the phrases."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "words.txt")
        path.write_text("\n".join(sorted(text.dictionary_words() | phrases())), "utf-8")
        if not load_dictionary(str(path), DICTIONARY_NAME):
            raise RuntimeError(f"nlpo3 could not load the word list {path}")
    return DICTIONARY_NAME


def _set_apart(run: str) -> str:
    pieces = segment_thai(run, custom_dict=_dictionary())
    known = phrases()
    return "".join(f" {piece} " if piece in known else piece for piece in pieces)


def set_apart(question: str) -> str:
    """The question with the everyday phrases its segmentation keeps whole set apart by
    spaces (`เงินค่าเลี้ยงลูกจาก` -> `เงิน ค่าเลี้ยงลูก จาก`); unchanged when it holds none."""
    pattern = _pattern()
    if pattern is None or not pattern.search(question):
        return question
    return _THAI_RUN.sub(
        lambda run: _set_apart(run.group()) if pattern.search(run.group()) else run.group(),
        question,
    )
