"""Edge: settings, read once from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_DIR / "corpus"
# Bot API tokens look like 123456789:AAH... (a numeric bot id, a colon, a secret).
WEBHOOK_PORTS = (443, 80, 88, 8443)  # the only ports Telegram delivers webhooks to
TOKEN_SHAPE = re.compile(r"^\d{3,12}:[A-Za-z0-9_-]{20,}$")
# Telegram's shared service accounts: a message "from" one of them may come from anybody.
SHARED_SENDERS = {
    777000: "Telegram's service account (posts forwarded from linked channels)",
    1087968824: "GroupAnonymousBot, the sender of every anonymous group admin",
    136817688: "Channel_Bot, the sender of every message sent on behalf of a channel",
}


def default_cache_dir(paths: Sequence[Path]) -> Path:
    """A per-corpus folder under the user's cache (XDG_CACHE_HOME or ~/.cache)."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256("\n".join(str(Path(p).resolve()) for p in paths).encode()).hexdigest()
    return root / "thaigov-qa-bot" / key[:16]


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable and the fix."""


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOG_LEVELS: tuple[str, ...] = get_args(LogLevel)


class Settings(BaseSettings):
    """Everything the operator can configure."""

    # An empty variable (`WEBHOOK_URL=` as .env.example leaves it) means "not set".
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
    )

    telegram_bot_token: SecretStr | None = None
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    corpus_dir: Path = DEFAULT_CORPUS
    index_dir: Path | None = None
    result_count: int = Field(default=3, ge=1, le=10)
    log_level: LogLevel = "INFO"
    telegram_api_base_url: HttpUrl | None = None
    webhook_url: HttpUrl | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret_token: SecretStr | None = None
    user_question_limit: int = Field(default=10, ge=0)
    user_question_window: float = Field(default=60, ge=0)
    messages_per_second: float = Field(default=30, ge=0)
    state_db: Path | None = None
    refresh_minutes: float = Field(default=10, ge=0)
    answer_workers: int = Field(default=0, ge=0, le=64)
    typing_after_ms: float = Field(default=1000, ge=0, le=5000)

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            bad = [part for part in parts if part and not part.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"not numeric Telegram user ids: {', '.join(bad)}")
            return frozenset(int(part) for part in parts if part)
        return value

    @field_validator("admin_user_ids")
    @classmethod
    def _real_users(cls, value: frozenset[int]) -> frozenset[int]:
        for user_id in sorted(value):
            if user_id <= 0:
                raise ValueError(f"{user_id} is a group or channel id, not a user id")
            if user_id in SHARED_SENDERS:
                raise ValueError(f"{user_id} is {SHARED_SENDERS[user_id]}, not one person")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator(
        "telegram_bot_token", "webhook_secret_token", "index_dir", "state_db", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _webhook_url(self) -> Settings:
        # api.telegram.org posts only to https on four ports; a self-hosted Bot API server
        # (TELEGRAM_API_BASE_URL) may post anywhere, plain http included.
        if self.webhook_url is None or self.telegram_api_base_url:
            return self
        if self.webhook_url.scheme != "https":
            raise ValueError("WEBHOOK_URL: Telegram posts only to https:// URLs")
        if self.webhook_url.port not in WEBHOOK_PORTS:
            raise ValueError("WEBHOOK_URL: Telegram posts only to ports 443, 80, 88 or 8443")
        return self

    @field_validator("webhook_secret_token")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    def index_cache(self) -> Path:
        """Where the index of CORPUS_DIR is cached: INDEX_DIR, or a folder in ~/.cache."""
        if self.index_dir is None:
            return default_cache_dir([self.corpus_dir])
        return self.index_dir.expanduser().resolve()  # "." or "~/index" work too

    def state_path(self) -> Path:
        """Where the bot keeps its state (subscriptions, votes, counters): STATE_DB, or a file
        beside the index cache."""
        if self.state_db is None:
            return self.index_cache().parent / "state.sqlite3"
        return self.state_db.expanduser().resolve()

    def token(self) -> str | None:
        """The bot token, checked for shape; None when unset."""
        if self.telegram_bot_token is None:
            return None
        token = self.telegram_bot_token.get_secret_value().strip()
        if not TOKEN_SHAPE.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is malformed: it should look like 123456789:AAH... "
                "(copy it exactly as @BotFather gave it)."
            )
        return token


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    """Settings from the environment and `env_file`; SettingsError names any bad variable."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as error:
        problems = "; ".join(_problem(issue) for issue in error.errors())
        raise SettingsError(
            f"bad setting: {problems}. Fix it in the environment or .env."
        ) from None


def _problem(issue: Mapping[str, Any]) -> str:
    """`VARIABLE: what is wrong`, from one pydantic error."""
    message = str(issue["msg"]).removeprefix("Value error, ")
    variable = ".".join(str(part) for part in issue["loc"]).upper()
    return f"{variable}: {message}" if variable else message
