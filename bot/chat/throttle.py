"""Pure: per-user flood control. A sliding window of each user's recent requests.

`Throttle.check(user)` says whether the user may be served now. Beyond `limit` requests in any
`seconds`-long window the answer is no, with how long to wait, and only the first refusal of a
run asks to warn the user, so a flood of messages gets one "slow down" and then silence rather
than a flood of replies. Users idle for a whole window are forgotten, so memory follows the
users active in the last window, not everyone ever seen.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether to serve a request; when not, whether to say so and when to come back."""

    allowed: bool
    warn: bool = False  # the first refusal since the user was last served: tell them once
    retry_after: float = 0.0  # seconds until the oldest request in the window expires


ALLOW = Verdict(allowed=True)


@dataclass(slots=True)
class _Recent:
    times: deque[float] = field(default_factory=deque)  # when each served request came
    seen: float = 0.0  # the last request, served or not
    warned: bool = False


class Throttle:
    """At most `limit` requests per user in any window of `seconds`; `limit` 0 is no limit."""

    def __init__(
        self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 0 or seconds < 0:
            raise ValueError("limit and seconds must not be negative")
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._users: OrderedDict[Hashable, _Recent] = OrderedDict()  # least recently seen first

    def __len__(self) -> int:
        """How many users are remembered now."""
        return len(self._users)

    def check(self, user: Hashable) -> Verdict:
        """Count a request from `user` if it may be served now, and say what to do with it."""
        if self.limit == 0 or self.seconds == 0:
            return ALLOW
        now = self.clock()
        self._forget_idle(now)
        recent = self._users.pop(user, None) or _Recent()
        recent.seen = now
        self._users[user] = recent  # now the most recently seen
        while recent.times and recent.times[0] <= now - self.seconds:
            recent.times.popleft()
        if len(recent.times) < self.limit:
            recent.times.append(now)
            recent.warned = False
            return ALLOW
        warn = not recent.warned
        recent.warned = True
        return Verdict(False, warn, recent.times[0] + self.seconds - now)

    def _forget_idle(self, now: float) -> None:
        # Users are kept in order of their last request: the idle ones are all at the front.
        while self._users:
            oldest = next(iter(self._users.values()))
            if oldest.seen > now - self.seconds:
                return
            self._users.popitem(last=False)
