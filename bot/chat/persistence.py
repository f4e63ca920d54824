"""Edge: buttons that outlive a restart. python-telegram-bot's own way (a BasePersistence that
stores only `callback_data`), backed by the state database.

A button's payload holds live objects (an answer with its ranked hits, a listing, a report),
which no file should hold. Each is kept in its durable form instead: an answer by its question
(asked again when the button is pressed: Answer.revived), a listing by what was asked of the
agenda, an item by its report id. Loading turns them back into payloads against the index now
answering; one whose report is gone is left out, and its button answers "expired".
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.agenda import Asked
from bot.answer import Answer
from bot.chat.alerts import Unfollow
from bot.chat.meetings import MeetingPage, OpenItem
from bot.chat.pager import PageNumber
from bot.chat.replies import FullPassage, MeetingOf, MorePage, NewestFirst
from bot.chat.votes import Rating, Reason
from bot.daterange import DateRange
from bot.engine import Engine
from bot.state import State, StateUnavailableError
from bot.text import detect_language

log = logging.getLogger(__name__)

SAVE_SECONDS = 30  # how often the buttons' data is written (and at every stop)
# PTB's shapes: the callback data cache's (keyboards, queries), and conversations' (unused).
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _asked(asked: Asked) -> dict[str, Any]:
    within = asked.within
    return {
        "day": _day(asked.day),
        "item": asked.item,
        "within": [_day(within.start), _day(within.end)] if within else None,
        "section": asked.section,
    }


def _asked_again(data: dict[str, Any]) -> Asked:
    within = data.get("within")
    return Asked(
        _date(data.get("day")),
        data.get("item"),
        DateRange(_date(within[0]), _date(within[1])) if within else None,
        data.get("section"),
    )


def durable(payload: object) -> dict[str, Any] | None:
    """A payload as JSON-ready data (None: one that is not kept)."""
    match payload:
        case MorePage(answer=answer, start=start):
            return {"kind": "more", "question": answer.question, "start": start}
        case FullPassage(answer=answer, number=number):
            return {"kind": "passage", "question": answer.question, "number": number}
        case NewestFirst(answer=answer):
            return {"kind": "newest", "question": answer.question}
        case Rating(answer=answer, vote=vote):
            return {"kind": "rating", "question": answer.question, "vote": vote}
        case Reason(answer=answer, reason=reason):
            return {"kind": "reason", "question": answer.question, "reason": reason}
        case MeetingOf(day=day, language=language):
            return {"kind": "meeting_of", "day": day.isoformat(), "language": language}
        case MeetingPage(listing=listing, start=start, turn=turn):
            asked = _asked(listing.asked)
            return {"kind": "meeting_page", "asked": asked, "language": listing.language,
                    "start": start, "turn": turn}  # fmt: skip
        case OpenItem(report=report, language=language):
            return {"kind": "item", "doc": report.doc_id, "language": language}
        case Unfollow(chat_id=chat_id, topic=topic):
            return {"kind": "unfollow", "chat": chat_id, "topic": topic}
        case PageNumber():
            return {"kind": "page"}
        case str():
            return {"kind": "text", "text": payload}
    return None


def _answer(question: str) -> Answer:
    return Answer(question, detect_language(question), (), (), revived=True)


def revived(data: dict[str, Any], engine: Engine) -> object | None:
    """The payload again, against the index now answering (None: it cannot come back)."""
    kind = data.get("kind")
    question = str(data.get("question", ""))
    match kind:
        case "more":
            return MorePage(_answer(question), int(data["start"]))
        case "passage":
            return FullPassage(_answer(question), int(data["number"]))
        case "newest":
            return NewestFirst(_answer(question))
        case "rating":
            return Rating(_answer(question), int(data["vote"]))
        case "reason":
            return Reason(_answer(question), str(data["reason"]))
        case "meeting_of":
            day = _date(data.get("day"))
            return MeetingOf(day, data.get("language", "th")) if day else None
        case "meeting_page":
            asked = _asked_again(data["asked"])
            listing = engine.agenda.listing(asked, data.get("language", "th"))
            return MeetingPage(listing, int(data["start"]), bool(data.get("turn")))
        case "item":
            report = engine.index.reports.get(str(data.get("doc")))
            return OpenItem(report, data.get("language", "th")) if report else None
        case "unfollow":
            return Unfollow(int(data["chat"]), str(data["topic"]))
        case "page":
            return PageNumber()
        case "text":
            return str(data.get("text", ""))
    return None


def encode(data: CDCData) -> str:
    """PTB's callback data (keyboards: id, time, buttons; queries -> keyboards) as JSON."""
    keyboards, queries = data
    kept = []
    for keyboard, when, buttons in keyboards:
        forms = {uuid: form for uuid, payload in buttons.items() if (form := durable(payload))}
        if forms:
            kept.append([keyboard, when, forms])
    return json.dumps({"keyboards": kept, "queries": queries}, ensure_ascii=False)


def decode(text: str, engine: Engine) -> CDCData:
    """The callback data again; a button that cannot come back is left out (it will answer
    "expired", as PTB answers an unknown one)."""
    stored = json.loads(text)
    keyboards = []
    for keyboard, when, forms in stored.get("keyboards", []):
        buttons = {}
        for uuid, form in forms.items():
            try:
                payload = revived(form, engine)
            except (KeyError, TypeError, ValueError) as error:
                log.info("a kept button could not come back (%s): %s", form.get("kind"), error)
                continue
            if payload is not None:
                buttons[uuid] = payload
        if buttons:
            keyboards.append((str(keyboard), float(when), buttons))
    return keyboards, dict(stored.get("queries", {}))


class StatePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Keeps only the buttons' data (callback_data), in the state database; the bot's other
    data is made anew at every start."""

    def __init__(self, state: State, engine: Engine) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=True
            ),
            update_interval=SAVE_SECONDS,
        )
        self.state = state
        self.engine = engine

    async def get_callback_data(self) -> CDCData | None:
        try:
            text = await asyncio.to_thread(self.state.buttons)
        except StateUnavailableError:
            return None
        if text is None:
            return None
        try:
            return decode(text, self.engine)
        except (ValueError, TypeError, AttributeError) as error:  # a damaged row: start afresh
            log.warning("the kept buttons could not be read (%s); starting without them", error)
            return None

    async def update_callback_data(self, data: CDCData) -> None:
        text = encode(data)
        try:
            await asyncio.to_thread(self.state.save_buttons, text)
        except StateUnavailableError as error:
            log.info("buttons not kept: %s", error)

    # Only callback data is kept (store_data above); PTB still asks for the rest.
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_conversations(self, name: str) -> ConversationDict:
        return {}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
