"""Malformed Slack requests get a 4xx and one log line, never a 500 or a traceback."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from bridge.sandbox import slack_requests as requests
from tests.adapters.slack.conftest import ALICE


def _interactive(payload: dict) -> str:
    return urlencode({"payload": json.dumps(payload)})


USER = {"id": ALICE, "username": "alice", "team_id": requests.TEAM}
SIGNED_BUT_MALFORMED = {
    "block_actions without actions": _interactive({"type": "block_actions", "user": USER, "actions": []}),
    "block_actions with a string": _interactive({"type": "block_actions", "user": USER, "actions": "pin_save"}),
    "block_actions with a string action": _interactive({"type": "block_actions", "user": USER, "actions": ["x"]}),
    "block_actions with a string user": _interactive({"type": "block_actions", "user": "U1", "actions": [{"action_id": "pin_save"}]}),
    "view_submission without view.type": _interactive({"type": "view_submission", "user": USER, "view": {"callback_id": "reply_modal", "state": {"values": {}}}}),
    "view_submission with a string state": _interactive({"type": "view_submission", "user": USER, "view": {"type": "modal", "callback_id": "reply_modal", "state": "x"}}),
    "view_submission with a string view": _interactive({"type": "view_submission", "user": USER, "view": "reply_modal"}),
    "event_callback with a string event": json.dumps({"type": "event_callback", "event_id": "Ev1", "team_id": "T1", "event": "message"}),
    "event_callback with a string team": json.dumps({"type": "event_callback", "event_id": "Ev2", "team": "T1", "event": {"type": "message"}}),
    "a JSON array": json.dumps([1, 2, 3]),
    "deeply nested JSON": "[" * 200_000,
    "a payload that is not JSON": urlencode({"payload": "{not json"}),
    "a slash command with a list for text": json.dumps({"command": "/pin", "text": ["help"], "user_id": ALICE}),
}


@pytest.mark.parametrize("body", SIGNED_BUT_MALFORMED.values(), ids=SIGNED_BUT_MALFORMED.keys())
def test_a_signed_but_malformed_request_is_a_4xx_with_one_log_line(slack, caplog, body):
    caplog.set_level(logging.INFO)
    content_type = requests.JSON if body.startswith(("{", "[")) else requests.FORM
    response = slack.post(body, content_type)
    assert 400 <= response.status_code < 500, response.data[:200]
    refusals = [r for r in caplog.records if "refused a Slack request" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].exc_info is None
    assert not [r for r in caplog.records if r.exc_info]


def test_an_unsigned_huge_body_is_refused_before_it_is_parsed(slack, caplog):
    response = slack.web.post("/slack/events", data="[" * 200_000, content_type=requests.JSON)
    assert response.status_code == 401
    assert not [r for r in caplog.records if r.exc_info]
