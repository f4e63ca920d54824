"""Edge: the Telegram bot. Handlers, inline mode, buttons, admin /reload and /stats, errors.

Handlers read the question, ask the Engine and send a `Reply` built by bot/replies.py.
`build_application` holds all the wiring.
"""

from __future__ import annotations

import asyncio
import html
import logging
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import (
    InlineQueryResultsButton,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.answer import shorten
from bot.config import Settings, SettingsError
from bot.engine import Engine, ReloadBusyError, ReloadError
from bot.lanes import Lanes, QuickAnswersRateLimiter
from bot.replies import (
    COMMANDS,
    INLINE_CACHE_SECONDS,
    INLINE_HINT_CACHE_SECONDS,
    INLINE_PAGE,
    INLINE_TOTAL,
    MAX_QUESTION_CHARS,
    MORE_BUTTON,
    PASSAGE_BUTTON,
    SHARED,
    RecentAnswers,
    Reply,
    answer_reply,
    inline_results,
    passage_reply,
    reload_report,
    stats_text,
    texts_for_user,
)
from bot.throttle import Throttle

log = logging.getLogger(__name__)

SEND_RETRIES = 3  # times a request refused by Telegram's flood control (429) is sent again
# Questions searched at once. Searches are CPU-bound under the GIL, so more would not be faster;
# fewer leave the worker threads free for inline queries and a /reload.
QUESTION_SEARCHES = 2


@dataclass(frozen=True, slots=True)
class Shared:
    """What the handlers share, stored once in bot_data: the engine, the recent answers, the
    per-user throttle and the question searches allowed at once."""

    engine: Engine
    answers: RecentAnswers
    page_size: int
    admins: frozenset[int]
    throttle: Throttle
    searches: asyncio.Semaphore


def shared(context: ContextTypes.DEFAULT_TYPE) -> Shared:
    """The handlers' shared state (the one typed way to reach the engine)."""
    value = context.bot_data[SHARED]
    if not isinstance(value, Shared):
        raise TypeError(f"bot_data[{SHARED!r}] holds {type(value).__name__}, not Shared")
    return value


class AddressedToBot(filters.MessageFilter):
    """Messages meant for the bot: replies to its own messages and @mentions of it."""

    def filter(self, message: Message) -> bool:
        """Whether the message replies to or mentions this bot."""
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot.id:
            return True
        mention = f"@{bot.username}".lower()
        mentions = message.parse_entities([MessageEntity.MENTION]).values()
        return any(text.lower() == mention for text in mentions)


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


async def within_limit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether to serve the sender now; when not, ask them to slow down (once per flood in a
    chat, every time on a button, whose press must be answered anyway)."""
    sender = update.effective_sender
    if sender is None:
        return True
    verdict = shared(context).throttle.check(sender.id)
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


async def show_typing(message: Message) -> None:
    """Show "typing…"; a cosmetic, so its failure never costs the answer."""
    try:
        await message.reply_chat_action(ChatAction.TYPING)
    except TelegramError as error:
        log.info("could not show typing in chat %s: %s", message.chat_id, error)


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Answer `text` as a question in reply to the update's message (or explain what to send)."""
    message = update.effective_message
    if message is None or not await within_limit(update, context):
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
    await show_typing(message)
    state = shared(context)
    async with state.searches:
        answer = await state.engine.answer(question, state.page_size)
    key = state.answers.add(answer) if answer.found else ""
    await send(message, answer_reply(answer, key, 0, state.page_size))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the bot does, with example questions, in the user's language."""
    if update.effective_message and await within_limit(update, context):
        texts = texts_for_user(update.effective_user)
        username = html.escape(context.bot.username)
        await update.effective_message.reply_text(texts.help.format(bot=username))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a private chat's text message as a question."""
    if update.effective_message and update.effective_message.text:
        await answer_question(update, context, update.effective_message.text)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/ask <question>`; explain how to use it when the question is missing."""
    if update.effective_message and update.effective_message.text:
        parts = update.effective_message.text.split(maxsplit=1)
        await answer_question(update, context, parts[1] if len(parts) > 1 else "")


async def ask_addressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message that replies to the bot or mentions it."""
    if update.effective_message and update.effective_message.text:
        text = without_mention(update.effective_message.text, context.bot.username)
        await answer_question(update, context, text)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for a text question when a private chat sends a sticker, photo or the like."""
    if update.effective_message and await within_limit(update, context):
        await update.effective_message.reply_text(texts_for_user(update.effective_user).not_text)


async def more_results(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the next page of a kept answer ("more results" button)."""
    await _button(update, context, more=True)


async def full_passage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the whole passage behind one cited excerpt ("full passage" button)."""
    await _button(update, context, more=False)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE, *, more: bool) -> None:
    query = update.callback_query
    if query is None or context.match is None or not await within_limit(update, context):
        return
    state = shared(context)
    key, number = context.match["key"], int(context.match["number"])
    kept = state.answers.get(key)
    message = query.message
    if kept is None or not isinstance(message, Message):
        await query.answer(texts_for_user(query.from_user).expired)
        return
    # The excerpts up to the page asked for, composed now from the answer's kept hits.
    answer = await state.engine.more(kept, number + (state.page_size if more else 1))
    if number >= len(answer.excerpts):
        await query.answer(texts_for_user(query.from_user).expired)
        return
    await query.answer()
    if more:
        await send(message, answer_reply(answer, key, number, state.page_size))
    else:
        await send(message, passage_reply(answer, number))


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the user to ask again when a button's data is unknown (e.g. from an old version)."""
    if update.callback_query:
        await update.callback_query.answer(texts_for_user(update.effective_user).expired)


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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
    answer = await shared(context).engine.answer(question, min(start + INLINE_PAGE, INLINE_TOTAL))
    results, next_offset = inline_results(answer, start)
    await query.answer(
        results, cache_time=INLINE_CACHE_SECONDS, is_personal=False, next_offset=next_offset
    )


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rebuild the index from CORPUS_DIR (admins) and report the counts before → after."""
    message = update.effective_message
    if message is None:
        return
    texts = texts_for_user(update.effective_user)
    engine = shared(context).engine
    if engine.reloading:
        await message.reply_text(texts.reload_busy)
        return
    await message.reply_text(texts.reloading)
    try:
        done = await engine.reload()
    except ReloadBusyError:
        await message.reply_text(texts.reload_busy)
    except ReloadError as error:
        reason = html.escape(shorten(str(error), 3000), quote=False)
        await message.reply_text(texts.reload_failed.format(reason=reason))
    else:
        await message.reply_text(reload_report(done, texts))


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show corpus size, index age, questions answered and answer times (admins)."""
    if update.effective_message:
        texts = texts_for_user(update.effective_user)
        numbers = shared(context).engine.stats()
        await update.effective_message.reply_text(stats_text(numbers, texts, datetime.now(UTC)))


async def admins_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refuse an admin command to everyone else (or say it is off when there is no admin)."""
    if update.effective_message and await within_limit(update, context):
        texts = texts_for_user(update.effective_user)
        refusal = texts.admins_only if shared(context).admins else texts.admin_disabled
        await update.effective_message.reply_text(refusal)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
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


async def post_init(application: Application) -> None:
    """Register the command menu in English (the default) and Thai."""
    for language, commands in COMMANDS.items():
        await application.bot.set_my_commands(commands, language_code=language)


def api_urls(base: str) -> tuple[str, str]:
    """PTB's base_url and base_file_url for a Bot API server given as its root or root/bot."""
    root = base.rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def build_application(settings: Settings, engine: Engine) -> Application:
    """The bot with all its handlers, talking to Telegram (or TELEGRAM_API_BASE_URL)."""
    token = settings.token()
    if token is None:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather (/newbot).")
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        allow_sending_without_reply=True,
    )
    builder = (
        Application.builder()
        .token(token)
        .defaults(defaults)
        .rate_limiter(
            QuickAnswersRateLimiter(
                overall_max_rate=settings.messages_per_second, max_retries=SEND_RETRIES
            )
        )
        # Answers take milliseconds but sending them a network round trip: serve chats side by
        # side, let questions be answered while a /reload rebuilds the index, and keep inline
        # queries and buttons out of the questions' queue (see bot/lanes.py).
        .concurrent_updates(Lanes())
        .post_init(post_init)
    )
    if settings.telegram_api_base_url:
        base_url, base_file_url = api_urls(settings.telegram_api_base_url)
        builder = builder.base_url(base_url).base_file_url(base_file_url)
    application = builder.build()
    application.bot_data[SHARED] = Shared(
        engine,
        RecentAnswers(),
        settings.result_count,
        settings.admin_user_ids,
        Throttle(settings.user_question_limit, settings.user_question_window),
        asyncio.Semaphore(QUESTION_SEARCHES),
    )

    # Admins are the users listed in the settings, nobody else: not a group's own admins, not
    # a message sent on behalf of a group or channel (whose "from" is a shared service bot).
    admins = filters.User(user_id=settings.admin_user_ids) & ~filters.SenderChat.ALL
    new = filters.UpdateType.MESSAGE  # edits of old messages are not asked again
    private = filters.ChatType.PRIVATE & new
    groups = filters.ChatType.GROUPS & new
    question = filters.TEXT & ~filters.COMMAND
    application.add_handler(CommandHandler(["start", "help"], help_command, filters=new))
    application.add_handler(CommandHandler("ask", ask_command, filters=new))
    application.add_handler(CommandHandler("reload", reload, filters=new & admins))
    application.add_handler(CommandHandler("stats", stats, filters=new & admins))
    application.add_handler(CommandHandler(["reload", "stats"], admins_only, filters=new))
    application.add_handler(MessageHandler(private & question, ask))
    application.add_handler(MessageHandler(groups & question & AddressedToBot(), ask_addressed))
    application.add_handler(MessageHandler(private & filters.COMMAND, help_command))
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text)
    )
    application.add_handler(CallbackQueryHandler(more_results, pattern=MORE_BUTTON))
    application.add_handler(CallbackQueryHandler(full_passage, pattern=PASSAGE_BUTTON))
    application.add_handler(CallbackQueryHandler(expired_button))
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_error_handler(on_error)
    return application
