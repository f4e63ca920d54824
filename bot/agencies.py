"""Who proposed an item, and the proposer a question restricts itself to.

Nearly every cabinet item says who brought it: "คณะรัฐมนตรีมีมติ ... ตามที่กระทรวงคมนาคม (คค.)
เสนอ". A question that names a proposer ("ที่กระทรวงคมนาคมเสนอ", "proposed by the Ministry of
Finance") keeps to the items that proposer brought: a filter, like a range of dates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from bot.lexicon import glossary_lines

_PROPOSED = re.compile(r"ตามที่\s*([^\n]{2,150}?)\s*เสนอ")
_BRACKETS = re.compile(r"\s*\([^)]*\)")
_BODIES = "กระทรวง|สำนักงาน|สำนัก|กรม|คณะกรรมการ|ธนาคาร|กองทุน|สถาบัน|กรุงเทพมหานคร"
_ASKED_THAI = re.compile(rf"((?:{_BODIES})[^\s]{{2,60}}?)\s*(?:เป็นผู้)?เสนอ")
# A proposer by its abbreviation: "ที่ คค. เสนอ", "ที่ ก.ล.ต. เสนอ". Only after ที่ / ซึ่ง / โดย
# / จาก: an abbreviation as the question's subject ("กสม. เสนอให้มี...") is more often a body
# whose recommendation a ministry brought to the cabinet than the item's proposer.
_ASKED_SHORT = re.compile(r"([ก-ฮ][ก-ฮ.]{0,9}\.)\s*(?:เป็นผู้)?เสนอ")
# Where a proposer's name may begin: after a space, or after ที่ / ซึ่ง / โดย / จาก.
_BEFORE_NAME = ("ที่", "ซึ่ง", "โดย", "จาก")
_ASKED_ENGLISH = re.compile(
    r"(?:proposed|submitted|brought|put forward)\s+by\s+(?:the\s+)?([a-z][a-z ,&'-]{3,80}?)"
    r"(?=\s+(?:in|on|since|from|between|before|after|about|for)\b|[?.!,]|$)",
    re.IGNORECASE,
)
_ENGLISH_SUBJECT = re.compile(
    r"\b((?:ministry|office|department|bureau) of [a-z ,&'-]{3,60}?)\s+"
    r"(?:propose[sd]?|submit(?:s|ted)?)\b",
    re.IGNORECASE,
)


def plain_name(name: str) -> str:
    """A proposer's name without abbreviations in brackets or spaces: กระทรวงการคลัง."""
    return "".join(_BRACKETS.sub("", name).split())


def proposer(text: str) -> str:
    """Who proposed a report, as its text says ("" when it does not say)."""
    match = _PROPOSED.search(text)
    return plain_name(match[1]) if match else ""


@lru_cache(maxsize=1)
def english_names() -> dict[str, str]:
    """English names of ministries and agencies -> the Thai name (the glossary's first)."""
    names = {}
    for line in glossary_lines():
        english, _, thai = line.partition("\t")
        if thai and not english.startswith("#") and " " in english.strip():
            first = thai.split("|")[0]
            if first.startswith(tuple(_BODIES.split("|"))):
                names[english.strip().lower()] = plain_name(first)
    return names


def asked_proposer(question: str, short_names: Mapping[str, str] | None = None) -> str | None:
    """The proposer a question names (its Thai name), if it names one: by name, in English,
    or by the abbreviation the corpus defines for it (`short_names`: คค. -> กระทรวงคมนาคม)."""
    for pattern in (_ASKED_THAI, _ASKED_SHORT):
        for match in pattern.finditer(question):
            before = question[: match.start()]
            if pattern is _ASKED_SHORT:
                if not before.rstrip().endswith(_BEFORE_NAME):
                    continue
            elif before and not before[-1].isspace() and not before.endswith(_BEFORE_NAME):
                continue
            if pattern is _ASKED_THAI:
                return plain_name(match[1])
            name = (short_names or {}).get(match[1]) or (short_names or {}).get(f"{match[1]}.")
            if name:
                return plain_name(name)
    for pattern in (_ASKED_ENGLISH, _ENGLISH_SUBJECT):
        if match := pattern.search(question):
            return english_names().get(" ".join(match[1].lower().split()))
    return None
