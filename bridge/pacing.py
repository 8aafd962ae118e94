"""Outbound pacing inside the platforms' limits (SPEC §6), as each platform describes them (`Limits`).

Per-chat limits live on the delivery lanes in the database (`not_before`), so every
worker process respects them. A per-bot limit (say 30 messages/s) is a process-local
gate: run N worker processes with 1/N of it each.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.platforms import Limits


@dataclass(frozen=True)
class Pacing:
    """The limits of each platform this process sends to (from their descriptions); none known, none kept."""

    limits: Mapping[str, Limits] = field(default_factory=dict)

    def spacing(self, platform: str, chat_id: str) -> float:
        """Seconds between two sends to this chat."""
        found = self.limits.get(platform)
        return found.spacing(chat_id) if found else 0.0

    def gate(self, platform: str) -> "RateGate | None":
        """A fresh bot-wide gate for a platform (None when unlimited)."""
        found = self.limits.get(platform)
        return RateGate(found.per_bot) if found and found.per_bot > 0 else None

    def broadcast_gate(self, platform: str) -> "RateGate | None":
        """The gate of bulk sends (digests) paid for as a broadcast, or None when bulk shares the bot-wide gate."""
        found = self.limits.get(platform)
        return RateGate(found.broadcast_per_second) if found and found.broadcast_per_second > 0 else None


UNPACED = Pacing()  # benchmarks and tests with a zero-latency sender


class RateGate:
    """A thread-safe bot-wide limit that holds at the platform's end, not just at ours.

    A send counts from the moment it is admitted until one window after it completed:
    the platform saw it arrive somewhere in between, so admitting only while fewer than
    `limit` sends are in flight or completed within the window keeps every window the
    platform measures within the limit — whatever queueing or jitter sits on the way.
    Admissions are also spaced evenly so a backlog drains smoothly rather than in bursts.
    """

    def __init__(self, rate: float, window: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.limit = max(1, int(rate * window))
        self.spacing = 1.0 / rate
        self.window, self.clock = window, clock
        self._in_flight = 0
        self._completed: deque[float] = deque()
        self._next = 0.0
        self._urgent = 0  # urgent sends waiting: the others let them pass
        self._cond = threading.Condition(threading.RLock())

    def acquire(self, urgent: bool = False) -> None:
        """Wait until one more send fits, then count it as in flight; urgent sends (live messages) go first."""
        with self._cond:
            if urgent:
                self._urgent += 1
            try:
                while (wait := self._admit(urgent)) > 0:
                    self._cond.wait(wait)
            finally:
                if urgent:
                    self._urgent -= 1
                    self._cond.notify_all()

    def _admit(self, urgent: bool) -> float:
        if not urgent and self._urgent:
            return 0.01  # an urgent send is waiting for this slot
        return self.try_acquire()

    def try_acquire(self) -> float:
        """Admit one send now (0.0), or say how long to wait before asking again."""
        with self._cond:
            now = self.clock()
            while self._completed and self._completed[0] <= now - self.window:
                self._completed.popleft()
            waits = [self._next - now]
            if self._in_flight + len(self._completed) >= self.limit:
                if not self._completed:
                    return 0.01  # everything is in flight: a release will wake us
                waits.append(self._completed[0] + self.window - now)
            wait = max(waits)
            if wait > 0:
                return max(wait, 0.001)
            self._in_flight += 1
            self._next = now + self.spacing
            return 0.0

    def release(self) -> None:
        """The send completed (whatever its outcome)."""
        with self._cond:
            self._in_flight -= 1
            self._completed.append(self.clock())
            self._cond.notify_all()
