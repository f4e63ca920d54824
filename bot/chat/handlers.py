"""Edge: the bot's handlers. Questions, inline mode, buttons, admin /reload and /stats, errors.

Handlers read the question, ask the Engine and send a `Reply` built by bot.chat.replies; the
per-user throttle is applied once, by `throttled`. bot.chat.app wires them up.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import math
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import InlineQueryResultsButton, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.agenda import ITEM, Asked
from bot.answer import Answer
from bot.chat.context import BotContext, Shared
from bot.chat.meetings import listing_reply, listing_results
from bot.chat.replies import (
    INLINE_CACHE_SECONDS,
    INLINE_HINT_CACHE_SECONDS,
    INLINE_PAGE,
    INLINE_TOTAL,
    MAX_QUESTION_CHARS,
    Reply,
    answer_reply,
    day_of_start,
    guest_result,
    inline_results,
    texts_for_user,
)
from bot.chat.status import freshness_line, newest_line, stats_text, votes_line
from bot.chat.votes import question_reply
from bot.state import State, StateUnavailableError
from bot.text import Language, detect_language
from bot.texts import language_of_user
from bot.thaidate import find_date

log = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Awaitable[None]]


def without_mention(text: str, username: str) -> str:
    """The question in a message, without the bot's @username."""
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


async def send(message: Message, reply: Reply) -> Message:
    """Reply with HTML; when Telegram cannot parse it, send the same reply as plain text."""
    try:
        return await message.reply_text(reply.html, reply_markup=reply.markup)
    except BadRequest as error:
        if "can't parse entities" not in str(error).lower():
            raise
        log.warning("Telegram rejected the reply's HTML (%s); sending it as plain text", error)
        return await message.reply_text(reply.text, parse_mode=None, reply_markup=reply.markup)


async def within_limit(update: Update, context: BotContext) -> bool:
    """Whether to serve the sender now; when not, ask them to slow down (once per flood in a
    chat, every time on a button, whose press must be answered anyway)."""
    sender = update.effective_sender
    if sender is None:
        return True
    verdict = context.shared.throttle.check(sender.id)
    if verdict.allowed:
        return True
    texts = texts_for_user(update.effective_user)
    notice = texts.slow_down.format(seconds=math.ceil(verdict.retry_after))
    if update.callback_query:
        await update.callback_query.answer(notice)
    elif verdict.warn and update.effective_message:
        log.info("sender %s is asking too fast (%.0f s to wait)", sender.id, verdict.retry_after)
        await update.effective_message.reply_text(notice)
    return False


def throttled(handler: Handler) -> Handler:
    """The handler, run only while its sender keeps within the per-user limit (see
    `within_limit`): the one place the throttle is applied."""

    @functools.wraps(handler)
    async def checked(update: Update, context: BotContext) -> None:
        if await within_limit(update, context):
            await handler(update, context)

    return checked


async def show_typing(message: Message) -> None:
    """Show "typing…"; a cosmetic, so its failure never costs the answer."""
    try:
        await message.reply_chat_action(ChatAction.TYPING)
    except TelegramError as error:
        log.info("could not show typing in chat %s: %s", message.chat_id, error)


async def answer_showing_typing(message: Message, state: Shared, question: str) -> Answer:
    """The answer to `question`, asked in `message`'s chat, showing "typing…" only once it
    takes longer than `state.typing_after` (Telegram advises the action for replies that take
    noticeable time): a quick answer is sent at once, one request and one round trip sooner."""

    async def answered() -> Answer:
        async with state.searches:
            return await state.engine.answer(question, state.page_size)

    task = asyncio.ensure_future(answered())
    try:
        await asyncio.wait((task,), timeout=state.typing_after)
        if not task.done():
            await show_typing(message)
        return await task
    finally:
        task.cancel()  # the handler gave up (the bot stops): so does its search


