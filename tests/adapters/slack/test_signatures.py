"""Request verification (SPEC §5): forged or stale requests get 401 and change nothing."""

from __future__ import annotations

import json
import time

from bridge.sandbox import slack_requests as requests
from core.models import Person
from tests.adapters.slack.conftest import ALICE
from tests.factories import count_rows


def test_a_forged_signature_is_refused_and_nothing_changes(slack, services, standin):
    body, token = slack.command_body(ALICE, "board new Forged")

    response = slack.post(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)

    assert response.status_code == 401
    assert count_rows(services.sessions, Person) == 0
    assert standin.response_posts(token) == [] and standin.calls() == []


def test_a_stale_signature_is_refused_even_when_correct(slack, services, standin):
    body, token = slack.command_body(ALICE, "board new Replayed")

    response = slack.post(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 6 * 60)

    assert response.status_code == 401
    assert count_rows(services.sessions, Person) == 0 and standin.calls() == []


def test_a_body_changed_after_signing_is_refused(slack, services):
    body, _ = slack.command_body(ALICE, "help")
    timestamp = int(time.time())
    from slack_sdk.signature import SignatureVerifier
    signature = SignatureVerifier("8f742231b10e8888abcd99yyyzzz85a5").generate_signature(timestamp=str(timestamp), body=body)

    response = slack.post(body.replace("help", "boards"), "application/x-www-form-urlencoded", timestamp=timestamp, signature=signature)

    assert response.status_code == 401


def test_url_verification_is_answered_with_the_challenge(slack):
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"})

    response = slack.post(body, "application/json")

    assert response.status_code == 200
    assert response.json == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_a_malformed_payload_gets_a_4xx_not_a_500(slack):
    assert slack.post("payload=%7Bnot-json", "application/x-www-form-urlencoded").status_code == 400
    assert slack.post("{broken", "application/json").status_code == 400
    assert slack.post("[1, 2]", "application/json").status_code == 400


def test_a_replayed_slash_command_is_answered_but_runs_once(slack, engine, services):
    from core.models import Message
    from tests.adapters.slack.conftest import BOB
    from tests.adapters.slack.test_commands import friends
    from tests.factories import count_rows

    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/a A")
    body, token = slack.command_body(ALICE, "send p1 to @bob pay me 10 dollars")
    for _ in range(3):  # the same signed body, three times within Slack's five minutes
        assert slack.post(body, requests.FORM).status_code == 200
    services.platforms["slack"].stop()  # every lazy listener has finished
    assert count_rows(services.sessions, Message, Message.text == "pay me 10 dollars") == 1
    assert len(slack.standin.response_posts(token)) == 1


def test_a_replayed_button_click_runs_once(slack, services):
    from tests.adapters.slack.conftest import BOB

    slack.command(BOB, "new https://example.com/boots Boots")
    response, token, trigger = slack.click(ALICE, "pin_save", "p1")
    replay = requests.block_actions(
        requests.actor(ALICE, "alice"), requests.button_action("pin_save", "p1"),
        slack.standin.response_url(token, slack.api_url), trigger,
    )
    assert slack.post(replay, requests.FORM).status_code == 200
    services.platforms["slack"].stop()  # every lazy listener has finished
    assert len(slack.standin.response_posts(token)) == 1
