"""The meeting section a question keeps to: กฎหมาย, เศรษฐกิจ-สังคม, ต่างประเทศ or แต่งตั้ง.

A cabinet meeting's items sit under four headings. A question that names one as a section
("หมวดแต่งตั้ง", "เรื่องต่างประเทศ", "the legal section", "appointments items") keeps to its items:
a filter, like a range of dates or a proposer. A request for a meeting's list may name one
bare ("ครม. ล่าสุด แต่งตั้งใครบ้าง", "latest cabinet appointments"): there the word can only
mean the section. In a search the bare word stays a word to match ("กฎหมาย" is asked about far
more often than its section is).
"""

from __future__ import annotations

import re

# The names of each section as people write them -> the heading as the reports keep it.
_NAMES = {
    "กฎหมาย": "กฎหมาย",
    "ร่างกฎหมาย": "กฎหมาย",
    "ต่างประเทศ": "ต่างประเทศ",
    "แต่งตั้ง": "แต่งตั้ง",
    "การแต่งตั้ง": "แต่งตั้ง",
    "เศรษฐกิจ-สังคม": "เศรษฐกิจ-สังคม",
    "เศรษฐกิจ - สังคม": "เศรษฐกิจ-สังคม",
    "เศรษฐกิจและสังคม": "เศรษฐกิจ-สังคม",
    "เศรษฐกิจ สังคม": "เศรษฐกิจ-สังคม",
    "legal": "กฎหมาย",
    "law": "กฎหมาย",
    "laws": "กฎหมาย",
    "legislation": "กฎหมาย",
    "bills": "กฎหมาย",
    "foreign affairs": "ต่างประเทศ",
    "foreign": "ต่างประเทศ",
    "international": "ต่างประเทศ",
    "appointments": "แต่งตั้ง",
    "appointment": "แต่งตั้ง",
    "appointed": "แต่งตั้ง",
    "economic and social": "เศรษฐกิจ-สังคม",
    "economic-social": "เศรษฐกิจ-สังคม",
    "economy and society": "เศรษฐกิจ-สังคม",
    "social and economic": "เศรษฐกิจ-สังคม",
}
# Longest first: "ร่างกฎหมาย" is read before "กฎหมาย", "foreign affairs" before "foreign".
_LONGEST_FIRST = sorted(_NAMES, key=len, reverse=True)
_NAME = "|".join(map(re.escape, _LONGEST_FIRST))
_ENGLISH_NAME = "(?:{})".format("|".join(re.escape(n) for n in _LONGEST_FIRST if n.isascii()))
_THAI_NAME = "(?:{})".format("|".join(re.escape(n) for n in _LONGEST_FIRST if not n.isascii()))
# A name marked as a section: หมวดแต่งตั้ง, หมวดหมู่กฎหมาย, ด้าน/เรื่องต่างประเทศ (the catch-all
# เศรษฐกิจ-สังคม only after หมวด: "ด้านเศรษฐกิจและสังคม" is a topic), "the legal section".
_MARKED = re.compile(
    rf"(?:หมวด(?:หมู่)?\s*(?:เรื่อง)?\s*(?P<any>{_NAME}))"
    r"|(?:(?:ด้าน|เรื่อง)\s*(?P<thai>กฎหมาย|ต่างประเทศ|แต่งตั้ง|การแต่งตั้ง))"
    rf"|(?:\b(?P<before>{_ENGLISH_NAME})\s+(?:section|items|heading)\b)"
    rf"|(?:\bsection\s+(?:on\s+|of\s+|for\s+)?(?:the\s+)?(?P<after>{_ENGLISH_NAME})\b)",
    re.IGNORECASE,
)
_BARE = re.compile(rf"{_THAI_NAME}|\b{_ENGLISH_NAME}\b", re.IGNORECASE)


def asked_section(question: str, *, bare: bool = False) -> tuple[str, str] | None:
    """The section a question keeps to and the words that name it, if it names one: marked as
    a section, or (`bare`, in a request for a meeting's list) by its name alone."""
    match = _MARKED.search(question)
    if match is None and bare:
        match = _BARE.search(question)
    if match is None:
        return None
    name = next((group for group in match.groups() if group), match[0])
    return _NAMES[" ".join(name.lower().split()) if name.isascii() else name], match[0]
