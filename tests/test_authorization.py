"""Who may use /reload and /stats, and which buttons are honoured: one matrix of senders and
forged callback data through the real Application, sending over HTTP to the fake Bot API.

Admins are the user ids in the settings and nobody else: not a group's own administrators (the
bot never asks Telegram who they are), not channels, not anonymous group admins or messages
sent on behalf of a chat (whose "from" is a service account shared by everyone).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.chat.app import build_application
from bot.config import SettingsError, load_settings
from bot.engine import Engine
from tests.botapi import FakeBotApi, auto_entities
from tests.telegram_fixtures import ADMIN_ID, GROUP_ID, USER_ID, fake_api, make_settings

GROUP_ADMIN = 555  # an administrator of the group in Telegram, not an admin of this bot
CHANNEL_ID = -1002000000002
GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
REFUSED = "This command is for the bot's admins only."
EXPIRED = "This button has expired. Please ask again."
RELOADED = ["Reloading the reports…", "Reloaded: reports 1 → 1"]
STATS = ["Reports 1 · passages "]


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    yield from fake_api()


def private(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": f"User{user_id}"}


GROUP = {"id": GROUP_ID, "type": "supergroup", "title": "Test group"}
CHANNEL = {"id": CHANNEL_ID, "type": "channel", "title": "News"}


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "en"}


def message(text: str, chat: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A message update; `fields` says who sent it (from, sender_chat, forward_origin...)."""
    body = {"message_id": 10, "chat": chat, "date": 0, "text": text}
    return {"message": body | {"entities": auto_entities(text)} | fields}


@dataclass(frozen=True)
class Case:
    """One row of the matrix: what arrives, and every reply the bot may make to it."""

    name: str
    update: dict[str, Any]
    replies: list[str] = field(default_factory=list)  # sendMessage texts, by their start
    toasts: list[str | None] = field(default_factory=list)  # answerCallbackQuery texts
    reloads: bool = False


def command_cases(command: str, allowed: list[str]) -> list[Case]:
    """`command` from every kind of sender, and from the admin for comparison."""
    group_command = f"/{command}@test_bot"
    return [
        Case(f"{command}: the admin, privately", message(f"/{command}", private(ADMIN_ID),
             **{"from": user(ADMIN_ID)}), allowed, reloads=command == "reload"),
        Case(f"{command}: the admin, in a group", message(group_command, GROUP,
             **{"from": user(ADMIN_ID)}), allowed, reloads=command == "reload"),
        Case(f"{command}: a user, privately", message(f"/{command}", private(USER_ID),
             **{"from": user(USER_ID)}), [REFUSED]),
        Case(f"{command}: an administrator of the group", message(group_command, GROUP,
             **{"from": user(GROUP_ADMIN)}), [REFUSED]),
        Case(f"{command}: an anonymous group admin", message(group_command, GROUP,
             **{"from": GROUP_ANONYMOUS_BOT, "sender_chat": GROUP}), [REFUSED]),
        Case(f"{command}: a channel, on its behalf in a group", message(group_command, GROUP,
             **{"from": CHANNEL_BOT, "sender_chat": CHANNEL}), [REFUSED]),
        Case(f"{command}: a user forwarding the admin's command", message(f"/{command}",
             private(USER_ID), **{"from": user(USER_ID), "forward_origin": {
                 "type": "user", "date": 0, "sender_user": user(ADMIN_ID)}}), [REFUSED]),
        Case(f"{command}: a channel post", {"channel_post": {
            "message_id": 10, "chat": CHANNEL, "sender_chat": CHANNEL, "date": 0,
            "text": f"/{command}", "entities": auto_entities(f"/{command}")}}),
        Case(f"{command}: a user's message edited into it", {"edited_message": message(
            f"/{command}", private(USER_ID), **{"from": user(USER_ID), "edit_date": 1})[
            "message"]}),
    ]  # fmt: skip


def press(data: str | None, **fields: Any) -> dict[str, Any]:
    """A button press by USER_ID on the bot's answer (message 2 of the user's chat)."""
    bot_message = {"message_id": 2, "chat": private(USER_ID), "date": 0, "text": "…"}
    query = {"id": "77", "from": user(USER_ID), "chat_instance": "1", "message": bot_message}
    query |= {"data": data} if data is not None else {"game_short_name": "game"}
    return {"callback_query": query | fields}


