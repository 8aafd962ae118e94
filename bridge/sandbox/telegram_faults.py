"""Faults the Telegram stand-in can be told to answer with, answers held back, and Telegram's rate limits.

Mixed into TelegramStandin (telegram_state.py), whose lock guards these fields too.
"""

from __future__ import annotations

from collections import deque

from bridge.sandbox.faults import QueuedFaults

from bridge.sandbox.telegram_rules import ApiError, RateLimiter, injected_error, too_many_requests


class TelegramFaults(QueuedFaults):
    """fail_next, answer_late and enforce_limits, and how the API takes them (take_fault, take_lateness)."""

    def _reset_faults(self) -> None:
        self._faults: dict[str, deque[ApiError | None]] = {}
        self._late: dict[str, deque[float]] = {}
        self._limiter: RateLimiter | None = None
        self.rate_limited = 0

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Let `after` calls of `method` through, then answer `times` with an error (a 429's retry_after defaults to 1)."""
        error = injected_error(status, retry_after, description)
        with self._lock:
            self._faults.setdefault(method, deque()).extend([None] * after + [error] * times)

    def enforce_limits(
        self,
        per_chat_per_second: float = 1.0,
        per_group_per_minute: int = 20,
        global_per_second: int = 30,
        *,
        enabled: bool = True,
    ) -> None:
        """Answer sends beyond Telegram's limits with 429 and an honest retry_after (fresh windows)."""
        limiter = None
        if enabled:
            limiter = RateLimiter(per_chat_per_second, per_group_per_minute, global_per_second)
        with self._lock:
            self._limiter = limiter

    def _admit(self, chat_id: int | None) -> None:
        """Count a send against the limits (the caller holds the lock); 429 with retry_after when over."""
        if self._limiter is None:
            return
        is_group = chat_id is not None and self._chats[chat_id]["type"] != "private"
        wait = self._limiter.admit(chat_id, is_group, self._clock())
        if wait:
            self.rate_limited += 1
            raise too_many_requests(wait)
