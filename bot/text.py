"""Stage: text -> tokens. Normalise and segment Thai and English; the only pythainlp importer.

Queries and passages go through the same `analyze`, so whatever a passage is indexed under, the
same words in a question produce the same terms.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Container
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple

from pythainlp.corpus import thai_stopwords, thai_words
from pythainlp.corpus.th_en_translit import get_transliteration_dict
from pythainlp.tokenize.nlpo3 import load_dict as load_dictionary
from pythainlp.tokenize.nlpo3 import segment as segment_thai
from pythainlp.util import normalize as thai_normalize

Language = Literal["th", "en", "mixed"]

# nlpo3 gives the same Thai tokens as newmm (checked on the seed) 5-7x faster and is not
# quadratic on long runs. We feed it one run of Thai letters at a time through pythainlp's
# binding, with pythainlp's dictionary: word_tokenize would only add work that such a run never
# needs (rejoining numbers, stripping spaces), a fifth of the cost of indexing.
# Bump whenever tokenize() would give different terms for the same text: cached indexes made
# with another version are then rebuilt rather than trusted (bot/index/freshness.py, which also
# hashes this file), and the shipped lexicon's English keys, written in these terms, are
# tokenized again. A change that leaves English words alone (Thai stopwords, year pairs) leaves
# the English keys as they were.
TOKENS_VERSION = 4  # 4: the project's own words beside pythainlp's (bot/data/thai_words.txt)
DICTIONARY_NAME = "thaigov-qa-bot"
MIN_COMPOUND_CHARS = 9  # dictionary words this long are checked for being compounds
MIN_PART_CHARS = 3
NOMINALISERS = ("การ", "ความ")  # prefixes the segmenter may attach to the wrong neighbour

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_DIGIT = re.compile("[๐-๙]")
_THAI_LETTER = re.compile("[\u0e01-\u0e4e]")
_LATIN_LETTER = re.compile("[A-Za-z]")

# One alternative per kind of run. Numbers keep their grouping and ranges whole (1,234.56,
# 2020-2025, 13/08/2563) and drop English ordinal endings (15th); Latin words keep inner
# hyphens, dots and apostrophes (COVID-19, U.S.); a Thai run may contain dots so that
# abbreviations such as ค.ศ. and ครม. reach the segmenter whole.
_RUN = re.compile(
    r"(?P<num>\d+(?:[.,:/]\d+)*(?:-\d+(?:[.,]\d+)*)*)(?:st|nd|rd|th)?"
    r"|(?P<latin>[A-Za-z\u00C0-\u024F][A-Za-z0-9\u00C0-\u024F]*(?:[-'’.&][A-Za-z0-9\u00C0-\u024F]+)*)"
    r"|(?P<thai>[\u0E00-\u0E4F\u0E5A-\u0E7F]+(?:\.[\u0E00-\u0E4F\u0E5A-\u0E7F]+)*\.?)"
)

# Chatty question words and particles that pythainlp's list lacks. Not ข้อมูล: "ขอข้อมูล..."
# asks, but ธรรมาภิบาลข้อมูล and ข้อมูลส่วนบุคคล are what items are about, and English "data"
# is translated to it (bot.rarity still weighs it as a question word).
_EXTRA_THAI_STOPWORDS = frozenset(
    "ไหม มั้ย มั๊ย หรือเปล่า รึเปล่า เปล่า กี่ ป่าว จ้า จ๊ะ ฮะ คับ ครัช เหรอ หรอ อ่ะ อะ นะคะ นะครับ "
    "ขอ ทราบ อยาก รู้ ช่วย บอก หา เกี่ยวกับ".split()
)

# Words of pythainlp's stopword list that cabinet items are about (to establish, amend,
# certify, open, close, add; a day, a phase, a result): kept as index terms.
_KEPT_THAI_WORDS = frozenset(
    "กำหนด จัดตั้ง จัดทำ จัดงาน จัดหา ผล ร่วมมือ รับรอง ปรับ ปิด เปิด ภาค ระยะ วัน สมัย แก้ไข "
    "ยืนยัน ปฏิบัติ ประกอบ หารือ เปลี่ยนแปลง เปิดเผย เพิ่ม เพิ่มเติม เหตุผล สูงสุด".split()
)

ENGLISH_STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not of off on once only or other our ours out over own same she should
    so some such than that the their theirs them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you
    your yours please tell know find show give want any anything s t""".split()
)