# "{data}" is the data Telegram got for the answer's first button (PTB's key for its payload:
# the keyboard's id, then the button's).
BUTTON_CASES = [
    Case("button: the bot's own", press("{data}"), ["<b>1. "], [None]),
    Case("button: a command as data", press("reload"), toasts=[EXPIRED]),
    Case("button: an old version's data", press("p:AAAAAAAAAAA:0"), toasts=[EXPIRED]),
    Case("button: well formed, never issued", press("0" * 64), toasts=[EXPIRED]),
    Case("button: its keyboard, another button", press("{keyboard}" + "0" * 32), toasts=[EXPIRED]),
    Case("button: its keyboard only", press("{keyboard}"), toasts=[EXPIRED]),
    Case("button: a trailing newline", press("{data}\n"), toasts=[EXPIRED]),
    Case("button: a Thai digit", press("{data}๐"), toasts=[EXPIRED]),
    Case("button: oversized", press("{data}" + "A" * 5000), toasts=[EXPIRED]),
    Case("button: control characters", press("m:\u202e\x00\n:1"), toasts=[EXPIRED]),
    Case("button: a path", press("m:../../etc/passwd:1"), toasts=[EXPIRED]),
    Case("button: no data (a game button)", press(None), toasts=[EXPIRED]),
    Case(
        "button: the bot's own, on an inline message",
        press("{data}", inline_message_id="AAAA", message=None),
        toasts=[EXPIRED],
    ),
]
MATRIX = [*command_cases("reload", RELOADED), *command_cases("stats", STATS), *BUTTON_CASES]


def fill_data(update: dict[str, Any], data: str) -> dict[str, Any]:
    query = update.get("callback_query")
    if query is None or query.get("data") is None:
        return update
    filled = query["data"].replace("{data}", data).replace("{keyboard}", data[:32])
    return update | {"callback_query": query | {"data": filled}}


@pytest.mark.parametrize("case", MATRIX, ids=[case.name for case in MATRIX])
async def test_only_configured_admins_and_issued_buttons_are_obeyed(
    fake: FakeBotApi, corpus: Path, case: Case
) -> None:
    fake.set_chat_administrators(GROUP_ID, [GROUP_ADMIN])  # if the bot asked, it would be told
    engine = Engine.load([corpus])
    before = engine.current
    application = build_application(make_settings(fake, corpus), engine)
    async with application:  # process_update returns once every handler has finished
        question = message("AOT Airport", private(USER_ID), **{"from": user(USER_ID)})
        question["update_id"] = 1
        await application.process_update(Update.de_json(question, application.bot))
        (answer,) = fake.calls("sendMessage")
        data = answer.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        fake.clear_calls()
        update = Update.de_json(fill_data(case.update, data) | {"update_id": 2}, application.bot)
        application.bot.insert_callback_data(update)  # as PTB's updater does for what it fetches
        await application.process_update(update)

    replies = [call.params["text"] for call in fake.calls("sendMessage")]
    assert len(replies) == len(case.replies), replies
    assert all(text.startswith(start) for text, start in zip(replies, case.replies, strict=True))
    toasts = [call.params.get("text") for call in fake.calls("answerCallbackQuery")]
    assert toasts == case.toasts
    assert (engine.current is not before) == case.reloads
    assert {call.method for call in fake.calls()} <= {"sendMessage", "answerCallbackQuery"}
    assert all(call.ok for call in fake.calls())


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1087968824", "GroupAnonymousBot"),
        ("136817688", "Channel_Bot"),
        ("777000", "Telegram's service account"),
        ("-1001234567890", "a group or channel id"),
        ("42, @someone", "not numeric"),
    ],
)
def test_admin_ids_must_name_real_people(
    monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", value)
    with pytest.raises(SettingsError, match="ADMIN_USER_IDS") as error:
        load_settings(env_file=None)
    assert problem in str(error.value)


def test_admin_ids_come_only_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", "42; 4242")
    assert load_settings(env_file=None).admin_user_ids == {42, 4242}
    monkeypatch.delenv("ADMIN_USER_IDS")
    assert load_settings(env_file=None).admin_user_ids == frozenset()
