"""Stage: question -> whether it only greets, thanks or tries the bot out.

The first message many people send a new bot is "สวัสดีครับ", "hi" or "ทดสอบ"; after an answer,
"ขอบคุณครับ". None of these asks about a report, and answering them with "no relevant report
found" (or with a test-track item that holds the word ทดสอบ) reads as broken. Such a message
gets a greeting that says what to ask instead. Only a message made of these words alone (with
polite particles, "bot", numbers and punctuation) counts: "ทดสอบยานยนต์" is a question.
"""

from __future__ import annotations

import re
from typing import Literal

Social = Literal["hello", "thanks"]

_HELLO = (
    r"สวัสดี|หวัดดี|ดีจ้า|ดีครับ|ดีค่ะ|hello|hi|hey|hiya|good (?:morning|afternoon|evening)"
    r"|ทดสอบ|เทส|test(?:ing)?"
)
_THANKS = r"ขอบคุณ|ขอบใจ|thanks?|thank you|thx|ty"
_FILLER = (
    r"ครับ|ค่ะ|คะ|คับ|ค่า|จ้า|จ้ะ|นะ|มาก|มากๆ|มากมาย|ๆ|บอท|bot|you|there|everyone|all"
    r"|a lot|so much|very much|[0-9๐-๙]+"
)
_SEPARATOR = r"[\s!.?,~:;()'\"-]*"
_PATTERN = re.compile(
    rf"^{_SEPARATOR}(?:(?P<hello>{_HELLO})|(?P<thanks>{_THANKS}))"
    rf"(?:{_SEPARATOR}(?:{_HELLO}|{_THANKS}|{_FILLER}))*{_SEPARATOR}$",
    re.IGNORECASE,
)


def social(question: str) -> Social | None:
    """What the message only does: `hello` (a greeting or a try-out: "สวัสดีครับ", "test") or
    `thanks`; None when it asks about something."""
    found = _PATTERN.match(question.strip())
    if found is None:
        return None
    return "hello" if found.group("hello") else "thanks"
