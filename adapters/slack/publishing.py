"""A home delivery sent: views.publish of the person's App Home, classified like every Slack call.

views.publish replaces the whole tab (docs.slack.dev/reference/methods/views.publish: "Publish a
static view for a User"), so repeating one is harmless: a read timeout is simply tried again.
Its refusals go through errors.py with the views.* table (a bad view is `invalid_arguments`);
a 429 is RetryLater with its Retry-After, so the worker holds the lane.
"""

from __future__ import annotations

import dataclasses

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.errors import CALL_ERRORS, Refusal, from_api_error, network, outcome
from adapters.slack.home import render_home
from core.ports import Failed, Outgoing, SendResult, Sent



def publish(client: WebClient, outgoing: Outgoing, token: str | None, command: str) -> tuple[SendResult, Refusal | None]:
    """Publish the home in `outgoing` to its person; Sent carries the view's id."""
    if outgoing.home is None or not outgoing.recipient_id:
        return Failed("nothing to publish for a home delivery"), None
    try:
        response = client.views_publish(user_id=outgoing.recipient_id, view=render_home(outgoing.home, command),
                                        **({"token": token} if token else {}))
    except CALL_ERRORS as exc:
        found = _refusal(exc)
        return outcome(dataclasses.replace(found, maybe_sent=False)), found
    return Sent(str((response.get("view") or {}).get("id") or outgoing.recipient_id)), None


def _refusal(exc: Exception) -> Refusal:
    if isinstance(exc, SlackApiError):
        return from_api_error(exc, view=True)
    return network(type(exc).__name__)
