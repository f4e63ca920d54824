"""Stage: a misspelt question word -> the word the corpus (or the lexicon) knows.

Norvig-style: every string one edit away (delete, transpose, replace, insert) is checked
against what is known, and the most used candidate wins. Only words nothing knows are
corrected, so exact matches are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from bot.text import Token, is_index_term

THAI_LETTERS = "".join(chr(c) for c in range(0x0E01, 0x0E4F) if c not in range(0x0E3B, 0x0E3F))
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Latin words shorter than 6 letters, Thai shorter than 2, are left alone: a short Latin word a
# list lacks is mostly a Thai name written in Latin letters (khun, ngam, takua, thien had become
# hun, nam, taka, thief in enth_dev), seldom a typo.
MIN_LENGTH = {True: 6, False: 2}
MAX_LENGTH = 30  # edits of a longer "word" would be hundreds of thousands of long strings


def edits1(word: str) -> set[str]:
    """All strings one edit away from `word`, in its own script."""
    letters = _alphabet(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | transposes | replaces | inserts) - {word}


Known = Callable[[set[str]], Iterable[str]]  # picks the strings that may be known words


def correct(
    word: str,
    popularity: Callable[[str], int],
    is_word: Callable[[str], bool] = lambda word: False,
    among: Known | None = None,
) -> str | None:
    """The best-known word one edit from `word` (by `popularity`, then alphabetically), if any.

    `popularity` returns 0 for unknown words; a word that is popular, or that `is_word` says
    is a real word (a dictionary word the corpus lacks), is left alone. `among`, when given,
    picks from a set of strings those `popularity` may know, all at once (a set
    intersection instead of a call for each of a word's ~800 neighbours).
    """
    alphabet = _alphabet(word)
    if not MIN_LENGTH[word.isascii()] <= len(word) <= MAX_LENGTH:
        return None  # too short to tell a typo from another word; too long to be a word
    if popularity(word) or is_word(word):
        return None
    if any(ch not in alphabet for ch in word):
        return None  # numbers, codes, mixed scripts: not words to spell-check
    candidates = edits1(word)
    scored = [(popularity(c), c) for c in (among(candidates) if among else candidates)]
    known = [(score, candidate) for score, candidate in scored if score > 0]
    if not known:
        return None
    return min(known, key=lambda pair: (-pair[0], pair[1]))[1]


def _alphabet(word: str) -> str:
    return LATIN_LETTERS if word.isascii() else THAI_LETTERS


def correct_tokens(
    tokens: Sequence[Token],
    popularity: Callable[[str], int],
    is_word: Callable[[str], bool] = lambda word: False,
    corrections: list[tuple[str, str]] | None = None,
    among: Known | None = None,
) -> list[str]:
    """Terms of `tokens` (stopwords included) with unknown words corrected.

    A misspelt Thai word is usually cut by the segmenter into fragments nobody knows
    (ไทยชะนะ -> ไทย ชะ นะ), so each run of adjacent unknown fragments is corrected as one word
    (ชะนะ -> ชนะ); a run that cannot be corrected, or holds only stopwords, stays as it was.
    Each correction made is appended to `corrections` as (written, corrected).
    """
    terms: list[str] = []
    run: list[Token] = []

    def flush() -> None:
        if run:
            joined = "".join(token.term for token in run)
            worth = any(is_index_term(token.term) for token in run)
            fixed = correct(joined, popularity, is_word, among) if worth else None
            terms.extend([fixed] if fixed else [token.term for token in run])
            if fixed and corrections is not None:
                corrections.append((joined, fixed))
            run.clear()

    covered = -1  # end of the last whole word: the parts of a compound lie inside it
    for token in tokens:
        inside = token.end <= covered
        covered = max(covered, token.end)
        known = inside or token.term.isdigit() or popularity(token.term) > 0
        if known or (run and run[-1].end != token.start):
            flush()
        if known:
            terms.append(token.term)
        else:
            run.append(token)
    flush()
    return terms
