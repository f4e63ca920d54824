"""Per-user flood control (bot/chat/throttle.py) on a fake clock: no sleeps, no timed asserts."""

from __future__ import annotations

import pytest

from bot.chat.throttle import Throttle, Verdict


class FakeClock:
    """A clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_a_user_is_served_up_to_the_limit_then_warned_once(clock: FakeClock) -> None:
    throttle = Throttle(3, 60, clock)
    verdicts = []
    for _ in range(6):
        verdicts.append(throttle.check("alice"))
        clock.advance(1)

    assert [v.allowed for v in verdicts] == [True, True, True, False, False, False]
    assert [v.warn for v in verdicts] == [False, False, False, True, False, False]
    assert verdicts[3].retry_after == pytest.approx(57)  # the first request expires at 60
    assert verdicts[5].retry_after == pytest.approx(55)


def test_the_window_slides_and_a_served_user_can_be_warned_again(clock: FakeClock) -> None:
    throttle = Throttle(2, 10, clock)
    assert throttle.check(1).allowed  # t = 0
    clock.advance(4)
    assert throttle.check(1).allowed  # t = 4
    assert throttle.check(1) == Verdict(False, warn=True, retry_after=6)
    clock.advance(6)  # t = 10: the first request has left the window
    assert throttle.check(1).allowed
    assert throttle.check(1) == Verdict(False, warn=True, retry_after=4)
    clock.advance(4)  # t = 14: the second has left too
    assert throttle.check(1).allowed


def test_refused_requests_do_not_extend_the_wait(clock: FakeClock) -> None:
    throttle = Throttle(1, 10, clock)
    assert throttle.check(7).allowed
    for _ in range(9):
        clock.advance(1)
        assert not throttle.check(7).allowed  # flooding every second
    clock.advance(1)
    assert throttle.check(7).allowed  # 10 s after the one served request


def test_users_are_counted_apart(clock: FakeClock) -> None:
    throttle = Throttle(1, 60, clock)
    assert throttle.check("flooder").allowed
    assert not throttle.check("flooder").allowed
    assert throttle.check("someone else").allowed
    assert throttle.check(("group", -100)).allowed


def test_idle_users_are_forgotten(clock: FakeClock) -> None:
    throttle = Throttle(5, 60, clock)
    for user in range(1000):
        throttle.check(user)
    assert len(throttle) == 1000
    clock.advance(30)
    throttle.check("late")
    assert len(throttle) == 1001
    clock.advance(30)  # the first thousand have been idle for a whole window
    throttle.check("later")
    assert len(throttle) == 2


def test_a_forgotten_user_starts_afresh(clock: FakeClock) -> None:
    throttle = Throttle(1, 60, clock)
    assert throttle.check(1).allowed
    assert throttle.check(1).warn
    clock.advance(60)
    assert throttle.check(1).allowed


@pytest.mark.parametrize(("limit", "seconds"), [(0, 60), (5, 0)])
def test_zero_turns_the_throttle_off(clock: FakeClock, limit: int, seconds: float) -> None:
    throttle = Throttle(limit, seconds, clock)
    assert all(throttle.check(1).allowed for _ in range(10_000))
    assert len(throttle) == 0


def test_negative_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        Throttle(-1, 60)
