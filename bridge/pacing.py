"""Outbound pacing inside the platforms' limits (SPEC §6).

Per-chat limits live on the delivery lanes in the database (`not_before`), so every
worker process respects them. The per-bot limit (Telegram: about 30 messages/s) is a
process-local gate: run N worker processes with 1/N of it each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pacing:
    """Minimum spacing between two sends to one chat, and the per-process bot-wide rate."""

    slack_per_channel: float = 1.0  # Slack: about 1 message/s per channel
    telegram_per_chat: float = 1.0  # Telegram: 1/s in one private chat
    telegram_per_group: float = 3.0  # Telegram: 20/min in one group
    telegram_per_second: float = 29.0  # Telegram: about 30/s per bot, with a little headroom
    slack_per_second: float = 0.0  # 0 = no bot-wide gate

    def spacing(self, platform: str, chat_id: str) -> float:
        """Seconds between two sends to this chat."""
        if platform == "telegram":
            return self.telegram_per_group if str(chat_id).startswith("-") else self.telegram_per_chat
        return self.slack_per_channel

    def gate(self, platform: str) -> "RateGate | None":
        """A fresh bot-wide gate for a platform (None when unlimited)."""
        rate = self.telegram_per_second if platform == "telegram" else self.slack_per_second
        return RateGate(rate) if rate > 0 else None


UNPACED = Pacing(0.0, 0.0, 0.0, 0.0, 0.0)  # benchmarks with a zero-latency sender


class RateGate:
    """A thread-safe pacer: at most `rate` acquisitions per second, evenly spaced."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Wait for the next free slot."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self.sleep(slot - now)
