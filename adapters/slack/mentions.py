"""Slack users behind `<@U123>` mentions (and the speaker), known to the engine via users.info.

A `Directory` is built once per app and caches each users.info answer in memory for
`ttl` seconds, so a busy person costs one users.info call per TTL, not one per command.
Only answers are cached — a person, or "not a person" for a bot or a deactivated account;
a failed call (a 429, a network blip, any error) is not, so the next command asks again.
Expired answers are dropped and the cache holds at most `limit` people, so it does not
grow with the workspace over the process's life. The people found are handed to the
engine with the command, which registers them in the command's own transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.expiring import DEFAULT_LIMIT, ExpiringCache
from adapters.slack.mrkdwn import MENTION
from adapters.slack.payloads import profile_identity
from core.people import Identity
from core.text import tr

log = logging.getLogger(__name__)
DEFAULT_TTL = 3600.0


def mentioned_ids(text: str) -> list[str]:
    """User ids mentioned in Slack text, first mention first, each once."""
    return list(dict.fromkeys(m.group(1) for m in MENTION.finditer(text or "")))


class Directory:
    """users.info answers, cached with a TTL."""

    def __init__(self, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic, limit: int = DEFAULT_LIMIT):
        self.known: ExpiringCache[str, Identity | None] = ExpiringCache(ttl, limit, clock)

    def lookup(self, client: WebClient, user_id: str) -> Identity | None:
        """The person behind a user id (None for bots, strangers and failed look-ups); answers are cached."""
        hit, identity = self.known.get(user_id)
        if hit:
            return identity
        try:
            # users.info returns the user's `locale` ("es-ES") only when asked with include_locale=true.
            identity = profile_identity(client.users_info(user=user_id, include_locale=True).get("user") or {})
        except SlackApiError as exc:
            log.info("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return None  # not an answer: never cached
        except (SlackClientError, OSError) as exc:
            log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
            return None
        self.known.put(user_id, identity)
        return identity

    def speaker(self, client: WebClient, fallback: Identity) -> Identity:
        """Who is speaking, with name, avatar and time zone when Slack tells us."""
        found = self.lookup(client, fallback.external_id)
        if found is None:
            return fallback
        return Identity(
            fallback.platform, fallback.external_id, chat_id=fallback.chat_id,
            username=found.username or fallback.username, display_name=found.display_name,
            avatar_url=found.avatar_url, team_id=fallback.team_id or found.team_id, timezone=found.timezone,
            locale=found.locale,
        )

    def mentioned(self, client: WebClient, text: str, limit: int) -> list[Identity]:
        """The people mentioned in a command, each looked up once; TooManyPeople past `limit` (before any call)."""
        ids = mentioned_ids(text)
        if len(ids) > limit:
            raise TooManyPeople(tr("That names {n} people; one command can name at most {limit}.", n=len(ids), limit=limit))
        return [found for found in (self.lookup(client, user_id) for user_id in ids) if found is not None]


class TooManyPeople(Exception):
    """A command mentions more people than any command can use (the group limit)."""
