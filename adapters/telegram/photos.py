"""Photos Telegram already holds: a picture is sent by its URL once, and by its file_id after that.

https://core.telegram.org/bots/api#sending-files: "Pass a file_id as String to send a photo that
exists on the Telegram servers (recommended)". A file_id is valid for the bot that received it,
so the ids are kept per deployment (core.media's uploads, through the engine) and, in front of
that, in a small memory of this process. An id Telegram no longer takes is forgotten, and the
picture goes by its URL again.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict

from core.engine import Engine

PLATFORM = "telegram"
REMEMBERED = 5_000  # ids kept in memory per process (the database keeps them all)


class PhotoIds:
    """URL → Telegram file_id, in memory and in the database."""

    def __init__(self, engine: Engine | None = None, limit: int = REMEMBERED):
        self.engine, self.limit = engine, limit
        self._known: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    async def get(self, url: str) -> str | None:
        with self._lock:
            found = self._known.get(url)
        if found is None and self.engine is not None:
            found = await asyncio.to_thread(self.engine.uploaded, PLATFORM, url)
            if found is not None:
                self._keep(url, found)
        return found

    async def put(self, url: str, file_id: str) -> None:
        self._keep(url, file_id)
        if self.engine is not None:
            await asyncio.to_thread(self.engine.remember_upload, PLATFORM, url, file_id)

    async def forget(self, url: str) -> None:
        with self._lock:
            self._known.pop(url, None)
        if self.engine is not None:
            await asyncio.to_thread(self.engine.remember_upload, PLATFORM, url, None)

    def _keep(self, url: str, file_id: str) -> None:
        with self._lock:
            self._known[url] = file_id
            self._known.move_to_end(url)
            while len(self._known) > self.limit:
                self._known.popitem(last=False)
