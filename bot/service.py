"""Edge: start-up. Build the index, then run the bot (polling or webhook) or a console chat.

`python -m bot` lands here. Without a token in a terminal it explains how to go live and chats in
the console with the same engine; without a terminal, or with a malformed token, it exits with
status 2 and a message, never a traceback. The token is redacted from every log record.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, urlsplit

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.chat.app import api_urls, build_application
from bot.config import Settings, SettingsError
from bot.corpus import CorpusError
from bot.engine import Engine
from bot.render import to_text
from bot.render_agenda import listing_text

log = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org"

NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set, so the bot cannot go live on Telegram.\n"
    "To go live: open @BotFather (https://t.me/BotFather) in Telegram, send /newbot, and put the "
    "token it gives you in .env as TELEGRAM_BOT_TOKEN=... (or set TELEGRAM_BOT_TOKEN in the "
    "environment), then run `{bot}` again."
)
NO_TOKEN_PIPED = (
    "Meanwhile, to chat with it from a script or a pipe: `{bot} run --console`; "
    "in a terminal, `{bot}` opens that chat by itself."
)
CONSOLE_HELLO = "Console chat: type a question in Thai or English; 'exit' or Ctrl-D to quit."
CONSOLE_EXIT = frozenset({"exit", "quit", "ออก"})
REDACTED = "[REDACTED]"


class RedactSecrets(logging.Filter):
    """Replace secrets (the bot token) in each record's message, arguments and traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = {form for secret in secrets if secret for form in (secret, quote(secret, ""))}
        self.secrets = tuple(sorted(forms, key=len, reverse=True))

    def redact(self, text: str) -> str:
        """`text` with every secret replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops it."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed logging call: keep what it said
            message = f"{record.msg} {record.args}"
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_redaction(secrets: Iterable[str]) -> RedactSecrets:
    """Redact `secrets` on every root handler, so records from all loggers pass through it."""
    redaction = RedactSecrets(secrets)
    handlers = [*logging.getLogger().handlers, logging.lastResort]
    for handler in handlers:
        if handler is not None:
            handler.addFilter(redaction)
    return redaction


def webhook_path(webhook_url: str) -> str:
    """The path Telegram posts to: WEBHOOK_URL's own path, so a proxy can pass it through."""
    return urlsplit(webhook_url).path.strip("/")


async def check_telegram(settings: Settings, token: str) -> None:
    """Ask Telegram who the bot is: InvalidToken or NetworkError now, as one clear line,
    rather than from inside PTB's start-up (which logs each failure with its traceback)."""
    base_url, base_file_url = api_urls(str(settings.telegram_api_base_url or TELEGRAM_API))
    async with Bot(token, base_url=base_url, base_file_url=base_file_url) as bot:
        await bot.get_me()


def console_chat(engine: Engine, results: int) -> int:
    """Answer questions typed in the terminal until EOF, Ctrl-C or 'exit'."""
    print(CONSOLE_HELLO, flush=True)
    try:
        while True:
            question = input("? ").strip()
            if question.lower() in CONSOLE_EXIT:
                break
            if not question:
                continue
            listing = engine.listing(question)
            reply = listing_text(listing) if listing else to_text(engine.ask(question, results))
            print(reply, end="\n\n", flush=True)
    except (EOFError, KeyboardInterrupt):
        print()
    return 0


def bot_command() -> str:
    """How to run this bot again as it was run now: `.venv/bin/python -m bot` when started
    from a virtual environment inside the working folder (what the README's command does),
    else `python -m bot`."""
    interpreter = Path(sys.executable)
    try:
        shown = interpreter.relative_to(Path.cwd())
    except ValueError:
        return "python -m bot"
    return f"{shown.as_posix()} -m bot"


def _no_token(message: str) -> str:
    return message.format(bot=bot_command())


def serve(settings: Settings, console: bool = False) -> int:
    """Run the bot until it is stopped; returns the process exit status."""
    try:
        token = settings.token()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if token is None and not (console or sys.stdin.isatty()):
        print(_no_token(NO_TOKEN + "\n" + NO_TOKEN_PIPED), file=sys.stderr)
        return 2
    secret = settings.webhook_secret_token
    secret_token = secret.get_secret_value() if secret else None
    redaction = install_redaction([token or "", secret_token or ""])
    webhook_url = str(settings.webhook_url) if settings.webhook_url else None
    if token and webhook_url and token in webhook_url:
        print(
            "error: WEBHOOK_URL must not contain the bot token; use a plain path and set "
            "WEBHOOK_SECRET_TOKEN instead.",
            file=sys.stderr,
        )
        return 2
    try:
        engine = Engine.load(
            [settings.corpus_dir], settings.index_cache(), settings.answer_workers
        )
    except (CorpusError, OSError) as error:
        print(f"error: {error} (CORPUS_DIR={settings.corpus_dir})", file=sys.stderr)
        return 2
    if token is None or console:
        if token is None:
            print(_no_token(NO_TOKEN), file=sys.stderr)
        return console_chat(engine, settings.result_count)

    application = build_application(settings, engine)
    try:
        asyncio.run(check_telegram(settings, token))
        if webhook_url:
            if secret_token is None:
                log.warning("WEBHOOK_SECRET_TOKEN is not set: anyone who learns the URL can post")
            log.info("serving a webhook at %s", webhook_url)
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=webhook_path(webhook_url),
                webhook_url=webhook_url,
                secret_token=secret_token,
            )
        else:
            log.info("polling Telegram for updates (Ctrl-C to stop)")
            application.run_polling()
        # run_polling and run_webhook return on Ctrl-C or SIGTERM once PTB has stopped taking
        # updates and every handler already running has finished.
        log.info("stopped: every update received was answered")
    except InvalidToken:
        print(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN; copy it again from @BotFather.",
            file=sys.stderr,
        )
        return 2
    except NetworkError as error:
        print(f"error: cannot reach Telegram: {redaction.redact(str(error))}", file=sys.stderr)
        return 2
    return 0
