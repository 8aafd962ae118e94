"""Outbound pacing inside the platforms' limits (SPEC §6).

Per-chat limits live on the delivery lanes in the database (`not_before`), so every
worker process respects them. The per-bot limit (Telegram: about 30 messages/s) is a
process-local gate: run N worker processes with 1/N of it each.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pacing:
    """Minimum spacing between two sends to one chat, and the per-process bot-wide rate."""

    slack_per_channel: float = 1.0  # Slack: about 1 message/s per channel
    telegram_per_chat: float = 1.0  # Telegram: 1/s in one private chat
    telegram_per_group: float = 3.0  # Telegram: 20/min in one group
    telegram_per_second: float = 30.0  # Telegram: about 30/s per bot (see RateGate)
    slack_per_second: float = 0.0  # 0 = no bot-wide gate
    # Telegram's paid broadcast (allow_paid_broadcast): up to 1000/s for a fee, apart from the 30/s above.
    # core.telegram.org/bots/faq#how-can-i-message-all-of-my-bot-39s-subscribers-at-once — 0 = off.
    telegram_broadcast_per_second: float = 0.0

    def spacing(self, platform: str, chat_id: str) -> float:
        """Seconds between two sends to this chat."""
        if platform == "telegram":
            return self.telegram_per_group if str(chat_id).startswith("-") else self.telegram_per_chat
        return self.slack_per_channel

    def gate(self, platform: str) -> "RateGate | None":
        """A fresh bot-wide gate for a platform (None when unlimited)."""
        rate = self.telegram_per_second if platform == "telegram" else self.slack_per_second
        return RateGate(rate) if rate > 0 else None

    def broadcast_gate(self, platform: str) -> "RateGate | None":
        """The gate of bulk sends (digests) paid for as a broadcast, or None when bulk shares the bot-wide gate."""
        if platform == "telegram" and self.telegram_broadcast_per_second > 0:
            return RateGate(self.telegram_broadcast_per_second)
        return None


UNPACED = Pacing(0.0, 0.0, 0.0, 0.0, 0.0)  # benchmarks with a zero-latency sender


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
