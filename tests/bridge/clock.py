"""A test clock that moves only when told, shared by the worker and the stand-ins."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import utcnow


class FakeClock:
    """Starts at the real now (rows written by the engine carry real timestamps)."""

    def __init__(self) -> None:
        self.start = utcnow() + timedelta(seconds=60)  # after every row the test writes
        self.seconds = 1000.0

    def __call__(self) -> float:
        """Monotonic seconds (what the stand-ins' limiters read)."""
        return self.seconds

    def now(self) -> datetime:
        """Naive UTC (what the worker stores)."""
        return self.start + timedelta(seconds=self.seconds - 1000.0)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
