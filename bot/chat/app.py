"""Edge: the bot's wiring. Which handler answers which update, settings, menus, the Bot API.

`build_application` puts together python-telegram-bot's Application: defaults (HTML, no link
previews), outgoing pacing (bot.chat.pacing), the lanes that keep inline queries and buttons
out of the questions' queue (bot.chat.lanes), the bot's own context type (bot.chat.context)
and the handlers (bot.chat.handlers).
"""

from __future__ import annotations

import asyncio

from telegram import BotCommandScopeChat, LinkPreviewOptions, Message, MessageEntity
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.chat.alerts import Unfollow, announce
from bot.chat.buttons import (
    expired_button,
    full_passage,
    meeting_of,
    meeting_page,
    more_results,
    newest_first,
    open_item,
    page_number,
)
from bot.chat.context import CONTEXT_TYPES, Shared
from bot.chat.feedback import give_reason, rate
from bot.chat.follow import (
    digest_command,
    follow_command,
    following_command,
    forget_command,
    unfollow_button,
    unfollow_command,
)
from bot.chat.handlers import (
    admins_only,
    ask,
    ask_addressed,
    ask_command,
    guest_question,
    help_command,
    inline_query,
    latest_command,
    meeting_command,
    not_text,
    on_error,
    stats,
)
from bot.chat.lanes import Lanes
from bot.chat.loads import refresh, reload
from bot.chat.meetings import MeetingPage, OpenItem
from bot.chat.pacing import rate_limiter
from bot.chat.pager import PageNumber
from bot.chat.persistence import StatePersistence
from bot.chat.replies import (
    ADMIN_COMMANDS,
    COMMANDS,
    DESCRIPTIONS,
    RECENT_ANSWERS,
    SHARED,
    FullPassage,
    MeetingOf,
    MorePage,
    NewestFirst,
)
from bot.chat.throttle import Throttle
from bot.chat.votes import Rating, Reason
from bot.config import Settings, SettingsError
from bot.engine import Engine
from bot.state import State

# Questions searched at once. Searches are CPU-bound under the GIL, so more would not be faster;
# fewer leave the worker threads free for inline queries and a /reload.
QUESTION_SEARCHES = 2


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


async def post_init(application: Application) -> None:
    """Register the command menus in English (the default) and Thai: everyone's, and each
    admin's own with /reload and /stats; and the bot's description and short description."""
    bot = application.bot
    admins = application.bot_data[SHARED].admins
    for language, commands in COMMANDS.items():
        await bot.set_my_commands(commands, language_code=language)
        for admin in sorted(admins):
            scope = BotCommandScopeChat(admin)
            extra = ADMIN_COMMANDS[language]
            await bot.set_my_commands([*commands, *extra], scope=scope, language_code=language)
        description, short = DESCRIPTIONS[language]
        await bot.set_my_description(description, language_code=language)
        await bot.set_my_short_description(short, language_code=language)
    # What came while the bot was down (against what the state database last saw).
    await announce(bot, application.bot_data[SHARED])
    await application.bot_data[SHARED].engine.start_workers()


