"""The state database on a real SQLite file: schema and migrations, subscriptions, votes, what
a reload changed, and files that cannot serve (corrupt, locked, a newer schema, a folder)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from bot.state import (
    MAX_TOPICS_PER_CHAT,
    SCHEMA_VERSION,
    State,
    StateUnavailableError,
    Subscription,
    Vote,
)


@pytest.fixture
def state(tmp_path: Path) -> State:
    opened = State.open(tmp_path / "state" / "bot.sqlite3")
    assert opened.available
    yield opened
    opened.close()


def vote(answer: str, user: int, value: int, reason: str | None = None) -> Vote:
    return Vote(answer, user, user, value, reason, "ค่าแรงขั้นต่ำ", "th", ("doc-1", "doc-2"), True)


def test_a_new_file_is_made_in_wal_mode_at_the_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "new" / "state.sqlite3"
    State.open(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    again = State.open(path)  # opening it again migrates nothing and loses nothing
    assert again.available
    again.close()


def test_follow_unfollow_and_following_survive_a_reopen(state: State) -> None:
    assert state.follow(1, "รถไฟทางคู่", "th")
    assert not state.follow(1, "รถไฟทางคู่", "th")  # already followed
    assert state.follow(1, "smart city", "en")
    assert state.follow(2, "ค่าแรงขั้นต่ำ", "th")
    path = state.path
    state.close()
    reopened = State.open(path)
    assert reopened.following(1) == [
        Subscription(1, "รถไฟทางคู่", "th"),
        Subscription(1, "smart city", "en"),
    ]
    assert reopened.unfollow(1, "smart city") == 1 and reopened.unfollow(1, "nothing") == 0
    assert [s.chat_id for s in reopened.subscriptions()] == [1, 2]
    assert reopened.unfollow(2) == 1 and reopened.following(2) == []
    reopened.close()


def test_a_chat_follows_a_bounded_number_of_topics(state: State) -> None:
    for number in range(MAX_TOPICS_PER_CHAT):
        state.follow(7, f"topic {number}", "en")
    with pytest.raises(ValueError):
        state.follow(7, "one more", "en")
    assert len(state.following(7)) == MAX_TOPICS_PER_CHAT


def test_the_reports_a_reload_added_or_changed(state: State) -> None:
    assert state.changed_reports({"a": "one", "b": "two"}) is None  # nothing known before
    assert state.changed_reports({"a": "one", "b": "two"}) == []
    assert state.changed_reports({"a": "one", "b": "two, revised", "c": "three"}) == ["b", "c"]
    assert state.changed_reports({"a": "one"}) == []  # a removal brings nothing to tell


def test_one_vote_per_user_per_answer_changeable_with_reasons(state: State) -> None:
    state.vote(vote("chat1:10", 5, 1))
    state.vote(vote("chat1:10", 5, -1))  # changed their mind
    state.vote(vote("chat1:10", 5, -1, "wrong_report"))  # and said why
    state.vote(vote("chat1:10", 6, -1))
    state.vote(vote("chat1:11", 5, 1))
    rates = state.rates()
    assert (rates.up, rates.down, dict(rates.reasons)) == (1, 2, {"wrong_report": 1})
    state.declined("ราคาทองวันนี้", "th", 6)
    misses = state.misses()
    assert [m["reason"] for m in misses] == ["wrong_report", None, "declined"]
    assert misses[0]["shown"] == ["doc-1", "doc-2"] and misses[0]["question"] == "ค่าแรงขั้นต่ำ"


def test_forgetting_a_user_deletes_their_votes_questions_and_subscriptions(state: State) -> None:
    state.vote(vote("chat:1", 5, -1))
    state.vote(vote("chat:1", 6, 1))
    state.declined("อะไรก็ได้", "th", 5)
    state.follow(5, "รถไฟ", "th")
    state.set_digest(5, "th")
    assert state.forget_user(5) == 4
    assert state.rates().up == 1 and state.rates().down == 0
    assert state.following(5) == [] and state.digests() == {}
    assert [m["question"] for m in state.misses()] == []


def test_a_write_that_fails_halfway_leaves_what_was_there(state: State) -> None:
    state.follow(1, "รถไฟ", "th")
    with pytest.raises(StateUnavailableError), state._transaction() as db:
        db.execute("DELETE FROM subscriptions")
        db.execute("INSERT INTO no_such_table VALUES (1)")
    assert state.following(1) == [Subscription(1, "รถไฟ", "th")]


def test_counters_add_up(state: State) -> None:
    state.count(["questions", "answered"])
    state.count(["questions"])
    assert state.counters() == {"questions": 2, "answered": 1}


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"this is not a database" * 100),
        lambda path: path.mkdir(),  # a folder where the file should be
    ],
    ids=["corrupt", "folder"],
)
def test_a_file_that_cannot_serve_gives_one_log_line_and_an_unavailable_state(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage
) -> None:
    path = tmp_path / "state.sqlite3"
    damage(path)
    with caplog.at_level(logging.ERROR, logger="bot.state"):
        state = State.open(path)
    assert not state.available and state.problem
    assert len(caplog.records) == 1 and "unavailable" in caplog.records[0].getMessage()
    with pytest.raises(StateUnavailableError):
        state.following(1)


def test_a_file_from_a_newer_bot_is_refused_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    state = State.open(path)
    assert not state.available and "newer" in state.problem
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION + 1,)


def test_a_locked_file_fails_the_write_not_the_bot(state: State) -> None:
    other = sqlite3.connect(state.path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StateUnavailableError):
            state.follow(1, "รถไฟ", "th")
    finally:
        other.rollback()
        other.close()
    assert state.follow(1, "รถไฟ", "th")  # the lock gone, the state serves again


def test_a_file_locked_at_start_is_unavailable_with_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.sqlite3"
    State.open(path).close()
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.ERROR, logger="bot.state"):
            state = State.open(path)
    finally:
        other.rollback()
        other.close()
    assert not state.available and "locked" in state.problem
    assert len(caplog.records) == 1
