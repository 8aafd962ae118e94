"""The Slack stand-in refuses what Slack refuses, answered in Slack's shape (driven by the real slack_sdk)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bridge.sandbox.serving import serve
from bridge.sandbox.slack_api import SlackStandin, create_app


@pytest.fixture
def standin() -> SlackStandin:
    standin = SlackStandin()
    standin.add_user("U123", "alice")
    return standin


@pytest.fixture
def served(standin):
    with serve(create_app(standin)) as handle:
        yield handle


@pytest.fixture
def client(served) -> WebClient:
    return WebClient(token="xoxb-test", base_url=served.url + "/api/")


def section(text: str = "pin", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str = "Save", action_id: str = "save", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id, **extra}


def actions(*elements: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements), **extra}


def image(url: str = "https://pins.example/p.png", **extra: Any) -> dict[str, Any]:
    return {"type": "image", "image_url": url, "alt_text": "a pin", **extra}


def select(options: int, text: str = "o", value: str | None = None) -> dict[str, Any]:
    choices = [{"text": {"type": "plain_text", "text": text}, "value": value or f"v{i}"} for i in range(options)]
    return {"type": "static_select", "action_id": "pick", "options": choices}


def refusal(client: WebClient, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """Slack's answer to chat.postMessage with these blocks (fails if it is accepted)."""
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)
    assert caught.value.response.status_code == 200
    return caught.value.response.data


def first_error(client: WebClient, blocks: list[dict[str, Any]]) -> str:
    data = refusal(client, blocks)
    assert data["error"] == "invalid_blocks"
    assert data["response_metadata"]["messages"] == [f"[ERROR] {error}" for error in data["errors"]]
    return data["errors"][-1]


@pytest.mark.parametrize(
    ("fits", "breaks", "error"),
    [
        ([section()] * 50, [section()] * 51, "no more than 50 items allowed [json-pointer:/blocks]"),
        ([section("x" * 3000)], [section("x" * 3001)], "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"),
        ([section("x")], [section("")], "must be more than 0 characters [json-pointer:/blocks/0/text/text]"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 150}}],
         [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
         "must be less than 151 characters [json-pointer:/blocks/0/text/text]"),
        ([actions(button("b" * 75))], [actions(button("b" * 76))],
         "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"),
        ([actions(button(value="v" * 2000))], [actions(button(value="v" * 2001))],
         "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]"),
        ([actions(button(url="https://p.example/" + "u" * 2982))], [actions(button(url="https://p.example/" + "u" * 2983))],
         "must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]"),
        ([actions(button(action_id="a" * 255))], [actions(button(action_id="a" * 256))],
         "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]"),
        ([section(block_id="b" * 255)], [section(block_id="b" * 256)],
         "must be less than 256 characters [json-pointer:/blocks/0/block_id]"),
        ([section(block_id="a"), section(block_id="b")], [section(block_id="a"), section(block_id="a")],
         "duplicate block_id [json-pointer:/blocks/1/block_id]"),
        ([actions(button(action_id="a"), button(action_id="b")), actions(button(action_id="a"))],
         [actions(button(action_id="a"), button(action_id="a"))],
         "duplicate action_id [json-pointer:/blocks/0/elements/1/action_id]"),
        ([image(alt_text="a" * 2000)], [image(alt_text="a" * 2001)],
         "must be less than 2001 characters [json-pointer:/blocks/0/alt_text]"),
        ([image()], [{"type": "image", "image_url": "https://pins.example/p.png"}],
         "missing required field: alt_text [json-pointer:/blocks/0]"),
        ([image("https://pins.example/p.gif")], [image("https://pins.example/p.webp")],
         "downloading image failed [json-pointer:/blocks/0/image_url]"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 10}],
         [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
         "no more than 10 items allowed [json-pointer:/blocks/0/elements]"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c" * 3000}]}],
         [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c" * 3001}]}],
         "must be less than 3001 characters [json-pointer:/blocks/0/elements/0/text]"),
        ([actions(*[button(action_id=str(i)) for i in range(25)])], [actions(*[button(action_id=str(i)) for i in range(26)])],
         "no more than 25 items allowed [json-pointer:/blocks/0/elements]"),
        ([section(accessory=select(100))], [section(accessory=select(101))],
         "no more than 100 items allowed [json-pointer:/blocks/0/accessory/options]"),
        ([section(accessory=select(1, text="o" * 75))], [section(accessory=select(1, text="o" * 76))],
         "must be less than 76 characters [json-pointer:/blocks/0/accessory/options/0/text/text]"),
        ([section(accessory=select(1, value="v" * 150))], [section(accessory=select(1, value="v" * 151))],
         "must be less than 151 characters [json-pointer:/blocks/0/accessory/options/0/value]"),
    ],
)
def test_block_kit_limits_accept_the_limit_and_refuse_beyond_it(standin, client, fits, breaks, error):
    assert client.chat_postMessage(channel="C1", text="fallback", blocks=fits)["ok"]
    assert first_error(client, breaks) == error
    assert len(standin.messages("C1")) == 1


def test_a_too_long_text_object_is_reported_with_its_schema_first(client):
    assert refusal(client, [section("x" * 3001)])["errors"] == [
        "failed to match all allowed schemas [json-pointer:/blocks/0/text]",
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ]


