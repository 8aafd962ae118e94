"""Slack, as seen from Pinbridge's side: signed requests the way Slack sends them.

Each method builds a real payload shape (slash command form, interactivity
`payload=` form, Events API JSON), signs it with SignatureVerifier and posts it
through the Flask app to the real Bolt app.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from bridge.sandbox import slack_requests as requests
from bridge.sandbox.slack_api import SlackStandin

TEAM = requests.TEAM
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
        all_headers = {**requests.signed_headers(self.secret, body, timestamp, signature), **(headers or {})}
        return self.web.post("/slack/events", data=body, content_type=content_type, headers=all_headers)

    def user(self, user_id: str) -> dict:
        return self.standin.user(user_id)

    # slash commands -------------------------------------------------------------------------
    def command_body(self, user_id: str, text: str, channel: str = "C0GENERAL") -> tuple[str, str]:
        token = f"cmd{next(_ids)}"
        body = requests.slash_command(
            user_id, self.user(user_id)["name"], self.command_name, text,
            self.standin.response_url(token, self.api_url), f"trigger.{token}", channel_id=channel,
        )
        return body, token

    def command(self, user_id: str, text: str, channel: str = "C0GENERAL") -> dict:
        """Type `/pin text`; returns the body Pinbridge posted to the response_url."""
        body, token = self.command_body(user_id, text, channel)
        response = self.post(body, requests.FORM)
        assert response.status_code == 200, response.data
        posts = eventually(lambda: self.standin.response_posts(token), what=f"the answer to /pin {text}")
        return posts[0].body

    # buttons and modals ----------------------------------------------------------------------
    def _actor(self, user_id: str) -> dict:
        return requests.actor(user_id, self.user(user_id)["name"])

    def click(self, user_id: str, action_id: str, value: str | None = None, channel: str = "C0GENERAL",
              message: dict | None = None):
        """Click a button; returns (HTTP response, response_url token, trigger id)."""
        token = f"act{next(_ids)}"
        trigger = f"trigger.{token}"
        body = requests.block_actions(
            self._actor(user_id), requests.button_action(action_id, value),
            self.standin.response_url(token, self.api_url), trigger, channel_id=channel, message=message,
        )
        return self.post(body, requests.FORM), token, trigger

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
        state = {block: {"value": action_state} for block, action_state in values.items()}
        return self.post(requests.view_submission(self._actor(user_id), view, state), requests.FORM)

    # events ----------------------------------------------------------------------------------
    def event(self, event: dict, event_id: str | None = None, retry: int = 0):
        """Deliver an Events API event_callback (a retry carries X-Slack-Retry-Num)."""
        body = requests.event_callback(event, event_id or f"Ev{next(_ids):08d}", self.standin.bot_user_id)
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(body, requests.JSON, headers=headers)

    def dm(self, user_id: str, text: str, thread_ts: str | None = None, event_id: str | None = None, retry: int = 0):
        """A person writes in the bot's DM (in a thread when `thread_ts` is given)."""
        event = requests.dm_event(user_id, self.standin.dm_channel(user_id), text, f"m{next(_ids)}", thread_ts,
                                  self.standin.bot_user_id)
        return self.event(event, event_id, retry)


class RecordingSender:
    """Wraps a platform sender and keeps every result it returned."""

    def __init__(self, sender) -> None:
        self.sender, self.platform, self.results = sender, sender.platform, []

    def send(self, outgoing):
        result = self.sender.send(outgoing)
        self.results.append(result)
        return result


def deliver_all(services, platform: str = "slack") -> list:
    """Run the real delivery worker until nothing is ready; returns what the sender reported."""
    from bridge.pacing import UNPACED
    from bridge.worker import DeliveryWorker

    recording = RecordingSender(services.platforms[platform].sender)
    worker = DeliveryWorker(services.sessions, services.engine.settings, {platform: recording}, pacing=UNPACED)
    while worker.run_once():
        pass
    return recording.results
