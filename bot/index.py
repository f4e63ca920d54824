"""Stage: passages -> SearchIndex -> Hits. Questions analysed, passages ranked and judged.

Ranking is BM25 (`bot.bm25`, rank-bm25's formula with Lucene's idf) over passages, blended
with BM25 over whole reports; English words are translated through the lexicon, misspelt words
corrected, and a month or year named in the question lifts reports of meetings then.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot import text
from bot.abbreviations import both_ways, full_names
from bot.bm25 import Postings, TermIds
from bot.facts import FACTS, Fact, asked_fact, asking_words, stated
from bot.lexicon import Lexicon, default_lexicon
from bot.passages import Passage, split_report
from bot.rarity import information
from bot.reports import Report
from bot.spelling import correct_tokens
from bot.thaidate import BE_OFFSET, Period, expand_dates, find_period

Tokenizer = Callable[[str], list[str]]
# A passage's stored index terms (by row): term id, start, end, one row per term.
Spans = Callable[[int], np.ndarray]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked passage: its score, the query terms it holds, how much of the question the
    passage (idf-weighted) and its whole report (weighted by information, bot.rarity) cover,
    and `evidence`: how unlikely it is that a report of this corpus holds what this one holds
    of the question by chance (see SearchIndex._evidence)."""

    passage: Passage
    report: Report
    score: float
    matched: tuple[str, ...]
    coverage: float
    report_coverage: float
    position: int
    evidence: float = 0.0


def _lists(arrays: Mapping[str, np.ndarray]) -> dict[str, list[bool]]:
    return {key: array.tolist() for key, array in arrays.items()}


