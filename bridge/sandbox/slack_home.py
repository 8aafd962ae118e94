"""The stand-in's App Home: views.publish as Slack takes it, and the event Slack sends when the tab opens.

Rules (docs.slack.dev/reference/methods/views.publish and /reference/views/home-tab-views):
`user_id` and `view` are required; a published view's `type` is "home"; it holds at most 100
blocks (checked with every view, slack_surfaces.py); "view_too_large" past 250kb; a `hash`
that is not the current one is "hash_conflict". Each person has one Home tab: publishing again
replaces it, under the same view id.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable

from bridge.sandbox.slack_state import SlackError, SlackStandin
from bridge.sandbox.slack_surfaces import invalid_view

# views.publish: view_too_large "Error returned if the provided view is greater than 250kb."
MAX_VIEW_BYTES = 250_000
Params = dict[str, Any]


def views_publish(standin: SlackStandin, params: Params, view_arg: Callable[[SlackStandin, Params], Params]) -> Params:
    """views.publish: the checks Slack makes, then the person's Home tab replaced."""
    user_id = params.get("user_id")
    if not isinstance(user_id, str) or not user_id:
        raise SlackError("invalid_arguments")  # views.publish: user_id is required
    user = standin.user(user_id)  # user_not_found, as every method naming a user answers for an unknown one
    if user.get("is_bot"):
        raise SlackError("invalid_arguments")  # a bot has no Home tab of an app
    view = view_arg(standin, params)
    if view.get("type") != "home":
        # home-tab-views: type "The type of view. Set to home for Home tabs." (views.publish publishes only those)
        raise invalid_view(["must be home [json-pointer:/view/type]"])
    if len(json.dumps(view).encode()) > MAX_VIEW_BYTES:
        raise SlackError("view_too_large")
    current = published_home(standin, user_id)
    given = params.get("hash")
    if given and (current is None or given != current["hash"]):
        # views.publish: hash_conflict "Error returned when the provided hash doesn't match the current stored value."
        raise SlackError("hash_conflict")
    stored = standin.store_view(view, view_id=current["id"] if current else None, user_id=user_id)
    return {"view": stored}


def published_home(standin: SlackStandin, user_id: str) -> dict | None:
    """The Home tab last published to `user_id` (its latest state), or None."""
    view_id = standin.home_view_id(user_id)
    return standin.view(view_id) if view_id else None


def app_home_opened(user_id: str, channel: str, tab: str, view: dict | None) -> dict:
    """The `app_home_opened` event (docs.slack.dev/reference/events/app_home_opened): `view` only when a
    Home tab was published to the person before; `channel` is their DM with the app."""
    event = {"type": "app_home_opened", "user": user_id, "channel": channel, "tab": tab,
             "event_ts": f"{time.time():.6f}"}
    if view is not None and tab == "home":
        event["view"] = view
    return event


def home_block_actions(user: dict, action: dict, trigger_id: str, view: dict, team: dict) -> dict:
    """A click in a Home tab (block_actions): its container is the view, and there is no response_url
    (docs.slack.dev/reference/interaction-payloads/block_actions-payload: response_url comes with messages)."""
    return {
        "type": "block_actions", "user": user, "api_app_id": view.get("app_id", ""), "token": "legacy",
        "container": {"type": "view", "view_id": view["id"]}, "trigger_id": trigger_id, "team": team,
        "enterprise": None, "is_enterprise_install": False, "view": view, "actions": [action],
    }


def select_action(action_id: str, value: str, label: str, block_id: str) -> dict:
    """A static_select set to one option, as `actions` of a block_actions payload carries it."""
    return {"action_id": action_id, "block_id": block_id, "type": "static_select", "action_ts": f"{time.time():.6f}",
            "selected_option": {"text": {"type": "plain_text", "text": label, "emoji": True}, "value": value}}
