"""Requests exactly as Slack sends them to POST /slack/events — pure builders, no I/O.

Slash commands and interactivity (block_actions, view_submission) are urlencoded forms,
the Events API is JSON; every body is signed with the app's signing secret (v0 HMAC).
Used by the sandbox page and by the Slack adapter's tests.
"""

from __future__ import annotations

import json
import secrets
import re
import time
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TEAM = "T0SANDBOX"
TEAM_DOMAIN = "pinbridge-sandbox"
APP_ID = "A0SANDBOX"
BARE_URL = re.compile(r"(?<![<|])\bhttps?://[^\s<>|]+")


def as_sent(typed: str, links: bool = False) -> str:
    """Text as Slack sends what a person typed: `&`, `<`, `>` escaped; in messages, URLs wrapped in <…>."""
    text = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return BARE_URL.sub(lambda m: f"<{m.group(0)}>", text) if links else text


def signed_headers(secret: str, body: str, timestamp: int | None = None, signature: str | None = None) -> dict[str, str]:
    """Slack's X-Slack-Request-Timestamp and X-Slack-Signature for `body` (correct unless given)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = signature or SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


def slash_command(
    user_id: str, user_name: str, command: str, text: str, response_url: str, trigger_id: str,
    channel_id: str = "C0GENERAL", channel_name: str = "general",
) -> str:
    """The urlencoded body of a slash command typed by a person."""
    form = {
        "token": "legacy-verification-token", "team_id": TEAM, "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id, "channel_name": channel_name, "user_id": user_id, "user_name": user_name,
        "command": command, "text": text, "api_app_id": APP_ID, "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": trigger_id,
    }
    return urlencode(form)


def actor(user_id: str, user_name: str) -> dict:
    """The `user` object of an interactivity payload."""
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": TEAM}


def button_action(action_id: str, value: str | None = None, label: str | None = None, block_id: str = "b1",
                  url: str | None = None) -> dict:
    """One clicked button as it appears in `actions` of a block_actions payload."""
    action = {"action_id": action_id, "block_id": block_id, "type": "button", "action_ts": f"{time.time():.6f}",
              "text": {"type": "plain_text", "text": label or action_id, "emoji": True}}
    if value is not None:
        action["value"] = value
    if url is not None:
        action["url"] = url
    return action


def block_actions(
    user: dict, action: dict, response_url: str, trigger_id: str, channel_id: str = "C0GENERAL",
    channel_name: str = "general", message: dict | None = None, is_ephemeral: bool = False,
) -> str:
    """The urlencoded body of a button click (an ephemeral message has no `message` in it)."""
    container = {"type": "message", "message_ts": (message or {}).get("ts", "1.000001"), "channel_id": channel_id,
                 "is_ephemeral": is_ephemeral}
    payload = {
        "type": "block_actions", "user": user, "api_app_id": APP_ID, "token": "legacy", "container": container,
        "trigger_id": trigger_id, "team": {"id": TEAM, "domain": TEAM_DOMAIN}, "enterprise": None,
        "is_enterprise_install": False, "channel": {"id": channel_id, "name": channel_name},
        "response_url": response_url, "actions": [action],
    }
    if not is_ephemeral:
        payload["message"] = message or {"type": "message", "ts": "1.000001", "text": "card"}
    return urlencode({"payload": json.dumps(payload)})


def message_action(user: dict, callback_id: str, message: dict, response_url: str, trigger_id: str,
                   channel_id: str = "C0GENERAL", channel_name: str = "general") -> str:
    """The urlencoded body of a message shortcut (https://docs.slack.dev/reference/interaction-payloads/
    shortcuts-interaction-payload): the message it was used on, whole, with its files."""
    payload = {
        "type": "message_action", "token": "legacy", "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM, "domain": TEAM_DOMAIN}, "user": user, "channel": {"id": channel_id, "name": channel_name},
        "is_enterprise_install": False, "enterprise": None, "callback_id": callback_id, "trigger_id": trigger_id,
        "message_ts": message.get("ts", "1.000001"), "message": message, "response_url": response_url,
    }
    return urlencode({"payload": json.dumps(payload)})


def global_shortcut(user: dict, callback_id: str, trigger_id: str) -> str:
    """The urlencoded body of a global shortcut (from the composer or the search bar): no channel, no response_url."""
    payload = {
        "type": "shortcut", "token": "legacy", "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM, "domain": TEAM_DOMAIN}, "user": user, "is_enterprise_install": False,
        "enterprise": None, "callback_id": callback_id, "trigger_id": trigger_id,
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission(user: dict, view: dict, values: dict, trigger_id: str | None = None) -> str:
    """The urlencoded body of a submitted modal; `values` is state.values ({block_id: {action_id: state}}).

    Like Slack, every submission carries a trigger_id of its own (Pinbridge runs each trigger_id once).
    """
    trigger_id = trigger_id or f"{secrets.randbelow(10**12)}.{secrets.token_hex(8)}"
    submitted = {**view, "state": {"values": values}}
    payload = {
        "type": "view_submission", "team": {"id": TEAM, "domain": TEAM_DOMAIN}, "user": user, "api_app_id": APP_ID,
        "token": "legacy", "trigger_id": trigger_id, "view": submitted, "response_urls": [],
        "is_enterprise_install": False, "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)})


def dm_event(user_id: str, channel: str, text: str, client_msg_id: str, thread_ts: str | None = None,
             bot_user_id: str = "U0BOT") -> dict:
    """A person's message in the bot's DM (`message.im`), in a thread when `thread_ts` is given."""
    ts = f"{time.time():.6f}"
    event = {"type": "message", "user": user_id, "text": text, "ts": ts, "team": TEAM, "channel": channel,
             "event_ts": ts, "channel_type": "im", "client_msg_id": client_msg_id}
    if thread_ts:
        event.update(thread_ts=thread_ts, parent_user_id=bot_user_id)
    return event


def event_callback(event: dict, event_id: str, bot_user_id: str = "U0BOT") -> str:
    """The JSON body of an Events API delivery."""
    body = {
        "token": "legacy", "team_id": TEAM, "api_app_id": APP_ID, "event": event, "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": bot_user_id, "is_bot": True,
                            "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }
    return json.dumps(body)


def tokens_revoked_event(bot_user_ids: list[str], oauth_user_ids: list[str] | None = None) -> dict:
    """The `tokens_revoked` event: user ids whose tokens went, by kind (docs.slack.dev/reference/events/tokens_revoked)."""
    return {"type": "tokens_revoked", "tokens": {"oauth": list(oauth_user_ids or []), "bot": list(bot_user_ids)}}


def app_uninstalled_event() -> dict:
    """The `app_uninstalled` event: no fields but its type (docs.slack.dev/reference/events/app_uninstalled)."""
    return {"type": "app_uninstalled"}


def dm_changed_event(previous: dict, text: str) -> dict:
    """A person's edit of their DM message `previous` (a `dm_event`): `message_changed`, with both versions
    (docs.slack.dev/reference/events/message/message_changed: hidden, the new `message` with `edited`)."""
    ts = f"{time.time():.6f}"
    kept = {key: previous[key] for key in ("type", "user", "text", "ts", "team", "client_msg_id", "thread_ts",
                                           "parent_user_id") if key in previous}
    message = {**kept, "text": text, "edited": {"user": previous["user"], "ts": ts}}
    return {"type": "message", "subtype": "message_changed", "hidden": True, "message": message,
            "channel": previous["channel"], "previous_message": kept, "event_ts": ts, "ts": ts, "channel_type": "im"}


def dm_deleted_event(previous: dict) -> dict:
    """A person's delete of their DM message `previous`: `message_deleted` with `deleted_ts`
    (docs.slack.dev/reference/events/message/message_deleted)."""
    ts = f"{time.time():.6f}"
    kept = {key: previous[key] for key in ("type", "user", "text", "ts", "team", "thread_ts") if key in previous}
    return {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": previous["channel"],
            "ts": ts, "deleted_ts": previous["ts"], "event_ts": ts, "previous_message": kept, "channel_type": "im"}