def _other_era(term: str) -> str | None:
    """The same year in the other era: 2020 -> 2563, 2563 -> 2020; None for other terms."""
    if len(term) != 4 or not term.isdigit():
        return None
    year = int(term)
    if 1900 <= year <= 2100:
        return str(year + BE_OFFSET)
    if 1900 + BE_OFFSET <= year <= 2100 + BE_OFFSET:
        return str(year - BE_OFFSET)
    return None


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing a question asks about: its own word(s) and, for English, their Thai terms.

    `alternatives` maps each term that stands for the concept to its share of the concept's
    weight: 1.0 for the question's own terms, fractions for translations.
    """

    words: tuple[str, ...]
    alternatives: Mapping[str, float]
    # The term sets that each stand for the concept whole: each own term alone, and each kept
    # rendering (ยุคแรก is ยุค and แรก together, not ยุค alone). Empty: each alternative alone.
    groups: tuple[tuple[str, ...], ...] = ()
    # How sure its renderings are: 1 from hand-checked lists, less from WordNet's broad senses
    # (showtime -> ยุคแรก). A concept held only through a rendering counts this much of it.
    trust: float = 1.0
    # A misspelt word's correction is a guess: held, it counts `trust` of the concept.
    guessed: bool = False

    def sets(self) -> tuple[tuple[str, ...], ...]:
        """The term sets that stand for this concept."""
        return self.groups or tuple((term,) for term in self.alternatives)


@dataclass(frozen=True, slots=True)
class Query:
    """An analysed question.

    `terms` are its own index terms with repeats, scored exactly as rank-bm25 scores a query;
    `translations` are Thai terms added for its English words, each with a query weight below 1;
    `weights` give every term that may match its idf times its weight (for picking sentences).
    """

    text: str
    terms: tuple[str, ...]
    translations: Mapping[str, float]
    concepts: tuple[Concept, ...]
    weights: Mapping[str, float]
    translated: bool = False
    period: Period | None = None
    fact: Fact | None = None
    corrections: tuple[tuple[str, str], ...] = ()  # (as written, as searched) for typos


Weighted = tuple[tuple[tuple[str, ...], float], ...]  # (term set, how much it counts)


def content_weights(query: Query, postings: Postings) -> list[tuple[Weighted, float]]:
    """Each concept's term sets that the corpus knows with how much each counts (the
    question's own words fully, renderings by the concept's trust), and the concept's
    information in general language: the most telling of its own words (filler words: 0)."""
    weighted = []
    for concept in query.concepts:
        own = set(concept.words)
        sets = tuple(
            (terms, 1.0 if set(terms) <= own and not concept.guessed else concept.trust)
            for terms in concept.sets()
            if all(postings.frequency(t) for t in terms)
        )
        weighted.append((sets, max(information(word) for word in concept.words)))
    return weighted


class SearchIndex:
    """BM25 over passages, blended with BM25 over their whole reports.

    A question often names the report (its title words) and asks about one section of it, so a
    passage's score adds REPORT_WEIGHT times its report's score: the passage that answers wins
    inside the right report, and the right report's passages beat lookalikes in other reports.
    English words are translated into Thai terms through the lexicon, senses weighted by how
    often the corpus uses them, so "cabinet" finds คณะรัฐมนตรี rather than ตู้ (cupboard).
    `facts` (passages x FACTS, bool) says which passages state a date or an amount; it is
    worked out from the passages when not given (the index cache keeps it). `spans`, when
    given, reads a passage's index terms with their places (term ids into the postings'
    vocabulary, start, end), so that excerpts need not segment their passages again.
    """

    REPORT_WEIGHT = 2.0
    # Translated words bring loose senses that a long report matches by chance, so English
    # questions lean more on the passage itself (enth_dev hit@5 0.59 at 2.0, 0.65 at 1.0).
    TRANSLATED_REPORT_WEIGHT = 1.0
    # A question naming a month or year ("มิถุนายน 2563", "in June 2020") lifts reports of
    # meetings then, without hiding others: years in questions often name other things.
    MONTH_BOOST = 0.3
    YEAR_BOOST = 0.15
    FACT_BOOST = 0.15  # a passage stating the kind of fact asked for (a date, an amount)
    # An everyday Thai word's official wording (bot/data/synonyms.tsv) counts beside the
    # question's own word, a little less.
    SYNONYM_WEIGHT = 0.8
    BROAD_SENSE_TRUST = 0.5
    GUESS_TRUST = 0.5  # a corrected spelling holds the question's word only perhaps
    # A pair of the question's neighbouring words found side by side adds this share of the
    # rarer one's idf, among the best PHRASE_CANDIDATES passages by BM25.
    PHRASE_WEIGHT = 1.0
    PHRASE_CANDIDATES = 32
    MAX_SENSES = 4  # Thai renderings kept per English word or phrase
    MIN_SENSE_SHARE = 0.5  # a rendering at least this common, relative to the most common
    SENSE_CACHE = 20_000  # English words and phrases whose weighed senses are remembered

    def __init__(
        self,
        passages: Sequence[Passage],
        reports: Sequence[Report],
        tokenize: Tokenizer,
        passage_postings: Postings,
        report_postings: Postings,
        lexicon: Lexicon | None = None,
        facts: np.ndarray | None = None,
        spans: Spans | None = None,
        abbreviations: Mapping[str, str] | None = None,
    ) -> None:
        self.passages = tuple(passages)
        self._spans = spans
        self._terms = tuple(passage_postings.vocabulary)
        self.reports = {report.doc_id: report for report in reports}
        self.tokenize = tokenize
        self.lexicon = lexicon
        self._senses: dict[tuple[str, ...], dict[str, float]] = {}
        self._rendered: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        self._abbreviation_table = abbreviations
        self._abbreviations: Lexicon | None = None
        self._passages = passage_postings
        self._reports = report_postings
        report_row = {doc_id: row for row, doc_id in enumerate(self.reports)}
        self._report_of = np.array(
            [report_row[passage.doc_id] for passage in self.passages], dtype=np.int64
        )
        if facts is None:
            facts = np.array([stated(passage.text) for passage in self.passages], dtype=bool)
        self.facts = facts.reshape(len(self.passages), len(FACTS))
        self._states = {fact: self.facts[:, column] for column, fact in enumerate(FACTS)}
        meetings = [self.reports[passage.doc_id].meeting_date for passage in self.passages]
        self._meeting = np.array(
            [(day.year, day.month) if day else (0, 0) for day in meetings], dtype=np.int64
        ).reshape(-1, 2)

    @classmethod
    def build(
        cls,
        passages: Sequence[Passage],
        reports: Iterable[Report],
        tokenize: Tokenizer,
        lexicon: Lexicon | None = None,
    ) -> SearchIndex:
        """Tokenize every passage (with its context) and precompute BM25 weights."""
        tokens = [tokenize(passage.indexed_text) for passage in passages]
        return cls.from_tokens(passages, reports, tokens, tokenize, lexicon)

    @classmethod
    def from_tokens(
        cls,
        passages: Sequence[Passage],
        reports: Iterable[Report],
        tokens: Sequence[list[str]] | TermIds,
        tokenize: Tokenizer,
        lexicon: Lexicon | None = None,
        facts: np.ndarray | None = None,
        spans: Spans | None = None,
    ) -> SearchIndex:
        """The index of passages already tokenized (term lists or ids, one per passage)."""
        passages = tuple(passages)
        table = tokens if isinstance(tokens, TermIds) else TermIds.encode(tokens)
        if len(table) != len(passages):
            raise ValueError(f"{len(table)} token lists for {len(passages)} passages")
        used = {passage.doc_id for passage in passages}
        reports = [report for report in reports if report.doc_id in used]
        report_row = {report.doc_id: row for row, report in enumerate(reports)}
        rows = np.array([report_row[passage.doc_id] for passage in passages], dtype=np.int64)
        columns = table.columns()
        return cls(
            passages,
            reports,
            tokenize,
            Postings.count(table, columns=columns),
            Postings.count(table, rows, len(reports), columns),
            lexicon,
            facts,
            spans,
        )

    @classmethod
    def from_reports(
        cls, reports: Sequence[Report], tokenize: Tokenizer | None = None
    ) -> SearchIndex:
        """Split reports into passages and index them with the project tokenizer and lexicon."""
        passages = [passage for report in reports for passage in split_report(report)]
        return cls.build(passages, reports, tokenize or text.tokenize, default_lexicon())

    def __len__(self) -> int:
        return len(self.passages)

    def with_lexicon(self, lexicon: Lexicon | None) -> SearchIndex:
        """The same index translating English through `lexicon` (its arrays shared)."""
        passage_postings, report_postings = self.postings
        return SearchIndex(
            self.passages,
            list(self.reports.values()),
            self.tokenize,
            passage_postings,
            report_postings,
            lexicon,
            self.facts,
            self._spans,
            self._abbreviation_table,
        )

    def words(self, hit: Hit, only: Iterable[str] | None = None) -> Sequence[text.Token]:
        """The words of a hit's passage that can match a question, as stored (or analysed
        again when the index has none stored): all of them, or `only` those terms."""
        if self._spans is not None:
            try:
                stored = self._spans(hit.position)
            except OSError as error:
                log.warning("stored words of passage %d unreadable (%s)", hit.position, error)
            else:
                terms = self._terms
                column = self._passages.vocabulary
                wanted = None if only is None else {column[t] for t in only if t in column}
                return [
                    text.Token(terms[term], start, end)
                    for term, start, end in stored.tolist()
                    # Words of the borrowed context are not in the passage.
                    if start >= 0 and (wanted is None or term in wanted)
                ]
        words = text.analyze_passage(hit.passage.text)
        if only is None:
            return words
        kept = set(only)
        return [word for word in words if word.term in kept]

    @property
    def postings(self) -> tuple[Postings, Postings]:
        """The passage-level and report-level BM25 postings (for saving the index)."""
        return self._passages, self._reports

    def _translate(self, phrases: tuple[str, ...]) -> dict[str, float]:
        """Thai terms for one English word or phrase, weighted by how much the corpus uses them.

        The sense found in most passages gets weight 1; others count only when they are at
        least half as common, in proportion. Rare senses would otherwise win on idf alone
        ("cabinet" as ตู้, cupboard, in a corpus about the คณะรัฐมนตรี). Remembered per index:
        the same English words come back in question after question.
        """
        known = self._senses.get(phrases)
        if known is None:
            if len(self._senses) >= self.SENSE_CACHE:
                self._senses.clear()
            known = self._senses[phrases] = self._weigh_senses(phrases)
        return known

    def _renderings(self, phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """The term sets of the renderings `_translate` keeps for these phrases (remembered
        beside the senses)."""
        known = self._rendered.get(phrases)
        if known is None:
            weights = self._translate(phrases)
            kept = []
            for phrase in phrases:
                terms = tuple(dict.fromkeys(self.tokenize(phrase)))
                if terms and all(term in weights for term in terms):
                    kept.append(terms)
            if len(self._rendered) >= self.SENSE_CACHE:
                self._rendered.clear()
            known = self._rendered[phrases] = tuple(kept)
        return known

    def _weigh_senses(self, phrases: Sequence[str]) -> dict[str, float]:
        senses = []
        for phrase in phrases:
            terms = tuple(dict.fromkeys(self.tokenize(phrase)))
            frequency = self._passages.frequency_together(terms)
            if frequency:
                senses.append((frequency, terms))
        senses = sorted(senses, key=lambda sense: -sense[0])[: self.MAX_SENSES]
        weights: dict[str, float] = {}
        for frequency, terms in senses:
            share = frequency / senses[0][0]
            if share >= self.MIN_SENSE_SHARE:
                for term in terms:
                    weights[term] = max(weights.get(term, 0.0), share)
        return weights

    def _known(self, words: set[str]) -> set[str]:
        """Those of `words` the corpus or the lexicon knows (single words only)."""
        # filter() walks the few hundred words; `words & keys()` would walk all the keys.
        found = set(filter(self._passages.vocabulary.__contains__, words))
        if self.lexicon is not None:
            found.update(filter(self.lexicon.entries.__contains__, words))
        return found

    @property
    def abbreviation_table(self) -> Mapping[str, str]:
        """The abbreviations the corpus defines -> their full names (bot.abbreviations), mined
        when first needed (about a second on the archive) unless the cache kept them."""
        if self._abbreviation_table is None:
            texts = (report.text for report in self.reports.values())
            self._abbreviation_table = full_names(texts, text.segment_words)
        return self._abbreviation_table

    @property
    def abbreviations(self) -> Lexicon:
        """The corpus's abbreviations and their full names, looked up both ways."""
        if self._abbreviations is None:
            pairs = both_ways(self.abbreviation_table).items()
            self._abbreviations = Lexicon.parse([f"{short}\t{name}" for short, name in pairs])
        return self._abbreviations

    def _popularity(self, term: str) -> int:
        known = self.lexicon is not None and self.lexicon.has((term,))
        return self._passages.frequency(term) + int(known)

    def analyze(self, question: str) -> Query:
        """The question's terms, Thai translations of its English words, and its concepts."""
        written_out = expand_dates(text.unstretch(text.clean(question)))
        tokens = text.analyze(written_out)
        lexicon = self.lexicon

        def known(word: str) -> bool:
            # A word a dictionary knows is never "corrected" (เรื่อง is not a typo of เนื่อง).
            return text.is_thai_word(word) or (lexicon is not None and lexicon.knows(word))

        corrections: list[tuple[str, str]] = []
        corrected = correct_tokens(tokens, self._popularity, known, corrections, self._known)
        terms = tuple(term for term in corrected if text.is_index_term(term))
        guesses = {fixed for _, fixed in corrections}
        translations: dict[str, float] = {}
        concepts = []
        translated: set[int] = set()
        english_rendered = False  # English words rendered in Thai (years and synonyms aside)
        lexicon_matches = self.lexicon.lookup(terms) if self.lexicon else []
        covered = {at for match in lexicon_matches for at in range(match.start, match.end)}
        abbreviation_matches = [
            match
            for match in self.abbreviations.lookup(terms)
            if not covered.intersection(range(match.start, match.end))
        ]
        for match in sorted(lexicon_matches + abbreviation_matches, key=lambda m: m.start):
            own = dict.fromkeys(terms[match.start : match.end], 1.0)
            english = terms[match.start].isascii()
            # The official wording stands in whole for an everyday word the corpus never uses.
            unused = not any(self._passages.frequency(term) for term in own)
            share = 1.0 if english or unused else self.SYNONYM_WEIGHT
            thai = {t: w * share for t, w in self._translate(match.thai).items() if t not in own}
            for term, weight in thai.items():
                translations[term] = max(translations.get(term, 0.0), weight)
            groups = tuple((term,) for term in own) + self._renderings(match.thai)
            trust = 1.0 if match.checked else self.BROAD_SENSE_TRUST
            guess = not guesses.isdisjoint(own)
            trust = min(trust, self.GUESS_TRUST) if guess else trust
            concept = Concept(terms[match.start : match.end], own | thai, groups, trust, guess)
            concepts.append(concept)
            translated.update(range(match.start, match.end))
            english_rendered = english_rendered or (english and bool(thai))
        for position, term in enumerate(terms):
            other = _other_era(term)
            if other and position not in translated and self._passages.frequency(other):
                translations[other] = 1.0
                concepts.append(Concept((term,), {term: 1.0, other: 1.0}))
                translated.add(position)
        for position, term in enumerate(terms):
            # A Thai word written from English that the corpus never uses may be written in
            # English there (บล็อกเชน, คลาวด์: Cloud).
            english = text.transliterations().get(term) if not term.isascii() else None
            if english and position not in translated and not self._passages.frequency(term):
                written = {t: 1.0 for t in english if self._passages.frequency(t)}
                if written:
                    translations.update(written)
                    concepts.append(Concept((term,), {term: 1.0} | written))
                    translated.add(position)
        seen = {word for concept in concepts for word in concept.words}
        for position, term in enumerate(terms):
            if position not in translated and term not in seen:
                seen.add(term)
                guess = term in guesses
                trust = self.GUESS_TRUST if guess else 1.0
                concepts.append(Concept((term,), {term: 1.0}, trust=trust, guessed=guess))
        asking = asking_words(corrected)
        concepts = [concept for concept in concepts if not asking.issuperset(concept.words)]
        translations = {t: w for t, w in translations.items() if t not in terms}
        weights = {term: self._passages.idf(term) for term in terms}
        weights |= {term: self._passages.idf(term) * w for term, w in translations.items()}
        return Query(
            question,
            terms,
            translations,
            tuple(concepts),
            weights,
            english_rendered,
            find_period(written_out),
            asked_fact(question),
            tuple(corrections),
        )

    def scores(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """Passages sharing a term with the query (ascending rows) and their blended scores."""
        passage_scores = self._passages.scores(query.terms, query.translations)
        rows = np.flatnonzero(passage_scores > 0)  # on a bool array: 7x faster than on floats
        report_scores = self._reports.scores(query.terms, query.translations)
        weight = self.TRANSLATED_REPORT_WEIGHT if query.translated else self.REPORT_WEIGHT
        scores = report_scores[self._report_of[rows]]
        scores *= weight
        scores += passage_scores[rows]
        if query.period is not None:
            scores *= self._period_boost(query.period, rows)
        if query.fact is not None:
            scores *= np.where(self._states[query.fact][rows], 1 + self.FACT_BOOST, 1.0)
        return rows, scores

    def _period_boost(self, period: Period, rows: np.ndarray) -> np.ndarray:
        """Score factors favouring reports from the meeting month or year the question names."""
        meeting = self._meeting[rows]
        in_year = meeting[:, 0] == period.year
        if period.month is None:
            # "ปี 2563" is often decided in the year before (a minimum wage, a budget year).
            near = in_year | (meeting[:, 0] == period.year - 1)
            return np.where(near, 1 + self.YEAR_BOOST, 1.0)
        in_month = in_year & (meeting[:, 1] == period.month)
        return np.where(in_month, 1 + self.MONTH_BOOST, np.where(in_year, 1 + self.YEAR_BOOST, 1))

    @staticmethod
    def _concept_weights(
        query: Query, postings: Postings, power: int
    ) -> list[tuple[tuple[str, ...], float]]:
        """Each concept's known terms and its weight, idf ** power.

        A concept's idf is the weighted mean idf of its alternatives the corpus knows; one
        the corpus does not know at all weighs as much as the rarest word could.
        """
        weighted = []
        for concept in query.concepts:
            known = {t: w for t, w in concept.alternatives.items() if postings.frequency(t)}
            if known:
                idf = sum(w * postings.idf(t) for t, w in known.items()) / sum(known.values())
            else:
                idf = postings.idf(concept.words[0])
            weighted.append((tuple(known), idf**power))
        return weighted

    @staticmethod
    def _coverage(
        weighted: Sequence[tuple[tuple[str, ...], float]],
        holding: Mapping[str, Sequence[bool]],
        size: int,
    ) -> list[float]:
        """For each of `size` rows tested in `holding`, the share of the weighted concepts it
        holds. (Plain Python: for a dozen rows it beats a few NumPy calls per concept.)"""
        total = sum(weight for _, weight in weighted)
        found = [0.0] * size
        for terms, weight in weighted:
            columns = [holding[term] for term in terms]
            for row in range(size):
                if any(column[row] for column in columns):
                    found[row] += weight
        return [value / total for value in found] if total else found

    def _pairs(self, query: Query) -> list[tuple[int, int, float]]:
        """The question's neighbouring term pairs (as term ids) and what finding one side by
        side is worth: the rarer term's idf."""
        column = self._passages.vocabulary
        terms = [t for t in query.terms if t in column]
        return [
            (column[a], column[b], min(self._passages.idf(a), self._passages.idf(b)))
            for a, b in itertools.pairwise(terms)
            if a != b
        ]

    def _with_phrases(
        self, query: Query, rows: np.ndarray, scores: np.ndarray, depth: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best `depth` rows, each scoring more for every pair of the question's neighbouring
        words it holds side by side (`เงินเฟ้อ` `เดือน` `มีนาคม`): a passage saying the question's
        phrase outranks one scattering its words. Only these rows go on to the cut.

        Thai questions only: an English question's word order is not its Thai renderings'.
        """
        pairs = [] if query.translated else self._pairs(query)
        if not pairs or rows.size == 0:
            return rows, scores
        if rows.size > depth:
            top = np.argpartition(-scores, depth - 1)[:depth]
            rows, scores = rows[top], scores[top]
        scores = scores.copy()
        wanted = np.zeros(len(self._terms), dtype=bool)
        wanted[[t for a, b, _ in pairs for t in (a, b)]] = True
        for place, row in enumerate(rows.tolist()):
            words = self._positions(row)
            ends: dict[int, set[int]] = {}
            starts: dict[int, set[int]] = {}
            for term, start, end in words[wanted[words[:, 0]]].tolist():
                ends.setdefault(term, set()).add(end)
                starts.setdefault(term, set()).add(start)
            bonus = 0.0
            for a, b, worth in pairs:
                if a in ends and b in starts:
                    after = starts[b]
                    if any(end in after or end + 1 in after for end in ends[a]):
                        bonus += worth
            scores[place] += self.PHRASE_WEIGHT * bonus
        return rows, scores

    def _positions(self, row: int) -> np.ndarray:
        """A passage's index terms as rows of (term id, start, end): stored, or analysed again
        (an index built in memory keeps no places)."""
        if self._spans is not None:
            try:
                return self._spans(row).astype(np.int64)
            except OSError as error:
                log.warning("stored words of passage %d unreadable (%s)", row, error)
        column = self._passages.vocabulary
        words = [
            (column[w.term], w.start, w.end)
            for w in text.analyze_passage(self.passages[row].text)
            if w.term in column
        ]
        return np.array(words, dtype=np.int64).reshape(-1, 3)

    def _evidence(
        self, query: Query, holding: Mapping[str, Sequence[bool]], size: int
    ) -> list[float]:
        """For each of `size` report rows: the sum, over the question's content concepts the
        report holds, of ln((N + 1) / (df + 0.5)) (df: reports holding it, N: reports), less
        ln(N + 1), what the best of N reports would reach by chance.

        Positive when the report holds more of the question together than chance would give
        the luckiest report of a corpus this size; on a corpus of one report it is near 0,
        where chance says nothing and coverage alone decides. Infinite when every concept the
        report holds is in half the corpus or more: the corpus is about them.
        """
        reports = self._reports
        chance = math.log(reports.size + 1)
        found = [-chance] * size
        topical = [True] * size  # every concept it holds is in half the corpus or more
        for concept in query.concepts:
            if max(information(word) for word in concept.words) == 0:
                continue
            known = [
                (terms, min(reports.frequency(t) for t in terms))
                for terms in concept.sets()
                if all(t in holding for t in terms)
            ]
            for row in range(size):
                present = [df for terms, df in known if all(holding[t][row] for t in terms)]
                if present:
                    df = min(present)
                    found[row] += math.log((reports.size + 1) / (df + 0.5))
                    topical[row] = topical[row] and 2 * df >= reports.size
        # A corpus about what the question asks (thirty smart-city reports asked "smart city")
        # matches it everywhere: no chance at work there.
        return [math.inf if sure else value for value, sure in zip(found, topical, strict=True)]

    @staticmethod
    def _held(
        weighted: Sequence[tuple[Weighted, float]],
        holding: Mapping[str, Sequence[bool]],
        size: int,
    ) -> list[float]:
        """For each of `size` rows, the weighted share of the concepts it holds: a concept is
        held (as much as its best set counts) when all the terms of one of its sets are."""
        total = sum(weight for _, weight in weighted)
        found = [0.0] * size
        for sets, weight in weighted:
            for row in range(size):
                held = [share for terms, share in sets if all(holding[t][row] for t in terms)]
                if held:
                    found[row] += weight * max(held)
        return [value / total for value in found] if total else found

    def search(self, question: str | Query, k: int = 10) -> list[Hit]:
        """The k best passages sharing at least one term with the question, best first."""
        query = question if isinstance(question, Query) else self.analyze(question)
        if not query.terms or not self.passages or k <= 0:
            return []
        rows, scores = self.scores(query)
        rows, scores = self._with_phrases(query, rows, scores, max(k, self.PHRASE_CANDIDATES))
        if rows.size > k:
            # Everything scoring at least the k-th best score, so ties at the cut stay ordered.
            kth = np.partition(scores, rows.size - k)[rows.size - k]
            keep = scores >= kth
            rows, scores = rows[keep], scores[keep]
        # Best first; equal scores in passage order (rows ascend, and lexsort is stable).
        order = np.lexsort((rows, -scores))[:k]
        rows, scores = rows[order], scores[order]
        report_rows = self._report_of[rows]
        in_passage = _lists(self._passages.holding(query.weights, rows))
        in_report = _lists(self._reports.holding(query.weights, report_rows))
        size = rows.size
        coverage = self._coverage(
            self._concept_weights(query, self._passages, 1), in_passage, size
        )
        # How much of the question's content the report holds, each concept weighed by its
        # information in the language generally (bot.rarity), not by this corpus's idf.
        report_coverage = self._held(content_weights(query, self._reports), in_report, size)
        evidence = self._evidence(query, in_report, size)
        hits = []
        columns = (rows.tolist(), scores.tolist(), coverage, report_coverage, evidence)
        for number, (row, score, covered, report_covered, surprise) in enumerate(
            zip(*columns, strict=True)
        ):
            passage = self.passages[row]
            hits.append(
                Hit(
                    passage=passage,
                    report=self.reports[passage.doc_id],
                    score=score,
                    matched=tuple(t for t in query.weights if in_passage[t][number]),
                    coverage=covered,
                    report_coverage=report_covered,
                    evidence=surprise,
                    position=row,
                )
            )
        return hits
