"""The fast postings path gives rank-bm25's own scores, on real passages and real questions.

Skipped without ../shared (the cabinet archive and the dev questions).
"""

from __future__ import annotations

import json

import numpy as np

from bot.corpus import load_corpus
from bot.index.postings import LuceneBM25, Postings
from bot.passages import split_report
from bot.text import tokenize
from tests.conftest import index_of, shared_path


def test_postings_match_rank_bm25_on_real_passages_and_questions() -> None:
    reports = load_corpus([shared_path("data/thaigov-cabinet/items_th.jsonl.xz")]).reports[:300]
    passages = [passage for report in reports for passage in split_report(report)][:3000]
    documents = [tokenize(p.indexed_text) for p in passages]
    reference = LuceneBM25(documents)
    postings = Postings.build(documents)
    index = index_of(passages, reports, tokenize)
    questions = [
        json.loads(line)["question"]
        for name in ("cabinet_dev", "enth_dev")
        for line in shared_path(f"eval/{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    compared = 0
    for question in questions:
        terms = list(index.analyze(question).terms)
        expected = reference.get_scores(terms)
        actual = postings.scores(terms)
        assert np.array_equal(actual, expected)  # bit-identical, not merely within 1e-9
        # The same top 10, in the same order (ties broken by passage order on both sides).
        order = np.lexsort((np.arange(len(expected)), -expected))[:10]
        assert np.array_equal(np.lexsort((np.arange(len(actual)), -actual))[:10], order)
        compared += 1
    assert compared >= 200
