"""Typos: unknown words one edit from a known one are corrected; known words never are."""

from __future__ import annotations

from bot.answer import ask
from bot.index import SearchIndex
from bot.render import to_text
from bot.spelling import correct, correct_tokens, edits1
from bot.text import analyze

KNOWN = {"government": 5, "governor": 2, "ชนะ": 3, "ไทย": 9, "ดิจิทัล": 4}


def _popularity(word: str) -> int:
    return KNOWN.get(word, 0)


def test_edits_stay_in_the_words_script() -> None:
    assert "government" in edits1("goverment")
    assert all(ch.isascii() for word in edits1("abc") for ch in word)
    assert "ชนะ" in edits1("ชะนะ")


def test_unknown_words_get_the_most_popular_neighbour() -> None:
    assert correct("goverment", _popularity) == "government"
    assert correct("government", _popularity) is None  # known: left alone
    assert correct("xyzzyq", _popularity) is None
    assert correct("2563", _popularity) is None


def test_split_thai_typos_are_rejoined_before_correction() -> None:
    assert correct_tokens(analyze("ไทยชะนะ"), _popularity) == ["ไทย", "ชนะ"]
    assert correct_tokens(analyze("ดิจิตัล ไทย"), _popularity) == ["ดิจิทัล", "ไทย"]


def test_typos_still_find_their_passage(seed_index: SearchIndex) -> None:
    for typo, section in (("ไทยชะนะ", "2"), ("goverment", "2"), ("กระทรวงดิจิตัล", "intro")):
        hits = seed_index.search(seed_index.analyze(typo), k=3)
        assert section in [hit.passage.section for hit in hits], typo


def test_exact_matches_are_unchanged(seed_index: SearchIndex) -> None:
    assert seed_index.analyze("กรทรวง เมืองอัจฉริยะ").terms == ("กร", "ทรวง", "เมือง", "อัจฉริยะ")


def test_real_english_words_are_not_corrected(seed_index: SearchIndex) -> None:
    assert seed_index.analyze("recipe tall cookies").terms == ("recipe", "tall", "cooky")


def test_inflected_english_words_are_not_corrected(seed_index: SearchIndex) -> None:
    # WordNet lists base forms only; "brought" had become "drought", "became" "become".
    assert seed_index.analyze("who brought up data").corrections == ()
    assert seed_index.analyze("who became director").corrections == ()
    assert seed_index.analyze("goverment").corrections == (("goverment", "government"),)


def test_short_latin_words_are_thai_names_not_typos(seed_index: SearchIndex) -> None:
    # One edit from known words (hun, taka), but names: Khun, Takua Pa.
    assert seed_index.analyze("khun takua").corrections == ()


def test_the_answer_says_which_word_it_searched_instead(seed_index: SearchIndex) -> None:
    answer = ask(seed_index, "ไทยชะนะ")
    assert answer.corrections == (("ชะนะ", "ชนะ"),)
    assert to_text(answer).splitlines()[1] == "ค้นหาคำที่ใกล้เคียง: ชนะ (ชะนะ)"


def test_candidates_picked_all_at_once_give_the_same_corrections() -> None:
    def among(words: set[str]) -> set[str]:
        return words & KNOWN.keys()

    for word in ("goverment", "governer", "ชะนะ", "ดิจิตัล", "xyzzyq", "ไทย"):
        assert correct(word, _popularity, among=among) == correct(word, _popularity)
