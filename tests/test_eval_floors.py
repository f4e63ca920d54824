"""Quality floors on the shared dev sets (skipped without ../shared) and on the held-out halves
of the project's own sets.

The shared questions come from ../shared/eval; the corpus is the project's own default (the seed
and the shipped archive, whose ids are the ones the dev sets name). The floors sit below what the
current code measures (see README "Quality") so that they catch regressions, not noise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answer import ask
from bot.config import default_cache_dir
from bot.evaluate import parse_question, run, summarize
from bot.index import SearchIndex, rerank
from bot.index.build import load_or_build
from tests.conftest import PROJECT, shared_path

OFFTOPIC = PROJECT / "tests" / "data" / "offtopic.jsonl"
OWN_SETS = PROJECT / "tests" / "data" / "eval"


def _summary(index: SearchIndex, path: Path) -> dict[str, dict[str, float]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return summarize(run(index, [parse_question(json.loads(line)) for line in lines if line]))


@pytest.fixture(scope="module")
def cabinet_index() -> SearchIndex:
    """The default corpus (8,853 reports), built as the bot builds it, in the session's cache
    (the CLI tests of the default corpus start from it, or it from theirs)."""
    corpus = [PROJECT / "corpus"]
    return load_or_build(corpus, default_cache_dir(corpus)).index


def test_seed_dev(seed_index: SearchIndex) -> None:
    summary = _summary(seed_index, shared_path("eval/seed_dev.jsonl"))
    assert summary["th"]["hit@3"] == 1.0
    assert summary["en"]["hit@3"] == 1.0  # smart city, Thai Chana: through the lexicon
    assert summary["all"]["unanswerable_abstained"] == 1.0


def test_a_question_for_a_meeting_is_answered_by_its_listing(cabinet_index: SearchIndex) -> None:
    # As the bot answers: "no meeting that day" quotes nothing, whatever the search found.
    def question(text: str, answerable: bool) -> dict[str, object]:
        doc = "cabinet-2020-08-13-asean-china-digital-economy" if answerable else None
        return {"id": text, "lang": "en", "question": text, "doc": doc, "answerable": answerable}

    asked = [
        question("What did the cabinet decide at its meeting on 13 August 2020?", True),
        question("What did the Thai cabinet decide at its meeting on 3 March 2026?", False),
    ]
    outcomes = run(cabinet_index, [parse_question(record) for record in asked])
    assert [outcome.answered for outcome in outcomes] == [True, False]
    assert cabinet_index.search(cabinet_index.analyze(asked[1]["question"]))  # it finds some


def test_offtopic_questions_abstain_on_the_seed(seed_index: SearchIndex) -> None:
    # 39 of 40 measured ("movie showtimes this weekend": WordNet renders showtime as ยุค, era,
    # which the report holds).
    assert _summary(seed_index, OFFTOPIC)["all"]["unanswerable_abstained"] >= 0.95


def test_cabinet_dev(cabinet_index: SearchIndex) -> None:
    summary = _summary(cabinet_index, shared_path("eval/cabinet_dev.jsonl"))["all"]
    assert summary["hit@1"] >= 0.5
    assert summary["hit@5"] >= 0.85  # 0.900 measured
    assert summary["unanswerable_abstained"] >= 0.5  # 3 of its 4 declined (0.75)
    assert summary["answerable_abstained"] <= 0.05  # 0.0


def test_offtopic_questions_mostly_abstain_on_the_archive(cabinet_index: SearchIndex) -> None:
    assert _summary(cabinet_index, OFFTOPIC)["all"]["unanswerable_abstained"] >= 0.85  # 0.925


def test_enth_dev(cabinet_index: SearchIndex) -> None:
    summary = _summary(cabinet_index, shared_path("eval/enth_dev.jsonl"))["all"]
    assert summary["hit@5"] >= 0.65  # 0.721 measured
    assert summary["answerable_abstained"] <= 0.06  # 0.022


# The project's own sets (tests/data/eval): floors on their held-out halves only, which no
# threshold or weight was chosen on (README, Quality, has both halves).
EVAL = PROJECT / "tests" / "data" / "eval"


def _held_out(index: SearchIndex, name: str) -> dict[str, float]:
    lines = (EVAL / name).read_text(encoding="utf-8").splitlines()
    questions = [parse_question(json.loads(line)) for line in lines if line]
    return summarize(run(index, [q for q in questions if q.half == "heldout"]))["all"]


def test_held_out_thai_archive_questions(cabinet_index: SearchIndex) -> None:
    summary = _held_out(cabinet_index, "archive_th.jsonl")
    assert summary["hit@5"] >= 0.72  # 0.811 measured
    assert summary["shown@5"] >= 0.6  # 0.767 measured (0.433 at 24db385)
    assert summary["answerable_abstained"] <= 0.1  # 0.044


def test_held_out_english_archive_questions(cabinet_index: SearchIndex) -> None:
    summary = _held_out(cabinet_index, "archive_en.jsonl")
    assert summary["hit@5"] >= 0.5  # 0.636 measured
    assert summary["answerable_abstained"] <= 0.1  # 0.0


def test_held_out_unanswerable_questions(cabinet_index: SearchIndex) -> None:
    assert _held_out(cabinet_index, "archive_unanswerable.jsonl")["unanswerable_abstained"] >= 0.5


def test_held_out_seed_questions_on_the_seed_alone(seed_index: SearchIndex) -> None:
    summary = _held_out(seed_index, "seed.jsonl")
    assert summary["hit@3"] >= 0.5  # 0.696 measured
    assert summary["shown@5"] >= 0.65  # 0.783 (0.652 at 24db385: two excerpts in all)
    assert summary["answerable_abstained"] <= 0.25  # 0.130


def test_held_out_unanswerable_questions_on_the_seed_alone(seed_index: SearchIndex) -> None:
    # The smallest corpus: the archive's unanswerable questions share a word or two with it.
    summary = _held_out(seed_index, "archive_unanswerable.jsonl")
    assert summary["unanswerable_abstained"] >= 0.8  # 0.909


@pytest.mark.parametrize(
    "question",
    ["smart city", "เมืองอัจฉริยะ", "ไทยชนะ", "Tomorrowland", "ค่าจ้างขั้นต่ำ", "ค่าแรงขั้นต่ำ"],
)
def test_a_few_key_words_the_archive_holds_are_answered(
    cabinet_index: SearchIndex, question: str
) -> None:
    """People often type only a topic; a report holding all of it answers, however many
    others hold it too."""
    assert ask(cabinet_index, question).found


def test_the_first_hits_are_those_of_ranking_every_matching_row(
    cabinet_index: SearchIndex,
) -> None:
    # A search ranks again (own words, phrases) only its contenders, not the tens of
    # thousands of passages sharing a word; its first k must be what ranking them all gives.
    index = cabinet_index
    for line in (OWN_SETS / "archive_th.jsonl").read_text(encoding="utf-8").splitlines()[:60]:
        query = index.analyze(json.loads(line)["question"])
        every, scores = index.scores(query)
        scores = index._with_phrases(query, every, index._with_own_words(query, every, scores))
        for k in (3, 200):
            rows, best = rerank.best(every, scores, k, index._repeats)
            if query.fact is not None and rows.size > 1:
                states = index._fact_states(query, every, int(rows[0]))
                rows, best = rerank.fact_second(
                    states, index._report_of, every, scores, rows, best
                )
            ranked = index.ranked(query, k)
            assert [hit.position for hit in ranked] == rows.tolist()
            assert [hit.score for hit in ranked] == best.tolist()


def test_the_first_hits_are_the_same_however_many_are_asked_for(
    cabinet_index: SearchIndex,
) -> None:
    # The bot keeps 200 hits per question and eval scores 12: both must rank alike, so the
    # phrase bonus reranks the same candidates whatever k is.
    # (When the bonus reranked the best max(k, 32), 3 of these 228 questions ranked otherwise.)
    questions = [
        json.loads(line)["question"]
        for name in ("archive_th", "seed")
        for line in (OWN_SETS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    for question in questions:
        query = cabinet_index.analyze(question)
        few = [(hit.position, hit.score) for hit in cabinet_index.search(query, 10)]
        many = [(hit.position, hit.score) for hit in cabinet_index.search(query, 200)]
        assert many[: len(few)] == few, question
