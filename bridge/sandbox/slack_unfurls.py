"""chat.unfurl in the Slack stand-in, refused as Slack refuses it (pure checks over the shares in slack_shares.py).

Each rule is cited beside its check; the errors are those Slack lists for the method
(https://api.slack.com/methods/chat.unfurl#errors, mirrored in slack-ruby/slack-api-ref
methods/chat/chat.unfurl.json).
"""

from __future__ import annotations

import json
from typing import Any

from bridge.sandbox.slack_blocks import block_errors
from bridge.sandbox.slack_shares import Share
from bridge.sandbox.slack_state import SlackError, SlackStandin
from bridge.sandbox.slack_surfaces import MAX_MESSAGE_BLOCKS, invalid_blocks

# https://api.slack.com/methods/chat.unfurl: source "composer" or "conversations_history".
SOURCES = frozenset({"composer", "conversations_history"})
# Legacy attachment fields an unfurl may carry instead of blocks (https://api.slack.com/reference/messaging/attachments).
ATTACHMENT_TEXT = ("text", "title", "fallback", "pretext")


def chat_unfurl(standin: SlackStandin, params: dict[str, Any]) -> dict[str, Any]:
    """chat.unfurl: attach previews to a shared message, or raise SlackError as Slack answers."""
    # https://api.slack.com/methods/chat.unfurl: "Ensure that the links:write scope is added"; a token without it
    # gets missing_scope with "needed" and "provided" (https://api.slack.com/web#scopes).
    if "links:write" not in standin.scopes:
        raise SlackError("missing_scope", {"needed": "links:write", "provided": ",".join(sorted(standin.scopes))})
    unfurls = _unfurls(params.get("unfurls"))
    share = _share(standin, params)
    for url, preview in unfurls.items():
        # cannot_unfurl_url: "may be returned if you haven't acknowledged a link_shared event tied to the same URL".
        if url not in share.urls:
            raise SlackError("cannot_unfurl_url")
        _check_preview(url, preview, standin.image_type)
    # "Subsequent attempts with the same ts and channel values will modify the same attachments, rather than adding more."
    standin.attach(share, unfurls)
    return {}


def _share(standin: SlackStandin, params: dict[str, Any]) -> Share:
    """The shared message chat.unfurl names: "Both channel and ts must be provided together, or unfurl_id and
    source must be provided together" (https://api.slack.com/methods/chat.unfurl)."""
    channel, ts = _text(params.get("channel")), _text(params.get("ts"))
    unfurl_id, source = _text(params.get("unfurl_id")), _text(params.get("source"))
    if unfurl_id or source:
        if not (unfurl_id and source) or source not in SOURCES:
            raise SlackError("invalid_arguments")  # "Value should be one of composer, conversations_history"
        share = standin.share(unfurl_id)
        if share is None or share.source != source:
            raise SlackError("cannot_find_message")  # the stand-in's word for an unfurl_id it never sent
        return share
    if not channel:
        raise SlackError("missing_channel")  # "The request is missing the channel parameter."
    if not ts:
        raise SlackError("missing_ts")  # "The request is missing the ts parameter."
    share = standin.share((channel, ts))
    if share is None:
        raise SlackError("cannot_find_message")  # "The ts value in the request does not match a message."
    return share


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _unfurls(value: Any) -> dict[str, Any]:
    """The `unfurls` argument: a JSON object of URL -> preview object."""
    if value in (None, ""):
        raise SlackError("missing_unfurls")  # "The request is missing the unfurls parameter."
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    # invalid_unfurls_format: "The unfurls parameter cannot be JSON-decoded into a map of URLs to attachments."
    if not isinstance(value, dict) or not value or not all(isinstance(v, dict) for v in value.values()):
        raise SlackError("invalid_unfurls_format")
    return value


def _check_preview(url: str, preview: dict[str, Any], image_type) -> None:
    """One preview: blocks checked as chat.postMessage checks them, or a legacy attachment with some text."""
    if "blocks" in preview:
        blocks = preview["blocks"]
        if not isinstance(blocks, list) or not blocks:
            raise SlackError("invalid_unfurls_format")
        # Slack's limits on an unfurl's blocks are a message's (https://api.slack.com/reference/block-kit/blocks:
        # "up to 50 blocks in each message"); the JSON pointer names the URL's preview.
        errors = block_errors(blocks, f"/unfurls/{url}/blocks", MAX_MESSAGE_BLOCKS, image_type)
        if errors:
            raise invalid_blocks(errors)
        return
    if not any(isinstance(preview.get(key), str) and preview[key] for key in ATTACHMENT_TEXT):
        # cannot_parse_attachment: "The provided unfurls argument could not be parsed or understood."
        raise SlackError("cannot_parse_attachment")
