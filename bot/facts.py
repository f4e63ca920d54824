"""Stage: what kind of fact a question asks for, and whether a passage states one.

"วันไหน / เมื่อไร / when" asks for a date; "กี่ / เท่าไร / how many" for an amount; "ใคร / who"
for a person's name. A passage that states such a fact answers the question better than one
that only repeats its words, so the index lifts it a little (SearchIndex.FACT_BOOST).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Literal

from bot.thaidate import ENGLISH_MONTHS, THAI_MONTH_ABBREVIATIONS, THAI_MONTHS

Fact = Literal["date", "amount", "name"]
FACTS: tuple[Fact, ...] = ("date", "amount", "name")

_ASKS_DATE = re.compile(
    r"วันไหน|วันใด|เมื่อไร|เมื่อไหร่|เมื่อใด|วันที่เท่าไร|ช่วงไหน|ช่วงใด|ปีไหน|ปีใด|ถึงเมื่อ"
    r"|\bwhen\b|\bwhat date\b|\bwhich day\b|\bwhat year\b",
    re.IGNORECASE,
)
_ASKS_AMOUNT = re.compile(
    r"กี่|เท่าไร|เท่าไหร่|เท่าใด|จำนวนเท่า|ร้อยละเท่า|กี่เปอร์เซ็นต์|วงเงิน"
    r"|\bhow (?:many|much)\b|\bwhat (?:amount|percentage)\b"
    r"|\bwhat(?:'s| is| was| are| were)? (?:the )?(?:[a-z-]+ ){0,3}?"
    r"(?:budget|cost|amount|price|number|value|sum|fee|rate|percentage)s?\b",
    re.IGNORECASE,
)
_ASKS_NAME = re.compile(r"ใคร|ผู้ใด|ท่านใด|บุคคลใด|\bwho(?:m|se)?\b", re.IGNORECASE)
_MONTH_NAMES = "|".join(
    re.escape(name) for name in (*THAI_MONTHS, *THAI_MONTH_ABBREVIATIONS, *ENGLISH_MONTHS)
)
_STATES_DATE = re.compile(rf"[0-9๐-๙]{{1,2}}(?:\s*[-–]\s*[0-9๐-๙]{{1,2}})?\s*(?:{_MONTH_NAMES})")
_STATES_AMOUNT = re.compile(
    r"[0-9๐-๙][0-9๐-๙,.]*\s*(?:ล้าน|พันล้าน|แสน|หมื่น|บาท|ราย|คน|ลำ|อัตรา|ตำแหน่ง|แห่ง|ไร่"
    r"|กิโลเมตร|เมตร|ตัน|ลิตร|หน่วย|โครงการ|%|เปอร์เซ็นต์)|ร้อยละ\s*[0-9๐-๙]"
)
# A person: a title, a given name and a family name (นายกอบศักดิ์ ภูตระกูล, พลเอก ชัยชาญ
# ช้างมงคล, Mr. Thani Thongphakdi). Not the words that start with a title (นายจ้าง employer,
# นายกรัฐมนตรี prime minister, นายทะเบียน registrar), nor the chair named in every item's
# source line ("ที่มา: ที่ประชุมคณะรัฐมนตรี พลเอก ประยุทธ์ ..."). A name may begin with a vowel
# written before its consonant (นายเศรษฐา ทวีสิน, นายตุลย์ ไตรโสรัส).
_THAI_NAME = r"[ก-ฮเ-ไ][ก-๛]+"
_STATES_NAME = re.compile(
    r"(?<!ที่ประชุมคณะรัฐมนตรี )"
    r"(?:นางสาว|นาง(?!ฟ้า|พยาบาล)"
    r"|นาย(?!จ้าง|ทะเบียน|อำเภอ|ทหาร|ตำรวจ|ด่าน|หน้า|ประกัน|ช่าง|เรือ|สิบ|ร้อย|พัน|ท้าย|ทุน|งาน"
    r"|ก(?:รัฐมนตรี|เทศมนตรี|องค์|สภา|สมาคม|เมือง|ฯ|\s))"
    r"|ดร\.\s?|พล(?:เอก|โท|ตรี|\.[อทต]\.|ตำรวจ(?:เอก|โท|ตรี)|เรือ(?:เอก|โท|ตรี)|อากาศ(?:เอก|โท|ตรี))\s?"
    r"|(?:รอง|ผู้ช่วย)?ศาสตราจารย์\s?|นายแพทย์\s?|แพทย์หญิง\s?)"
    rf"{_THAI_NAME}\s+{_THAI_NAME}"
    r"|\b(?:Mr|Mrs|Ms|Dr)\.?\s[A-Z][a-z]+\s[A-Z][a-z]+"
)
_STATES = {"date": _STATES_DATE, "amount": _STATES_AMOUNT, "name": _STATES_NAME}


def asked_fact(question: str) -> Fact | None:
    """The kind of fact the question asks for, if it says."""
    if _ASKS_DATE.search(question):
        return "date"
    if _ASKS_AMOUNT.search(question):
        return "amount"
    if _ASKS_NAME.search(question):
        return "name"
    return None


# A word for a time that only asks when ("วันที่" in "วันที่เท่าไร", "year" in "what year") says
# nothing about what the question is about.
_TIME_WORDS = frozenset("วันที่ วัน เดือน ปี ช่วง เวลา date day month year time".split())
_THAI_ASKING = frozenset("ไหน ใด เท่าไร เท่าไหร่ อะไร".split())
_ENGLISH_ASKING = frozenset(("what", "which"))


def asking_words(words: Sequence[str]) -> frozenset[str]:
    """The time words of a question's words (all of them, in order) that only ask when."""
    asking = set()
    for word, after in itertools.pairwise(words):
        if word in _TIME_WORDS and after in _THAI_ASKING:
            asking.add(word)
        if word in _ENGLISH_ASKING and after in _TIME_WORDS:
            asking.add(after)
    return frozenset(asking)


# "กี่ชั้น", "กี่กิจกรรม", "กี่ล้านบาท": the word after กี่ is what the answer counts in.
_PER_CENT = frozenset(("เปอร์เซ็นต์", "เปอร์เซนต์", "%"))
_STATES_PER_CENT = re.compile(r"ร้อยละ\s*[0-9๐-๙]|[0-9๐-๙]\s*(?:%|เปอร์เซ็นต์)")
_THAI_WORD = re.compile(r"[ก-๛]+")


def counted_unit(words: Sequence[str]) -> str | None:
    """The word a Thai question counts in, when it asks "กี่" of one (ชั้น in "สูงกี่ชั้น")."""
    for word, after in itertools.pairwise(words):
        if word == "กี่" and (after in _PER_CENT or _THAI_WORD.fullmatch(after)):
            return after
    return None


def states_count(text: str, unit: str) -> bool:
    """Whether the text states a number of that unit ("13 ชั้น", "1,800 ล้านบาท" for ล้าน,
    "ร้อยละ 90" for เปอร์เซ็นต์)."""
    if unit in _PER_CENT:
        return bool(_STATES_PER_CENT.search(text))
    number = r"[0-9๐-๙][0-9๐-๙,.]*\s*(?:ล้าน|แสน|หมื่น|พัน)?\s*"
    return re.search(number + re.escape(unit), text) is not None


def states(text: str, fact: Fact) -> bool:
    """Whether the text states a fact of that kind (a day and month; a number with a unit; a
    person's name)."""
    return bool(_STATES[fact].search(text))


def stated(text: str) -> tuple[bool, ...]:
    """Whether the text states each kind of fact, in the order of FACTS."""
    return tuple(states(text, fact) for fact in FACTS)
