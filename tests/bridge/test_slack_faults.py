"""The Slack stand-in fails as Slack fails: the HTTP status, body and headers a real client sees."""

from __future__ import annotations

import httpx
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
    return WebClient(token="xoxb-test", base_url=served.url + "/api/", retry_handlers=[])


def refused(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as err:
        call()
    return err.value


def test_a_web_api_error_is_http_200_with_ok_false_and_slacks_extra_fields(standin, client):
    standin.fail_next("conversations.open", error="missing_scope", details={"needed": "im:write", "provided": "chat:write"})

    response = refused(lambda: client.conversations_open(users="U123")).response

    assert response.status_code == 200
    assert response.data == {"ok": False, "error": "missing_scope", "needed": "im:write", "provided": "chat:write"}


def test_a_rate_limit_is_http_429_with_retry_after(standin, served):
    standin.fail_next("chat.postMessage", status=429, retry_after=12)

    answer = httpx.post(served.url + "/api/chat.postMessage", headers={"Authorization": "Bearer x"}, json={"channel": "C1", "text": "x"})

    assert (answer.status_code, answer.headers["Retry-After"], answer.json()) == (429, "12", {"ok": False, "error": "ratelimited"})


def test_an_outage_is_an_http_error(standin, client):
    standin.fail_next("chat.postMessage", status=503)

    assert refused(lambda: client.chat_postMessage(channel="C1", text="x")).response.status_code == 503


def test_a_response_url_refuses_with_an_http_error_and_the_bare_code(standin, served):
    standin.fail_next_response(404, "expired_url")
    webhook = WebhookClient(standin.response_url("tok", served.url))

    refused_post, later = webhook.send(text="x"), webhook.send(text="y")

    assert (refused_post.status_code, refused_post.body) == (404, "expired_url")
    assert later.status_code == 200 and [p.body["text"] for p in standin.response_posts("tok")] == ["y"]


def test_a_response_url_takes_five_posts_and_no_sixth(standin, served):
    webhook = WebhookClient(standin.response_url("tok", served.url))

    answers = [webhook.send(text=str(n)).status_code for n in range(6)]

    assert answers == [200] * 5 + [404]
    assert len(standin.response_posts("tok")) == 5
