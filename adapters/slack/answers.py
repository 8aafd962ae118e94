"""Answers to one person: through a response_url, in the DM with the app, or as a modal.

The same ladder as deliveries (postman.py: without images, as plain text, in halves). Where
a delivery would be retried later, an answer goes elsewhere instead: whatever a
response_url does not carry — refused, expired, or past its five uses — is posted in the
person's DM with the app. What cannot be shown anywhere is logged, never dropped quietly.
"""

from __future__ import annotations

import dataclasses
import http.client
import logging
from collections.abc import Callable

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.errors import Verdict, from_api_error, from_webhook, network, refusal
from adapters.slack.messages import reply_message
from adapters.slack.parts import Rendered, paginate
from adapters.slack.postman import Refused, post_parts
from core.i18n import current, localized
from core.results import Reply, error
from core.text import Command, Text, tr

log = logging.getLogger(__name__)
# Slash commands and interactivity: "respond to a user's command up to 5 times within 30 minutes".
MAX_RESPONSES = 5
ELSEWHERE = tr("The rest of this answer is in your DM with Pinbridge.")
ELSEWHERE_NOTE = ":arrow_right: " + str(ELSEWHERE)  # as English readers see it
TRIGGER_EXPIRED = tr("That took too long to open — click the button again.")
NETWORK_ERRORS = (SlackClientError, OSError, http.client.HTTPException, httpx.HTTPError)
Elsewhere = Callable[[list[Rendered]], None]


def _responder(respond, response_type: str, replace_original: bool) -> Callable[[Rendered], str]:
    """Posts one part to the response_url; only the first may replace the message the answer is for."""
    first, uses = [replace_original], [0]

    def post(part: Rendered) -> str:
        if uses[0] >= MAX_RESPONSES:  # every post counts, refused ones too: never a sixth
            raise Refused(refusal("used_url", 404))
        uses[0] += 1
        try:
            response = respond(text=part.text, blocks=part.blocks or None, response_type=response_type,
                               replace_original=first[0])
        except NETWORK_ERRORS as exc:
            raise Refused(network(type(exc).__name__)) from None
        found = from_webhook(response.status_code, response.body, dict(response.headers or {}))
        if found is not None:
            raise Refused(found)
        first[0] = False
        return ""

    return post


def respond_with(respond, reply: Reply, in_channel: bool = False, replace_original: bool = False,
                 elsewhere: Elsewhere | None = None, *, command: str) -> None:
    """A reply through the response_url: ephemeral unless meant for the channel; errors always ephemeral."""
    parts = paginate(reply_message(reply, command))
    post = _responder(respond, "in_channel" if in_channel and reply.ok else "ephemeral", replace_original)
    through_url = parts if len(parts) <= MAX_RESPONSES else parts[: MAX_RESPONSES - 1]
    progress = post_parts(through_url, post)
    rest = [*progress.remaining, *parts[len(through_url):]]
    if not rest:
        return
    if progress.refusal is not None:
        log.info("the response_url refused an answer (%s); it goes to the DM", progress.refusal.error)
    elif post_parts([Rendered(":arrow_right: " + str(localized(ELSEWHERE, reply.locale)))], post).refusal is not None:
        log.info("the response_url refused the note pointing at the DM")
    if elsewhere is None:
        log.warning("%d part(s) of an answer could not be shown: no DM to fall back on", len(rest))
        return
    elsewhere(rest)


def _dm_post(client: WebClient, channel: str, user: str, ok: bool, thread_ts: str | None) -> Callable[[Rendered], str]:
    def post(part: Rendered) -> str:
        blocks = part.blocks or None
        try:
            if ok:
                response = client.chat_postMessage(channel=channel, text=part.text, blocks=blocks, thread_ts=thread_ts,
                                                   unfurl_links=False, unfurl_media=False)
                return str(response.get("ts") or "")
            response = client.chat_postEphemeral(channel=channel, user=user, text=part.text, blocks=blocks,
                                                 thread_ts=thread_ts)
            return str(response.get("message_ts") or "")
        except SlackApiError as exc:
            raise Refused(from_api_error(exc)) from None
        except NETWORK_ERRORS as exc:
            raise Refused(network(type(exc).__name__)) from None

    return post


def post_in_dm(client: WebClient, channel: str, user: str, parts: list[Rendered], ok: bool = True,
               thread_ts: str | None = None) -> bool:
    """Post parts in a DM with the app (ephemeral unless `ok`); False, logged, when Slack refused one."""
    progress = post_parts(parts, _dm_post(client, channel, user, ok, thread_ts))
    if progress.refusal is not None:
        log.warning("%d part(s) of an answer in a DM were not shown: %s", len(progress.remaining),
                    progress.refusal.describe())
    return progress.refusal is None


def tell(client: WebClient, channel: str, user: str, reply: Reply, thread_ts: str | None = None, *,
         command: str) -> bool:
    """A reply in a DM with the app: a message when it worked, an ephemeral note when it did not."""
    return post_in_dm(client, channel, user, paginate(reply_message(reply, command)), reply.ok, thread_ts)


def open_modal(client: WebClient, trigger_id: str | None, view, respond, *, command: str) -> None:
    """Open a modal; when Slack will not, say so privately (a form that never appears must not be silent)."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
        return
    except SlackApiError as exc:
        found = from_api_error(exc, view=True)
    except NETWORK_ERRORS as exc:
        found = network(type(exc).__name__)
    log.info("views.open refused: %s", found.describe())
    if found.verdict is Verdict.EXPIRED:
        return respond_with(respond, _said(TRIGGER_EXPIRED), command=command)
    return respond_with(respond, _said(tr("Slack would not open that form ({error}) — the command works too: try {command}.",
                                          error=found.error, command=Command("help"))), command=command)


def _said(text: Text) -> Reply:
    """A refusal of the adapter's own, in the language being rendered in (the listener's: i18n.speaking)."""
    code = current()
    return dataclasses.replace(error(localized(text, code)), locale=code)
