"""Stage: question -> Query. Spelling, senses, eras, abbreviations and the fact asked for.

A question's words become index terms (typos corrected against the corpus's words), English
words become weighted Thai renderings (the senses the corpus uses most), a year in one era
finds the other, abbreviations the corpus defines find their full names and back, dates
written short are written out, and each thing asked about becomes a `Concept`, the unit the
abstention weighs (bot.index.coverage).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot import text
from bot.agencies import asked_proposer
from bot.daterange import DateRange, find_range
from bot.everyday import set_apart
from bot.facts import Fact, asked_fact, asking_words, counted_unit
from bot.index.postings import Postings
from bot.lexicon import Lexicon
from bot.sections import asked_section
from bot.social import Social, social
from bot.spelling import correct_tokens
from bot.thaidate import BE_OFFSET, Period, expand_dates, find_period, without_era

Tokenizer = Callable[[str], list[str]]


def _other_era(term: str) -> str | None:
    """The same year in the other era: 2020 -> 2563, 2563 -> 2020, and a year pair (2023/2024
    -> 2566/2567); None for other terms."""
    first, slash, second = term.partition("/")
    if slash:
        pair = (_other_era(first), _other_era(second))
        return f"{pair[0]}/{pair[1]}" if pair[0] and pair[1] else None
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
    `weights` give every term that may match its idf times its weight (for picking sentences);
    `added` is what ranking adds to the terms' BM25: the translations, and for each English word
    rendered in Thai a negative weight that leaves it OWN_RENDERED of its own.
    """

    text: str
    terms: tuple[str, ...]
    translations: Mapping[str, float]
    concepts: tuple[Concept, ...]
    weights: Mapping[str, float]
    translated: bool = False
    period: Period | None = None
    fact: Fact | None = None
    unit: str | None = None  # the word an amount asked for is counted in ("กี่ชั้น": ชั้น)
    corrections: tuple[tuple[str, str], ...] = ()  # (as written, as searched) for typos
    within: DateRange | None = None  # the meeting dates the question restricts itself to
    proposer: str | None = None  # the proposer it restricts itself to (bot.agencies)
    section: str | None = None  # the meeting section it restricts itself to (bot.sections)
    among: frozenset[str] | None = None  # only these reports (a followed topic's new reports)
    added: Mapping[str, float] = field(default_factory=dict)
    social: Social | None = None  # the question only greets, thanks or tries the bot out


def _parts_after(terms: tuple[str, ...], position: int) -> tuple[str, ...]:
    """The parts of the compound at `position` when the terms after it are its parts (as
    text.tokenize writes a compound: the word, then its parts that are index terms), else ()."""
    parts = tuple(p for p in text.compound_parts(terms[position]) if text.is_index_term(p))
    if parts and terms[position + 1 : position + 1 + len(parts)] == parts:
        return parts
    return ()


def _hyphen_parts(terms: tuple[str, ...], position: int) -> tuple[str, ...]:
    """The parts of the hyphenated word at `position` when the terms after it are its parts (as
    text.tokenize writes one: central-fund, then central and fund), else ()."""
    term = terms[position]
    if "-" not in term:
        return ()
    parts = tuple(text.tokenize(term.replace("-", " ")))
    return parts if parts and terms[position + 1 : position + 1 + len(parts)] == parts else ()


def name_pieces(tokens: Sequence[text.Token]) -> list[tuple[str, ...]]:
    """The index terms of each word the segmenter could only cut into pieces: a run of
    touching Thai pieces, each short (two letters) or unknown to the dictionary, at least one
    unknown (พัทธ์ธีรา -> ธี รา; สราวุธ -> ส รา วุธ). Such a word, a name the dictionary lacks,
    is one thing asked about: a report holding its pieces here and there holds none of it."""
    runs: list[tuple[str, ...]] = []
    run: list[text.Token] = []

    def close() -> None:
        terms = tuple(token.term for token in run if text.is_index_term(token.term))
        if len(terms) > 1 and not all(text.is_thai_word(token.term) for token in run):
            runs.append(terms)
        run.clear()

    covered = -1  # end of the last whole word: the parts of a compound lie inside it
    for token in tokens:
        if token.end <= covered:
            continue
        covered = token.end
        term = token.term
        piece = not term.isascii() and (len(term) <= 2 or not text.is_thai_word(term))
        if not piece or (run and run[-1].end != token.start):
            close()
        if piece:
            run.append(token)
    close()
    return runs


