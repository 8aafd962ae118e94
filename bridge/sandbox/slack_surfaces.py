"""Messages and views as Slack refuses them, answered the way Slack answers (pure checks)."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.views import View

from bridge.sandbox.slack_blocks import ImageType, block_errors
from bridge.sandbox.slack_state import SlackError

# https://api.slack.com/reference/block-kit/blocks: "up to 50 blocks in each message".
MAX_MESSAGE_BLOCKS = 50
# https://api.slack.com/reference/surfaces/views: "up to 100 blocks" in a modal or Home tab.
MAX_VIEW_BLOCKS = 100
# https://api.slack.com/methods/chat.postMessage#truncating: text over 40,000 characters; msg_too_long.
MAX_MESSAGE_TEXT = 40_000
# https://api.slack.com/reference/surfaces/views: title, submit and close are "Max length of 24 characters";
# Slack words it "must be less than 24 characters [json-pointer:/view/title/text]" (jeremeamia/slack-block-kit#3).
MAX_VIEW_BUTTON_TEXT = 24
# https://api.slack.com/reference/surfaces/views: private_metadata "Max length of 3000 characters";
# callback_id and external_id "Max length of 255 characters".
VIEW_STRINGS = {"private_metadata": 3000, "callback_id": 255, "external_id": 255}
VIEW_TYPES = frozenset({"modal", "home"})


def invalid_blocks(errors: list[str]) -> SlackError:
    """Slack's chat.* answer to bad blocks: the errors, and the same as "[ERROR]" response messages."""
    messages = {"messages": [f"[ERROR] {error}" for error in errors]}
    return SlackError("invalid_blocks", {"errors": errors, "response_metadata": messages})


def invalid_view(errors: list[str]) -> SlackError:
    """Slack's views.* answer to a bad view: invalid_arguments with "[ERROR]" response messages."""
    messages = ["[ERROR] failed to match all allowed schemas [json-pointer:/view]", *(f"[ERROR] {e}" for e in errors)]
    return SlackError("invalid_arguments", {"response_metadata": {"messages": messages}})


def message_refusal(fields: dict[str, Any], image_type: ImageType) -> SlackError | None:
    """Why Slack refuses a message (chat.postMessage/update/postEphemeral or a response_url post)."""
    text = fields.get("text")
    if isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
        return SlackError("msg_too_long")
    blocks = fields.get("blocks")
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        # https://api.slack.com/methods/chat.postMessage#errors: invalid_blocks_format.
        return SlackError("invalid_blocks_format")
    errors = block_errors(blocks, "/blocks", MAX_MESSAGE_BLOCKS, image_type)
    return invalid_blocks(errors) if errors else None


def _view_errors(view: dict[str, Any]) -> list[str]:
    """The view-level limits (title, buttons, metadata, ids) of https://api.slack.com/reference/surfaces/views."""
    errors: list[str] = []
    if view.get("type") not in VIEW_TYPES:
        return ["must be one of modal, home [json-pointer:/view/type]"]
    if view["type"] == "modal" and not isinstance(view.get("title"), dict):
        errors.append("missing required field: title [json-pointer:/view]")
    for field in ("title", "submit", "close"):
        value = view.get(field)
        if isinstance(value, dict) and len(str(value.get("text", ""))) > MAX_VIEW_BUTTON_TEXT:
            errors.append(f"failed to match all allowed schemas [json-pointer:/view/{field}]")
            errors.append(f"must be less than {MAX_VIEW_BUTTON_TEXT} characters [json-pointer:/view/{field}/text]")
    for field, limit in VIEW_STRINGS.items():
        if isinstance(view.get(field), str) and len(view[field]) > limit:
            errors.append(f"must be less than {limit + 1} characters [json-pointer:/view/{field}]")
    return errors


def _sdk_view_errors(view: dict[str, Any]) -> list[str]:
    """slack_sdk.models.views.View's own validators."""
    try:
        View(**view).validate_json()
    except TypeError as error:
        return [f"{error} [json-pointer:/view]"]
    except SlackObjectFormationError as error:
        return [f"{error} [json-pointer:/view]"]
    return []


def view_refusal(view: Any, image_type: ImageType) -> SlackError | None:
    """Why Slack refuses a view (views.open, views.update, views.push, views.publish)."""
    if not isinstance(view, dict):
        return SlackError("invalid_arguments")
    blocks = view.get("blocks", [])
    errors = _view_errors(view) + block_errors(blocks, "/view/blocks", MAX_VIEW_BLOCKS, image_type)
    if not errors:
        errors = _sdk_view_errors(view)
    return invalid_view(errors) if errors else None
