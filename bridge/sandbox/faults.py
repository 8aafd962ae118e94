"""What both stand-ins share of fault injection: queued errors and late answers per method."""

from __future__ import annotations

from collections import deque


class QueuedFaults:
    """The per-method queues behind fail_next and answer_late; the stand-in brings `_lock`, `_faults` and `_late`."""

    def answer_late(self, method: str, seconds: float, times: int = 1) -> None:
        """Do the next `times` calls of `method` as usual but answer only after `seconds` (a slow platform)."""
        with self._lock:
            self._late.setdefault(method, deque()).extend([seconds] * times)

    def take_lateness(self, method: str) -> float:
        """How long to hold the answer of this call of `method` (0 for an ordinary call)."""
        with self._lock:
            pending = self._late.get(method)
            return pending.popleft() if pending else 0.0

    def take_fault(self, method: str):
        """The next injected error for `method`, consumed, or None (also for a call let through)."""
        with self._lock:
            pending = self._faults.get(method)
            return pending.popleft() if pending else None
