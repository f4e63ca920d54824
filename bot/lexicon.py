"""Stage: English words of a question -> Thai terms. The lexicon behind English questions.

Two sources, both shipped in `bot/data/`: a hand-checked glossary of government terms, which
wins where it has an entry ("cabinet" -> คณะรัฐมนตรี, not ตู้ "cupboard"), and the lexicon built
from Thai WordNet, Princeton WordNet 3.0 and the Thai-English transliteration dictionary
(`python -m bot.lexicon_build`). Entries are keyed by the English words as `text.tokenize`
gives them, so "Ministries of Finance" finds "ministry of finance".
"""

from __future__ import annotations

import lzma
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from wordfreq import zipf_frequency

from bot.text import TOKENS_VERSION, tokenize

MAX_PHRASE_WORDS = 5
# A word this common in wordfreq's small English list is a word, never a typo: WordNet lists
# base forms only, so "brought" had been corrected to "drought" and "became" to "become".
# The small list holds no misspellings (goverment, recieve, occured: 0; became: 5.2).
COMMON_ENGLISH_ZIPF = 3.0


@dataclass(frozen=True, slots=True)
class Match:
    """English question terms [start, end) and the Thai phrases they translate to."""

    start: int
    end: int
    thai: tuple[str, ...]
    checked: bool = True  # from a hand-checked list, not from WordNet's broad senses


def keys_header() -> str:
    """The first line of a lexicon file whose English side is already as `tokenize` gives it."""
    return f"# keys: bot.text tokens v{TOKENS_VERSION}"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """English term sequences -> Thai phrases, looked up longest match first.

    Kept as plain strings (terms joined by spaces -> phrases joined by |): the ~100,000 entries
    cost ~25 MB so, against ~110 MB as tuples of strings.
    """

    entries: Mapping[str, str]
    english: frozenset[str] = frozenset()
    thai: frozenset[str] = frozenset()  # first words of the Thai entries (everyday words)
    checked: frozenset[str] = frozenset()  # keys from hand-checked sources

    @classmethod
    def parse(
        cls, *sources: Iterable[str], english: Iterable[str] = (), checked: int | None = None
    ) -> Lexicon:
        """From `english<TAB>thai|thai` lines; an earlier source's entry wins over a later one.

        A source whose first line is `keys_header()` has its English already tokenized (the
        shipped lexicon: no need to tokenize 100,000 keys at start-up); any other is tokenized
        here. `english` lists English words known to exist, translatable or not (for spelling).
        """
        entries: dict[str, str] = {}
        trusted: set[str] = set()
        for number_of_source, lines in enumerate(sources):
            tokenized = False
            for number, line in enumerate(lines):
                if number == 0 and line.rstrip("\n") == keys_header():
                    tokenized = True
                if line.startswith("#") or "\t" not in line:
                    continue
                source_words, thai = line.rstrip("\n").split("\t", 1)
                key = source_words if tokenized else " ".join(tokenize(source_words))
                phrases = "|".join(phrase.strip() for phrase in thai.split("|") if phrase.strip())
                words = key.count(" ") + 1
                if key and phrases and words <= MAX_PHRASE_WORDS and key not in entries:
                    entries[key] = phrases
                    if checked is None or number_of_source < checked:
                        trusted.add(key)
        firsts = frozenset(key.split(" ", 1)[0] for key in entries if not key[:1].isascii())
        # The words of the hand-checked phrases are English too, never typos: khon of Khon Kaen.
        checked_words = (word for key in trusted if key[:1].isascii() for word in key.split())
        words = frozenset(word.strip().lower() for word in english) | frozenset(checked_words)
        return cls(entries, words, firsts, frozenset(trusted))

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, terms: Sequence[str]) -> tuple[str, ...] | None:
        """The Thai phrases for exactly these English terms, or None."""
        phrases = self.entries.get(" ".join(terms))
        return tuple(phrases.split("|")) if phrases else None

    def has(self, terms: Sequence[str]) -> bool:
        """Whether the lexicon translates exactly these English terms."""
        return " ".join(terms) in self.entries

    def knows(self, word: str) -> bool:
        """Whether `word` (or a base form of it) is an English word or a translatable term."""
        if any(form in self.entries or form in self.english for form in _base_forms(word)):
            return True
        return word.isascii() and zipf_frequency(word, "en", "small") >= COMMON_ENGLISH_ZIPF

    def _single(self, word: str) -> tuple[str, ...] | None:
        """One word's entry, trying base forms the light stemmer leaves alone."""
        for form in _base_forms(word):
            if thai := self.get((form,)):
                return thai
        return None

    def lookup(self, terms: Sequence[str]) -> list[Match]:
        """Translatable runs of `terms`, left to right, each as long as the lexicon knows."""
        matches = []
        position = 0
        while position < len(terms):
            found = None
            if terms[position].isascii() or terms[position] in self.thai:
                for length in range(min(MAX_PHRASE_WORDS, len(terms) - position), 1, -1):
                    if thai := self.get(terms[position : position + length]):
                        found = Match(position, position + length, thai)
                        break
                else:
                    if thai := self._single(terms[position]):
                        found = Match(position, position + 1, thai)
            if found:
                key = " ".join(terms[found.start : found.end])
                forms = _base_forms(key) if found.end - found.start == 1 else [key]
                if not any(form in self.checked for form in forms):
                    found = Match(found.start, found.end, found.thai, checked=False)
                matches.append(found)
                position = found.end
            else:
                position += 1
        return matches


def _base_forms(word: str) -> list[str]:
    """The word, then guesses at its base form: promoting -> promote, promot; damaged -> damage;
    a doubled last letter once: cancelled -> cancel, submitted -> submit."""
    forms = [word]
    endings = (("ing", ("e", "")), ("ed", ("e", "")), ("al", ("",)), ("y", ("ie",)))
    for ending, replacements in endings:
        if word.endswith(ending) and len(word) > len(ending) + 3:
            stem = word[: -len(ending)]
            forms += [stem + replacement for replacement in replacements]
            if ending in ("ing", "ed") and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
                forms.append(stem[:-1])
    return forms


@lru_cache(maxsize=1)
def glossary_lines() -> tuple[str, ...]:
    """The lines of the shipped English -> Thai glossary (bot/data/glossary.tsv), read once."""
    data = resources.files("bot") / "data"
    return tuple((data / "glossary.tsv").read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The glossary, the Thai everyday words and the WordNet lexicon shipped in bot/data
    (read once, ~1 s)."""
    data = resources.files("bot") / "data"
    glossary = glossary_lines()
    synonyms = (data / "synonyms.tsv").read_text(encoding="utf-8").splitlines()
    with lzma.open(str(data / "english_words.txt.xz"), "rt", encoding="utf-8") as handle:
        english = handle.read().split()
    with lzma.open(str(data / "en_th_lexicon.tsv.xz"), "rt", encoding="utf-8") as handle:
        return Lexicon.parse(glossary, synonyms, handle, english=english, checked=2)
