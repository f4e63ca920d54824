"""Edge: what the bot remembers between runs, in one SQLite file (STATE_DB).

Subscriptions (a chat following a topic), group digests, votes on answers, the counters
/stats shows, which reports the last load held (so that what a reload or a restart brings
is known), and the data behind recent buttons (so that they work after a restart).

The file is in WAL mode, carries its schema version (`PRAGMA user_version`, raised by the
migrations in order), and every write is one short transaction: a write that fails halfway
leaves what was there.

A file that cannot be opened, is locked, read-only or corrupt gives one clear log line and a
State that is not `available`: the bot keeps answering, and the features that need the state
say they are unavailable (StateUnavailableError).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

MAX_TOPIC_CHARS = 200
MAX_TOPICS_PER_CHAT = 20
BUSY_MILLISECONDS = 2000  # how long a write waits for another process's lock

# Migration N brings the schema from version N to N + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL,
        topic TEXT NOT NULL,
        language TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (chat_id, topic)
    );
    CREATE TABLE digests (
        chat_id INTEGER PRIMARY KEY,
        language TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE known_reports (
        doc_id TEXT PRIMARY KEY,
        digest TEXT NOT NULL
    );
    CREATE TABLE votes (
        answer TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        reason TEXT,
        question TEXT NOT NULL,
        language TEXT NOT NULL,
        hits TEXT NOT NULL,
        found INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (answer, user_id)
    );
    CREATE TABLE declined (
        question TEXT NOT NULL,
        language TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    """,
    """
    CREATE TABLE buttons (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        data TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StateUnavailableError(Exception):
    """The state database cannot be used now; the message says why."""


@dataclass(frozen=True, slots=True)
class Subscription:
    """A chat following a topic, in the language it asked in."""

    chat_id: int
    topic: str
    language: str


@dataclass(frozen=True, slots=True)
class Vote:
    """One user's vote on one answer, with what the answer showed."""

    answer: str
    user_id: int
    chat_id: int
    vote: int  # 1 up, -1 down
    reason: str | None
    question: str
    language: str
    hits: tuple[str, ...]  # the doc ids the answer showed, best first
    found: bool


@dataclass(frozen=True, slots=True)
class Rates:
    """Votes on answers: how many up and down, and why down."""

    up: int
    down: int
    reasons: Mapping[str, int]


