"""Edge: loading the corpus again while the bot runs: /reload (admins), the refresh job that
reloads by itself when CORPUS_DIR changed (every REFRESH_MINUTES), and, after each load, the
alerts and digests it brings (bot.chat.alerts) and the report to the admins.
"""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.chat.alerts import Delivery, announce
from bot.chat.context import BotContext, Shared
from bot.chat.replies import texts_for_user
from bot.chat.status import reload_report
from bot.engine import Reload, ReloadBusyError, ReloadError
from bot.excerpts import shorten
from bot.texts import Texts, texts_for

log = logging.getLogger(__name__)


def load_report(done: Reload, delivery: Delivery | None, words: Texts) -> str:
    """What a load did: counts before → after, the load lines, and the alerts it sent."""
    report = reload_report(done, words)
    if delivery is None:
        return report
    told = words.delivered.format(
        changed=delivery.changed, alerts=delivery.alerts, digests=delivery.digests
    )
    return f"{report}\n{html.escape(told, quote=False)}"


async def reload(update: Update, context: BotContext) -> None:
    """Rebuild the index from CORPUS_DIR (admins), report the counts before → after, and tell
    followers what is new."""
    message = update.effective_message
    if message is None:
        return
    words = texts_for_user(update.effective_user)
    engine = context.shared.engine
    if engine.reloading:
        await message.reply_text(words.reload_busy)
        return
    await message.reply_text(words.reloading)
    try:
        done = await engine.reload()
    except ReloadBusyError:
        await message.reply_text(words.reload_busy)
    except ReloadError as error:
        reason = html.escape(shorten(str(error), 3000), quote=False)
        await message.reply_text(words.reload_failed.format(reason=reason))
    else:
        delivery = await announce(context.bot, context.shared)
        await message.reply_text(load_report(done, delivery, words))


async def refresh(context: BotContext) -> None:
    """The refresh job: when a corpus file was added, removed or changed, reload as /reload
    does (the old index kept on failure), tell followers, and report to the admins."""
    shared = context.shared
    engine = shared.engine
    # Walking the corpus folders may take a while: off the event loop.
    if engine.reloading or not await asyncio.to_thread(engine.corpus_changed):
        return
    log.info("corpus files changed: reloading by itself")
    words = texts_for(None)
    try:
        done = await engine.reload()
    except ReloadBusyError:
        return  # an admin's /reload is at it
    except ReloadError as error:
        reason = html.escape(shorten(str(error), 3000), quote=False)
        await tell_admins(
            context.bot, shared, f"{words.refreshed}\n{words.reload_failed.format(reason=reason)}"
        )
        return
    delivery = await announce(context.bot, shared)
    await tell_admins(
        context.bot, shared, f"{words.refreshed}\n{load_report(done, delivery, words)}"
    )


async def tell_admins(bot: Bot, shared: Shared, text: str) -> None:
    """Send every admin a report; one that cannot be reached is logged, not retried."""
    for admin in sorted(shared.admins):
        try:
            await bot.send_message(admin, text)
        except TelegramError as error:
            log.warning("could not tell admin %s: %s", admin, error)
