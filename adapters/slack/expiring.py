"""A small in-memory map whose entries expire, for answers Slack or the database gave recently.

Every entry lives the same `ttl`, so insertion order is expiry order: expired entries
are always at the front, and each `put` drops them from there. `limit` caps the size
even when nothing has expired yet (the oldest entries go first).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
DEFAULT_LIMIT = 10_000


class ExpiringCache(Generic[K, V]):
    """key → value for `ttl` seconds; thread-safe; never more than `limit` entries."""

    def __init__(self, ttl: float, limit: int = DEFAULT_LIMIT, clock: Callable[[], float] = time.monotonic):
        self.ttl, self.limit, self.clock = ttl, max(1, limit), clock
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> tuple[bool, V | None]:
        """(True, value) while the entry is fresh; (False, None) when missing or expired."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            if entry[0] <= self.clock():
                del self._entries[key]
                return False, None
            return True, entry[1]

    def put(self, key: K, value: V) -> None:
        """Keep `value` for `ttl` seconds, dropping expired entries and, past `limit`, the oldest."""
        with self._lock:
            now = self.clock()
            self._entries.pop(key, None)  # re-inserted at the back: order stays expiry order
            self._entries[key] = (now + self.ttl, value)
            while len(self._entries) > self.limit or self._oldest_expired(now):
                del self._entries[next(iter(self._entries))]

    def drop(self, key: K) -> None:
        """Forget one entry (the answer is known to be stale)."""
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _oldest_expired(self, now: float) -> bool:
        oldest = next(iter(self._entries.values()), None)
        return oldest is not None and oldest[0] <= now
