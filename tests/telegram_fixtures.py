"""Helpers for the Telegram edge tests: a running bot against the fake Bot API, an HTML checker,
report writers, a gate that holds a /reload mid-way, and small waits (each with a deadline)."""

from __future__ import annotations

import asyncio
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram.ext import Application

from bot.chat.app import build_application
from bot.config import Settings
from bot.engine import Engine, load_index
from bot.render import telegram_length
from tests.botapi import Call, FakeBotApi

# Shaped like a token (digits:secret) so Settings.token() accepts it, but not like a real one.
TOKEN = "123456:TEST_TOKEN_for_the_local_fake_api"
ADMIN_ID = 42
USER_ID = 1001
GROUP_ID = -1001000000001
PROJECT = Path(__file__).resolve().parent.parent
# The seed report alone: most bot tests need a corpus that builds in a second, not the archive.
SEED_FILE = PROJECT / "corpus" / "cabinet-2020-08-13-asean-china-digital-economy.txt"
TELEGRAM_TAGS = frozenset(
    "b strong i em u ins s strike del a code pre blockquote span tg-spoiler".split()
)
_ENTITY = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


def seed_passages() -> int:
    """How many passages the core makes of the seed report (so tests follow its changes)."""
    return load_index([SEED_FILE]).passages


def make_settings(fake: FakeBotApi, corpus: Path, **fields: Any) -> Settings:
    """Settings pointing at the fake, reading no .env file, with a state database of its own
    and no refresh job unless asked."""
    state = Path(tempfile.mkdtemp(prefix="state-")) / "state.sqlite3"
    defaults = {"admin_user_ids": frozenset({ADMIN_ID}), "state_db": state, "refresh_minutes": 0}
    values: dict[str, Any] = defaults | fields
    return Settings(
        telegram_bot_token=SecretStr(TOKEN),
        corpus_dir=corpus,
        telegram_api_base_url=fake.base_url,
        _env_file=None,  # type: ignore[call-arg]
        **values,
    )


@asynccontextmanager
async def polling(application: Application) -> AsyncIterator[Application]:
    """Run the application with real long polling against the fake, as run_polling does (its
    post_init and post_shutdown included); stop it however we leave."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    try:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        yield application
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def write_report(folder: Path, name: str, title: str, body: str, day: str) -> Path:
    """A report file in the seed layout: `เรื่อง` title line, body, `ที่มา:` line with the date."""
    path = folder / name
    path.write_text(f"เรื่อง {title}\n{body}\nที่มา: ที่ประชุมคณะรัฐมนตรี วันที่ {day}\n", encoding="utf-8")
    return path


def write_smart_city_corpus(folder: Path, reports: int = 30) -> Path:
    """`reports` small reports that all answer "smart city" (enough for 50 results)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, reports + 1):
        write_report(
            folder,
            f"smart-city-{number:02d}.txt",
            f"โครงการ Smart City ระยะที่ {number}",
            f"คณะรัฐมนตรีอนุมัติโครงการ smart city ระยะที่ {number} วงเงิน {number * 10} ล้านบาท"
            " เพื่อพัฒนาบริการดิจิทัลของจังหวัด",
            f"{number % 28 + 1} มกราคม 2567",
        )
    return folder


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"tag <{tag}> is not Telegram HTML")
        if tag == "a" and [name for name, _ in attrs] != ["href"]:
            self.problems.append(f"<a> with attributes {attrs}")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


def html_problems(text: str) -> list[str]:
    """Why Telegram would reject `text` as HTML (empty when it is fine), length included."""
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    problems = checker.problems + [f"unclosed <{tag}>" for tag in checker.open]
    if _ENTITY.search(text):
        problems.append("a bare & that is not an entity Telegram knows")
    if telegram_length(text) > 4096:
        problems.append(f"{telegram_length(text)} UTF-16 units, over 4096")
    return problems


def sent(fake: FakeBotApi, chat_id: int | None = None) -> list[Call]:
    """Successful sendMessage calls (to `chat_id`), oldest first."""
    return [
        call
        for call in fake.calls("sendMessage")
        if call.ok and (chat_id is None or call.params["chat_id"] == chat_id)
    ]


async def exchange(fake: FakeBotApi, text: str, **push: Any) -> Call:
    """Push a message and return the bot's next successful sendMessage (5 s deadline)."""
    before = len(sent(fake))
    fake.push_message(text, **push)
    calls = await fake.await_for(
        "sendMessage", count=before + 1, predicate=lambda call: call.ok, timeout=5
    )
    return calls[before]


async def await_reply(fake: FakeBotApi, start: str, timeout: float = 5) -> Call:
    """The first successful sendMessage whose text starts with `start`."""
    calls = await fake.await_for(
        "sendMessage",
        predicate=lambda call: call.ok and call.params["text"].startswith(start),
        timeout=timeout,
    )
    return calls[0]