async def answer_question(update: Update, context: BotContext, text: str) -> None:
    """Answer `text` as a question in reply to the update's message (or explain what to send)."""
    message = update.effective_message
    if message is None:
        return
    texts = texts_for_user(update.effective_user)
    question = text.strip()
    if not question:
        await message.reply_text(texts.ask_usage)
        return
    if len(question) > MAX_QUESTION_CHARS:
        await message.reply_text(
            texts.too_long.format(length=len(question), limit=MAX_QUESTION_CHARS)
        )
        return
    state = context.shared
    listing = state.engine.listing(question)
    if listing is not None:  # a meeting asked for ("มติ ครม. ล่าสุด"): its items
        await send(message, listing_reply(listing))
        return
    answer = await answer_showing_typing(message, state, question)
    await send(message, question_reply(answer, state.page_size))
    user = update.effective_user
    await remember(state.state, answer, user.id if user else 0)


async def remember(state: State, answer: Answer, user_id: int) -> None:
    """Count the question in the state database, and keep it when no report answered it (for
    `feedback export`). An unavailable database was logged when it was opened: skipped."""

    def keep() -> None:
        if answer.social is not None:  # a greeting or thanks: not a question, nor a miss
            state.count(["greetings"])
            return
        state.count(["questions", "answered" if answer.found else "declined"])
        if not answer.found:
            state.declined(answer.question, answer.language, user_id)

    try:
        await asyncio.to_thread(keep)
    except StateUnavailableError as error:  # said once at start-up; answers never wait on it
        log.debug("question not counted: %s", error)


@throttled
async def help_command(update: Update, context: BotContext) -> None:
    """Say what the bot does, with example questions, in the user's language; `/start
    m20211012` (an inline result's meeting link) lists that meeting's items instead."""
    day = day_of_start(context.args[0]) if context.args else None
    if day is not None and update.effective_message:
        listing = context.shared.engine.agenda.listing(Asked(day), _user_language(update))
        await send(update.effective_message, listing_reply(listing))
        return
    if update.effective_message:
        texts = texts_for_user(update.effective_user)
        username = html.escape(context.bot.username)
        fresh = freshness_line(context.shared.engine, texts)
        await update.effective_message.reply_text(f"{texts.help.format(bot=username)}\n\n{fresh}")


@throttled
async def ask(update: Update, context: BotContext) -> None:
    """Answer a private chat's text message as a question."""
    if update.effective_message and update.effective_message.text:
        await answer_question(update, context, update.effective_message.text)


@throttled
async def ask_command(update: Update, context: BotContext) -> None:
    """Answer `/ask <question>`; explain how to use it when the question is missing."""
    if update.effective_message and update.effective_message.text:
        parts = update.effective_message.text.split(maxsplit=1)
        await answer_question(update, context, parts[1] if len(parts) > 1 else "")


@throttled
async def ask_addressed(update: Update, context: BotContext) -> None:
    """Answer a group message that replies to the bot or mentions it."""
    if update.effective_message and update.effective_message.text:
        text = without_mention(update.effective_message.text, context.bot.username)
        await answer_question(update, context, text)


def _user_language(update: Update) -> Language:
    user = update.effective_user
    return language_of_user(user.language_code if user else None)


@throttled
async def latest_command(update: Update, context: BotContext) -> None:
    """`/latest`: the newest meeting's items."""
    if update.effective_message:
        listing = context.shared.engine.agenda.listing(Asked(), _user_language(update))
        await send(update.effective_message, listing_reply(listing))


@throttled
async def meeting_command(update: Update, context: BotContext) -> None:
    """`/meeting <date>` (Thai, ISO or English; `ข้อ 24` for one item): that meeting's
    items, or the meetings nearest the date; how to use it when no date is given."""
    message = update.effective_message
    if message is None or not message.text:
        return
    parts = message.text.split(maxsplit=1)
    given = parts[1] if len(parts) > 1 else ""
    day = find_date(given)
    if day is None:
        await message.reply_text(texts_for_user(update.effective_user).meeting_usage)
        return
    item = ITEM.search(given)
    request = Asked(day, int(item["number"]) if item else None)
    # A date of digits alone says no language: the user's, then.
    worded = re.search(r"[^\W\d_]", given) is not None
    language = detect_language(given) if worded else _user_language(update)
    await send(message, listing_reply(context.shared.engine.agenda.listing(request, language)))


