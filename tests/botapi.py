"""A small local fake of the Telegram Bot API for end-to-end tests.

The server speaks plain HTTP on ``127.0.0.1`` (ephemeral port) so that the *real*
python-telegram-bot ``Bot`` / ``Application`` can be pointed at it::

    with FakeBotApi() as api:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        ...
        api.push_message("/start")
        await api.await_for("sendMessage")

How PTB (v22.x) encodes requests: every call is an HTTP ``POST`` to
``<base_url><token>/<method>``.  Parameters are sent as form fields
(``application/x-www-form-urlencoded``, or ``multipart/form-data`` when a file is uploaded).
String values are sent verbatim; every other value (ints, bools, lists, dicts such as
``reply_markup``, ``results``, ``commands``, ``allowed_updates``) is ``json.dumps``-ed.  The
server decodes them back (see :func:`decode_params`) and records each call as a :class:`Call`.

Only the standard library is used; nothing here imports PTB.
"""

from __future__ import annotations

import asyncio
import copy
import email.parser
import email.policy
import itertools
import json
import re
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "TOKEN",
    "ApiError",
    "Call",
    "FakeBotApi",
    "UploadedFile",
    "decode_params",
]

#: Dummy token.  Deliberately *not* shaped like a real token.
TOKEN = "123456:TEST-TOKEN"
BOT_ID = 123456
BOT_USERNAME = "test_bot"

HOST = "127.0.0.1"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_BODY_BYTES = 64 * 1024 * 1024
DEFAULT_GROUP_CHAT_ID = -1001000000001
_STATUS_CODES = frozenset(status.value for status in HTTPStatus)

#: Parameters whose values are free text / opaque ids and must never be JSON-decoded.
STRING_PARAMS = frozenset(
    {
        "action",
        "address",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "currency",
        "custom_title",
        "description",
        "emoji",
        "error_message",
        "explanation",
        "file_id",
        "first_name",
        "foursquare_id",
        "foursquare_type",
        "game_short_name",
        "google_place_id",
        "google_place_type",
        "inline_message_id",
        "inline_query_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "message_text",
        "name",
        "next_offset",
        "parse_mode",
        "payload",
        "phone_number",
        "pre_checkout_query_id",
        "provider_token",
        "question",
        "secret_token",
        "shipping_query_id",
        "short_description",
        "start_parameter",
        "sticker",
        "switch_pm_parameter",
        "switch_pm_text",
        "text",
        "title",
        "url",
        "web_app_query_id",
    }
)

_API_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_FILE_PATH = re.compile(r"^/file/bot(?P<token>[^/]+)/(?P<path>.+)$")
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![A-Za-z0-9_/@])@[A-Za-z0-9_]{3,32}")

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: can't parse entities: Can't find end of the entity starting at byte "
    "offset 0",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


