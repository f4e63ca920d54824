"""Fit bot.abstain's weights on the tuning half, and measure them on both halves.

    python -m bot.abstain_fit [--shared ../shared]

Fitted on the tuning half of tests/data/eval (archive Thai, English and unanswerable questions
over the default corpus; seed questions, and the unanswerable ones, over the seed report
alone; the fresh sets of each kind likewise) and on the first 400 iapp-wiki-qa training
questions, asked of their own paragraphs and of the archive, which answers none of them. Every
set counts the same, however many questions it has. The threshold is the highest that leaves at
most MAX_DECLINED of every answerable tuning set unanswered. Prints the weights to put in
bot/abstain.py and, for the fitted and the current weights, the share declined of every set
in both halves, with sets the fit never sees (tests/data/offtopic.jsonl over both corpora,
../shared/eval's cabinet_dev and enth_dev, iapp-wiki-qa questions asked of the seed report,
iapp-wiki-qa validation questions) as more held-out measures.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot import abstain
from bot.abstain import Signals, answered, signals
from bot.config import default_cache_dir
from bot.corpus import jsonl_lines
from bot.engine import load_index
from bot.evaluate import Question, parse_question
from bot.index import SearchIndex
from bot.index.build import from_reports
from bot.squad import Squad, as_unanswerable, read_squad

PROJECT = Path(__file__).resolve().parents[1]
SETS = PROJECT / "tests" / "data"
SEED = PROJECT / "corpus" / "cabinet-2020-08-13-asean-china-digital-economy.txt"
MAX_DECLINED = 0.05
IAPP_QUESTIONS = 400
L2 = 0.01  # ridge penalty on the standardised weights
STEPS = 3000
RATE = 0.5


@dataclass(frozen=True, slots=True)
class Sample:
    """One question's signals (None: nothing matched), whether it is answerable, its set."""

    found: Signals | None
    answerable: bool
    group: str


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in jsonl_lines(path) if line.strip()]


def _questions(path: Path, half: str | None, lang: str | None = None) -> list[Question]:
    questions = [parse_question(record) for record in _records(path)]
    return [
        q
        for q in questions
        if (half is None or not q.half or q.half == half) and lang in (None, q.lang)
    ]


def _samples(index: SearchIndex, questions: Sequence[Question], group: str) -> list[Sample]:
    samples = []
    for question in questions:
        query = index.analyze(question.question)
        found = signals(query, index.search(query, k=abstain.PASSAGES))
        samples.append(Sample(found, question.answerable, group))
    return samples


def collect(
    archive: SearchIndex,
    seed: SearchIndex,
    half: str,
    shared: Path,
    paragraphs: SearchIndex | None,
) -> list[Sample]:
    """The samples of one half: the project's sets, and those the fit never sees (marked *)."""
    own = SETS / "eval"
    samples = [
        *_samples(archive, _questions(own / "archive_th.jsonl", half), "archive_th"),
        *_samples(archive, _questions(own / "archive_en.jsonl", half), "archive_en"),
        *_samples(archive, _questions(own / "archive_unanswerable.jsonl", half), "unanswerable"),
        *_samples(seed, _questions(own / "seed.jsonl", half), "seed"),
        *_samples(archive, _questions(SETS / "offtopic.jsonl", None), "*offtopic"),
        # The smallest corpus an operator can have answers none of these either.
        *_samples(seed, _questions(own / "archive_unanswerable.jsonl", half), "unanswerable@seed"),
        *_samples(seed, _questions(SETS / "offtopic.jsonl", None), "*offtopic@seed"),
        # The sets written later by a helper that never saw the bot (tests/data/eval/README.md).
        *_samples(archive, _questions(own / "fresh_archive.jsonl", half, "th"), "fresh_th"),
        *_samples(archive, _questions(own / "fresh_archive.jsonl", half, "en"), "fresh_en"),
        *_samples(archive, _questions(own / "fresh_unanswerable.jsonl", half), "fresh_un"),
        *_samples(seed, _questions(own / "fresh_seed.jsonl", half), "fresh_seed"),
        *_samples(seed, _questions(own / "fresh_unanswerable.jsonl", half), "fresh_un@seed"),
    ]
    if paragraphs is not None:
        # iapp-wiki-qa: training questions tune, validation questions measure; each asked of
        # its own paragraphs (answerable) and of the archive (which answers none of them).
        split, mark = ("train", "") if half == "tune" else ("valid", "*")
        asked = _iapp(shared, split).questions[:IAPP_QUESTIONS]
        samples += _samples(paragraphs, asked, f"{mark}iapp")
        samples += _samples(archive, as_unanswerable(asked), f"{mark}iapp@archive")
        samples += _samples(seed, as_unanswerable(asked), "*iapp@seed")
    for name in ("cabinet_dev", "enth_dev"):
        path = shared / "eval" / f"{name}.jsonl"
        if path.is_file():
            samples += _samples(archive, _questions(path, None), f"*{name}")
    return samples


