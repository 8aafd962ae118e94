"""The stand-in's views.publish refuses what Slack refuses, through the real slack_sdk WebClient."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from bridge.sandbox.slack_home import app_home_opened, published_home
from tests.bridge.test_slack_strict import client, modal, section, served, standin  # noqa: F401 - fixtures

HOME = {"type": "home", "blocks": [section("Welcome")]}


def refused(call) -> dict:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value.response.data


def test_publishing_replaces_the_persons_one_home_tab(standin, client):
    first = client.views_publish(user_id="U123", view=HOME)["view"]
    second = client.views_publish(user_id="U123", view={"type": "home", "blocks": [section("Again")]})["view"]
    assert second["id"] == first["id"] and second["hash"] != first["hash"]
    assert published_home(standin, "U123")["blocks"][0]["text"]["text"] == "Again"


def test_a_publish_needs_a_known_person_and_a_home_view(standin, client):
    assert refused(lambda: client.api_call("views.publish", json={"view": HOME}))["error"] == "invalid_arguments"
    assert refused(lambda: client.views_publish(user_id="U0NOBODY", view=HOME))["error"] == "user_not_found"
    assert refused(lambda: client.views_publish(user_id=standin.bot_user_id, view=HOME))["error"] == "invalid_arguments"
    as_modal = refused(lambda: client.views_publish(user_id="U123", view=modal()))
    assert as_modal["error"] == "invalid_arguments"
    assert "[ERROR] must be home [json-pointer:/view/type]" in as_modal["response_metadata"]["messages"]
    assert published_home(standin, "U123") is None


def test_a_stale_hash_conflicts_and_a_view_past_250kb_is_too_large(standin, client):
    current = client.views_publish(user_id="U123", view=HOME)["view"]
    assert refused(lambda: client.views_publish(user_id="U123", view=HOME, hash="1.stale"))["error"] == "hash_conflict"
    assert client.views_publish(user_id="U123", view=HOME, hash=current["hash"])["ok"]
    huge = {"type": "home", "blocks": [section("x" * 3000)] * 90}
    assert refused(lambda: client.views_publish(user_id="U123", view=huge))["error"] == "view_too_large"


def test_the_event_carries_the_view_only_once_one_was_published_and_only_for_the_home_tab(standin, client):
    first = app_home_opened("U123", "D1", "home", published_home(standin, "U123"))
    view = client.views_publish(user_id="U123", view=HOME)["view"]
    again = app_home_opened("U123", "D1", "home", published_home(standin, "U123"))
    messages = app_home_opened("U123", "D1", "messages", published_home(standin, "U123"))
    assert "view" not in first and again["view"]["id"] == view["id"] and "view" not in messages
    assert {"type", "user", "channel", "tab", "event_ts"} <= first.keys()
