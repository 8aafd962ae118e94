"""Callbacks for a stand-in's events (the sandbox page's live view and tests listen)."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

log = logging.getLogger(__name__)
Listener = Callable[[dict[str, Any]], None]


class Listeners:
    """A thread-safe set of callbacks; one that raises is logged, never re-raised."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._callbacks: list[Listener] = []

    def add(self, callback: Listener) -> None:
        """Call `callback(event)` for each new event."""
        with self._lock:
            self._callbacks.append(callback)

    def remove(self, callback: Listener) -> None:
        """Stop calling `callback`; unknown callbacks are ignored."""
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def emit(self, event: dict[str, Any]) -> None:
        """Deliver an event to every callback, outside the lock."""
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(event)
            except Exception:  # noqa: BLE001 - a broken listener must not break the stand-in
                log.exception("%s listener %r failed", self.name, callback)
