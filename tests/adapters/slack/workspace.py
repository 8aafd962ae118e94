"""Slack, as seen from Pinbridge's side: signed requests the way Slack sends them.

Each method builds a real payload shape (slash command form, interactivity
`payload=` form, Events API JSON), signs it with SignatureVerifier and posts it
through the Flask app to the real Bolt app.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bridge.sandbox.slack_api import SlackStandin

TEAM = "T0SANDBOX"
_ids = itertools.count(1)


def eventually(check: Callable[[], object], timeout: float = 10.0, what: str = "condition"):
    """Poll `check` until it returns something truthy (work after an ack runs on another thread)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last value: {value!r}")
        time.sleep(0.02)


class Workspace:
    """Signed requests from Slack users to Pinbridge, and what came back."""

    def __init__(self, web, standin: SlackStandin, api_url: str, secret: str, command: str = "/pin"):
        self.web, self.standin, self.api_url, self.secret, self.command_name = web, standin, api_url, secret, command

    def post(self, body: str, content_type: str, timestamp: int | None = None, signature: str | None = None,
             headers: dict | None = None):
        """POST /slack/events with Slack's signature headers (correct unless given)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sig = signature or SignatureVerifier(self.secret).generate_signature(timestamp=ts, body=body)
        all_headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig, **(headers or {})}
        return self.web.post("/slack/events", data=body, content_type=content_type, headers=all_headers)

    def user(self, user_id: str) -> dict:
        return self.standin.user(user_id)

    # slash commands -------------------------------------------------------------------------
    def command_body(self, user_id: str, text: str, channel: str = "C0GENERAL") -> tuple[str, str]:
        token = f"cmd{next(_ids)}"
        form = {
            "token": "legacy-verification-token", "team_id": TEAM, "team_domain": "pinbridge-sandbox",
            "channel_id": channel, "channel_name": "general", "user_id": user_id,
            "user_name": self.user(user_id)["name"], "command": self.command_name, "text": text,
            "api_app_id": "A0SANDBOX", "is_enterprise_install": "false",
            "response_url": self.standin.response_url(token, self.api_url), "trigger_id": f"trigger.{token}",
        }
        return urlencode(form), token

    def command(self, user_id: str, text: str, channel: str = "C0GENERAL") -> dict:
        """Type `/pin text`; returns the body Pinbridge posted to the response_url."""
        body, token = self.command_body(user_id, text, channel)
        response = self.post(body, "application/x-www-form-urlencoded")
        assert response.status_code == 200, response.data
        posts = eventually(lambda: self.standin.response_posts(token), what=f"the answer to /pin {text}")
        return posts[0].body

    # buttons and modals ----------------------------------------------------------------------
    def _actor(self, user_id: str) -> dict:
        return {"id": user_id, "username": self.user(user_id)["name"], "name": self.user(user_id)["name"], "team_id": TEAM}

    def click(self, user_id: str, action_id: str, value: str | None = None, channel: str = "C0GENERAL",
              message: dict | None = None):
        """Click a button; returns (HTTP response, response_url token, trigger id)."""
        token = f"act{next(_ids)}"
        action = {"action_id": action_id, "block_id": "b1", "type": "button", "action_ts": f"{time.time():.6f}",
                  "text": {"type": "plain_text", "text": action_id}}
        if value is not None:
            action["value"] = value
        payload = {
            "type": "block_actions", "user": self._actor(user_id), "api_app_id": "A0SANDBOX", "token": "legacy",
            "container": {"type": "message", "message_ts": (message or {}).get("ts", "1.000001"), "channel_id": channel,
                          "is_ephemeral": False},
            "trigger_id": f"trigger.{token}", "team": {"id": TEAM, "domain": "pinbridge-sandbox"},
            "enterprise": None, "is_enterprise_install": False, "channel": {"id": channel, "name": "general"},
            "message": message or {"type": "message", "ts": "1.000001", "text": "card"},
            "response_url": self.standin.response_url(token, self.api_url), "actions": [action],
        }
        response = self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
        return response, token, payload["trigger_id"]

    def click_and_answer(self, user_id: str, action_id: str, value: str) -> dict:
        """Click a button whose answer comes back through the response_url."""
        response, token, _ = self.click(user_id, action_id, value)
        assert response.status_code == 200
        return eventually(lambda: self.standin.response_posts(token), what=f"the answer to {action_id}")[0].body

    def click_for_modal(self, user_id: str, action_id: str, value: str) -> dict:
        """Click a button that opens a modal; returns the view as views.open received it."""
        before = len(self.standin.calls("views.open"))
        response, _, trigger = self.click(user_id, action_id, value)
        assert response.status_code == 200
        calls = eventually(lambda: self.standin.calls("views.open")[before:], what=f"views.open after {action_id}")
        assert calls[0].params["trigger_id"] == trigger and calls[0].ok, calls[0]
        return self.standin.views()[-1]

    def submit(self, user_id: str, view: dict, values: dict):
        """Submit a modal with these input values ({block_id: action state}); returns the HTTP response."""
        submitted = {**view, "state": {"values": {block: {"value": state} for block, state in values.items()}}}
        payload = {
            "type": "view_submission", "team": {"id": TEAM, "domain": "pinbridge-sandbox"},
            "user": self._actor(user_id), "api_app_id": "A0SANDBOX", "token": "legacy", "trigger_id": "t.submit",
            "view": submitted, "response_urls": [], "is_enterprise_install": False, "enterprise": None,
        }
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    # events ----------------------------------------------------------------------------------
    def event(self, event: dict, event_id: str | None = None, retry: int = 0):
        """Deliver an Events API event_callback (a retry carries X-Slack-Retry-Num)."""
        body = {
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0SANDBOX", "event": event, "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}", "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": self.standin.bot_user_id,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(json.dumps(body), "application/json", headers=headers)

    def dm(self, user_id: str, text: str, thread_ts: str | None = None, event_id: str | None = None, retry: int = 0):
        """A person writes in the bot's DM (in a thread when `thread_ts` is given)."""
        ts = f"{time.time():.6f}"
        event = {"type": "message", "user": user_id, "text": text, "ts": ts, "team": TEAM,
                 "channel": self.standin.dm_channel(user_id), "event_ts": ts, "channel_type": "im",
                 "client_msg_id": f"m{next(_ids)}"}
        if thread_ts:
            event.update(thread_ts=thread_ts, parent_user_id=self.standin.bot_user_id)
        return self.event(event, event_id, retry)


def deliver_all(services, platform: str = "slack") -> list:
    """Run the delivery worker's steps (claim, build, send, record) until nothing is ready."""
    from core import deliveries, outgoing
    from core.clock import utcnow
    from core.db import transaction

    sender = services.platforms[platform].sender
    results = []
    while True:
        with transaction(services.sessions) as session:
            claimed = deliveries.claim(session, "test-worker", utcnow(), 50, 60)
            ready = [(c.delivery.id, c.lane_id, o) for c, o in zip(claimed, outgoing.build(session, services.engine.settings, claimed))]
        if not ready:
            return results
        for delivery_id, lane_id, out in ready:
            result = sender.send(out)
            with transaction(services.sessions) as session:
                deliveries.record(session, delivery_id, lane_id, "test-worker", result, utcnow(), 0, 8)
            results.append(result)