def _character_class(codes: list[int]) -> str:
    """A regex class of these code points written as ranges: a class of 163 single characters
    is matched 5x slower than the same class as 21 ranges."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return (
        "["
        + "".join(
            re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "")
            for low, high in ranges
        )
        + "]"
    )


# Zero-width and other format characters (Unicode category Cf), removed in one pass: a
# character-by-character filter costs gigabytes on a 50 MB line.
_FORMAT_CHARACTERS = re.compile(
    _character_class([c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"])
)


Span = tuple[str, int, int]  # a term and its surface span, relative to the analysed run


class Token(NamedTuple):
    """A term and where its surface form sits in the analysed text.

    A named tuple rather than a frozen dataclass: an answer makes hundreds of these, and a
    tuple is made twice as fast.
    """

    term: str
    start: int
    end: int


def clean(text: str) -> str:
    """NFC, no zero-width or other format characters, LF line ends: the form text is kept in."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _FORMAT_CHARACTERS.sub("", text)


# Chat stretches a Thai letter for emphasis (มากกกก, ค่าาาา, ไหมมมม). Three in a row are
# words (ททท., งงงวย, ไอออน); four are in two idioms of pythainlp's 62,000 words (เออออ).
_STRETCHED = re.compile(r"([\u0e01-\u0e4e])\1{3,}")


def unstretch(text: str) -> str:
    """มากกกก -> มาก: a Thai letter repeated four or more times counts once."""
    return _STRETCHED.sub(r"\1", text)


def thai_digits_to_arabic(text: str) -> str:
    """๒๕๖๓ -> 2563, character for character so offsets stay valid."""
    # translate() looks up every character; most passages hold no Thai digit at all.
    return text.translate(_THAI_DIGITS) if _THAI_DIGIT.search(text) else text


