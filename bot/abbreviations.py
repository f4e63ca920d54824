"""The abbreviations a corpus defines, for the segmenter's dictionary (bot/data/thai_words.txt).

Cabinet summaries define each abbreviation where they first use it: "สำนักงานส่งเสริมวิสาหกิจ
ขนาดกลางและขนาดย่อม (สสว.)". pythainlp's dictionary lacks most of them, and the segmenter then
cuts them apart (สสว. into สส + ว.; ของกสม. into ขอ + งก + สม): a question asking about สสว.
would not find them. Listed in the dictionary, each stays one word.

    python -m bot.abbreviations corpus/ >> bot/data/thai_words.txt
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

MIN_DEFINITIONS = 2  # an abbreviation defined fewer times is not listed
# `(ป.ป.ช.)`, `(สสว.)`, `(ศอ.บต.)`: Thai consonants and dots, ending in a dot, in parentheses.
_DEFINED = re.compile(r"\((?P<short>(?:[ก-ฮ]{1,5}\.)+)\)")


def defined(texts: Iterable[str]) -> list[str]:
    """The abbreviations defined in parentheses at least MIN_DEFINITIONS times, sorted."""
    counts = Counter(match["short"] for text in texts for match in _DEFINED.finditer(text))
    # One letter, `(ก.)`, is a list marker, not an abbreviation.
    return sorted(
        short
        for short, count in counts.items()
        if count >= MIN_DEFINITIONS and len(short.replace(".", "")) >= 2
    )


def both_ways(table: Mapping[str, str]) -> dict[str, str]:
    """The table with each full name also leading to its abbreviation."""
    return dict(table) | {name: short for short, name in table.items()}


def main(paths: list[str]) -> int:
    """Print the abbreviations the corpus at `paths` defines, one a line."""
    from bot.corpus import load_corpus  # the edge: only this command reads files

    corpus = load_corpus([Path(path) for path in paths])
    for short in defined(report.text for report in corpus.reports):
        print(short)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


# Words that end the text before a full name: `ตามที่กระทรวงการคลัง (กค.)`, `ของคณะกรรมการ...`.
_BEFORE_NAME = frozenset(
    "ของ ตามที่ โดย ให้ จาก กับ ต่อ ซึ่ง เสนอ มีมติ ว่า หรือ ได้แก่ คือ เช่น ที่ ใน แก่ ระหว่าง".split()
)
_SHORT_FORM = re.compile(r"\((?P<short>(?:[ก-ฮ]{1,5}\.)+)\)")
MAX_NAME_CHARS = 100
# What may stand between a full name and its abbreviation: `สำนักงาน... (องค์การมหาชน) (สมศ.)`.
_TRAILING_ASIDE = re.compile(r"(?:\s*\([^()]*\))*\s*$")


def _names(before: str, letters: str, segment: Callable[[str], list[str]]) -> list[str]:
    """The stretches at the end of `before` that could be the full name of `letters`."""
    words = [word for word in segment(before[-MAX_NAME_CHARS:]) if word.strip()]
    for at in range(len(words) - 1, -1, -1):
        if words[at] in _BEFORE_NAME or words[at].endswith("."):
            words = words[at + 1 :]
            break
    found = []
    for start in range(len(words)):
        if letters[0] not in words[start]:
            continue
        name = "".join(words[start:])
        rest = iter(name[name.index(letters[0]) :])
        if all(letter in rest for letter in letters[1:]) and len(name) >= 2 * len(letters):
            found.append(name)
    return found


def full_names(texts: Iterable[str], segment: Callable[[str], list[str]]) -> dict[str, str]:
    """Abbreviation term -> the full name it stands for, as the corpus defines them.

    The full name is the stretch of words before `(ABBR.)`, after any word that ends the text
    before a name, whose first word holds the abbreviation's first letter and which holds all
    its letters in order; of the candidates, the one found before most definitions wins, then
    the longest ("กระทรวงการคลัง" over "การคลัง").
    """
    names: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for match in _SHORT_FORM.finditer(text):
            short = match["short"]
            letters = short.replace(".", "")
            if len(letters) < 2:
                continue
            before = text[max(0, match.start() - MAX_NAME_CHARS) : match.start()]
            before = _TRAILING_ASIDE.sub("", before)
            names[short].update(set(_names(before, letters, segment)))
    table = {}
    for short, counts in names.items():
        if counts:
            name, count = max(counts.items(), key=lambda item: (item[1], len(item[0])))
            if count >= MIN_DEFINITIONS:
                table[short] = name
    return table