def _iapp(shared: Path, split: str) -> Squad:
    return read_squad(_records(shared / "data" / "iapp-wiki-qa" / f"{split}.jsonl.xz"))


def iapp_paragraphs(shared: Path) -> SearchIndex | None:
    """The index of iapp-wiki-qa's paragraphs (train and valid), when ../shared has them."""
    if not (shared / "data" / "iapp-wiki-qa" / "valid.jsonl.xz").is_file():
        return None
    paragraphs = {
        p.doc_id: p for split in ("train", "valid") for p in _iapp(shared, split).paragraphs
    }
    return from_reports(list(paragraphs.values()))


def fit(samples: Sequence[Sample]) -> tuple[tuple[float, ...], float]:
    """Logistic regression of answerable on the signals (every set weighing the same), then
    the threshold; returned as weights and bias in the signals' own units."""
    rows = [s for s in samples if s.found is not None]
    x = np.array([s.found.vector() for s in rows])  # type: ignore[union-attr]
    y = np.array([s.answerable for s in rows], dtype=float)
    sizes = {g: sum(1 for s in rows if s.group == g) for g in {s.group for s in rows}}
    weight = np.array([1 / sizes[s.group] for s in rows])
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / spread
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(STEPS):
        error = (1 / (1 + np.exp(-(z @ w + b))) - y) * weight
        w -= RATE * (z.T @ error / weight.sum() + L2 * w)
        b -= RATE * error.sum() / weight.sum()
    raw, offset = w / spread, b - float(w @ (mean / spread))
    return tuple(float(v) for v in raw), float(offset - _threshold(samples, raw, offset))


def _threshold(samples: Sequence[Sample], weights: np.ndarray, bias: float) -> float:
    """The highest score threshold leaving at most MAX_DECLINED of every answerable set
    unanswered (a question nothing matched is declined whatever the threshold, one whose
    report holds all its content answered)."""
    highest = np.inf
    for group in {s.group for s in samples if s.answerable}:
        members = [s for s in samples if s.group == group and s.answerable]
        scored = [s.found for s in members if s.found and s.found.share < abstain.WHOLE]
        scores = np.sort([np.dot(found.vector(), weights) + bias for found in scored])
        unmatched = sum(1 for s in members if s.found is None)
        allowed = int(MAX_DECLINED * len(members)) - unmatched  # declined by the threshold
        if allowed < 0:
            raise SystemExit(f"{group}: more than {MAX_DECLINED:.0%} of it matches nothing")
        if allowed < scores.size:
            highest = min(highest, float(scores[allowed]))
    return highest if np.isfinite(highest) else 0.0


def declined(samples: Sequence[Sample], weights: Sequence[float], bias: float) -> dict[str, float]:
    """Per set, the share declined (a set holding both kinds: each kind apart)."""
    kinds: dict[str, set[bool]] = {}
    for s in samples:
        kinds.setdefault(s.group, set()).add(s.answerable)
    mixed = {group for group, held in kinds.items() if len(held) == 2}
    counts: dict[str, list[int]] = {}
    for s in samples:
        key = s.group + ("" if s.answerable else " unanswerable") if s.group in mixed else s.group
        tally = counts.setdefault(key, [0, 0])
        tally[0] += not answered(s.found, weights, bias)
        tally[1] += 1
    return {key: no / n for key, (no, n) in counts.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.abstain_fit", description=__doc__)
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared")
    args = parser.parse_args(argv)
    corpus = [PROJECT / "corpus"]
    archive = load_index(corpus, default_cache_dir(corpus)).index
    seed = load_index([SEED], default_cache_dir([SEED])).index
    paragraphs = iapp_paragraphs(args.shared)
    halves = {h: collect(archive, seed, h, args.shared, paragraphs) for h in ("tune", "heldout")}
    tuning = [s for s in halves["tune"] if not s.group.startswith("*")]
    weights, bias = fit(tuning)
    print("WEIGHTS = (" + ", ".join(f"{w:.4f}" for w in weights) + ")")
    print(f"BIAS = {bias:.4f}")
    for label, (w, b) in (
        ("fitted", (weights, bias)),
        ("current", (abstain.WEIGHTS, abstain.BIAS)),
    ):
        for half, samples in halves.items():
            shares = declined(samples, w, b)
            print(
                f"{label:8} {half:8}", "  ".join(f"{k} {v:.3f}" for k, v in sorted(shares.items()))
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
