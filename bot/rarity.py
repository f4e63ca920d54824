"""How much a word says: its rarity in the language generally, not in the corpus at hand.

Whether a report answers a question is judged by how much of the question's *content* it
holds. A corpus's own idf cannot weigh that: on a small corpus every word the corpus lacks
becomes the heaviest word of all, and question words (อะไร, บ้าง, what) look as rare as names.
So each word weighs its information in the language at large: -log of its share of the Thai
National Corpus (33.5 million words, shipped with pythainlp) for Thai, of wordfreq's English
list for English and numbers (a dictionary word the Thai list counts only in pieces, แห่งชาติ
as แห่ง + ชาติ, weighs as its rarest piece). Question and filler words, greetings, "now" words
(วันนี้, latest), and the words every cabinet question may use to frame itself (ครม., cabinet,
มติ), weigh nothing.
"""

from __future__ import annotations

import math
from functools import lru_cache

from wordfreq import zipf_frequency

from bot.text import fewest_words, is_thai_word, thai_word_counts

# Words that ask or frame a question rather than say what it is about (index terms, as
# text.tokenize writes them). pythainlp's stopwords already take out most particles.
QUESTION_WORDS = frozenset(
    """อะไร ยังไง อย่างไร ไหร่ เท่าไร เท่าไหร่ บ้าง พูดถึง อยากรู้ ทำไม เมื่อไร เมื่อไหร่ ที่ไหน
    ไหน ใคร ใด ไหม มั้ย หรือเปล่า ป่าว ป่ะ กี่ เหรอ หรอ ครับ ค่ะ คะ นะ จ้า จ๊ะ แบบไหน หรือไม่
    สอบถาม ข้อมูล เรื่อง รายละเอียด ว่า ยัง ด้วย แล้ว ได้ ให้ มี เป็น คือ อยาก รู้ ทราบ ช่วย บอก หา
    เกี่ยวกับ เกี่ยว ไง รึ ล่ะ เนี่ย อะ อ่ะ หน่อย
    ที่ไหนบ้าง อย่างไรบ้าง ตรงไหน ที่ใด อย่างใด อย่างไหน เป็นไง ไหนล่ะ
    what which who whom whose when where why how much many does did do is are was were
    tell know about please any anything there""".split()
)
# Greetings and thanks: said to the bot, not about anything a report could hold.
GREETINGS = frozenset("สวัสดี ขอบคุณ hello hi hey thanks thank".split())
# "Now" words: what they point at changes every day, and no report's words say it.
NOW_WORDS = frozenset(
    """วันนี้ พรุ่งนี้ เมื่อวาน เมื่อวานนี้ เมื่อคืน คืนนี้ เดือนนี้ ปีนี้ ตอนนี้ สัปดาห์นี้ อาทิตย์นี้
    ล่าสุด เร็วๆนี้ today tomorrow tonight yesterday weekend now latest recent recently""".split()
)
FRAME_WORDS = frozenset(
    """ครม คณะรัฐมนตรี มติ ที่ประชุม ประชุม อนุมัติ เห็นชอบ cabinet resolution decide decided decision
    approve approved approval
    meeting""".split()
)
THAI_CORPUS_WORDS = 33_535_658  # tokens in the Thai National Corpus frequency list
ZIPF_ORIGIN = 9.0  # wordfreq's zipf is log10 of a word's count per billion words
NUMBER_BITS = 10.0  # a number the question names (a year, an amount): at most a rare word's


def is_filler(term: str) -> bool:
    """Whether a term only asks or frames the question, or is a lone letter (a list's ก,
    a fragment the segmenter cut off) that says nothing by itself."""
    if len(term) == 1 and not term.isdigit():
        return True
    return term in QUESTION_WORDS or term in FRAME_WORDS or term in NOW_WORDS or term in GREETINGS


@lru_cache(maxsize=1 << 16)
def information(term: str) -> float:
    """A term's information in nats: -ln of its share of general text (0 for filler words).

    A word neither list knows weighs as much as a word seen once in it.
    """
    if is_filler(term):
        return 0.0
    if term.isdigit():
        # wordfreq estimates a number's share of text from its digits: 3 or 15 is in every
        # text (7-8.5 nats), a year or an amount is as telling as a rare word.
        return min(NUMBER_BITS, _english(term))
    if term.isascii():
        return _english(term)
    return math.log(THAI_CORPUS_WORDS / (_thai_count(term) + 1))


def _english(term: str) -> float:
    return (ZIPF_ORIGIN - zipf_frequency(term, "en", wordlist="small")) * math.log(10)


PIECE_CHARS = 2  # pieces of a compound are at least this long (no lone letters)


def _thai_count(term: str) -> int:
    """How often a Thai word occurs in the Thai National Corpus. A dictionary word the corpus
    never writes whole, because it counts it in pieces (แห่งชาติ as แห่ง + ชาติ, เชียงใหม่ as
    เชียง + ใหม่), occurs at most as often as its rarest piece and is given that count, not
    the count of a word never seen. Names and other words outside the dictionary keep 0."""
    counts = thai_word_counts()
    if term in counts or not is_thai_word(term):
        return counts.get(term, 0)
    pieces = fewest_words(term, counts, PIECE_CHARS)
    return min((counts[piece] for piece in pieces), default=0)