def test_image_types_come_from_the_registry_before_the_extension(standin, client):
    standin.register_image("https://cdn.example/raw/1", "image/jpeg")
    standin.register_image("https://cdn.example/raw/2", "image/webp")
    assert client.chat_postMessage(channel="C1", text="x", blocks=[image("https://cdn.example/raw/1")])["ok"]
    assert client.chat_postMessage(channel="C1", text="x", blocks=[image("https://cdn.example/unknown")])["ok"]
    context = {"type": "context", "elements": [{"type": "image", "image_url": "https://cdn.example/raw/2", "alt_text": "a"}]}
    assert first_error(client, [context]) == "downloading image failed [json-pointer:/blocks/0/elements/0/image_url]"


def test_unknown_block_types_fail_slack_sdk_schemas(client):
    assert first_error(client, [{"type": "no_such_block"}]) == "failed to match all allowed schemas [json-pointer:/blocks/0]"


def test_message_text_over_forty_thousand_characters_is_msg_too_long(standin, client):
    assert client.chat_postMessage(channel="C1", text="t" * 40_000)["ok"]
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="t" * 40_001)
    assert caught.value.response["error"] == "msg_too_long"


def test_updates_and_ephemeral_messages_are_checked_too(standin, client):
    ts = client.chat_postMessage(channel="C1", text="before")["ts"]
    with pytest.raises(SlackApiError) as update:
        client.chat_update(channel="C1", ts=ts, text="after", blocks=[section("x" * 3001)])
    with pytest.raises(SlackApiError) as ephemeral:
        client.chat_postEphemeral(channel="C1", user="U123", text="psst", blocks=[section()] * 51)
    assert update.value.response["error"] == ephemeral.value.response["error"] == "invalid_blocks"
    assert standin.messages("C1")[0]["text"] == "before" and standin.ephemeral_messages() == []


def modal(**extra: Any) -> dict[str, Any]:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Save pin"}, "blocks": [section()]}
    return {**view, **extra}


def text(value: str) -> dict[str, str]:
    return {"type": "plain_text", "text": value}


@pytest.mark.parametrize(
    ("fits", "breaks", "message"),
    [
        (modal(title=text("t" * 24)), modal(title=text("t" * 25)), "must be less than 24 characters [json-pointer:/view/title/text]"),
        (modal(submit=text("s" * 24)), modal(submit=text("s" * 25)), "must be less than 24 characters [json-pointer:/view/submit/text]"),
        (modal(close=text("c" * 24)), modal(close=text("c" * 25)), "must be less than 24 characters [json-pointer:/view/close/text]"),
        (modal(private_metadata="m" * 3000), modal(private_metadata="m" * 3001),
         "must be less than 3001 characters [json-pointer:/view/private_metadata]"),
        (modal(callback_id="c" * 255), modal(callback_id="c" * 256), "must be less than 256 characters [json-pointer:/view/callback_id]"),
        (modal(blocks=[section()] * 100), modal(blocks=[section()] * 101), "no more than 100 items allowed [json-pointer:/view/blocks]"),
        (modal(blocks=[section("x" * 3000)]), modal(blocks=[section("x" * 3001)]),
         "must be less than 3001 characters [json-pointer:/view/blocks/0/text/text]"),
    ],
)
def test_view_limits_answer_invalid_arguments_like_slack(standin, client, fits, breaks, message):
    assert client.views_open(trigger_id="t.1", view=fits)["ok"]
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id="t.2", view=breaks)
    data = caught.value.response.data
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"][0] == "[ERROR] failed to match all allowed schemas [json-pointer:/view]"
    assert f"[ERROR] {message}" in data["response_metadata"]["messages"]
    assert len(standin.views()) == 1


def test_update_push_and_publish_check_their_views(standin, client):
    opened = client.views_open(trigger_id="t.1", view=modal())["view"]
    home = {"type": "home", "blocks": [section()] * 100}
    assert client.views_publish(user_id="U123", view=home)["ok"]
    calls = (
        lambda: client.views_update(view_id=opened["id"], view=modal(title=text("t" * 25))),
        lambda: client.views_push(trigger_id="t.2", view=modal(blocks=[section()] * 101)),
        lambda: client.views_publish(user_id="U123", view={"type": "home", "blocks": [section()] * 101}),
    )
    for call in calls:
        with pytest.raises(SlackApiError) as caught:
            call()
        assert caught.value.response["error"] == "invalid_arguments"
    assert standin.view(opened["id"])["title"]["text"] == "Save pin"


def test_response_url_refuses_bad_blocks_with_http_400_and_shows_nothing(standin, served):
    url = standin.response_url("tok-1", base=served.url)
    refused = WebhookClient(url).send(text="done", blocks=[section("x" * 3001)])
    empty = WebhookClient(url).send(text="")
    deleted = WebhookClient(url).send_dict({"delete_original": True})
    shown = WebhookClient(url).send(text="done", blocks=[section()])
    assert (refused.status_code, refused.body) == (400, "invalid_blocks")
    assert (empty.status_code, empty.body) == (400, "no_text")
    assert deleted.status_code == shown.status_code == 200
    assert [post.body.get("text") for post in standin.response_posts("tok-1")] == [None, "done"]
    assert len(standin.response_refusals()) == 2
