"""The gate in front of Bolt: a request is signed, parses, and is shaped like a Slack payload — or a 4xx.

The signature is checked first, on the raw bytes, so an unsigned body is never parsed at
all. A signed body must then parse (deep nesting included) and carry the structure Bolt
and our listeners read: objects where Slack sends objects, lists where it sends lists.
Anything else is refused with one log line, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)
OBJECTS = ("user", "team", "channel", "view", "event", "container", "message", "enterprise", "state", "item")
STRINGS = ("type", "trigger_id", "response_url", "token", "api_app_id", "team_id", "user_id", "event_id")


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


def refusal(body: str, headers: Mapping[str, str], content_type: str | None, signing_secret: str) -> Refusal | None:
    """Why this request must not reach Bolt, or None when it may."""
    verifier = SignatureVerifier(signing_secret)
    if not verifier.is_valid(body, headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature")):
        return Refusal(401, "invalid or stale signature")
    try:
        payload = parse_body(body, content_type)
    except (ValueError, RecursionError):
        return Refusal(400, "the body is not a Slack payload")
    if not isinstance(payload, dict):
        return Refusal(400, "the body is not a Slack payload")
    problem = shape_problem(payload)
    return Refusal(400, problem) if problem else None


def check(body: str, headers: Mapping[str, str], content_type: str | None, signing_secret: str) -> Refusal | None:
    """`refusal`, logged in one line when there is one."""
    found = refusal(body, headers, content_type, signing_secret)
    if found is not None:
        log.info("refused a Slack request (%s): %s", found.status, found.reason)
    return found


def shape_problem(payload: dict) -> str | None:
    """What is wrong with a parsed payload's structure, or None."""
    for key in OBJECTS:
        if payload.get(key) is not None and not isinstance(payload[key], dict):
            return f"{key} must be an object"
    for key in STRINGS:
        if payload.get(key) is not None and not isinstance(payload[key], str):
            return f"{key} must be a string"
    if "command" in payload:
        return _command(payload)
    kind = payload.get("type")
    checker = SHAPES.get(kind)
    return checker(payload) if checker else None


def _command(payload: dict) -> str | None:
    if not all(isinstance(payload.get(k), str) for k in ("command", "user_id")) or not isinstance(payload.get("text", ""), str):
        return "a slash command needs string command, text and user_id"
    return None


def _actor(payload: dict) -> str | None:
    user = payload.get("user")
    return None if isinstance(user, dict) and isinstance(user.get("id"), str) else "user.id is missing"


def _block_actions(payload: dict) -> str | None:
    actions = payload.get("actions")
    if not isinstance(actions, list) or not actions:
        return "actions must be a non-empty list"
    if not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions):
        return "every action needs an action_id"
    return _actor(payload)


def _view(payload: dict) -> str | None:
    view = payload.get("view")
    if not isinstance(view, dict) or not isinstance(view.get("type"), str) or not isinstance(view.get("callback_id", ""), str):
        return "view needs a type and a callback_id"
    state = view.get("state")
    if state is not None and not (isinstance(state, dict) and isinstance(state.get("values", {}), dict)):
        return "view.state.values must be an object"
    if not isinstance(view.get("private_metadata", ""), str):
        return "view.private_metadata must be a string"
    return _actor(payload)


def _event(payload: dict) -> str | None:
    event = payload.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "event must be an object with a type"
    for key in ("message", "previous_message", "item"):
        if event.get(key) is not None and not isinstance(event[key], dict):
            return f"event.{key} must be an object"
    return None


def _challenge(payload: dict) -> str | None:
    return None if isinstance(payload.get("challenge"), str) else "challenge must be a string"


SHAPES = {
    "block_actions": _block_actions, "view_submission": _view, "view_closed": _view,
    "event_callback": _event, "url_verification": _challenge,
}