# --------------------------------------------------------------------------------------------
# Value objects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """A file part received in a ``multipart/form-data`` request."""

    filename: str | None
    content: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class Call:
    """One recorded Bot API call.

    ``params`` holds the decoded parameters (JSON objects/arrays, ints, floats and bools decoded;
    free-text parameters from :data:`STRING_PARAMS` kept as ``str``).  ``raw`` holds the exact
    strings as received, ``files`` the uploaded file parts, ``error_code`` the error returned
    (``None`` when the reply was ``ok``).
    """

    method: str
    params: dict[str, Any]
    raw: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    files: dict[str, UploadedFile] = field(default_factory=dict, repr=False, compare=False)
    error_code: int | None = None
    #: When the server finished handling the call (time.perf_counter), for latency benchmarks.
    at: float = field(default_factory=time.perf_counter, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether the server answered this call with ``ok: true``."""
        return self.error_code is None

    def summary(self, width: int = 160) -> str:
        """Short one-line human readable description."""
        status = "ok" if self.ok else f"error {self.error_code}"
        params = repr(self.params)
        if len(params) > width:
            params = params[: width - 3] + "..."
        return f"{self.method} [{status}] {params}"


class ApiError(Exception):
    """Raise from a custom handler (see :meth:`FakeBotApi.set_handler`) to reply an error."""

    def __init__(
        self,
        error_code: int,
        description: str | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        self.error_code = error_code
        self.description = description or _DEFAULT_DESCRIPTIONS.get(
            error_code, HTTPStatus(error_code).phrase if error_code in _STATUS_CODES else "Error"
        )
        self.parameters = parameters
        super().__init__(f"{error_code}: {self.description}")

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class _Fault:
    error_code: int
    description: str
    retry_after: float | None


@dataclass
class _Delay:
    seconds: float
    remaining: int | None  # None: every call


Handler = Callable[[dict[str, Any]], Any]


# --------------------------------------------------------------------------------------------
# Parameter decoding
# --------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def decode_value(name: str, raw: str) -> Any:
    """Decode one form value the way PTB encoded it (strings verbatim, the rest JSON)."""
    if name in STRING_PARAMS:
        return raw
    stripped = raw.strip()
    if not stripped or stripped == "null" or stripped[0] == '"':
        return raw
    if stripped[0] not in "{[-0123456789tf":
        return raw
    try:
        value = json.loads(stripped, parse_constant=_reject_constant)
    except ValueError:
        return raw
    if isinstance(value, dict | list | bool | int | float):
        return value
    return raw


def decode_params(raw: dict[str, str]) -> dict[str, Any]:
    """Decode a mapping of raw form values, see :func:`decode_value`."""
    return {name: decode_value(name, value) for name, value in raw.items()}


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    if not message.is_multipart():
        return fields, files
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            charset = part.get_content_charset() or "utf-8"
            fields[str(name)] = payload.decode(charset, errors="replace")
        else:
            files[str(name)] = UploadedFile(
                filename=str(filename),
                content=bytes(payload),
                content_type=part.get_content_type(),
            )
    return fields, files


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def auto_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram would add: a leading ``/command[@bot]`` and ``@username`` mentions.

    Offsets and lengths are in UTF-16 code units, as in the real Bot API.
    """
    entities: list[dict[str, Any]] = []
    command_end = 0
    match = _COMMAND.match(text)
    if match:
        command_end = match.end()
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(match.group(0))})
    for mention in _MENTION.finditer(text, command_end):
        entities.append(
            {
                "type": "mention",
                "offset": _utf16_len(text[: mention.start()]),
                "length": _utf16_len(mention.group(0)),
            }
        )
    return entities


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False
    # The bot opens many connections at once under load; socketserver's default backlog of 5
    # would reset some of them (httpx.ReadError), which Telegram never does.
    request_queue_size = 1024

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        super().__init__((HOST, 0), _RequestHandler)

    def server_bind(self) -> None:
        # Skip HTTPServer.server_bind's socket.getfqdn(), which may do slow DNS lookups.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.1 keeps connections alive between requests, as api.telegram.org does: a bot's
    # connection pool is then measured as it works against Telegram (bot/burst.py).
    protocol_version = "HTTP/1.1"
    # Replies go out at once: with Nagle's algorithm a reply written in two parts waited for
    # the client's delayed ACK, 40 ms on a kept-alive connection, which Telegram never adds.
    disable_nagle_algorithm = True
    timeout = 30.0  # socket timeout for reading a request

    def do_GET(self) -> None:
        self.server.api._handle_http(self)

    def do_POST(self) -> None:
        self.server.api._handle_http(self)

    def log_message(self, *args: Any) -> None:
        return

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY_BYTES:
                    raise ValueError("request body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(16)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            # The client went away (e.g. PTB cancelled a long poll on shutdown).
            pass


# --------------------------------------------------------------------------------------------
# The fake API
# --------------------------------------------------------------------------------------------


class FakeBotApi:
    """A thread-based fake Telegram Bot API server.

    Use as a context manager or call :meth:`start` / :meth:`stop`.  All public methods are
    thread-safe and may be called from the test's event loop thread.
    """

    def __init__(
        self,
        token: str = TOKEN,
        *,
        bot_username: str = BOT_USERNAME,
        bot_first_name: str = "Test Bot",
        default_user_id: int = 1001,
        max_poll_timeout: float = 1.0,
        max_delay: float = 10.0,
    ) -> None:
        self.token = token
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else BOT_ID
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.default_user_id = default_user_id
        self.max_poll_timeout = max(0.0, max_poll_timeout)
        self.max_delay = max(0.0, max_delay)

        self._cond = threading.Condition(threading.RLock())
        self._stop_event = threading.Event()
        self._stopping = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

        self._calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._message_ids: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, _Delay] = {}
        self._held: set[str] = set()
        self._holding: dict[str, int] = {}
        self._chat_admins: dict[int | str, list[int]] = {}
        self._blocked: set[int | str] = set()
        self._handlers: dict[str, Handler] = {}
        self._files: dict[str, tuple[str, bytes]] = {}
        self._commands: dict[str, list[dict[str, Any]]] = {}
        self._guest_queries: set[str] = set()
        self._texts: dict[tuple[str, str], str] = {}
        self._webhook_url = ""
        #: Unexpected exceptions raised while handling requests (bugs in the fake or handlers).
        self.errors: list[BaseException] = []

        self._builtin: dict[str, Handler] = {
            "getMe": lambda _p: self.bot_user,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "sendPhoto": lambda p: self._send_media("photo", p),
            "sendDocument": lambda p: self._send_media("document", p),
            "sendChatAction": lambda _p: True,
            "answerCallbackQuery": lambda _p: True,
            "answerInlineQuery": lambda _p: True,
            "setMyCommands": self._set_my_commands,
            "answerGuestQuery": self._answer_guest_query,
            "setMyDescription": lambda p: self._set_text("description", p, 512),
            "setMyShortDescription": lambda p: self._set_text("short_description", p, 120),
            "getMyDescription": lambda p: {"description": self._get_text("description", p)},
            "getMyShortDescription": lambda p: {
                "short_description": self._get_text("short_description", p)
            },
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getFile": self._get_file,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMember": self._get_chat_member,
            "close": lambda _p: True,
            "logOut": lambda _p: True,
        }

    # ---------------------------------------------------------------- lifecycle / addresses

    def start(self) -> Self:
        """Start serving in a background daemon thread; returns ``self``."""
        if self._server is not None:
            return self
        self._stop_event.clear()
        self._stopping = False
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeBotApi:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server, waking long polls and delayed requests.  Idempotent."""
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._stop_event.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port (only valid while running)."""
        if self._server is None:
            raise RuntimeError("FakeBotApi is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's ``User`` object as returned by ``getMe``."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ---------------------------------------------------------------- recorded calls

    def calls(self, method: str | None = None) -> list[Call]:
        """All recorded calls (optionally only those of ``method``), oldest first."""
        with self._cond:
            if method is None:
                return list(self._calls)
            return [call for call in self._calls if call.method == method]

    def last_call(self, method: str | None = None) -> Call:
        """The most recent call (of ``method``); raises AssertionError when there is none."""
        calls = self.calls(method)
        if not calls:
            raise AssertionError(f"no {method or 'API'} call recorded; got: {self._describe()}")
        return calls[-1]

    def clear_calls(self) -> None:
        """Forget all recorded calls."""
        with self._cond:
            self._calls.clear()

    def _matching(self, method: str, predicate: Callable[[Call], bool] | None) -> list[Call]:
        return [
            call
            for call in self._calls
            if call.method == method and (predicate is None or predicate(call))
        ]

    def _describe(self, limit: int = 40) -> str:
        with self._cond:
            calls = list(self._calls)
        if not calls:
            return "(no calls at all)"
        shown = calls[-limit:]
        lines = [f"  {call.summary()}" for call in shown]
        if len(calls) > limit:
            lines.insert(0, f"  ... {len(calls) - limit} earlier call(s) omitted")
        return "\n" + "\n".join(lines)

    def _timeout_error(
        self, method: str, count: int, timeout: float, predicate: Any, found: int
    ) -> AssertionError:
        what = f"{count} {method} call(s)"
        if predicate is not None:
            what += " matching predicate"
        return AssertionError(
            f"timed out after {timeout}s waiting for {what}; found {found}. "
            f"Calls received:{self._describe()}"
        )

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block (this thread) until ``count`` matching calls were recorded.

        Returns all matching calls so far (at least ``count``).  Raises ``AssertionError``
        listing every received call on timeout.  Do not use from the event loop thread while
        the bot runs on it - use :meth:`await_for` there.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = self._matching(method, predicate)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._timeout_error(method, count, timeout, predicate, len(found))
                self._cond.wait(remaining)

    async def await_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
        interval: float = 0.01,
    ) -> list[Call]:
        """Async twin of :meth:`wait_for`; polls with ``asyncio.sleep`` (never blocks the loop)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._cond:
                found = self._matching(method, predicate)
            if len(found) >= count:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise self._timeout_error(method, count, timeout, predicate, len(found))
            await asyncio.sleep(min(interval, remaining))

    # ---------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        error_code: int | None = None,
        description: str | None = None,
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        With ``retry_after`` (default error 429) the reply is
        ``{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after N",
        "parameters": {"retry_after": N}}``.  Without it the default is a 400
        ``"Bad Request: can't parse entities: ..."``.  Telegram uses integer ``retry_after``;
        floats are accepted here to keep tests fast (PTB handles them).  Faults queue up.
        """
        if error_code is None:
            error_code = 429 if retry_after is not None else 400
        if description is None:
            if error_code == 429:
                shown = retry_after if retry_after is not None else 1
                if isinstance(shown, float) and shown.is_integer():
                    shown = int(shown)
                description = f"Too Many Requests: retry after {shown}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        fault = _Fault(error_code=error_code, description=description, retry_after=retry_after)
        with self._cond:
            self._faults.setdefault(method, []).extend([fault] * times)

    def set_delay(self, method: str, seconds: float, times: int | None = None) -> None:
        """Delay replies to ``method`` by ``seconds`` (capped at ``max_delay``).

        ``times=None`` delays every call until ``set_delay(method, 0)``.  Delays are cut short
        by :meth:`stop`.
        """
        with self._cond:
            if seconds <= 0 or times == 0:
                self._delays.pop(method, None)
            else:
                self._delays[method] = _Delay(min(seconds, self.max_delay), times)

    def hold(self, method: str) -> None:
        """Keep every call of ``method`` waiting (unanswered, unrecorded) until :meth:`release`.

        Models a Telegram that is slow to answer, deterministically: the test decides when the
        calls go through.  :meth:`stop` releases them too.
        """
        with self._cond:
            self._held.add(method)

    def release(self, method: str) -> None:
        """Let the held calls of ``method`` (and later ones) through."""
        with self._cond:
            self._held.discard(method)
            self._cond.notify_all()

    def holding(self, method: str) -> int:
        """How many calls of ``method`` are waiting because of :meth:`hold` right now."""
        with self._cond:
            return self._holding.get(method, 0)

    def _wait_while_held(self, method: str) -> None:
        with self._cond:
            if method not in self._held:
                return
            self._holding[method] = self._holding.get(method, 0) + 1
            try:
                while method in self._held and not self._stopping:
                    self._cond.wait()
            finally:
                self._holding[method] -= 1

    def set_chat_administrators(self, chat_id: int | str, user_ids: list[int]) -> None:
        """Make ``user_ids`` the administrators of ``chat_id`` (for getChatAdministrators and
        getChatMember)."""
        with self._cond:
            self._chat_admins[chat_id] = list(user_ids)

    def block(self, chat_id: int | str, blocked: bool = True) -> None:
        """Make the chat's user block the bot (sendMessage to it answers 403 Forbidden), or
        unblock it again."""
        with self._cond:
            if blocked:
                self._blocked.add(chat_id)
            else:
                self._blocked.discard(chat_id)

    def set_handler(self, method: str, handler: Handler | None) -> None:
        """Override / add a method: ``handler(params) -> result`` (may raise :class:`ApiError`).

        ``None`` removes the override.  Handlers run in a server thread.
        """
        with self._cond:
            if handler is None:
                self._handlers.pop(method, None)
            else:
                self._handlers[method] = handler

    # ---------------------------------------------------------------- updates

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update dict (``update_id`` assigned if missing); wakes long polls."""
        with self._cond:
            update = copy.deepcopy(update)
            if "update_id" not in update:
                update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._cond.notify_all()
            return copy.deepcopy(update)

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        with self._cond:
            return copy.deepcopy(self._updates)

    def user(
        self,
        user_id: int | None = None,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "th",
    ) -> dict[str, Any]:
        """A (non-bot) ``User`` dict."""
        uid = self.default_user_id if user_id is None else user_id
        user: dict[str, Any] = {
            "id": uid,
            "is_bot": False,
            "first_name": first_name or f"User{uid}",
            "username": username or f"user{uid}",
        }
        if language_code:
            user["language_code"] = language_code
        return user

    def chat(self, chat_id: int | str, chat_type: str | None = None) -> dict[str, Any]:
        """The ``Chat`` dict used for ``chat_id`` (remembered from pushed messages)."""
        with self._cond:
            if chat_id in self._chats and chat_type in (None, self._chats[chat_id]["type"]):
                return dict(self._chats[chat_id])
            if isinstance(chat_id, str):
                name = chat_id.lstrip("@")
                return {
                    "id": DEFAULT_GROUP_CHAT_ID - 1,
                    "type": "channel",
                    "title": name,
                    "username": name,
                }
            if chat_type is None:
                if chat_id > 0:
                    chat_type = "private"
                elif str(chat_id).startswith("-100"):
                    chat_type = "supergroup"
                else:
                    chat_type = "group"
            chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = f"User{chat_id}"
                chat["username"] = f"user{chat_id}"
            else:
                chat["title"] = f"Test {chat_type.title()}"
            return chat

    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        """A stored message (sent by the bot or pushed), or ``None``."""
        with self._cond:
            msg = self._messages.get((chat_id, message_id))
            return copy.deepcopy(msg) if msg is not None else None

    def _alloc_message_id(self, chat_id: int | str) -> int:
        with self._cond:
            next_id = self._message_ids.get(chat_id, 0) + 1
            self._message_ids[chat_id] = next_id
            return next_id

    def _store(self, msg: dict[str, Any]) -> dict[str, Any]:
        chat_id = msg["chat"]["id"]
        with self._cond:
            self._messages[(chat_id, msg["message_id"])] = copy.deepcopy(msg)
            if self._message_ids.get(chat_id, 0) < msg["message_id"]:
                self._message_ids[chat_id] = msg["message_id"]
        return msg

    def push_message(
        self,
        text: str,
        chat_id: int | None = None,
        user_id: int | None = None,
        chat_type: str = "private",
        language_code: str | None = "th",
        reply_to_message: dict[str, Any] | int | None = None,
        entities: list[dict[str, Any]] | None = None,
        *,
        first_name: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Queue a ``message`` update from a user and return the update dict.

        ``chat_id`` defaults to the user id for private chats, else to a supergroup id.
        Without explicit ``entities``, a leading ``/command`` gets a ``bot_command`` entity and
        ``@username``s get ``mention`` entities.  ``reply_to_message`` may be a message dict or
        the id of a stored message in that chat.
        """
        uid = self.default_user_id if user_id is None else user_id
        if chat_id is None:
            chat_id = uid if chat_type == "private" else DEFAULT_GROUP_CHAT_ID
        user = self.user(
            uid, first_name=first_name, username=username, language_code=language_code
        )
        if chat_type == "private":
            chat = {
                "id": chat_id,
                "type": "private",
                "first_name": user["first_name"],
                "username": user["username"],
            }
        else:
            chat = self.chat(chat_id, chat_type)
        with self._cond:
            self._chats[chat_id] = dict(chat)
            msg: dict[str, Any] = {
                "message_id": self._alloc_message_id(chat_id),
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            ents = auto_entities(text) if entities is None else entities
            if ents:
                msg["entities"] = ents
            if isinstance(reply_to_message, int):
                replied = self.message(chat_id, reply_to_message)
                if replied is None:
                    raise KeyError(f"no stored message {reply_to_message} in chat {chat_id}")
                reply_to_message = replied
            if reply_to_message is not None:
                msg["reply_to_message"] = _strip_reply(reply_to_message)
            self._store(msg)
            return self.push_update({"message": msg})

    def push_callback_query(
        self,
        data: str,
        message: dict[str, Any] | int | None = None,
        user_id: int | None = None,
        *,
        chat_id: int | None = None,
        inline_message_id: str | None = None,
        language_code: str | None = "th",
    ) -> dict[str, Any]:
        """Queue a ``callback_query`` update (a button press) and return it.

        ``message`` is a message dict, the id of a stored message in ``chat_id`` (default: the
        user's private chat), or ``None`` for the bot's latest message there (one is created
        if the bot has not sent any).  With ``inline_message_id`` no message is attached.
        """
        uid = self.default_user_id if user_id is None else user_id
        cid = uid if chat_id is None else chat_id
        query: dict[str, Any] = {
            "id": str(next(self._query_ids)),
            "from": self.user(uid, language_code=language_code),
            "chat_instance": f"-{abs(hash(cid)) % 10**18}",
            "data": data,
        }
        with self._cond:
            if inline_message_id is not None:
                query["inline_message_id"] = inline_message_id
            else:
                if isinstance(message, int):
                    found = self.message(cid, message)
                    if found is None:
                        raise KeyError(f"no stored message {message} in chat {cid}")
                    message = found
                elif message is None:
                    message = self._latest_bot_message(cid)
                else:
                    self._store(copy.deepcopy(message))
                query["message"] = message
            return self.push_update({"callback_query": query})

    def _latest_bot_message(self, chat_id: int | str) -> dict[str, Any]:
        with self._cond:
            own = [
                msg
                for (cid, _mid), msg in self._messages.items()
                if cid == chat_id and msg.get("from", {}).get("id") == self.bot_id
            ]
            if own:
                return copy.deepcopy(max(own, key=lambda m: m["message_id"]))
            msg = {
                "message_id": self._alloc_message_id(chat_id),
                "from": self.bot_user,
                "chat": self.chat(chat_id),
                "date": int(time.time()),
                "text": "...",
            }
            return copy.deepcopy(self._store(msg))

    def push_inline_query(
        self,
        query: str,
        offset: str = "",
        user_id: int | None = None,
        *,
        chat_type: str | None = "sender",
        language_code: str | None = "th",
    ) -> dict[str, Any]:
        """Queue an ``inline_query`` update and return it."""
        uid = self.default_user_id if user_id is None else user_id
        inline: dict[str, Any] = {
            "id": str(next(self._query_ids)),
            "from": self.user(uid, language_code=language_code),
            "query": query,
            "offset": offset,
        }
        if chat_type:
            inline["chat_type"] = chat_type
        return self.push_update({"inline_query": inline})

    def add_file(
        self, content: bytes, file_path: str | None = None, file_id: str | None = None
    ) -> str:
        """Make a file downloadable via ``getFile`` + the file URL; returns its ``file_id``."""
        with self._cond:
            n = next(self._file_ids)
            fid = file_id or f"FILE{n}"
            self._files[fid] = (file_path or f"documents/file_{n}", bytes(content))
            return fid

    # ---------------------------------------------------------------- HTTP handling

    def _handle_http(self, req: _RequestHandler) -> None:
        try:
            parts = urlsplit(req.path)
            path = unquote(parts.path)  # PTB percent-encodes file URLs (":" -> "%3A")
            file_match = _FILE_PATH.match(path)
            if file_match and req.command == "GET":
                self._serve_file(req, file_match.group("token"), file_match.group("path"))
                return
            match = _API_PATH.match(path)
            if not match:
                self._send_json(req, ApiError(404, "Not Found").payload(), 404)
                return
            raw, files = self._read_params(req, parts.query)
            self._dispatch(req, match.group("token"), match.group("method"), raw, files)
        except Exception as exc:  # reported through self.errors
            with self._cond:
                self.errors.append(exc)
            error = ApiError(500, f"Internal Server Error: {exc!r}")
            self._send_json(req, error.payload(), 500)

    def _read_params(
        self, req: _RequestHandler, query: str
    ) -> tuple[dict[str, str], dict[str, UploadedFile]]:
        raw: dict[str, str] = dict(parse_qsl(query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        body = req.read_body() if req.command == "POST" else b""
        if not body:
            return raw, files
        content_type = req.headers.get("Content-Type", "")
        main_type = content_type.split(";", 1)[0].strip().lower()
        if main_type == "multipart/form-data":
            fields, files = _parse_multipart(content_type, body)
            raw.update(fields)
        elif main_type == "application/json":
            data = json.loads(body.decode("utf-8"))
            for key, value in data.items():
                raw[key] = value if isinstance(value, str) else json.dumps(value)
        else:
            raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return raw, files

    def _canonical(self, method: str) -> str:
        lowered = method.lower()
        with self._cond:
            for name in itertools.chain(self._handlers, self._builtin):
                if name.lower() == lowered:
                    return name
        return method

    def _dispatch(
        self,
        req: _RequestHandler,
        token: str,
        method_name: str,
        raw: dict[str, str],
        files: dict[str, UploadedFile],
    ) -> None:
        method = self._canonical(method_name)
        params = decode_params(raw)
        if token != self.token:
            self._record(Call(method, params, raw, files, 401))
            self._send_json(req, ApiError(401, "Unauthorized").payload(), 401)
            return

        with self._cond:
            delay = self._delays.get(method)
            delay_seconds = delay.seconds if delay else 0.0
            if delay is not None and delay.remaining is not None:
                delay.remaining -= 1
                if delay.remaining <= 0:
                    self._delays.pop(method, None)
            queue = self._faults.get(method)
            fault = queue.pop(0) if queue else None
            handler = self._handlers.get(method) or self._builtin.get(method)
        if delay_seconds > 0:
            self._stop_event.wait(min(delay_seconds, self.max_delay))
        self._wait_while_held(method)

        try:
            if fault is not None:
                parameters = (
                    {"retry_after": fault.retry_after} if fault.retry_after is not None else None
                )
                raise ApiError(fault.error_code, fault.description, parameters)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = handler(params)
        except ApiError as err:
            self._record(Call(method, params, raw, files, err.error_code))
            status = err.error_code if err.error_code in _STATUS_CODES else 400
            self._send_json(req, err.payload(), status)
            return
        except Exception as exc:  # reported through self.errors
            with self._cond:
                self.errors.append(exc)
            self._record(Call(method, params, raw, files, 500))
            error = ApiError(500, f"Internal Server Error: {exc!r}")
            self._send_json(req, error.payload(), 500)
            return
        self._record(Call(method, params, raw, files, None))
        self._send_json(req, {"ok": True, "result": result}, 200)

    def _record(self, call: Call) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    @staticmethod
    def _send_json(req: _RequestHandler, payload: dict[str, Any], status: int) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        req.reply(status, body)

    def _serve_file(self, req: _RequestHandler, token: str, path: str) -> None:
        if token != self.token:
            self._send_json(req, ApiError(401, "Unauthorized").payload(), 401)
            return
        with self._cond:
            content = next((data for p, data in self._files.values() if p == path), None)
        if content is None:
            self._send_json(req, ApiError(404, "Not Found").payload(), 404)
            return
        req.reply(200, content, "application/octet-stream")

    # ---------------------------------------------------------------- built-in methods

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        offset = offset if isinstance(offset, int) and not isinstance(offset, bool) else 0
        limit = params.get("limit", 100)
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout", 0)
        timeout = float(timeout) if isinstance(timeout, int | float) else 0.0
        timeout = min(max(timeout, 0.0), self.max_poll_timeout)
        allowed = params.get("allowed_updates")
        allowed_set = set(allowed) if isinstance(allowed, list) and allowed else None
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._webhook_url:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            while True:
                if offset > 0:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                elif offset < 0:
                    self._updates = self._updates[offset:]
                ready = [
                    u
                    for u in self._updates
                    if allowed_set is None or any(key in allowed_set for key in u)
                ][:limit]
                if ready or self._stopping:
                    return copy.deepcopy(ready)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self._cond.wait(remaining)

    @staticmethod
    def _chat_id(params: dict[str, Any]) -> int | str:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if not isinstance(chat_id, int | str) or isinstance(chat_id, bool):
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _new_bot_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        chat = self.chat(chat_id)
        msg: dict[str, Any] = {
            "message_id": self._alloc_message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        }
        reply = params.get("reply_parameters")
        reply_id = reply.get("message_id") if isinstance(reply, dict) else None
        if reply_id is None:
            reply_id = params.get("reply_to_message_id")
        if isinstance(reply_id, int):
            replied = self.message(chat["id"], reply_id)
            if replied is not None:
                msg["reply_to_message"] = _strip_reply(replied)
        if "message_thread_id" in params:
            msg["message_thread_id"] = params["message_thread_id"]
        return msg

    @staticmethod
    def _apply_markup(msg: dict[str, Any], params: dict[str, Any]) -> None:
        markup = params.get("reply_markup")
        # Telegram only echoes inline keyboards (reply keyboards are not part of a Message).
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)

    @staticmethod
    def _check_text(params: dict[str, Any]) -> str:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            blocked = params.get("chat_id") in self._blocked
        if blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        text = self._check_text(params)
        msg = self._new_bot_message(params)
        msg["text"] = text
        if isinstance(params.get("entities"), list):
            msg["entities"] = params["entities"]
        if isinstance(params.get("link_preview_options"), dict):
            msg["link_preview_options"] = params["link_preview_options"]
        self._apply_markup(msg, params)
        return self._store(msg)

    def _send_media(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        caption = params.get("caption")
        if isinstance(caption, str) and len(caption) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        msg = self._new_bot_message(params)
        n = next(self._file_ids)
        if kind == "photo":
            msg["photo"] = [
                {
                    "file_id": f"PHOTO{n}s",
                    "file_unique_id": f"UPs{n}",
                    "width": 90,
                    "height": 90,
                    "file_size": 1000,
                },
                {
                    "file_id": f"PHOTO{n}m",
                    "file_unique_id": f"UPm{n}",
                    "width": 800,
                    "height": 800,
                    "file_size": 50000,
                },
            ]
        else:
            msg["document"] = {
                "file_id": f"DOC{n}",
                "file_unique_id": f"UD{n}",
                "file_name": f"file_{n}",
                "file_size": 1000,
            }
        if isinstance(caption, str):
            msg["caption"] = caption
        if isinstance(params.get("caption_entities"), list):
            msg["caption_entities"] = params["caption_entities"]
        self._apply_markup(msg, params)
        return self._store(msg)

    def _stored_for_edit(self, params: dict[str, Any], verb: str) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        with self._cond:
            msg = (
                self._messages.get((chat_id, message_id)) if isinstance(message_id, int) else None
            )
        if msg is None:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        return copy.deepcopy(msg)

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        text = self._check_text(params)
        if params.get("inline_message_id"):
            return True
        old = self._stored_for_edit(params, "edit")
        new = copy.deepcopy(old)
        new["text"] = text
        new.pop("entities", None)
        if isinstance(params.get("entities"), list):
            new["entities"] = params["entities"]
        self._apply_markup(new, params)
        if new.get("text") == old.get("text") and new.get("reply_markup") == old.get(
            "reply_markup"
        ):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        new["edit_date"] = int(time.time())
        return self._store(new)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if params.get("inline_message_id"):
            return True
        old = self._stored_for_edit(params, "edit")
        new = copy.deepcopy(old)
        self._apply_markup(new, params)
        if new.get("reply_markup") == old.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        new["edit_date"] = int(time.time())
        return self._store(new)

    def _delete_message(self, params: dict[str, Any]) -> bool:
        msg = self._stored_for_edit(params, "delete")
        with self._cond:
            self._messages.pop((msg["chat"]["id"], msg["message_id"]), None)
        return True

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code", "")], sort_keys=True)

    def _answer_guest_query(self, params: dict[str, Any]) -> dict[str, Any]:
        """Bot API 10.0: the reply to a guest message, an inline result the caller's chat gets."""
        query_id = params.get("guest_query_id")
        result = params.get("result")
        if not query_id or not isinstance(result, dict):
            raise ApiError(400, "Bad Request: guest_query_id and result are required")
        with self._cond:
            if query_id not in self._guest_queries:
                raise ApiError(400, "Bad Request: query is too old or query ID is invalid")
            self._guest_queries.discard(query_id)
        content = result.get("input_message_content") or {}
        text = content.get("message_text", "")
        if not isinstance(text, str) or not 1 <= len(text.encode("utf-16-le")) // 2 <= 4096:
            raise ApiError(400, "Bad Request: message text is empty or too long")
        return {"inline_message_id": f"guest-{query_id}"}

    def _set_text(self, kind: str, params: dict[str, Any], limit: int) -> bool:
        text = params.get(kind, "")
        if not isinstance(text, str) or len(text) > limit:
            raise ApiError(400, f"Bad Request: {kind} is too long")
        with self._cond:
            self._texts[(kind, params.get("language_code", ""))] = text
        return True

    def _get_text(self, kind: str, params: dict[str, Any]) -> str:
        with self._cond:
            return self._texts.get((kind, params.get("language_code", "")), "")

    def push_guest_message(
        self,
        text: str,
        user_id: int | None = None,
        chat_id: int = -100777,
        language_code: str = "th",
    ) -> dict[str, Any]:
        """Queue a ``guest_message`` update (Bot API 10.0): someone @mentioned the bot in a
        chat it has not joined; the bot replies with answerGuestQuery."""
        uid = self.default_user_id if user_id is None else user_id
        user = self.user(uid, language_code=language_code)
        chat = self.chat(chat_id, "supergroup")
        with self._cond:
            query_id = f"guest{next(self._query_ids)}"
            self._guest_queries.add(query_id)
        msg = {
            "message_id": 1,
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            "text": text,
            "guest_query_id": query_id,
            "guest_bot_caller_user": user,
            "guest_bot_caller_chat": chat,
        }
        ents = auto_entities(text)
        if ents:
            msg["entities"] = ents
        return self.push_update({"guest_message": msg})

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        with self._cond:
            self._commands[self._commands_key(params)] = commands
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self._cond:
            return list(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        with self._cond:
            self._commands.pop(self._commands_key(params), None)
        return True

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url")
        with self._cond:
            self._webhook_url = url if isinstance(url, str) else ""
            if params.get("drop_pending_updates") is True:
                self._updates.clear()
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        with self._cond:
            self._webhook_url = ""
            if params.get("drop_pending_updates") is True:
                self._updates.clear()
        return True

    def _get_webhook_info(self, _params: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            return {
                "url": self._webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
                "max_connections": 40,
            }

    def _administrator(self, user_id: int) -> dict[str, Any]:
        rights = (
            "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members"
            " can_promote_members can_change_info can_invite_users can_post_stories"
            " can_edit_stories can_delete_stories can_pin_messages"
        ).split()
        member = {"status": "administrator", "user": self.user(user_id), "can_be_edited": False}
        return member | {"is_anonymous": False} | dict.fromkeys(rights, True)

    def _get_chat_administrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self._cond:
            admins = list(self._chat_admins.get(self._chat_id(params), []))
        return [self._administrator(user_id) for user_id in admins]

    def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise ApiError(400, "Bad Request: invalid user_id specified")
        with self._cond:
            admins = self._chat_admins.get(self._chat_id(params), [])
        if user_id in admins:
            return self._administrator(user_id)
        return {"status": "member", "user": self.user(user_id)}

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params.get("file_id")
        with self._cond:
            entry = self._files.get(file_id) if isinstance(file_id, str) else None
        if entry is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, content = entry
        return {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}",
            "file_size": len(content),
            "file_path": path,
        }


def _strip_reply(message: dict[str, Any]) -> dict[str, Any]:
    """Telegram does not nest ``reply_to_message`` more than one level."""
    reply = copy.deepcopy(message)
    reply.pop("reply_to_message", None)
    return reply
