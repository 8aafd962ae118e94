"""The Slack Web API stand-in, exercised over HTTP with the real slack_sdk clients."""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bridge.sandbox.serving import serve
from bridge.sandbox.slack_api import SlackStandin, blueprint, create_app

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*pinned*"}}]


@pytest.fixture
def standin() -> SlackStandin:
    standin = SlackStandin()
    standin.add_user("U123", "alice", real_name="Alice Liddell", tz="Europe/Berlin")
    return standin


@pytest.fixture
def served(standin):
    with serve(create_app(standin)) as handle:
        yield handle


@pytest.fixture
def client(served) -> WebClient:
    return WebClient(token="xoxb-test", base_url=served.url + "/api/")


def test_post_message_is_recorded_with_blocks(standin, client):
    resp = client.chat_postMessage(channel="C1", text="hello", blocks=BLOCKS)

    assert resp["ok"] and resp["channel"] == "C1"
    [message] = standin.messages("C1")
    assert message["ts"] == resp["ts"]
    assert message["text"] == "hello" and message["blocks"] == BLOCKS
    assert message["bot_id"] == "B0BOT"
    [call] = standin.calls("chat.postMessage")
    assert call.token == "xoxb-test" and call.params["blocks"] == BLOCKS


def test_form_encoded_blocks_are_parsed(standin, client):
    client.api_call("chat.postMessage", data={"channel": "C1", "text": "x", "blocks": '[{"type": "divider"}]'})

    assert standin.messages("C1")[0]["blocks"] == [{"type": "divider"}]
    assert standin.calls("chat.postMessage")[0].params["blocks"] == [{"type": "divider"}]


def test_timestamps_are_unique_and_increasing(standin, client):
    stamps = [client.chat_postMessage(channel="C1", text=str(i))["ts"] for i in range(5)]

    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 5


def test_a_dm_has_its_own_id_which_conversations_open_returns(standin, client):
    opened = client.conversations_open(users="U123")
    again = client.conversations_open(users="U123")

    dm = opened["channel"]["id"]
    assert dm.startswith("D") and "U123" not in dm, "a DM's id is not derived from the user id"
    assert again["channel"] == {"id": dm} and standin.dm_channel("U123") == dm


def test_posting_to_a_user_id_lands_in_the_dm_and_the_answer_names_the_dm(standin, client):
    resp = client.chat_postMessage(channel="U123", text="psst")

    dm = standin.dm_channel("U123")
    assert resp["channel"] == dm and resp["message"]["channel"] == dm
    assert [m["text"] for m in standin.messages(dm)] == ["psst"]


def test_other_chat_methods_and_unknown_people_refuse_a_user_id(standin, client):
    posted = client.chat_postMessage(channel="U123", text="psst")
    for call in (lambda: client.chat_update(channel="U123", ts=posted["ts"], text="x"),
                 lambda: client.chat_postEphemeral(channel="U123", user="U123", text="x"),
                 lambda: client.chat_postMessage(channel="U999", text="x"),
                 lambda: client.conversations_open(users="U999")):
        with pytest.raises(SlackApiError) as err:
            call()
        assert err.value.response["error"] in ("channel_not_found", "user_not_found")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel=standin.bot_user_id, text="x")
    assert err.value.response["error"] == "cannot_dm_bot"


def test_chat_update_changes_the_message(standin, client):
    ts = client.chat_postMessage(channel="C1", text="before")["ts"]
    client.chat_update(channel="C1", ts=ts, text="after", blocks=BLOCKS)

    [message] = standin.messages("C1")
    assert message["text"] == "after" and message["blocks"] == BLOCKS and message["ts"] == ts
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel="C1", ts="1.000001", text="nope")
    assert err.value.response["error"] == "message_not_found"


def test_users_info_found_and_not_found(client):
    user = client.users_info(user="U123")["user"]

    assert user["real_name"] == "Alice Liddell" and user["tz"] == "Europe/Berlin"
    assert user["profile"]["display_name"] == "alice" and user["team_id"] == "T0SANDBOX"
    assert user["tz_offset"] in (3600, 7200)
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="U404")
    assert err.value.response["error"] == "user_not_found"


def test_fail_next_429_exposes_retry_after(standin, client):
    standin.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    assert standin.messages("C1") == []
    client.chat_postMessage(channel="C1", text="x")
    assert len(standin.messages("C1")) == 1


def test_retry_handler_succeeds_on_second_try(standin, served):
    client = WebClient(token="xoxb-test", base_url=served.url + "/api/")
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    standin.fail_next("chat.postMessage", status=429, retry_after=0)

    resp = client.chat_postMessage(channel="C1", text="eventually")

    assert resp["ok"]
    assert [c.status for c in standin.calls("chat.postMessage")] == [429, 200]
    assert len(standin.messages("C1")) == 1


