"""getUpdates' side of the Telegram stand-in: the queue of unconfirmed updates and long polls."""

from __future__ import annotations

import copy
import itertools
import threading
from typing import Any

from bridge.sandbox.telegram_rules import GET_UPDATES_MAX_WAIT, ApiError

Json = dict[str, Any]


class UpdateQueue:
    """Updates waiting for getUpdates; every method expects the stand-in's lock to be held."""

    def __init__(self, lock: threading.Lock, first_update_id: int = 1) -> None:
        self.ready = threading.Condition(lock)
        # Update ids only ever grow, across resets too: a polling bot's offset would skip smaller ones.
        self._ids = itertools.count(first_update_id)
        self._updates: list[Json] = []
        self._generation = 0  # bumped by setWebhook: it ends running long polls

    def push(self, body: Json, enqueue: bool) -> Json:
        """Give `body` the next update_id and, when asked, queue it; returns a copy."""
        update = {"update_id": next(self._ids), **body}
        if enqueue:
            self.requeue(update)
        return copy.deepcopy(update)

    def requeue(self, update: Json) -> None:
        """Queue an update (again), as Telegram does when its offset was never confirmed."""
        self._updates.append(copy.deepcopy(update))
        self.ready.notify_all()

    def pending(self) -> list[Json]:
        """Queued, unconfirmed updates."""
        return copy.deepcopy(self._updates)

    def clear(self) -> None:
        """Drop every queued update and wake long polls."""
        self._updates.clear()
        self.ready.notify_all()

    def webhook_set(self) -> None:
        """A webhook was registered: running long polls end with 409 Conflict."""
        self._generation += 1
        self.ready.notify_all()

    def __len__(self) -> int:
        return len(self._updates)

    def take(self, offset: int, limit: int, timeout: float, webhook_active: bool) -> list[Json]:
        """getUpdates: confirm below `offset`, then long-poll (at most 1 s) for up to `limit` updates."""
        if webhook_active:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        generation = self._generation
        self.ready.wait_for(
            lambda: self._updates or self._generation != generation,
            timeout=min(max(timeout, 0.0), GET_UPDATES_MAX_WAIT),
        )
        if self._generation != generation:
            raise ApiError(409, "Conflict: terminated by setWebhook request")
        return copy.deepcopy(self._updates[:limit])
