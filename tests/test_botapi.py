"""Tests proving the fake Bot API server in ``tests/botapi.py`` works with the real PTB ``Bot``."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, EndPointNotFound, InvalidToken, RetryAfter
from telegram.ext import AIORateLimiter, ApplicationBuilder, CommandHandler, ContextTypes, ExtBot

try:
    from tests.botapi import TOKEN, FakeBotApi
except ImportError:  # pragma: no cover - depends on how pytest put tests/ on sys.path
    from botapi import TOKEN, FakeBotApi  # type: ignore[no-redef]

MARKUP = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("ใช่", callback_data="yes"),
            InlineKeyboardButton("No", url="https://example.org"),
        ]
    ]
)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server
    assert server.errors == []


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as the_bot:
        yield the_bot


async def test_get_me(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "test_bot"
    assert me.supports_inline_queries
    assert bot.username == "test_bot"
    assert [call.method for call in api.calls()] == ["getMe", "getMe"]  # initialize + explicit
    assert api.base_url.startswith("http://127.0.0.1:")


async def test_send_message_recorded_and_echoed(api: FakeBotApi, bot: Bot) -> None:
    text = 'สวัสดี 👋 <b>{"not": "json"}</b>'
    first = await bot.send_message(1001, text, parse_mode=ParseMode.HTML, reply_markup=MARKUP)
    second = await bot.send_message(1001, "[1, 2]")
    other_chat = await bot.send_message(-1001000000001, "group")

    assert (first.message_id, second.message_id, other_chat.message_id) == (1, 2, 1)
    assert first.chat.id == 1001 and first.chat.type == "private"
    assert other_chat.chat.type == "supergroup"
    assert first.from_user is not None and first.from_user.id == bot.id
    assert first.text == text
    assert first.reply_markup == MARKUP
    assert second.reply_markup is None

    calls = api.calls("sendMessage")
    assert len(calls) == 3
    params = calls[0].params
    assert params["chat_id"] == 1001
    assert params["text"] == text  # free text never JSON-decoded
    assert params["parse_mode"] == "HTML"
    assert params["reply_markup"] == MARKUP.to_dict()
    assert calls[0].raw["chat_id"] == "1001"
    assert calls[1].params["text"] == "[1, 2]"
    assert all(call.ok for call in calls)


async def test_get_updates_returns_queued_updates(api: FakeBotApi, bot: Bot) -> None:
    pushed = api.push_message("/start@test_bot 😀 hi @test_bot", user_id=42)
    api.push_message("second", user_id=42)

    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [pushed["update_id"], pushed["update_id"] + 1]
    message = updates[0].message
    assert message is not None and message.from_user is not None
    assert message.chat.id == 42 and message.from_user.language_code == "th"
    entities = message.parse_entities()
    assert list(entities.values()) == ["/start@test_bot", "@test_bot"]  # UTF-16 offsets
    assert [e.type for e in entities] == [MessageEntity.BOT_COMMAND, MessageEntity.MENTION]

    call = api.last_call("getUpdates")
    assert call.params["timeout"] == 0

    # Unconfirmed updates are returned again; an offset confirms them.
    assert len(await bot.get_updates(timeout=0)) == 2
    rest = await bot.get_updates(offset=updates[1].update_id, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["second"]
    assert await bot.get_updates(offset=updates[1].update_id + 1, timeout=0) == ()
    assert api.pending_updates() == []


async def test_long_poll_wakes_on_push_and_respects_deadline(api: FakeBotApi, bot: Bot) -> None:
    start = time.monotonic()
    assert await bot.get_updates(timeout=30) == ()  # capped to max_poll_timeout (1 s)
    assert time.monotonic() - start < 3

    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.1)
    start = time.monotonic()
    api.push_message("wake up")
    updates = await asyncio.wait_for(poll, 3)
    assert time.monotonic() - start < 0.8
    assert updates[0].message is not None and updates[0].message.text == "wake up"


async def test_callback_and_inline_queries(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(1001, "choose", reply_markup=MARKUP)
    api.push_callback_query("yes")
    api.push_inline_query("ค้นหา", offset="10")

    cb_update, inline_update = await bot.get_updates(timeout=0)
    query = cb_update.callback_query
    assert query is not None and query.data == "yes"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.message.reply_markup == MARKUP
    inline = inline_update.inline_query
    assert inline is not None and inline.query == "ค้นหา" and inline.offset == "10"

    assert await bot.answer_callback_query(query.id, text="123")
    result = InlineQueryResultArticle("r1", "Title", InputTextMessageContent("body"))
    assert await bot.answer_inline_query(inline.id, [result], cache_time=0, next_offset="20")

    answer = api.last_call("answerCallbackQuery").params
    assert answer == {"callback_query_id": query.id, "text": "123"}
    inline_call = api.last_call("answerInlineQuery").params
    assert inline_call["results"] == [result.to_dict()]
    assert inline_call["cache_time"] == 0
    assert inline_call["next_offset"] == "20"


async def test_edit_message_text(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(1001, "v1")
    edited = await bot.edit_message_text(
        "v2", chat_id=1001, message_id=sent.message_id, reply_markup=MARKUP
    )
    assert not isinstance(edited, bool)
    assert edited.text == "v2" and edited.reply_markup == MARKUP
    assert edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "v2", chat_id=1001, message_id=sent.message_id, reply_markup=MARKUP
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=1001, message_id=999)


async def test_misc_methods(api: FakeBotApi, bot: Bot) -> None:
    commands = [BotCommand("start", "เริ่ม"), BotCommand("help", "Help")]
    assert await bot.set_my_commands(commands)
    assert api.last_call("setMyCommands").params["commands"] == [c.to_dict() for c in commands]
    assert await bot.get_my_commands() == tuple(commands)
    assert await bot.delete_my_commands()
    assert await bot.send_chat_action(1001, ChatAction.TYPING)
    assert api.last_call("sendChatAction").params == {"chat_id": 1001, "action": "typing"}
    assert await bot.set_webhook("https://example.org/hook", allowed_updates=["message"])
    assert api.last_call("setWebhook").params["allowed_updates"] == ["message"]
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert api.last_call("deleteWebhook").params == {"drop_pending_updates": True}
    assert await bot.log_out()
    assert await bot.close()


async def test_upload_and_download(api: FakeBotApi, bot: Bot) -> None:
    caption = 'สวัสดี\r\nline two {"a": 1}'
    message = await bot.send_document(1001, b"\x00binary\xff", filename="a.bin", caption=caption)
    assert message.document is not None and message.caption == caption
    call = api.last_call("sendDocument")
    assert call.params["chat_id"] == 1001 and call.params["caption"] == caption
    assert call.files["document"].content == b"\x00binary\xff"
    assert call.files["document"].filename == "a.bin"

    file_id = api.add_file(b"hello file", "documents/hello.txt")
    tg_file = await bot.get_file(file_id)
    assert tg_file.file_size == 10
    assert bytes(await tg_file.download_as_bytearray()) == b"hello file"


async def test_fail_next_bad_request_once(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage")
    # PTB strips the "Bad Request: " prefix and capitalises the rest of the description.
    with pytest.raises(BadRequest, match=r"^Can't parse entities"):
        await bot.send_message(1001, "<b>broken", parse_mode=ParseMode.HTML)
    assert (await bot.send_message(1001, "fine")).message_id == 1
    assert [call.error_code for call in api.calls("sendMessage")] == [400, None]


async def test_fail_next_429_raises_retry_after(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(1001, "flood")
    assert api.last_call("sendMessage").error_code == 429


async def test_429_retried_by_aio_rate_limiter(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", retry_after=1)
    ext_bot = ExtBot(
        TOKEN,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        rate_limiter=AIORateLimiter(max_retries=1),
    )
    async with ext_bot:
        start = time.monotonic()
        message = await ext_bot.send_message(1001, "eventually")
        assert time.monotonic() - start >= 1.0
    assert message.text == "eventually"
    assert [call.error_code for call in api.calls("sendMessage")] == [429, None]


async def test_unknown_method_and_wrong_token(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    assert api.last_call("noSuchMethod").error_code == 404

    with pytest.raises(InvalidToken):
        async with Bot("654321:WRONG-TOKEN", base_url=api.base_url):
            pass
    assert api.last_call("getMe").error_code == 401


async def test_delay_and_await_for(api: FakeBotApi, bot: Bot) -> None:
    api.set_delay("sendChatAction", 0.3, times=1)
    start = time.monotonic()
    task = asyncio.create_task(bot.send_chat_action(1001, ChatAction.TYPING))
    calls = await api.await_for("sendChatAction", timeout=3)
    assert time.monotonic() - start >= 0.3
    assert calls[0].params["action"] == "typing"
    assert await task

    start = time.monotonic()
    assert await bot.send_chat_action(1001, ChatAction.TYPING)  # delay consumed
    assert time.monotonic() - start < 0.3

    with pytest.raises(AssertionError, match=r"sendMessage.*(?s:.*)getMe"):
        await api.await_for("sendMessage", timeout=0.05)
    with pytest.raises(AssertionError, match="matching predicate"):
        api.wait_for("sendChatAction", predicate=lambda c: c.params["chat_id"] == 5, timeout=0.05)
    assert len(api.wait_for("sendChatAction", count=2, timeout=0.05)) == 2


async def test_application_polling_end_to_end(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"hello {context.args}")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=10)
        api.push_message("/start abc", user_id=7)
        (reply,) = await api.await_for("sendMessage", timeout=5)
        stop_started = time.monotonic()
        await app.updater.stop()
        await app.stop()
    assert time.monotonic() - stop_started < 3
    assert reply.params["chat_id"] == 7
    assert reply.params["text"] == "hello ['abc']"
    assert api.pending_updates() == []  # confirmed by the final getUpdates


def test_stop_is_clean_and_idempotent() -> None:
    server = FakeBotApi().start()
    port = server.port
    server.stop()
    server.stop()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


async def test_stop_wakes_long_poll_and_delays(api: FakeBotApi, bot: Bot) -> None:
    api.set_delay("sendChatAction", 5)
    task = asyncio.create_task(bot.send_chat_action(1001, ChatAction.TYPING))
    await asyncio.sleep(0.1)
    start = time.monotonic()
    await asyncio.to_thread(api.stop)
    assert time.monotonic() - start < 2
    assert await asyncio.wait_for(task, 3)
