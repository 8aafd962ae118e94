"""The Slack delivery sender: a delivery posted to the person's DM, in as many parts as it takes.

It never sleeps: a 429's Retry-After (or a `ratelimited` error) comes back as RetryLater
and the worker holds the lane. Give it a WebClient without the RateLimitErrorRetryHandler
(slack_sdk's default client has none). Outcomes are classified in errors.py; refused
blocks and over-long parts are handled in postman.py. When a delivery stops after some of
its parts went out, the rest is kept here and the next attempt carries on from there.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack import changes, publishing
from adapters.slack.digests import digest_message
from adapters.slack.dms import DirectMessages, is_user_id
from adapters.slack.errors import CALL_ERRORS, Refusal, Verdict, from_api_error, network, outcome
from adapters.slack.expiring import ExpiringCache
from adapters.slack.messages import Rendered, conversation_message
from adapters.slack.parts import paginate
from adapters.slack.postman import Refused, post_parts
from adapters.slack.tokens import BotTokens
from core.i18n import rendered_for
from core.ports import Failed, Outgoing, SendResult, Sent

log = logging.getLogger(__name__)
UNCERTAIN_PAUSE = 60.0  # after a post that may have arrived, wait this long before the one more try
RESUME_TTL = 6 * 3600.0  # parts not yet posted are kept this long (the worker's backoff is capped at 10 minutes)
RESUME_LIMIT = 10_000


@dataclass(frozen=True)
class Unfinished:
    """A delivery that stopped part-way: where it goes, the ids already posted, the parts still to post."""

    channel: str
    posted: tuple[str, ...]
    remaining: tuple[Rendered, ...]
    shown: str | None = None  # what the text it renders was (an edit meanwhile does not change these parts)


@rendered_for(lambda outgoing: outgoing.locale)  # the recipient's language
def render(outgoing: Outgoing, command: str = "/pin") -> Rendered | None:
    """The Slack message for one delivery; None when there is nothing to show."""
    if outgoing.kind == "digest" and outgoing.digest is not None:
        return digest_message(outgoing.digest, command)
    if outgoing.kind in ("message", "edit") and outgoing.message is not None:
        return conversation_message(outgoing.message, outgoing.recipient_handle)
    return None


def refused_by(exc: Exception) -> Refused:
    """A failed Web API call as a refusal (a read timeout: the post may have arrived)."""
    if isinstance(exc, SlackApiError):
        return Refused(from_api_error(exc))
    if isinstance(exc, TimeoutError):
        return Refused(network("no answer (read timeout)", maybe_sent=True, pause=UNCERTAIN_PAUSE))
    log.info("slack call failed: %s", type(exc).__name__)
    return Refused(network(type(exc).__name__))




class SlackSender:
    """core.ports.Sender for Slack. With `tokens` (OAuth mode), each workspace's own bot token."""

    platform = "slack"

    def __init__(self, client: WebClient, tokens: BotTokens | None = None, dms: DirectMessages | None = None,
                 uninstalled: Callable[[str | None], None] = lambda team_id: None, command: str = "/pin"):
        self.client, self.tokens, self.dms, self.uninstalled = client, tokens, dms or DirectMessages(), uninstalled
        self.command = command  # the deployment's slash command, for the commands a digest mentions
        self.unfinished: ExpiringCache[str, Unfinished] = ExpiringCache(RESUME_TTL, RESUME_LIMIT)

    def send(self, outgoing: Outgoing) -> SendResult:
        """Render and post one delivery."""
        rendered = render(outgoing, self.command)
        if rendered is None and outgoing.kind not in ("delete", "home"):
            return Failed(f"nothing to send for a {outgoing.kind} delivery")
        if self.tokens is None:
            return self._attempt(outgoing, rendered, None)[0]
        return self._with_token(outgoing, rendered)

    def _with_token(self, outgoing: Outgoing, rendered: Rendered) -> SendResult:
        team = outgoing.team_id
        token = self.tokens.token(team)
        if not token:  # uninstalled (app_uninstalled, tokens_revoked): nobody there can be reached until a reinstall
            return Failed(f"slack: no installation for team {team}", unreachable=True)
        result, found = self._attempt(outgoing, rendered, token)
        if found is not None and found.verdict is Verdict.UNINSTALLED:
            self.uninstalled(team)
        if found is not None and found.verdict is Verdict.STALE_TOKEN:
            self.tokens.forget(team)
            fresh = self.tokens.token(team)
            if not fresh:
                return Failed(f"{found.describe()}; no installation for team {team} any more", unreachable=True)
            if fresh != token:  # reinstalled since we cached it: this delivery need not fail
                result, _ = self._attempt(outgoing, rendered, fresh)
        return result

    def _attempt(self, outgoing: Outgoing, rendered: Rendered, token: str | None) -> tuple[SendResult, Refusal | None]:
        if outgoing.kind in ("edit", "delete"):
            return self._change(outgoing, rendered, token)
        if outgoing.kind == "home":  # the person's App Home: views.publish (publishing.py)
            return publishing.publish(self.client, outgoing, token, self.command)
        try:
            channel = self._channel(outgoing, token)
        except Refused as refused:
            return outcome(refused.refusal), refused.refusal
        key = outgoing.idempotency_key
        hit, saved = self.unfinished.get(key)
        resumed = hit and saved.channel == channel
        earlier, parts = (saved.posted, list(saved.remaining)) if resumed else ((), paginate(rendered))
        answered: dict[str, str] = {}
        progress = post_parts(parts, lambda part: self._post(channel, part, token, answered))
        posted = (*earlier, *progress.posted)
        if progress.refusal is None:
            self.unfinished.drop(key)
            where = answered.get("channel") or channel
            if is_user_id(outgoing.chat_id):
                self.dms.remember(outgoing.team_id, outgoing.chat_id, where)
            # Resumed, it shows the text it began with: an edit since then still has work to do.
            return Sent(posted[-1], tuple(posted[:-1]), where if where != outgoing.chat_id else None,
                        shown=saved.shown if resumed else None), None
        if posted:
            self.unfinished.put(key, Unfinished(channel, posted, tuple(progress.remaining),
                                                saved.shown if resumed else outgoing.shown))
            log.info("delivery %s stopped after %d of its parts", outgoing.delivery_id, len(posted))
        return outcome(progress.refusal), progress.refusal

    def _change(self, outgoing: Outgoing, rendered: Rendered | None, token: str | None) -> tuple[SendResult, Refusal | None]:
        """Edit or delete a delivered copy in place (both safe to repeat: a timeout is simply retried)."""
        copy = outgoing.copy
        if copy is None:
            return Failed(f"nothing to change for a {outgoing.kind} delivery"), None
        try:
            if outgoing.kind == "edit":
                removed = changes.edit(self.client, copy, rendered, token)
            else:
                removed = changes.delete(self.client, copy, token)
        except CALL_ERRORS as exc:
            found = refused_by(exc).refusal
            result = outcome(dataclasses.replace(found, maybe_sent=False))
            # One copy that cannot change says nothing of reaching the person: their account stays reachable.
            return (Failed(result.error) if isinstance(result, Failed) else result), found
        return Sent(copy.remote_ids[-1], removed=removed), None

    def _channel(self, outgoing: Outgoing, token: str | None) -> str:
        """The conversation to post in: the DM's id for a person (opened once, then remembered)."""
        if not is_user_id(outgoing.chat_id):
            return outgoing.chat_id
        try:
            return self.dms.open(self.client, outgoing.team_id, outgoing.chat_id, token)
        except CALL_ERRORS as exc:
            raise refused_by(exc) from None

    def _post(self, channel: str, part: Rendered, token: str | None, answered: dict[str, str]) -> str:
        try:
            response = self.client.chat_postMessage(
                channel=channel, text=part.text, blocks=part.blocks or None, unfurl_links=False, unfurl_media=False,
                **({"token": token} if token else {}),
            )
        except CALL_ERRORS as exc:
            raise refused_by(exc) from None
        answered["channel"] = str(response.get("channel") or channel)
        return str(response["ts"])
