"""Liveness of a process's background parts, and the capped backoff they wait with after a failure.

Every loop (delivery worker, link previews, digest scheduler, the Telegram application's
event loop) beats after each cycle it completes. `/healthz` reports each part's age and
answers 503 when one this process runs has not completed a cycle within its limit — a
thread that died, or one stuck retrying while the database is down.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PartHealth:
    age_seconds: float | None  # None: it has not completed a cycle yet
    limit_seconds: float
    stale: bool


class Heartbeats:
    """When each part of this process last completed a cycle, and how long it may go without one."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._started: dict[str, float] = {}
        self._beats: dict[str, float] = {}
        self._limits: dict[str, float] = {}
        self._lock = threading.Lock()

    def expect(self, part: str, within: float) -> Callable[[], None]:
        """Register a part that must complete a cycle every `within` seconds; returns its beat function."""
        with self._lock:
            self._limits[part], self._started[part] = within, self.clock()
        return lambda: self.beat(part)

    def beat(self, part: str) -> None:
        """The part completed a cycle just now."""
        self._beats[part] = self.clock()

    def report(self) -> dict[str, PartHealth]:
        """Every expected part: its age, its limit, and whether it is stale."""
        now, found = self.clock(), {}
        with self._lock:
            for part, limit in sorted(self._limits.items()):
                last = self._beats.get(part)
                age = None if last is None else max(0.0, now - last)
                waited = now - (last if last is not None else self._started[part])
                found[part] = PartHealth(age, limit, waited > limit)
        return found

    def stale(self) -> list[str]:
        """The parts that have gone too long without a cycle."""
        return [part for part, health in self.report().items() if health.stale]


class Backoff:
    """Capped exponential backoff with jitter, for a loop whose cycle failed (e.g. the database is down)."""

    def __init__(self, base: float = 0.5, cap: float = 30.0):
        self.base, self.cap = base, cap
        self.failures = 0

    def next(self) -> float:
        """Seconds to wait before the next attempt: base, 2×base, 4×base … up to cap, each ±25 %."""
        self.failures += 1
        ceiling = min(self.cap, self.base * 2 ** (self.failures - 1))
        return random.uniform(ceiling * 0.75, ceiling)

    def reset(self) -> None:
        """A cycle worked: start from `base` again."""
        self.failures = 0
