"""Stage: hits -> whether they answer the question, or the bot should say nothing answers it.

One linear score over signals that mean the same on any corpus, most of them about the
question's *content* (its concepts weighed by their information in the language generally,
bot.rarity: question and filler words weigh nothing, a word the corpus lacks weighs by how rare
it is in Thai or English, not by the corpus's idf):

- how much of that content the best report holds, as a share and in nats;
- the largest share of it that one of the best passages holds by itself (a report answering
  the question says most of it in one place; one that matches by luck scatters it), and how
  unlikely a passage that long is to hold what it holds by chance (bot.index.coverage.by_chance:
  a short passage holding rare words says much, a long one holding common words nothing);
- how many content concepts the question has (a report holding three of five is telling; one
  holding one of two less so);
- the evidence that the best report holds what it holds by more than chance on a corpus of
  this size (bot.index.coverage.evidence), and whether the corpus is about every concept it
  holds (chance says nothing then);
- whether the question was asked in English (searched through translations, so its content
  is held less exactly).

The weights are a logistic regression fitted on the tuning half of the project's question sets
and on iapp-wiki-qa training questions asked of the archive (`python -m bot.abstain_fit`, which
prints them and both halves' rates); the threshold lets at most 5 % of any tuning set's
answerable questions go unanswered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.index import Hit, Query
from bot.rarity import information

WHOLE = 0.999  # a report holding all of the question's content answers it, however short
PASSAGES = 3  # best passages asked how much of the content they hold by themselves
EVIDENCE_CLIP = 10.0  # evidence beyond ±this says nothing more
NATS = 20.0  # the unit content is counted in (about two rare words)
CONCEPTS = 5.0  # the unit concepts are counted in

# Fitted by `python -m bot.abstain_fit` (logistic regression, tuning half), in the order of
# Signals.vector(); a question is answered when BIAS + weights · signals >= 0.
WEIGHTS = (2.5692, 0.0005, 2.6330, 0.8040, 1.1122, 0.2032, 1.9414, 1.9406)
BIAS = -6.2061


@dataclass(frozen=True, slots=True)
class Signals:
    """What the best hits say about whether they answer the question (see the module)."""

    share: float  # of the question's content the best report holds
    evidence: float  # the best report's evidence over chance, clipped to ±EVIDENCE_CLIP
    topical: bool  # the corpus is about every concept the best report holds
    passage: float  # the largest share of the content one of the best passages holds
    content: float  # nats of the question's content the best report holds
    concepts: int  # the question's content concepts
    english: bool  # asked in English, searched through translations
    surprise: float  # nats: the most any best passage's content is unlikely by chance

    def vector(self) -> tuple[float, ...]:
        """The signals as numbers, in the order of WEIGHTS."""
        return (
            self.share,
            self.evidence,
            self.passage,
            self.content / NATS,
            self.concepts / CONCEPTS,
            float(self.english),
            float(self.topical),
            self.surprise / NATS,
        )


def signals(query: Query, hits: Sequence[Hit]) -> Signals | None:
    """The signals of a question's best hits; None when nothing matched at all."""
    if not hits:
        return None
    best = hits[0]
    return Signals(
        share=best.report_coverage,
        evidence=max(-EVIDENCE_CLIP, min(EVIDENCE_CLIP, best.evidence)),
        topical=math.isinf(best.evidence),
        passage=max(hit.passage_content for hit in hits[:PASSAGES]),
        content=best.content,
        concepts=sum(1 for concept in query.concepts if max(map(information, concept.words)) > 0),
        english=query.translated,
        surprise=max(hit.passage_surprise for hit in hits[:PASSAGES]),
    )


def confidence(found: Signals, weights: Sequence[float] = WEIGHTS, bias: float = BIAS) -> float:
    """How sure the hits answer: >= 0 answers, below says nothing relevant was found."""
    return bias + sum(w * x for w, x in zip(weights, found.vector(), strict=True))


def answered(
    found: Signals | None, weights: Sequence[float] = WEIGHTS, bias: float = BIAS
) -> bool:
    """Whether hits with these signals are quoted: their report holds all the question's
    content ("ค่าแรงขั้นต่ำ", "smart city": a question of one or two key words has little else
    to go on), or the score says so."""
    if found is None:
        return False
    return found.share >= WHOLE or confidence(found, weights, bias) >= 0


def answers(query: Query, hits: Sequence[Hit]) -> bool:
    """Whether the best hits are worth quoting rather than saying nothing answers."""
    return answered(signals(query, hits))