def test_fail_next_error_answers_200_ok_false(standin, client):
    standin.fail_next("chat.postMessage", error="ratelimited", times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            client.chat_postMessage(channel="C1", text="x")
        assert err.value.response.status_code == 200
        assert err.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_fail_next_500(standin, client):
    standin.fail_next("users.info", status=500)

    with pytest.raises(SlackApiError) as err:
        client.users_info(user="U123")
    assert err.value.response.status_code == 500
    assert client.users_info(user="U123")["user"]["id"] == "U123"


def test_enforced_rate_limit_is_per_channel(standin, client):
    standin.enforce_rate_limit(per_channel_per_second=0.01)
    client.chat_postMessage(channel="C1", text="first")

    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="too fast")
    assert err.value.response.status_code == 429
    assert int(err.value.response.headers["Retry-After"]) >= 1
    assert client.chat_postMessage(channel="C2", text="other channel")["ok"]
    assert standin.rate_limited == 1
    assert [m["text"] for m in standin.messages("C1")] == ["first"]


def test_views_open_and_update(standin, client):
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Pin"}, "blocks": BLOCKS}
    opened = client.views_open(trigger_id="123.456", view=view)["view"]

    assert opened["id"].startswith("V") and opened["type"] == "modal"
    updated = client.views_update(view_id=opened["id"], view={**view, "blocks": [{"type": "divider"}]})["view"]
    assert updated["id"] == opened["id"] and standin.view(opened["id"])["blocks"] == [{"type": "divider"}]
    with pytest.raises(SlackApiError) as err:
        client.views_open(trigger_id="", view=view)
    assert err.value.response["error"] == "invalid_trigger_id"


def test_response_url_posts_are_recorded(standin, served):
    url = standin.response_url("tok-1", base=served.url)
    resp = WebhookClient(url).send(text="done", replace_original=True)

    assert resp.status_code == 200
    [post] = standin.response_posts("tok-1")
    assert post.body == {"text": "done", "replace_original": True}
    assert standin.response_posts("other") == []


def test_auth_and_unknown_method_errors(standin, served):
    anonymous = WebClient(base_url=served.url + "/api/")
    with pytest.raises(SlackApiError) as err:
        anonymous.auth_test()
    assert err.value.response["error"] == "not_authed"
    assert anonymous.oauth_v2_access(client_id="a", client_secret="b", code="c")["access_token"].startswith(
        "xoxb-sandbox-"
    )
    with pytest.raises(SlackApiError) as err:
        WebClient(token="xoxb-test", base_url=served.url + "/api/").api_call("pins.add")
    assert err.value.response["error"] == "unknown_method"


def test_auth_test_reports_the_bot(client):
    resp = client.auth_test()

    assert (resp["user_id"], resp["bot_id"], resp["team_id"]) == ("U0BOT", "B0BOT", "T0SANDBOX")


def test_listeners_see_events_and_reset_clears_state(standin, client):
    events = []
    standin.subscribe(events.append)
    client.chat_postMessage(channel="C1", text="x")
    standin.unsubscribe(events.append)
    client.chat_postMessage(channel="C1", text="y")

    assert [e["type"] for e in events] == ["message", "call"]
    standin.reset()
    assert standin.messages("C1") == [] and standin.calls() == []


def test_server_stops_cleanly(standin):
    with serve(create_app(standin)) as handle:
        url = handle.url
        assert WebClient(token="t", base_url=url + "/api/").auth_test()["ok"]
    assert not handle.running
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/api/auth.test", data=b"", timeout=2)


def test_slack_bolt_app_starts_against_the_standin(standin, client):
    app = App(client=client, signing_secret="sandbox-secret")

    # Bolt verifies the token with auth.test while building the app.
    [call] = standin.calls("auth.test")
    assert call.ok and call.token == "xoxb-test"
    assert app.client.users_info(user="U123")["user"]["name"] == "alice"


def test_concurrent_posts_keep_every_message(standin, client):
    with ThreadPoolExecutor(max_workers=8) as pool:
        stamps = list(pool.map(lambda i: client.chat_postMessage(channel="C9", text=str(i))["ts"], range(40)))

    assert len(set(stamps)) == 40
    assert sorted(m["text"] for m in standin.messages("C9")) == sorted(str(i) for i in range(40))
    assert len(standin.calls("chat.postMessage")) == 40


def test_blueprint_mounts_under_a_prefix(standin):
    host = Flask("host")
    host.register_blueprint(blueprint(standin, url_prefix="/slack"))

    with serve(host) as handle:
        client = WebClient(token="xoxb-test", base_url=handle.url + "/slack/api/")
        client.chat_postMessage(channel="C1", text="mounted")
        WebhookClient(standin.response_url("t", base=handle.url + "/slack")).send(text="ack")

    assert [m["text"] for m in standin.messages("C1")] == ["mounted"]
    assert standin.response_posts("t")[0].body == {"text": "ack"}
