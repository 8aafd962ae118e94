"""The app's DM with each person: its conversation id (D…), found once and remembered.

Slack's `channel` argument names a conversation, so Pinbridge posts to the DM's own id,
which `conversations.open` (scope im:write) returns for a user id. A message.im event
names it too, for free. Installations made before im:write was asked for answer
`missing_scope`: then the post goes to the user id as before, and Slack's answer names
the DM, so the id is learned all the same.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.expiring import ExpiringCache
from core.people import Identity

log = logging.getLogger(__name__)
DEFAULT_TTL = 24 * 3600.0  # a DM's id never changes; the TTL only bounds how long a forgotten person stays cached
LIMIT = 50_000


def is_user_id(chat_id: str | None) -> bool:
    """Whether a chat id is a person (U…, W… on Enterprise Grid) rather than a conversation."""
    return bool(chat_id) and chat_id[0] in "UW"


class DirectMessages:
    """(team, user) → DM id, learned from conversations.open, post answers and message.im events."""

    def __init__(self, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic, limit: int = LIMIT):
        self.known_ids: ExpiringCache[tuple[str | None, str], str] = ExpiringCache(ttl, limit, clock)

    def known(self, team_id: str | None, user_id: str) -> str | None:
        """The DM id if this process has seen it."""
        return self.known_ids.get((team_id, user_id))[1]

    def remember(self, team_id: str | None, user_id: str, channel: str) -> None:
        """Note the DM id Slack named (an event's channel, a post's answer)."""
        if channel and not is_user_id(channel):
            self.known_ids.put((team_id, user_id), channel)

    def open(self, client: WebClient, team_id: str | None, user_id: str, token: str | None = None) -> str:
        """The DM id, opening the DM when unknown; the user id itself when the installation lacks im:write.

        Raises SlackApiError for any other refusal (user_not_found, user_disabled, …).
        """
        found = self.known(team_id, user_id)
        if found:
            return found
        try:
            response = client.conversations_open(users=user_id, **({"token": token} if token else {}))
        except SlackApiError as exc:
            if exc.response.get("error") == "missing_scope":
                log.info("conversations.open needs im:write (reinstall the app); posting to the user id")
                return user_id
            raise
        channel = str((response.get("channel") or {}).get("id") or "")
        self.remember(team_id, user_id, channel)
        return channel or user_id

    def identity(self, client: WebClient, identity: Identity) -> Identity:
        """The identity with its DM as chat id; as it was when the DM cannot be opened (logged)."""
        if not is_user_id(identity.external_id):
            return identity
        try:
            channel = self.open(client, identity.team_id, identity.external_id)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.info("could not open the DM with %s: %s", identity.external_id, _reason(exc))
            return identity
        return dataclasses.replace(identity, chat_id=channel)


def _reason(exc: Exception) -> str:
    return str(exc.response.get("error")) if isinstance(exc, SlackApiError) else type(exc).__name__