async def press(fake: FakeBotApi, data: str, message_id: int, chat_id: int = USER_ID) -> Call:
    """Press an inline button on a stored message; return the answerCallbackQuery call."""
    before = len(fake.calls("answerCallbackQuery"))
    fake.push_callback_query(data, message=message_id, chat_id=chat_id, user_id=USER_ID)
    calls = await fake.await_for("answerCallbackQuery", count=before + 1, timeout=5)
    return calls[before]


def bot_message_ids(fake: FakeBotApi, chat_id: int) -> list[int]:
    """Ids of the messages the bot has sent to `chat_id`, oldest first."""
    ids = []
    for message_id in range(1, 200):
        message = fake.message(chat_id, message_id)
        if message is not None and message["from"]["id"] == fake.bot_id:
            ids.append(message_id)
    return ids


def buttons(call: Call) -> list[dict[str, Any]]:
    """The inline keyboard buttons of a sendMessage call, row by row flattened."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [button for row in markup["inline_keyboard"] for button in row]


async def await_until(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    """Wait (without blocking the event loop) until `condition()` holds; fail naming `what`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.005)


STALE_MANIFEST = b'{"signature": "stale"}'


class ReloadGate:
    """Holds the bot's index rebuilds at the index cache's manifest, made a named pipe, until the
    test lets them through, so a /reload can be caught mid-way without any timing.

    A rebuild reads the manifest twice: before it reads the corpus (is the cache current?) and
    after it (which passages' tokens can be reused?). So it can be held before the corpus is
    read, and again with the corpus read but the new index not yet built. Let through, it reads
    a stale manifest and builds the index from the corpus. A failed rebuild reads it only once.
    """

    def __init__(self, cache: Path) -> None:
        self.pipe = cache / "manifest.json"
        self._held: list[int] = []  # write ends of the pipe, one per rebuild held

    def arm(self) -> None:
        """Make the manifest a named pipe again (a successful rebuild replaces the folder)."""
        self.pipe.unlink(missing_ok=True)
        os.mkfifo(self.pipe)

    async def reached(self, timeout: float = 10) -> None:
        """Wait until a rebuild is reading the manifest; it then waits for `let_through`."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                # Without a reader, a non-blocking open for writing fails (ENXIO) at once.
                self._held.append(os.open(self.pipe, os.O_WRONLY | os.O_NONBLOCK))
                return
            except OSError as error:
                if error.errno not in (errno.ENXIO, errno.ENOENT):
                    raise
            if time.monotonic() > deadline:
                raise AssertionError(f"no index rebuild reached the gate within {timeout} s")
            await asyncio.sleep(0.005)

    def let_through(self) -> None:
        """Let the rebuild held longest go on (it reads a stale manifest)."""
        held = self._held.pop(0)
        try:
            os.write(held, STALE_MANIFEST)
            # A new pipe for the next read: the rebuild let through may still have this one open
            # (it reads until the end), and `reached` must not mistake it for the next reader.
            self.arm()
        finally:
            os.close(held)

    def let_all_through(self) -> None:
        """Let held rebuilds go on, and any later read of the manifest pass without waiting."""
        while self._held:
            self.let_through()
        try:
            if not stat.S_ISFIFO(self.pipe.lstat().st_mode):
                return
        except FileNotFoundError:
            return
        # Opening for reading and writing never blocks; it also frees a rebuild that is
        # waiting to open the pipe, which then reads the stale manifest written here. Later
        # reads find no manifest at all.
        pipe = os.open(self.pipe, os.O_RDWR | os.O_NONBLOCK)
        try:
            self.pipe.unlink()
            os.write(pipe, STALE_MANIFEST)
        finally:
            os.close(pipe)


@contextmanager
def reload_gate(cache: Path) -> Iterator[ReloadGate]:
    """A ReloadGate that, however the test ends, leaves no worker thread waiting on its pipe."""
    gate = ReloadGate(cache)
    try:
        yield gate
    finally:
        gate.let_all_through()


def fake_api(token: str = TOKEN) -> Iterator[FakeBotApi]:
    """The fake Bot API server, for a fixture; it must have met no internal error by the end."""
    with FakeBotApi(token=token, bot_username="test_bot") as server:
        yield server
    assert server.errors == []


@asynccontextmanager
async def running_bot(
    fake: FakeBotApi, corpus: Path = SEED_FILE, **settings: Any
) -> AsyncIterator[Engine]:
    """The real bot, as build_application makes it, polling the fake; yields its engine."""
    config = make_settings(fake, corpus, **settings)
    engine = Engine.load([config.corpus_dir], config.index_cache(), config.answer_workers)
    async with polling(build_application(config, engine)):
        yield engine
