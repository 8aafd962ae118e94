"""Bot tokens per workspace (OAuth mode), remembered for a short while instead of read on every delivery.

`find(team_id)` is the installation store's look-up (a database query). A token stays
cached for `ttl` seconds; the sender forgets it as soon as Slack calls it revoked or
invalid, so a reinstall is used on the next try. A workspace with no installation is
not cached: its first install must work at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from adapters.slack.expiring import ExpiringCache

DEFAULT_TTL = 300.0
MAX_TEAMS = 1_000
FindToken = Callable[[str | None], str | None]


class BotTokens:
    """team_id → bot token, from `find`, cached with a TTL."""

    def __init__(self, find: FindToken, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic):
        self.find = find
        self.cached: ExpiringCache[str | None, str] = ExpiringCache(ttl, MAX_TEAMS, clock)

    def token(self, team_id: str | None) -> str | None:
        """The workspace's bot token; None when it has no installation."""
        hit, token = self.cached.get(team_id)
        if hit:
            return token
        token = self.find(team_id)
        if token:
            self.cached.put(team_id, token)
        return token

    def forget(self, team_id: str | None) -> None:
        """Drop a token Slack refused, so the next call reads the store again."""
        self.cached.drop(team_id)