def report_digest(text: str) -> str:
    """A short fingerprint of a report's text (a change to it is a changed report)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class State:
    """The bot's database. Methods run in one short transaction each; any thread may call
    them (one connection, serialised by a lock, as sqlite3 wants)."""

    def __init__(
        self, connection: sqlite3.Connection | None, path: Path, problem: str = ""
    ) -> None:
        self._db = connection
        self.path = path
        self.problem = problem
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> State:
        """The database at `path`, created or migrated to SCHEMA_VERSION; an unavailable State
        (one log line says why) when the file cannot serve."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                path, timeout=BUSY_MILLISECONDS / 1000, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as error:
            return cls._unavailable(path, error)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL stays consistent after a crash and syncs at checkpoints rather
            # than at every commit: a power cut may lose the last votes, never the file.
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            _migrate(connection)
            connection.execute("SELECT count(*) FROM subscriptions").fetchone()
            # One write now, so that a read-only or locked file says so once, at start, rather
            # than at every vote.
            with connection:
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.Error as error:
            connection.close()
            return cls._unavailable(path, error)
        return cls(connection, path)

    @classmethod
    def _unavailable(cls, path: Path, error: Exception) -> State:
        problem = f"{type(error).__name__}: {error}"
        log.error("state database %s unavailable (%s); answering without it", path, problem)
        return cls(None, path, problem)

    @property
    def available(self) -> bool:
        """Whether the database serves (subscriptions, votes, counters)."""
        return self._db is not None

    def close(self) -> None:
        if self._db is not None:
            with self._lock:
                self._db.close()
                self._db = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One short transaction: committed whole, or (on any error) rolled back whole."""
        if self._db is None:
            raise StateUnavailableError(self.problem or "closed")
        with self._lock:
            try:
                with self._db:  # commits, or rolls back on an exception
                    yield self._db
            except sqlite3.Error as error:
                log.warning("state database %s: %s", self.path, error)
                raise StateUnavailableError(str(error)) from error

    # -- subscriptions ------------------------------------------------------------------------

    def follow(self, chat_id: int, topic: str, language: str) -> bool:
        """Follow a topic in a chat; False when the chat already follows it. ValueError when the
        chat follows MAX_TOPICS_PER_CHAT topics already."""
        with self._transaction() as db:
            (count,) = db.execute(
                "SELECT count(*) FROM subscriptions WHERE chat_id = ?", (chat_id,)
            ).fetchone()
            known = db.execute(
                "SELECT 1 FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, topic)
            ).fetchone()
            if known:
                return False
            if count >= MAX_TOPICS_PER_CHAT:
                raise ValueError(f"at most {MAX_TOPICS_PER_CHAT} topics per chat")
            db.execute(
                "INSERT INTO subscriptions VALUES (?, ?, ?, ?)", (chat_id, topic, language, _now())
            )
            return True

    def unfollow(self, chat_id: int, topic: str | None = None) -> int:
        """Stop following a topic (every topic, when None); how many were followed."""
        with self._transaction() as db:
            if topic is None:
                cursor = db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            else:
                cursor = db.execute(
                    "DELETE FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, topic)
                )
            return cursor.rowcount

    def following(self, chat_id: int) -> list[Subscription]:
        """The topics a chat follows, in the order it followed them."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT chat_id, topic, language FROM subscriptions WHERE chat_id = ?"
                " ORDER BY created, rowid",
                (chat_id,),
            ).fetchall()
        return [Subscription(*row) for row in rows]

    def subscriptions(self) -> list[Subscription]:
        """Every chat's topics, chat by chat."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT chat_id, topic, language FROM subscriptions"
                " ORDER BY chat_id, created, rowid"
            ).fetchall()
        return [Subscription(*row) for row in rows]

    def set_digest(self, chat_id: int, language: str | None) -> None:
        """Send the chat a digest of each new meeting (language given), or stop (None)."""
        with self._transaction() as db:
            if language is None:
                db.execute("DELETE FROM digests WHERE chat_id = ?", (chat_id,))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO digests VALUES (?, ?, ?)", (chat_id, language, _now())
                )

    def digests(self) -> dict[int, str]:
        """The chats that take a digest of each new meeting, and their language."""
        with self._transaction() as db:
            return dict(db.execute("SELECT chat_id, language FROM digests").fetchall())

    def forget_chat(self, chat_id: int) -> None:
        """A chat that blocked the bot or left: its subscriptions and digest go."""
        with self._transaction() as db:
            db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            db.execute("DELETE FROM digests WHERE chat_id = ?", (chat_id,))

    # -- the reports the last load held --------------------------------------------------------

    def changed_reports(self, reports: Mapping[str, str]) -> list[str] | None:
        """The ids of `reports` (id -> text) that are new or changed since the last call, which
        records them as known; None on the first call (nothing known to compare with)."""
        digests = {doc_id: report_digest(text) for doc_id, text in reports.items()}
        with self._transaction() as db:
            known = dict(db.execute("SELECT doc_id, digest FROM known_reports").fetchall())
            changed = [doc_id for doc_id, digest in digests.items() if known.get(doc_id) != digest]
            gone = [(doc_id,) for doc_id in known.keys() - digests.keys()]
            db.executemany("DELETE FROM known_reports WHERE doc_id = ?", gone)
            db.executemany(
                "INSERT OR REPLACE INTO known_reports VALUES (?, ?)",
                [(doc_id, digests[doc_id]) for doc_id in changed],
            )  # only what differs: a load that changed nothing writes nothing
        return changed if known else None

    # -- votes and counters --------------------------------------------------------------------

    def vote(self, vote: Vote) -> None:
        """Record a user's vote on an answer (a later vote replaces theirs)."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    vote.answer,
                    vote.user_id,
                    vote.chat_id,
                    vote.vote,
                    vote.reason,
                    vote.question,
                    vote.language,
                    json.dumps(list(vote.hits)),
                    int(vote.found),
                    _now(),
                ),
            )

    def declined(self, question: str, language: str, user_id: int) -> None:
        """Remember a question no report answered (for `feedback export`)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO declined VALUES (?, ?, ?, ?)", (question, language, user_id, _now())
            )

    def rates(self) -> Rates:
        """How many answers were voted up and down, and the reasons given for down votes."""
        with self._transaction() as db:
            counts = dict(db.execute("SELECT vote, count(*) FROM votes GROUP BY vote").fetchall())
            reasons = dict(
                db.execute(
                    "SELECT reason, count(*) FROM votes WHERE vote = -1 AND reason IS NOT NULL"
                    " GROUP BY reason"
                ).fetchall()
            )
        return Rates(counts.get(1, 0), counts.get(-1, 0), reasons)

    def misses(self) -> list[dict[str, object]]:
        """The down-voted answers' and the declined questions, oldest first (feedback export)."""
        with self._transaction() as db:
            voted = db.execute(
                "SELECT question, language, reason, hits, found, at FROM votes WHERE vote = -1"
            ).fetchall()
            declined = db.execute("SELECT question, language, at FROM declined").fetchall()
        out: list[dict[str, object]] = [
            {
                "question": q,
                "language": lang,
                "reason": reason,
                "shown": json.loads(hits),
                "found": bool(found),
                "at": at,
            }
            for q, lang, reason, hits, found, at in voted
        ]
        out += [
            {
                "question": q,
                "language": lang,
                "reason": "declined",
                "shown": [],
                "found": False,
                "at": at,
            }
            for q, lang, at in declined
        ]
        return sorted(out, key=lambda row: str(row["at"]))

    def save_buttons(self, data: str) -> None:
        """Keep the data behind the recent messages' buttons (bot.chat.persistence's JSON)."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO buttons VALUES (1, ?)", (data,))

    def buttons(self) -> str | None:
        """The button data last kept, if any."""
        with self._transaction() as db:
            row = db.execute("SELECT data FROM buttons WHERE id = 1").fetchone()
        return row[0] if row else None

    def forget_user(self, user_id: int) -> int:
        """Delete everything stored about a user: their votes, their declined questions, the
        subscriptions of their private chat. How many rows went."""
        with self._transaction() as db:
            gone = db.execute("DELETE FROM votes WHERE user_id = ?", (user_id,)).rowcount
            gone += db.execute("DELETE FROM declined WHERE user_id = ?", (user_id,)).rowcount
            gone += db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (user_id,)).rowcount
            gone += db.execute("DELETE FROM digests WHERE chat_id = ?", (user_id,)).rowcount
            return gone

    def count(self, names: Iterable[str]) -> None:
        """Add one to each named counter."""
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO counters VALUES (?, 1)"
                " ON CONFLICT(name) DO UPDATE SET value = value + 1",
                [(name,) for name in names],
            )

    def counters(self) -> dict[str, int]:
        with self._transaction() as db:
            return dict(db.execute("SELECT name, value FROM counters").fetchall())


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION, one migration a transaction; a file from a newer
    version of the bot is refused (sqlite3.DatabaseError), never rewritten."""
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"schema version {version} is newer than this bot's {SCHEMA_VERSION}"
        )
    for number in range(version, SCHEMA_VERSION):
        script = MIGRATIONS[number] + f"\nPRAGMA user_version = {number + 1};"
        try:
            connection.executescript(f"BEGIN;\n{script}\nCOMMIT;")
        except sqlite3.Error:
            if connection.in_transaction:
                connection.rollback()  # a migration applies whole or not at all
            raise