def detect_language(text: str) -> Language:
    """Thai, English or mixed, by the letters the text is written in."""
    thai = len(_THAI_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if thai and latin:
        return "th" if thai >= 4 * latin else "mixed" if latin < 4 * thai else "en"
    return "en" if latin and not thai else "th"


def stem_english(word: str) -> str:
    """Light plural stemming (the 'S' stemmer): ministries -> ministry, projects -> project."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 18)
def _thai_term(piece: str) -> str:
    # pythainlp's normalize is costly per call, and a corpus repeats its words endlessly.
    return thai_normalize(piece).replace(".", "")


def _is_word(piece: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in piece)


@lru_cache(maxsize=1 << 16)
def _word_spans(piece: str) -> tuple[Span, ...]:
    """A segmenter word's terms, relative to its start: the word, then a compound's parts;
    () for punctuation."""
    if not _is_word(piece):
        return ()
    spans = [(_thai_term(piece), 0, len(piece))]
    start = 0
    for part in compound_parts(piece):
        spans.append((_thai_term(part), start, start + len(part)))
        start += len(part)
    return tuple(spans)


@lru_cache(maxsize=1)
def _extra_words() -> frozenset[str]:
    """Words pythainlp's dictionary lacks (bot/data/thai_words.txt): everyday words such as
    แอป, and the abbreviations the cabinet archive defines (กสม., สสว.), kept whole."""
    lines = (resources.files("bot") / "data" / "thai_words.txt").read_text("utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    return frozenset(thai_words()) | _extra_words()


@lru_cache(maxsize=1)
def _dictionary() -> str:
    """The name under which nlpo3 holds pythainlp's words and ours (loaded once a process)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "words.txt")
        path.write_text("\n".join(sorted(_words())), encoding="utf-8")
        if not load_dictionary(str(path), DICTIONARY_NAME):
            raise RuntimeError(f"nlpo3 could not load the word list {path}")
    return DICTIONARY_NAME


def is_thai_word(term: str) -> bool:
    """Whether a Thai term is a dictionary word (pythainlp's or the project's)."""
    return term in _words()


def segment_words(run: str) -> list[str]:
    """A run of Thai text cut into words (nlpo3, with the project's dictionary)."""
    return segment_thai(run, custom_dict=_dictionary())


@lru_cache(maxsize=1 << 16)
def compound_parts(word: str) -> tuple[str, ...]:
    """The dictionary words a long dictionary word is made of, or () when it is not a compound.

    pythainlp's dictionary holds compounds such as กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม, which
    the segmenter keeps whole; their parts (กระทรวง, ดิจิทัล, ...) are indexed too so that a
    question naming only part of it still matches. The split uses the fewest dictionary words
    of at least MIN_PART_CHARS each (so เทคโนโลยี, whose only split is เทคโน โล ยี, is not a
    compound), shorter words first on a tie: กรม + ชลประทาน rather than กรมชล + ประทาน.
    A search over the word set rather than newmm with a trie: the trie alone costs ~60 MB.
    """
    if len(word) < MIN_COMPOUND_CHARS or word not in _words():
        return ()
    return fewest_words(word, _words(), MIN_PART_CHARS)


def fewest_words(word: str, known: Container[str], min_chars: int) -> tuple[str, ...]:
    """The fewest words of `known`, other than `word` itself and each at least `min_chars`
    long, that spell `word` (shorter words first on a tie); () when none do."""
    # best[i]: the preferred split of word[:i], None when there is none.
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for start in range(len(word)):
        head = best[start]
        if head is None:
            continue
        for end in range(start + min_chars, len(word) + 1):
            part = word[start:end]
            if len(part) == len(word) or part not in known:
                continue
            split = (*head, part)
            found = best[end]
            if found is None or (len(split), [len(p) for p in split]) < (
                len(found),
                [len(p) for p in found],
            ):
                best[end] = split
    return best[-1] or ()


def regrouped(left: str, right: str) -> tuple[str, str] | None:
    """The other reading of two neighbouring words when a nominaliser could go either way.

    Maximal matching reads โครงการพัฒนา as โครง + การพัฒนา; โครงการ + พัฒนา is as valid, and
    only that reading finds โครงการ. Returns it when both of its words are in the dictionary.
    """
    words = _words()
    for prefix in NOMINALISERS:
        rest = right[len(prefix) :]
        if right.startswith(prefix) and rest and left + prefix in words and rest in words:
            return left + prefix, rest
    return None


def _segment_thai(run: str) -> tuple[Span, ...]:
    """Terms of one run of Thai letters: its words, compounds' parts, regrouped nominalisers."""
    spans: list[Span] = []
    position = 0
    previous = -1  # where the word before this one starts, if it touches this one
    for piece in segment_words(run):
        start = run.find(piece, position)
        position = start + len(piece)
        word = _word_spans(piece)
        if not word:
            previous = -1
            continue
        spans.extend([(term, start + s, start + e) for term, s, e in word] if start else word)
        if previous >= 0 and piece.startswith(NOMINALISERS):
            other = regrouped(run[previous:start], piece)
            if other:
                cut = previous + len(other[0])
                spans.append((_thai_term(other[0]), previous, cut))
                spans.append((_thai_term(other[1]), cut, position))
        previous = start
    return tuple(spans)


# A season or budget year of two years, as reports write it: `2566/2567`, `2566/67`, `2023/24`.
_YEAR_PAIR = re.compile(r"(?P<first>(?:19|20|24|25|26)\d\d)/(?P<second>\d\d(?:\d\d)?)")


def _year_pair(term: str) -> tuple[str, str] | None:
    """The two years of a year pair written with a slash (the second in full), else None."""
    match = _YEAR_PAIR.fullmatch(term)
    if match is None:
        return None
    first, second = match["first"], match["second"]
    second = second if len(second) == 4 else first[:2] + second
    return (first, second) if 0 < int(second) - int(first) <= 2 else None


def _unaccented(word: str) -> str:
    """communiqué -> communique, São -> sao: Latin letters without their accents (the same
    length, so offsets stay valid; lists and questions write either)."""
    if word.isascii():
        return word
    bare = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return bare if len(bare) == len(word) else word


def _segment_other(kind: str, run: str) -> tuple[Span, ...]:
    """Terms of a number or a Latin word, and of its hyphenated parts."""
    term = _unaccented(run.lower().replace("’", "'"))
    if kind == "num":
        term = term.rstrip("stndrh")  # an English ordinal (15th) is the number
        run = run[: len(term)]
    if kind == "latin":
        term = stem_english(term.removesuffix("'s"))
    pair = _year_pair(term) if kind == "num" else None
    if pair is not None:  # 2566/67 and 2566/2567 are one term, and findable by each year
        first, second = pair
        return (f"{first}/{second}", 0, len(run)), (first, 0, 4), (second, 5, len(run))
    spans: list[Span] = [(term, 0, len(run))]
    # A hyphenated compound is also findable by its parts (COVID-19 by "covid").
    if "-" in run:
        position = 0
        for part in run.split("-"):
            part_term = _unaccented(part.lower())
            if part_term and part_term != term:
                spans.append(
                    (
                        stem_english(part_term) if kind == "latin" else part_term,
                        position,
                        position + len(part),
                    )
                )
            position += len(part) + 1
    return tuple(spans)


def _segment(kind: str, run: str) -> tuple[Span, ...]:
    return _segment_thai(run) if kind == "thai" else _segment_other(kind, run)


# Two memories of runs already segmented: spans for `analyze` (questions, quoted passages) and
# index terms for `tokenize`. A corpus repeats its runs (a third of them recur), and reading a
# run again is the dearest part of indexing.
_spans = lru_cache(maxsize=1 << 12)(_segment)


@lru_cache(maxsize=1 << 16)
def _index_spans(kind: str, run: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    spans = [span for span in _segment(kind, run) if is_index_term(span[0])]
    return (
        tuple(term for term, _, _ in spans),
        tuple(start for _, start, _ in spans),
        tuple(end for _, _, end in spans),
    )


@lru_cache(maxsize=4096)
def analyze_passage(text: str) -> tuple[Token, ...]:
    """`analyze` of a passage, remembered: popular passages are quoted again and again."""
    return tuple(analyze(text))


def analyze(text: str) -> list[Token]:
    """All word tokens of `text` with their spans, stopwords included."""
    text = thai_digits_to_arabic(text)
    tokens = []
    for match in _RUN.finditer(text):
        offset = match.start()
        for term, start, end in _spans(match.lastgroup or "", match.group()):
            tokens.append(Token(term, offset + start, offset + end))
    return tokens


@lru_cache(maxsize=1)
def transliterations() -> dict[str, tuple[str, ...]]:
    """Thai words written from English (คลาวด์, แอป) -> the English words, as index terms
    (pythainlp's Thai-English transliteration dictionary)."""
    table: dict[str, tuple[str, ...]] = {}
    for thai, entry in get_transliteration_dict().items():
        english = tuple(dict.fromkeys(stem_english(word.lower()) for word in entry["en"]))
        if english:
            table[_thai_term(thai)] = english
    return table


@lru_cache(maxsize=1)
def thai_word_counts() -> dict[str, int]:
    """How often each Thai word occurs in the Thai National Corpus (33.5 million words, shipped
    with pythainlp), keyed by the word as an index term."""
    counts: dict[str, int] = {}
    # Read from the file pythainlp ships (its own reader keeps a second copy for good).
    listing = (resources.files("pythainlp.corpus") / "tnc_freq.txt").read_text("utf-8")
    for line in listing.splitlines():
        word, _, count = line.partition("\t")
        if count.isdigit():
            # The corpus's words are already in normal form; index terms also drop dots (ครม.).
            term = word.replace(".", "")
            counts[term] = counts.get(term, 0) + int(count)
    return counts


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Thai (pythainlp's list plus chatty particles) and English stopwords, as terms."""
    thai = {_thai_term(word) for word in thai_stopwords()} - _KEPT_THAI_WORDS
    thai |= _EXTRA_THAI_STOPWORDS
    english = ENGLISH_STOPWORDS | {stem_english(word) for word in ENGLISH_STOPWORDS}
    return frozenset(thai) | english


def is_index_term(term: str) -> bool:
    """False for stopwords and lone Latin letters (the b of a pasted <b> tag, list markers)."""
    return term not in stopwords() and not (len(term) == 1 and term.isascii() and term.isalpha())


def tokenize(text: str) -> list[str]:
    """Index terms of `text`: analysed; stopwords, lone letters and punctuation dropped.

    The same terms as `analyze` gives, filtered by `is_index_term`, without their spans.
    """
    return index_terms(clean(text))


def index_terms(cleaned: str) -> list[str]:
    """`tokenize` of text already `clean` (a report's, or a slice of one)."""
    terms: list[str] = []
    for match in _RUN.finditer(thai_digits_to_arabic(cleaned)):
        terms.extend(_index_spans(match.lastgroup or "", match.group())[0])
    return terms


def index_tokens(cleaned: str) -> tuple[list[str], list[int], list[int]]:
    """`index_terms` with where each term's word starts and ends in the text."""
    terms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _RUN.finditer(thai_digits_to_arabic(cleaned)):
        run_terms, run_starts, run_ends = _index_spans(match.lastgroup or "", match.group())
        offset = match.start()
        terms.extend(run_terms)
        starts.extend([offset + start for start in run_starts])
        ends.extend([offset + end for end in run_ends])
    return terms, starts, ends