@throttled
async def not_text(update: Update, context: BotContext) -> None:
    """Ask for a text question when a private chat sends a sticker, photo or the like."""
    if update.effective_message:
        await update.effective_message.reply_text(texts_for_user(update.effective_user).not_text)


async def inline_query(update: Update, context: BotContext) -> None:
    """Answer `@bot question` with pages of cited excerpts (a hint button when it is empty)."""
    query = update.inline_query
    if query is None:
        return
    question = " ".join(query.query.split())
    if not question:
        hint = InlineQueryResultsButton(
            texts_for_user(query.from_user).inline_hint, start_parameter="help"
        )
        await query.answer([], cache_time=INLINE_HINT_CACHE_SECONDS, button=hint)
        return
    start = int(query.offset) if query.offset.isdecimal() and len(query.offset) < 4 else 0
    listing = context.shared.engine.listing(question)
    if listing is not None:  # a meeting asked for: its list, then its items
        results, next_offset = listing_results(listing, start)
    else:
        count = min(start + INLINE_PAGE, INLINE_TOTAL)
        answer = await context.shared.engine.answer_now(question, count)
        results, next_offset = inline_results(answer, start, context.bot.username)
    await query.answer(
        results, cache_time=INLINE_CACHE_SECONDS, is_personal=False, next_offset=next_offset
    )


@throttled
async def guest_question(update: Update, context: BotContext) -> None:
    """Answer an @mention in a chat the bot has not joined (guest mode, Bot API 10.0): one
    reply, as the first page of the answer or the meeting asked for."""
    message = update.guest_message
    if message is None or not message.text:
        return
    question = " ".join(without_mention(message.text, context.bot.username).split())
    state = context.shared
    if not question or len(question) > MAX_QUESTION_CHARS:
        texts = texts_for_user(update.effective_user)
        reply = Reply(texts.ask_usage, texts.ask_usage)
    elif (listing := state.engine.listing(question)) is not None:
        reply = listing_reply(listing)
    else:
        async with state.searches:
            answer = await state.engine.answer(question, state.page_size)
        reply = answer_reply(answer, 0, state.page_size)
    await message.answer_guest_query(guest_result(question, reply))


async def stats(update: Update, context: BotContext) -> None:
    """Show corpus size, index age, questions answered and answer times (admins)."""
    if update.effective_message:
        texts = texts_for_user(update.effective_user)
        engine, state = context.shared.engine, context.shared.state
        lines = [stats_text(engine.stats(), texts, datetime.now(UTC))]
        lines.append(newest_line(engine, texts))
        try:
            rates, counters = await asyncio.gather(
                asyncio.to_thread(state.rates), asyncio.to_thread(state.counters)
            )
        except StateUnavailableError:
            lines.append(texts.state_unavailable)
        else:
            lines.append(votes_line(rates, counters, texts))
        await update.effective_message.reply_text("\n".join(lines))


@throttled
async def admins_only(update: Update, context: BotContext) -> None:
    """Refuse an admin command to everyone else (or say it is off when there is no admin)."""
    if update.effective_message:
        texts = texts_for_user(update.effective_user)
        refusal = texts.admins_only if context.shared.admins else texts.admin_disabled
        await update.effective_message.reply_text(refusal)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure with its traceback and apologise to the user instead of staying silent."""
    if update is None and isinstance(context.error, NetworkError):
        # Polling lost Telegram for a moment; PTB retries by itself. One line, no traceback.
        log.warning("Telegram unreachable while polling (retrying): %s", context.error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handling update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(
            update.effective_chat.id, texts_for_user(update.effective_user).apology
        )
    except TelegramError as error:
        log.warning("could not send the apology for update %s: %s", update_id, error)
