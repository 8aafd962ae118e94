"""People's messages in the Slack stand-in's channels, and the links Slack tells the app about (link_shared).

A person's message in a channel (or a link typed in the composer) that holds links on the
app's unfurl domains is "shared": the stand-in remembers which URLs it carried and builds
the `link_shared` event Slack sends (https://api.slack.com/events/link_shared; the composer
shape from https://api.slack.com/changelog/2021-08-changes-to-unfurls). chat.unfurl's rules
are in slack_unfurls.py.
"""

from __future__ import annotations

import copy
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

COMPOSER_CHANNEL = "COMPOSER"  # changelog 2021-08: a composer event's channel
# Every scope the Pinbridge app asks for (adapters/slack/install.py); tests take some away.
GRANTED = frozenset({"commands", "chat:write", "im:history", "im:write", "users:read", "files:read",
                     "links:read", "links:write"})
# The same linear pattern the stand-in uses for links people type (slack_requests.BARE_URL).
LINK = re.compile(r"\bhttps?://[^\s<>|]+")


@dataclass
class Share:
    """One message (or composer draft) whose links Slack told the app about, and the previews attached."""

    channel: str
    ts: str
    unfurl_id: str
    source: str
    user: str
    urls: tuple[str, ...]
    unfurls: dict[str, Any] = field(default_factory=dict)


def on_domain(url: str, domains: tuple[str, ...]) -> str | None:
    """The unfurl domain a link is on (the domain itself or a subdomain of it), or None."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return next((d for d in domains if host == d or host.endswith("." + d)), None)


class SlackShares:
    """Shared links and their previews; the stand-in brings `_lock`, `_messages`, `keep`, `_listeners`, `_next_ts`."""

    unfurl_domains: tuple[str, ...] = ()

    def reset_shares(self) -> None:
        """No shares, every scope granted (the domains stay: they are the app's configuration)."""
        self.scopes: frozenset[str] = GRANTED
        self._shares = self.keep.recent()  # (channel, ts) and unfurl_id -> Share

    def post_user_message(self, channel: str, user: str, text: str) -> dict[str, Any]:
        """A person's message in a channel (Slack keeps it; Pinbridge hears of it only through link_shared)."""
        with self._lock:
            message = {"type": "message", "channel": channel, "user": user, "text": text, "ts": self._next_ts(),
                       "team": self.team_id}
            self._messages.setdefault(channel, self.keep.chat_ring()).append(message)
            message = copy.deepcopy(message)
        self._listeners.emit({"type": "message", "channel": channel, "message": message})
        return message

    def share_links(self, channel: str, ts: str, user: str, text: str, source: str = "conversations_history",
                    thread_ts: str | None = None) -> dict[str, Any] | None:
        """The link_shared event for the links on the unfurl domains in `text`, remembered; None when there are none.

        https://api.slack.com/events/link_shared: sent for links "matching the registered URL domain" to apps
        with links:read; `links` holds {"domain", "url"} for each.
        """
        # Slack's own link detection leaves out the punctuation a sentence puts after a link.
        typed = dict.fromkeys(url.rstrip(".,;:!?)'\"") for url in LINK.findall(text))
        found = [(url, on_domain(url, self.unfurl_domains)) for url in typed]
        found = [(url, domain) for url, domain in found if domain]
        if not found or "links:read" not in self.scopes:
            return None
        composer = source == "composer"
        unfurl_id = f"{user}-{secrets.token_hex(16)}" if composer else f"{channel}.{ts}.{secrets.token_hex(16)}"
        if composer:  # changelog 2021-08: channel "COMPOSER", and message_ts no timestamp at all
            channel, ts = COMPOSER_CHANNEL, unfurl_id
        share = Share(channel, ts, unfurl_id, source, user, tuple(url for url, _ in found))
        with self._lock:
            self._shares[(channel, ts)] = share
            self._shares[unfurl_id] = share
        event = {"type": "link_shared", "channel": channel, "is_bot_user_member": True, "user": user,
                 "message_ts": ts, "unfurl_id": unfurl_id, "source": source, "event_ts": f"{time.time():.6f}",
                 "links": [{"domain": domain, "url": url} for url, domain in found]}
        if thread_ts:
            event["thread_ts"] = thread_ts  # "only appears when the link was shared within a message thread"
        return event

    def unfurls_of(self, channel: str, ts: str) -> dict[str, Any]:
        """The previews attached to a message (url -> unfurl), as Slack shows them under it."""
        with self._lock:
            share = self._shares.get((channel, ts))
            return copy.deepcopy(share.unfurls) if share else {}

    def share(self, key) -> Share | None:
        """The share behind (channel, ts) or an unfurl_id."""
        with self._lock:
            return self._shares.get(key)

    def attach(self, share: Share, unfurls: dict[str, Any]) -> None:
        """Previews attached to a share (checked already); the same URL again replaces its preview."""
        with self._lock:
            share.unfurls.update(copy.deepcopy(unfurls))
        self._listeners.emit({"type": "unfurl", "channel": share.channel, "ts": share.ts, "unfurls": unfurls})
