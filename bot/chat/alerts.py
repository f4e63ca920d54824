"""Edge: telling chats what a load brought. After a reload (by /reload, by the refresh job, or
at start-up, against what the state database knew), the new or changed reports that answer a
followed topic go to its chat as cited excerpts, and chats that take a digest get each new
meeting's items.

A topic is asked as a question would be, of the new reports alone (the same retrieval and
abstention), so an alert says what an answer would. A chat gets at most MAX_ALERTS_PER_CHAT
alerts a load, then one line naming the other topics; sends go through the bot's rate limiter
(bot.chat.pacing), and a chat that blocked the bot (403) is unsubscribed.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import groupby

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError

from bot.agenda import Agenda, Asked, Listing, Meeting
from bot.answer import Answer, find
from bot.chat.context import Shared
from bot.chat.meetings import MEETING_PAGE, listing_reply
from bot.chat.replies import Reply, answer_reply
from bot.excerpts import shorten
from bot.index import SearchIndex
from bot.render import TELEGRAM_LIMIT, telegram_length
from bot.state import State, StateUnavailableError, Subscription
from bot.text import Language
from bot.texts import language_of_user, texts_for

log = logging.getLogger(__name__)

MAX_ALERTS_PER_CHAT = 3  # alerts one load sends a chat; the other topics are named in one line
ALERT_DEPTH = 60  # hits kept per topic: enough for a few pages of the new reports
MORE_CHARS = 3000  # the line naming the other topics with news: 20 long topics still fit


@dataclass(frozen=True, slots=True)
class Unfollow:
    """What an alert's unfollow button carries: the chat and the topic it follows."""

    chat_id: int
    topic: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one announcement did: alerts and digests sent, chats unsubscribed (403)."""

    changed: int
    alerts: int = 0
    digests: int = 0
    unsubscribed: int = 0


def alert_answer(index: SearchIndex, topic: str, changed: frozenset[str], count: int) -> Answer:
    """The topic asked of the changed reports alone: an answer (or none) as a question gets."""
    return find(index, topic, ALERT_DEPTH, among=changed).answer(count)


def alert_reply(answer: Answer, subscription: Subscription, page_size: int) -> Reply:
    """An alert: the head naming the topic, the answer's first page, and an unfollow button."""
    words = texts_for(language_of_user(subscription.language))
    topic = html.escape(subscription.topic, quote=False)
    head = words.alert_head.format(topic=topic)
    page = _fitted(f"<b>{head}</b>\n\n", partial(answer_reply, answer, 0), page_size)
    label = words.unfollow_button.format(topic=subscription.topic[:40])
    unfollow = InlineKeyboardButton(
        label, callback_data=Unfollow(subscription.chat_id, subscription.topic)
    )
    rows = [*page.markup.inline_keyboard] if page.markup else []
    markup = InlineKeyboardMarkup([*rows, [unfollow]])
    plain = words.alert_head.format(topic=subscription.topic)
    return Reply(f"<b>{head}</b>\n\n{page.html}", f"{plain}\n\n{page.text}", markup)


def _fitted(head: str, page: Callable[[int], Reply], count: int) -> Reply:
    """The largest page (at most `count` entries) that fits one message after `head`."""
    reply = page(count)
    while count > 1 and telegram_length(head + reply.html) > TELEGRAM_LIMIT:
        count -= 1
        reply = page(count)
    return reply


def digest_reply(meeting: Meeting, language: Language) -> Reply:
    """A new meeting's digest: a head line, and its items as /meeting lists them."""
    listing = Listing(Asked(meeting.day), language, meeting)
    head = f"<b>{texts_for(language).digest_head}</b>\n"
    page = _fitted(head, partial(listing_reply, listing, 0), MEETING_PAGE)
    return Reply(head + page.html, f"{texts_for(language).digest_head}\n{page.text}", page.markup)


def new_meetings(agenda: Agenda, changed: frozenset[str]) -> list[Meeting]:
    """The meetings all of whose items are new: a meeting a load brought, not an old one edited."""
    return [m for m in agenda.meetings if m.items and all(r.doc_id in changed for r in m.items)]


async def announce(bot: Bot, shared: Shared) -> Delivery | None:
    """Tell followers and digest chats what the index now answering brought since the state
    database last saw it; None when there is nothing to compare with (a first start) or the
    database is unavailable."""
    state, index = shared.state, shared.engine.index
    texts = {doc_id: report.text for doc_id, report in index.reports.items()}
    try:
        found = await asyncio.to_thread(state.changed_reports, texts)
        subscriptions = await asyncio.to_thread(state.subscriptions)
        digests = await asyncio.to_thread(state.digests)
    except StateUnavailableError as error:
        log.warning("no alerts for this load: the state database is unavailable (%s)", error)
        return None
    if not found:
        return None if found is None else Delivery(0)
    changed = frozenset(found)
    alerts = unsubscribed = 0
    for chat_id, group in groupby(subscriptions, key=lambda s: s.chat_id):
        sent = await _alert_chat(bot, shared, list(group), changed)
        if sent is None:
            unsubscribed += 1
            await _forget(state, chat_id)
        else:
            alerts += sent
    sent_digests = 0
    meetings = new_meetings(shared.engine.agenda, changed)
    for chat_id, code in digests.items():
        for meeting in meetings:
            digest = digest_reply(meeting, language_of_user(code))
            try:
                await bot.send_message(chat_id, digest.html, reply_markup=digest.markup)
            except Forbidden:
                await _forget(state, chat_id)
                unsubscribed += 1
                break
            except TelegramError as error:
                log.warning("could not send the digest to chat %s: %s", chat_id, error)
                break
            sent_digests += 1
    delivery = Delivery(len(changed), alerts, sent_digests, unsubscribed)
    log.info(
        "load brought %d new or changed reports: %d alerts, %d digests sent, %d chats gone",
        delivery.changed,
        delivery.alerts,
        delivery.digests,
        delivery.unsubscribed,
    )
    return delivery


async def _alert_chat(
    bot: Bot, shared: Shared, subscriptions: Sequence[Subscription], changed: frozenset[str]
) -> int | None:
    """Send one chat the alerts of its topics; how many, or None when the chat blocked the bot."""
    index, page_size = shared.engine.index, shared.page_size
    answered = []
    for subscription in subscriptions:
        answer = await asyncio.to_thread(
            alert_answer, index, subscription.topic, changed, page_size
        )
        if answer.found:
            answered.append((subscription, answer))
    sent = 0
    try:
        for subscription, answer in answered[:MAX_ALERTS_PER_CHAT]:
            reply = alert_reply(answer, subscription, page_size)
            await bot.send_message(subscription.chat_id, reply.html, reply_markup=reply.markup)
            sent += 1
        rest = answered[MAX_ALERTS_PER_CHAT:]
        if rest:
            words = texts_for(language_of_user(rest[0][0].language))
            named = shorten(", ".join(f"“{s.topic}”" for s, _ in rest), MORE_CHARS)
            topics = html.escape(named, quote=False)
            line = words.alert_more.format(count=len(rest), topics=topics)
            await bot.send_message(rest[0][0].chat_id, line)
    except Forbidden as error:
        log.info("chat %s blocked the bot (%s): unsubscribed", subscriptions[0].chat_id, error)
        return None
    except TelegramError as error:
        log.warning("could not alert chat %s: %s", subscriptions[0].chat_id, error)
    return sent


async def _forget(state: State, chat_id: int) -> None:
    try:
        await asyncio.to_thread(state.forget_chat, chat_id)
    except StateUnavailableError as error:
        log.warning("could not unsubscribe chat %s: %s", chat_id, error)