class QueryReader:
    """Reads questions into Queries for one corpus: its words (passage postings), the
    English lexicon, and the abbreviations the corpus defines (as a two-way lexicon)."""

    # An everyday Thai word's official wording (bot/data/synonyms.tsv) counts beside the
    # question's own word, a little less.
    SYNONYM_WEIGHT = 0.8
    BROAD_SENSE_TRUST = 0.5
    GUESS_TRUST = 0.5  # a corrected spelling holds the question's word only perhaps
    OWN_RENDERED = 0.25  # of its BM25 weight an English word rendered in Thai keeps
    MAX_SENSES = 4  # Thai renderings kept per English word or phrase
    MIN_SENSE_SHARE = 0.5  # a rendering at least this common, relative to the most common
    SENSE_CACHE = 20_000  # English words and phrases whose weighed senses are remembered

    def __init__(
        self,
        postings: Postings,
        tokenize: Tokenizer,
        lexicon: Lexicon | None,
        abbreviations: Lexicon,
        short_names: Mapping[str, str] | None = None,
    ) -> None:
        self._postings = postings
        self.tokenize = tokenize
        self.lexicon = lexicon
        self._abbreviations = abbreviations
        self._short_names = short_names or {}  # คค. -> กระทรวงคมนาคม, as the corpus defines
        self._senses: dict[tuple[str, ...], dict[str, float]] = {}
        self._rendered: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}

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
            frequency = self._postings.frequency_together(terms)
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
        found = set(filter(self._postings.vocabulary.__contains__, words))
        if self.lexicon is not None:
            found.update(filter(self.lexicon.entries.__contains__, words))
        return found

    def _popularity(self, term: str) -> int:
        known = self.lexicon is not None and self.lexicon.has((term,))
        return self._postings.frequency(term) + int(known)

    def read(self, question: str) -> Query:
        """The question's terms, Thai translations of its English words, and its concepts."""
        written_out = expand_dates(text.unstretch(text.clean(question)))
        section = asked_section(written_out)
        if section is not None:  # "หมวดแต่งตั้ง", "the legal section": the section's own name
            written_out = written_out.replace(section[1], f" {section[0]} ", 1)
        tokens = text.analyze(set_apart(without_era(written_out)))
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
            for match in self._abbreviations.lookup(terms)
            if not covered.intersection(range(match.start, match.end))
        ]
        for match in sorted(lexicon_matches + abbreviation_matches, key=lambda m: m.start):
            own = dict.fromkeys(terms[match.start : match.end], 1.0)
            english = terms[match.start].isascii()
            # The official wording stands in whole for an everyday word the corpus never uses.
            unused = not any(self._postings.frequency(term) for term in own)
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
            if other and position not in translated and self._postings.frequency(other):
                translations[other] = 1.0
                concepts.append(Concept((term,), {term: 1.0, other: 1.0}))
                translated.add(position)
        for position, term in enumerate(terms):
            # A Thai word written from English that the corpus never uses may be written in
            # English there (บล็อกเชน, คลาวด์: Cloud).
            english = text.transliterations().get(term) if not term.isascii() else None
            if english and position not in translated and not self._postings.frequency(term):
                written = {t: 1.0 for t in english if self._postings.frequency(t)}
                if written:
                    translations.update(written)
                    concepts.append(Concept((term,), {term: 1.0} | written))
                    translated.add(position)
        for run in name_pieces(tokens):
            for position in range(len(terms) - len(run) + 1):
                places = range(position, position + len(run))
                if terms[position : position + len(run)] == run and translated.isdisjoint(places):
                    concepts.append(Concept(run, dict.fromkeys(run, 1.0), (run,)))
                    translated.update(places)
        for position, term in enumerate(terms):
            parts = _hyphen_parts(terms, position)
            said = not translated.isdisjoint(range(position + 1, position + 1 + len(parts)))
            if said and position not in translated and not self._postings.frequency(term):
                # "central-fund": its parts' concepts ("central fund", งบกลาง) say it; the whole,
                # which the corpus never writes, is not a second thing asked about.
                translated.add(position)
        seen = {word for concept in concepts for word in concept.words}
        for position, term in enumerate(terms):
            if position not in translated and term not in seen:
                # A compound and its parts, which follow it, are one concept: held when the
                # compound is, or all its parts are (เงินช่วยเหลือ: เงิน and ช่วยเหลือ; and
                # vice-chairs: vice and chair).
                parts = _parts_after(terms, position) or _hyphen_parts(terms, position)
                words = (term, *parts)
                seen.update(words)
                translated.update(range(position, position + len(words)))
                guess = not guesses.isdisjoint(words)
                trust = self.GUESS_TRUST if guess else 1.0
                # A compound with one part left (เชียงใหม่: ใหม่ is a stopword) is held only
                # by the compound itself: เชียง alone is not เชียงใหม่.
                groups = ((term,), parts) if len(parts) > 1 else ((term,),) if parts else ()
                alternatives = dict.fromkeys(words, 1.0)
                concepts.append(Concept(words, alternatives, groups, trust=trust, guessed=guess))
        asking = asking_words(corrected)
        concepts = [concept for concept in concepts if not asking.issuperset(concept.words)]
        translations = {t: w for t, w in translations.items() if t not in terms}
        added = dict(translations)
        for concept in concepts if english_rendered else ():
            rendered = not translations.keys().isdisjoint(concept.alternatives)
            if rendered and all(word.isascii() for word in concept.words):
                # "ASEAN" written in Latin letters in a Thai passage is rare, so its own BM25
                # weight would make any passage quoting the English name outrank the ones that
                # say อาเซียน; the Thai rendering carries the word.
                for word in set(concept.words):
                    added[word] = (self.OWN_RENDERED - 1.0) * terms.count(word)
        weights = {term: self._postings.idf(term) for term in terms}
        weights |= {term: self._postings.idf(term) * w for term, w in translations.items()}
        return Query(
            question,
            terms,
            translations,
            tuple(concepts),
            weights,
            english_rendered,
            find_period(written_out),
            asked_fact(question),
            counted_unit(corrected),
            tuple(corrections),
            find_range(written_out, date.today()),
            asked_proposer(written_out, self._short_names),
            section[0] if section else None,
            added=added,
            social=social(question),
        )
