"""Edge: the commands that change what the bot keeps for a chat: /follow, /unfollow,
/following, /digest and /forget, and the unfollow button under alerts.

In private chats anyone sets their own; in groups only the group's admins (Telegram's own
list, asked when they give the command). When the state database is unavailable, each says so
and nothing else changes.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.chat.alerts import Unfollow
from bot.chat.context import BotContext
from bot.chat.handlers import throttled
from bot.chat.replies import texts_for_user
from bot.state import MAX_TOPIC_CHARS, MAX_TOPICS_PER_CHAT, StateUnavailableError
from bot.text import detect_language
from bot.texts import Texts, language_of_user

log = logging.getLogger(__name__)

Result = TypeVar("Result")
ADMINS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def _argument(message: Message) -> str:
    parts = (message.text or "").split(maxsplit=1)
    return " ".join(parts[1].split()) if len(parts) > 1 else ""


def _topic(text: str) -> str:
    """A topic as kept: its words, once spaced, at most MAX_TOPIC_CHARS."""
    return " ".join(text.split())[:MAX_TOPIC_CHARS]


async def _may_set(update: Update, context: BotContext) -> bool:
    """Whether the sender may change what this chat keeps: anyone in a private chat, a
    group's admins in a group."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as error:
        log.info("could not check %s's rights in chat %s: %s", user.id, chat.id, error)
        return False
    return member.status in ADMINS


async def _stored(
    message: Message, words: Texts, work: Callable[[], Result]
) -> tuple[Result] | None:
    """Run one state operation off the event loop; on an unavailable database say so (None)."""
    try:
        return (await asyncio.to_thread(work),)
    except StateUnavailableError:
        await message.reply_text(words.state_unavailable)
        return None


def _escaped(topic: str) -> str:
    return html.escape(topic, quote=False)


Command = Callable[[Update, BotContext, Message, Texts], Awaitable[None]]


def setting(command: Command) -> Callable[[Update, BotContext], Awaitable[None]]:
    """A command that changes what a chat keeps: throttled, and refused to a group's members
    who are not its admins."""

    @throttled
    async def checked(update: Update, context: BotContext) -> None:
        message = update.effective_message
        if message is None:
            return
        words = texts_for_user(update.effective_user)
        if not await _may_set(update, context):
            await message.reply_text(words.group_admins_only)
            return
        await command(update, context, message, words)

    checked.__doc__ = command.__doc__
    return checked


@setting
async def follow_command(
    update: Update, context: BotContext, message: Message, words: Texts
) -> None:
    """`/follow <words>`: send this chat the new reports that answer them, after each load."""
    topic = _topic(_argument(message))
    if not topic:
        await message.reply_text(words.follow_usage)
        return
    state, chat_id = context.shared.state, message.chat_id
    language = detect_language(topic)
    try:
        done = await _stored(message, words, lambda: state.follow(chat_id, topic, language))
    except ValueError:
        await message.reply_text(words.too_many_topics.format(limit=MAX_TOPICS_PER_CHAT))
        return
    if done is not None:
        said = words.followed if done[0] else words.already_following
        await message.reply_text(said.format(topic=_escaped(topic)))


@setting
async def unfollow_command(
    update: Update, context: BotContext, message: Message, words: Texts
) -> None:
    """`/unfollow <words>` (or `all`): stop following a topic (or every one)."""
    topic = _topic(_argument(message))
    if not topic:
        await following_command(update, context)
        return
    state, chat_id = context.shared.state, message.chat_id
    every = topic.lower() in ("all", "ทั้งหมด")
    gone = await _stored(message, words, lambda: state.unfollow(chat_id, None if every else topic))
    if gone is None:
        return
    if every:
        await message.reply_text(words.unfollowed_all.format(count=gone[0]))
    else:
        said = words.unfollowed if gone[0] else words.not_following
        await message.reply_text(said.format(topic=_escaped(topic)))


@throttled
async def following_command(update: Update, context: BotContext) -> None:
    """`/following`: the topics this chat follows."""
    message = update.effective_message
    if message is None:
        return
    words = texts_for_user(update.effective_user)
    state, chat_id = context.shared.state, message.chat_id
    found = await _stored(message, words, lambda: state.following(chat_id))
    if found is None:
        return
    topics = found[0]
    if not topics:
        await message.reply_text(words.following_none)
        return
    listed = "\n".join(f"• {_escaped(s.topic)}" for s in topics)
    await message.reply_text(words.following_list.format(count=len(topics), topics=listed))


@setting
async def digest_command(
    update: Update, context: BotContext, message: Message, words: Texts
) -> None:
    """`/digest on|off`: send this chat each new meeting's items, grouped by section."""
    state, chat_id = context.shared.state, message.chat_id
    choice = _argument(message).lower()
    user = update.effective_user
    if choice in ("on", "เปิด"):
        language = language_of_user(user.language_code if user else None)
        if await _stored(message, words, lambda: state.set_digest(chat_id, language)):
            await message.reply_text(words.digest_on)
    elif choice in ("off", "ปิด"):
        if await _stored(message, words, lambda: state.set_digest(chat_id, None)):
            await message.reply_text(words.digest_off)
    else:
        found = await _stored(message, words, state.digests)
        if found is not None:
            now = "on" if chat_id in found[0] else "off"
            await message.reply_text(words.digest_usage.format(now=now))


@throttled
async def forget_command(update: Update, context: BotContext) -> None:
    """`/forget`: delete what the bot keeps about the sender (votes, questions, follows)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    words = texts_for_user(user)
    state = context.shared.state
    gone = await _stored(message, words, lambda: state.forget_user(user.id))
    if gone is not None:
        await message.reply_text(words.forgotten.format(count=gone[0]))


@throttled
async def unfollow_button(update: Update, context: BotContext) -> None:
    """An alert's unfollow button (an Unfollow): stop following its topic in its chat."""
    query = update.callback_query
    if query is None or not isinstance(query.data, Unfollow):
        return
    words = texts_for_user(query.from_user)
    button, state = query.data, context.shared.state
    chat = query.message.chat if query.message else None
    if chat is not None and chat.type != ChatType.PRIVATE and not await _may_set(update, context):
        await query.answer(words.group_admins_only, show_alert=True)
        return
    try:
        await asyncio.to_thread(state.unfollow, button.chat_id, button.topic)
    except StateUnavailableError:
        await query.answer(words.state_unavailable, show_alert=True)
        return
    await query.answer(words.unfollowed.format(topic=button.topic[:150]))
