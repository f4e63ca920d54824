"""Whether hits answer: the signals, the fitted score, and the fit that chose its weights."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot import abstain, abstain_fit
from bot.abstain import Signals, answered, answers, confidence, signals
from bot.abstain_fit import Sample, declined, fit
from bot.config import default_cache_dir
from bot.index import SearchIndex
from bot.index.build import from_reports, load_or_build
from bot.index.coverage import by_chance, evidence
from bot.rarity import information
from bot.reports import Report
from tests.conftest import PROJECT, SEED, SHARED

REPORTS = [
    Report("wage", "ค่าจ้างขั้นต่ำ", "เรื่อง ค่าจ้างขั้นต่ำ\nกำหนดอัตราค่าจ้างขั้นต่ำวันละ 400 บาท"),
    Report("flood", "อุทกภัย", "เรื่อง อุทกภัย\nช่วยเหลือผู้ประสบอุทกภัยครัวเรือนละ 9,000 บาท"),
    Report("rice", "ข้าว", "เรื่อง ข้าว\nประกันรายได้เกษตรกรผู้ปลูกข้าว ปีการผลิต 2563/64"),
]


@pytest.fixture(scope="module")
def small() -> SearchIndex:
    return from_reports(REPORTS)


def _signals(index: SearchIndex, question: str) -> Signals | None:
    query = index.analyze(question)
    return signals(query, index.search(query, k=abstain.PASSAGES))


def test_nothing_matched_is_declined(small: SearchIndex) -> None:
    query = small.analyze("pizza")
    assert signals(query, []) is None and not answered(None)
    assert not answers(query, small.search(query, k=3))


def test_a_report_holding_all_the_content_answers_however_short_the_question(
    small: SearchIndex,
) -> None:
    found = _signals(small, "ค่าจ้างขั้นต่ำ")
    assert found is not None and found.share == pytest.approx(1.0)
    assert answered(found, weights=(0.0,) * len(abstain.WEIGHTS), bias=-100.0)


def test_the_score_decides_a_report_holding_part_of_the_content(small: SearchIndex) -> None:
    found = _signals(small, "ค่าจ้างขั้นต่ำของแรงงานต่างด้าวในเขตเศรษฐกิจพิเศษ")
    assert found is not None and 0 < found.share < abstain.WHOLE
    assert answered(found, bias=100.0) and not answered(found, bias=-100.0)
    assert confidence(found) == pytest.approx(
        abstain.BIAS + float(np.dot(abstain.WEIGHTS, found.vector()))
    )


def test_a_compound_and_its_parts_are_one_concept(small: SearchIndex) -> None:
    query = small.analyze("เงินช่วยเหลือ")
    assert [c.words for c in query.concepts] == [("เงินช่วยเหลือ", "เงิน", "ช่วยเหลือ")]
    assert query.concepts[0].groups == (("เงินช่วยเหลือ",), ("เงิน", "ช่วยเหลือ"))
    found = _signals(small, "เงินช่วยเหลือ")
    # The flood report says ช่วยเหลือ but not เงิน: the concept is not held.
    assert found is not None and found.share == 0.0 and found.concepts == 1


def test_a_compound_with_one_part_left_is_held_only_whole(small: SearchIndex) -> None:
    # เชียงใหม่ is เชียง + ใหม่, and ใหม่ is a stopword: เชียง alone (เชียงราย) is not เชียงใหม่,
    # and is not a second concept weighing as much again.
    [concept] = small.analyze("เชียงใหม่").concepts
    assert concept.words == ("เชียงใหม่", "เชียง")
    assert concept.groups == (("เชียงใหม่",),)


def test_a_hyphenated_word_is_not_a_concept_beside_its_own_parts(small: SearchIndex) -> None:
    # tokenize writes central-fund, central, fund; the glossary renders "central fund" (งบกลาง).
    # The whole, a word no corpus writes, had been a second concept of 20 nats held by nothing.
    query = small.analyze("central-fund budget")
    assert [concept.words for concept in query.concepts] == [("central", "fund"), ("budget",)]
    # Parts no list renders: one concept, held by the whole or by its parts together.
    [concept] = small.analyze("zorb-quix").concepts
    assert concept.words == ("zorb-quix", "zorb", "quix")
    assert concept.groups == (("zorb-quix",), ("zorb", "quix"))


def test_greetings_say_nothing_to_answer() -> None:
    assert information("สวัสดี") == information("hello") == 0.0


def test_a_corpus_is_about_a_concept_only_when_a_report_holds_one(small: SearchIndex) -> None:
    # "topical" (every concept held is in half the corpus or more) used to be true of a report
    # holding nothing at all, which made an answer holding nothing look certain.
    query = small.analyze("ค่าจ้าง")
    _, reports = small.postings
    nothing = {term: np.array([False]) for term in query.weights}
    assert evidence(query, reports, nothing, 1).tolist() == [-math.log(reports.size + 1)]
    one = from_reports(REPORTS[:1])
    _, report = one.postings
    everything = {term: np.array([True]) for term in query.weights}
    assert evidence(one.analyze("ค่าจ้าง"), report, everything, 1).tolist() == [math.inf]


def test_a_short_text_holding_a_rare_word_is_less_likely_by_chance_than_a_long_one() -> None:
    rare = [(((("คลาวด์",), 1.0),), information("คลาวด์"))]
    common = [(((("ประเทศ",), 1.0),), information("ประเทศ"))]
    holding = {"คลาวด์": np.array([True, True, False]), "ประเทศ": np.array([True, True, True])}
    lengths = np.array([200.0, 20_000.0, 200.0])
    unlikely = by_chance(rare, holding, lengths)
    assert unlikely[0] > unlikely[1] > 0 and unlikely[2] == 0
    assert unlikely[0] > by_chance(common, holding, lengths)[0] > 0


def _sample(x: float, answerable: bool, group: str) -> Sample:
    found = Signals(x, 0.0, False, x, 20 * x, 1, False, 20 * x)
    return Sample(found, answerable, group)


def test_the_fit_separates_what_it_can_and_keeps_answerable_sets_answered() -> None:
    rng = np.random.default_rng(7)
    samples = [_sample(float(v), True, "yes") for v in rng.uniform(0.3, 0.9, 100)]
    samples += [_sample(float(v), False, "no") for v in rng.uniform(0.0, 0.5, 100)]
    weights, bias = fit(samples)
    shares = declined(samples, weights, bias)
    assert shares["yes"] <= abstain_fit.MAX_DECLINED
    assert shares["no"] > 0.5  # the overlap (0.3-0.5) is all it cannot tell apart


def test_the_shipped_weights_are_what_the_fit_gives(seed_index: SearchIndex) -> None:
    """bot/abstain.py holds what `python -m bot.abstain_fit` prints, for the data shipped."""
    if not (SHARED / "data" / "iapp-wiki-qa" / "train.jsonl.xz").is_file():
        pytest.skip("../shared/data/iapp-wiki-qa is not here (a fresh clone has no ../shared)")
    corpus = [PROJECT / "corpus"]
    archive = load_or_build(corpus, default_cache_dir(corpus)).index
    seed = load_or_build([SEED], default_cache_dir([SEED])).index
    paragraphs = abstain_fit.iapp_paragraphs(SHARED)
    tuning = [
        s
        for s in abstain_fit.collect(archive, seed, "tune", SHARED, paragraphs)
        if not s.group.startswith("*")
    ]
    weights, bias = fit(tuning)
    assert weights == pytest.approx(abstain.WEIGHTS, abs=1e-3)
    assert bias == pytest.approx(abstain.BIAS, abs=1e-3)
