"""Scoring questions that ask for meetings: which items a reply lists, against those it should.

A listing question names what it expects instead of one report: `{"expect": {"dates":
["2021-10-12"]}}` (every item of those meetings), `{"expect": {"from": "2022-01-01", "to":
"2022-03-31"}}` (every meeting in the range), or `{"expect": {"doc": "<report id>"}}` (one item);
`"section": "แต่งตั้ง"` beside dates or a range keeps to the items under that heading.
A reply lists the items of its meeting, of its range's meetings, or its one item; a question the
bot searches instead lists nothing. Precision and recall are of items, per question, averaged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.agenda import Agenda, Listing, listing_for
from bot.evaluate import QuestionFormatError


@dataclass(frozen=True, slots=True)
class ListingQuestion:
    """A question asking for a meeting, and the items its reply should list."""

    id: str
    lang: str
    question: str
    expect: Mapping[str, Any]
    kind: str = ""
    half: str = ""


@dataclass(frozen=True, slots=True)
class Scored:
    question: ListingQuestion
    listed: bool  # the bot read it as a request for meetings
    precision: float
    recall: float


def is_listing(record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("expect"), Mapping)


def parse_listing(record: Mapping[str, Any]) -> ListingQuestion:
    try:
        return ListingQuestion(
            str(record["id"]),
            str(record.get("lang", "th")),
            str(record["question"]),
            dict(record["expect"]),
            str(record.get("kind", "")),
            str(record.get("half", "")),
        )
    except KeyError as missing:
        raise QuestionFormatError(f"listing question lacks {missing}") from None


def expected(agenda: Agenda, expect: Mapping[str, Any]) -> set[str]:
    """The ids of the items a question expects listed (of one section, when it names one)."""
    if "doc" in expect:
        return {str(expect["doc"])}
    section = expect.get("section")
    if "dates" in expect:
        days = {date.fromisoformat(day) for day in expect["dates"]}
    else:
        start, end = date.fromisoformat(expect["from"]), date.fromisoformat(expect["to"])
        days = {m.day for m in agenda.meetings if start <= m.day <= end}
    return {
        r.doc_id
        for m in agenda.meetings
        if m.day in days
        for r in m.items
        if section is None or r.heading == section
    }


def shown(listing: Listing | None) -> set[str]:
    """The ids of the items a reply lists."""
    if listing is None:
        return set()
    if listing.asked.within is not None:
        return {r.doc_id for m in listing.meetings for r in m.items}
    if listing.asked.item is not None:
        return {listing.item.doc_id} if listing.item else set()
    return {r.doc_id for r in listing.meeting.items} if listing.meeting else set()


def score(agenda: Agenda, questions: Iterable[ListingQuestion]) -> list[Scored]:
    out = []
    for question in questions:
        listing = listing_for(agenda, question.question)
        want, got = expected(agenda, question.expect), shown(listing)
        both = len(want & got)
        precision = both / len(got) if got else float(not want)
        recall = both / len(want) if want else float(not got)
        out.append(Scored(question, listing is not None, precision, recall))
    return out


def summary_table(scored: Sequence[Scored]) -> str:
    """Per kind and in all: questions, share read as listings, mean precision and recall."""
    groups: dict[str, list[Scored]] = {}
    for item in scored:
        groups.setdefault(item.question.kind or "-", []).append(item)
    groups["all"] = list(scored)
    lines = [f"{'kind':>8} {'n':>4} {'listed':>7} {'precision':>9} {'recall':>7}"]
    for kind, items in groups.items():
        n = len(items)
        listed = sum(i.listed for i in items) / n
        precision = sum(i.precision for i in items) / n
        recall = sum(i.recall for i in items) / n
        lines.append(f"{kind:>8} {n:>4} {listed:>7.3f} {precision:>9.3f} {recall:>7.3f}")
    return "\n".join(lines)
