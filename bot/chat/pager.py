"""Edge: turning a reply's pages in place (◀ 2/5 ▶), as groups want: one message, not one a page.

A page holds as much as fits one message, so pages are found by filling them in turn
(`page_starts`); the pager row then names the page shown among all of them. The arrows carry
whatever payload the reply's own handler reads (MorePage, MeetingPage); the number between
them carries a PageNumber, which does nothing when pressed.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from telegram import InlineKeyboardButton

BACK, FORWARD = "◀", "▶"


@dataclass(frozen=True, slots=True)
class PageNumber:
    """What the page number between a pager's arrows carries: nothing to do."""


def page_starts(total: int, fits: Callable[[int], int]) -> list[int]:
    """Where each page of `total` entries starts, when `fits(start)` entries (at least one)
    fit the page beginning at `start`."""
    starts, start = [], 0
    while start < total:
        starts.append(start)
        start += max(1, fits(start))
    return starts or [0]


def page_of(starts: list[int], start: int) -> int:
    """The page (from 0) that holds entry `start`."""
    return max(0, bisect.bisect_right(starts, start) - 1)


def pager_row(
    starts: list[int], page: int, payload: Callable[[int], object]
) -> list[InlineKeyboardButton]:
    """◀ page/pages ▶ for page `page` (from 0); an arrow only where a page lies that way;
    `payload(start)` is what an arrow to the page at `start` carries."""
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(BACK, callback_data=payload(starts[page - 1])))
    row.append(InlineKeyboardButton(f"{page + 1}/{len(starts)}", callback_data=PageNumber()))
    if page + 1 < len(starts):
        row.append(InlineKeyboardButton(FORWARD, callback_data=payload(starts[page + 1])))
    return row