async def post_shutdown(application: Application) -> None:
    """Stop the answering workers and close the state database."""
    application.bot_data[SHARED].engine.close()
    application.bot_data[SHARED].state.close()


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
        .context_types(CONTEXT_TYPES)
        # Buttons carry their answers as objects, kept by python-telegram-bot for the last
        # RECENT_ANSWERS keyboards; Telegram sees a key of at most 64 bytes.
        .arbitrary_callback_data(RECENT_ANSWERS)
        .rate_limiter(rate_limiter(settings.messages_per_second))
        # Answers take milliseconds but sending them a network round trip: serve chats side by
        # side, let questions be answered while a /reload rebuilds the index, and keep inline
        # queries and buttons out of the questions' queue (see bot/chat/lanes.py).
        .concurrent_updates(Lanes())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.telegram_api_base_url:
        base_url, base_file_url = api_urls(str(settings.telegram_api_base_url))
        builder = builder.base_url(base_url).base_file_url(base_file_url)
    state = State.open(settings.state_path())
    if state.available:  # buttons kept across restarts, in the same database
        builder = builder.persistence(StatePersistence(state, engine))
    application = builder.build()
    application.bot_data[SHARED] = Shared(
        engine,
        settings.result_count,
        settings.admin_user_ids,
        Throttle(settings.user_question_limit, settings.user_question_window),
        # With worker processes, enough searches at once to keep every worker busy.
        asyncio.Semaphore(max(QUESTION_SEARCHES, 2 * engine.workers)),
        state,
        settings.typing_after_ms / 1000,
    )
    if settings.refresh_minutes > 0 and application.job_queue is not None:
        every = settings.refresh_minutes * 60
        application.job_queue.run_repeating(refresh, interval=every, first=every, name="refresh")

    # Admins are the users listed in the settings, nobody else: not a group's own admins, not
    # a message sent on behalf of a group or channel (whose "from" is a shared service bot).
    admins = filters.User(user_id=settings.admin_user_ids) & ~filters.SenderChat.ALL
    new = filters.UpdateType.MESSAGE  # edits of old messages are not asked again
    private = filters.ChatType.PRIVATE & new
    groups = filters.ChatType.GROUPS & new
    question = filters.TEXT & ~filters.COMMAND
    # Guest mode first: a guest message also looks like a group message to the filters below.
    application.add_handler(MessageHandler(filters.UpdateType.GUEST_MESSAGE, guest_question))
    application.add_handler(CommandHandler(["start", "help"], help_command, filters=new))
    application.add_handler(CommandHandler("ask", ask_command, filters=new))
    application.add_handler(CommandHandler("latest", latest_command, filters=new))
    application.add_handler(CommandHandler("meeting", meeting_command, filters=new))
    application.add_handler(CommandHandler("follow", follow_command, filters=new))
    application.add_handler(CommandHandler("unfollow", unfollow_command, filters=new))
    application.add_handler(CommandHandler("following", following_command, filters=new))
    application.add_handler(CommandHandler("digest", digest_command, filters=new))
    application.add_handler(CommandHandler("forget", forget_command, filters=new))
    application.add_handler(CommandHandler("reload", reload, filters=new & admins))
    application.add_handler(CommandHandler("stats", stats, filters=new & admins))
    application.add_handler(CommandHandler(["reload", "stats"], admins_only, filters=new))
    application.add_handler(MessageHandler(private & question, ask))
    application.add_handler(MessageHandler(groups & question & AddressedToBot(), ask_addressed))
    application.add_handler(MessageHandler(private & filters.COMMAND, help_command))
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text)
    )
    # Buttons carry typed payloads (arbitrary_callback_data); anything else, InvalidCallbackData
    # included, is answered as expired.
    application.add_handler(CallbackQueryHandler(more_results, pattern=MorePage))
    application.add_handler(CallbackQueryHandler(full_passage, pattern=FullPassage))
    application.add_handler(CallbackQueryHandler(meeting_page, pattern=MeetingPage))
    application.add_handler(CallbackQueryHandler(open_item, pattern=OpenItem))
    application.add_handler(CallbackQueryHandler(meeting_of, pattern=MeetingOf))
    application.add_handler(CallbackQueryHandler(newest_first, pattern=NewestFirst))
    application.add_handler(CallbackQueryHandler(page_number, pattern=PageNumber))
    application.add_handler(CallbackQueryHandler(unfollow_button, pattern=Unfollow))
    application.add_handler(CallbackQueryHandler(rate, pattern=Rating))
    application.add_handler(CallbackQueryHandler(give_reason, pattern=Reason))
    application.add_handler(CallbackQueryHandler(expired_button))
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_error_handler(on_error)
    return application
