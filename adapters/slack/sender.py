"""The Slack delivery sender: chat.postMessage to the person's DM, outcomes classified for the worker.

It never sleeps: a 429's Retry-After (or a `ratelimited` error) comes back as
RetryLater and the worker holds the lane. Give it a WebClient without the
RateLimitErrorRetryHandler (slack_sdk's default client has none).
"""

from __future__ import annotations

import http.client
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.digests import digest_message
from adapters.slack.messages import Rendered, conversation_message
from adapters.slack.tokens import BotTokens
from core.ports import Failed, Outgoing, RetryLater, SendResult, Sent

log = logging.getLogger(__name__)

# The person (or their DM) is gone or closed to the app: mark the account unreachable.
UNREACHABLE = frozenset({
    "channel_not_found", "user_not_found", "account_inactive", "is_archived", "not_in_channel",
    "user_disabled", "cannot_dm_bot", "messages_tab_disabled", "user_not_visible", "team_not_found",
})
# Will not work by trying again (bad install or a message Slack refuses): an operator looks.
PERMANENT = frozenset({
    "invalid_auth", "not_authed", "token_revoked", "token_expired", "no_permission",
    "missing_scope", "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text", "too_many_attachments",
    "restricted_action", "ekm_access_denied", "team_access_not_granted", "invalid_arguments",
})
UNCERTAIN_PAUSE = 60.0  # after a post that may have arrived, wait this long before the one more try
# The workspace's token is bad: maybe reinstalled since it was cached, so read the store again.
STALE_TOKEN = frozenset({"invalid_auth", "token_revoked"})


def render(outgoing: Outgoing, images: bool = True) -> Rendered | None:
    """The Slack message for one delivery; None when there is nothing to show."""
    if outgoing.kind == "digest" and outgoing.digest is not None:
        return digest_message(outgoing.digest)
    if outgoing.kind == "message" and outgoing.message is not None:
        return conversation_message(outgoing.message, outgoing.recipient_handle, images)
    return None


def classify(exc: SlackApiError) -> SendResult:
    """A Slack API error as the worker's outcome."""
    status = exc.response.status_code
    error = str(exc.response.get("error") or f"http_{status}")
    if status == 429 or error == "ratelimited":
        wait = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
        return RetryLater(f"slack: {error}", float(wait) if wait else None)
    if status >= 500:
        return RetryLater(f"slack: HTTP {status} {error}")
    if error in UNREACHABLE:
        return Failed(f"slack: {error}", unreachable=True)
    if error in PERMANENT:
        return Failed(f"slack: {error}")
    return RetryLater(f"slack: {error}")


class SlackSender:
    """core.ports.Sender for Slack. With `tokens` (OAuth mode), each workspace's own bot token."""

    platform = "slack"

    def __init__(self, client: WebClient, tokens: BotTokens | None = None):
        self.client = client
        self.tokens = tokens

    def send(self, outgoing: Outgoing) -> SendResult:
        """Render and post one delivery; an image Slack cannot fetch costs the images, not the message."""
        rendered = render(outgoing)
        if rendered is None:
            return Failed(f"nothing to send for a {outgoing.kind} delivery")
        result = self._post(outgoing, rendered)
        if isinstance(result, Failed) and "invalid_blocks" in result.error:
            plain = render(outgoing, images=False)
            if plain is not None and plain.blocks != rendered.blocks:
                result = self._post(outgoing, plain)
        return result

    def _post(self, outgoing: Outgoing, rendered: Rendered) -> SendResult:
        if self.tokens is None:
            return self._call(outgoing, rendered)
        team = outgoing.team_id
        token = self.tokens.token(team)
        if not token:
            return Failed(f"slack: no installation for team {team}")
        result = self._call(outgoing, rendered, token)
        if isinstance(result, Failed) and result.error.removeprefix("slack: ") in STALE_TOKEN:
            self.tokens.forget(team)
            fresh = self.tokens.token(team)
            if fresh and fresh != token:  # reinstalled since we cached it: this delivery need not fail
                result = self._call(outgoing, rendered, fresh)
        return result

    def _call(self, outgoing: Outgoing, rendered: Rendered, token: str | None = None) -> SendResult:
        try:
            response = self.client.chat_postMessage(
                channel=outgoing.chat_id, text=rendered.text, blocks=rendered.blocks,
                unfurl_links=False, unfurl_media=False, **({"token": token} if token else {}),
            )
        except SlackApiError as exc:
            return classify(exc)
        except TimeoutError:  # the request went out and no answer came back: it may have been posted
            return RetryLater("slack: no answer (read timeout)", UNCERTAIN_PAUSE, maybe_sent=True)
        except (SlackClientError, OSError, http.client.HTTPException) as exc:
            log.info("slack post to %s failed: %s", outgoing.chat_id, type(exc).__name__)
            return RetryLater(f"slack: {type(exc).__name__}")
        return Sent(remote_id=str(response["ts"]))
