"""The Slack delivery sender against the stand-in: posted to the DM, rate limits and errors classified."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from slack_sdk import WebClient

from adapters.slack.sender import SlackSender
from core.clock import utcnow
from core.db import transaction
from core.models import Account, Delivery
from core.ports import Failed, Outgoing, RetryLater, Sent
from core.results import Digest, MessageView, PinCard
from tests.adapters.slack.conftest import ALICE, BOB
from tests.adapters.slack.test_commands import friends
from tests.adapters.slack.workspace import deliver_all

PIN = PinCard("p1", 1, "Tent <b>", "https://example.com/tent", "", "https://img.test/tent.png", "alice", "http://pins.test/p/1", "c1",
              image_type="image/png")
DIGEST = Digest.from_payload({"handle": "bob", "period": "daily:2026-11-22", "total": 3, "conversations": [
    {"ref": "c1", "conversation_id": 1, "count": 2, "lines": [
        {"sender": "alice", "kind": "pin", "text": "Look!", "pin_ref": "p1", "pin_title": "Tent"},
        {"sender": "alice", "kind": "text", "text": "hello?", "pin_ref": None, "pin_title": None}]},
    {"ref": "c4", "conversation_id": 4, "count": 1, "lines": [
        {"sender": "carol", "kind": "text", "text": "hi", "pin_ref": None, "pin_title": None}]},
]})


def outgoing(kind: str = "message", chat_id: str = BOB, **extra) -> Outgoing:
    view = MessageView("c1", 1, 7, "alice", "Alice", "https://img.test/alice.png", "pin", "Look!",
                       datetime(2026, 11, 22, 9, 0), ("alice", "bob"), pin=PIN)
    return Outgoing(7, "m7:a2", "slack", chat_id, "bob", kind, message=view if kind == "message" else None,
                    digest=DIGEST if kind == "digest" else None, **extra)


def test_a_message_is_rendered_and_posted_to_the_persons_dm(sender, standin):
    result = sender.send(outgoing())

    [posted] = standin.messages(BOB)
    assert result == Sent(remote_id=posted["ts"], chat_id=standin.dm_channel(BOB))
    assert posted["channel"] == standin.dm_channel(BOB)
    assert posted["text"].startswith("Alice (@alice) in c1: p1 “Tent &lt;b&gt;” Look!")
    assert any(b["type"] == "image" and b["alt_text"] == "Tent <b>" for b in posted["blocks"])


def test_a_429_reports_retry_after_without_sleeping(sender, standin):
    standin.fail_next("chat.postMessage", status=429, retry_after=7)

    assert sender.send(outgoing()) == RetryLater("slack: ratelimited", 7.0)
    assert standin.messages(BOB) == []
    assert isinstance(sender.send(outgoing()), Sent)


def test_a_ratelimited_error_is_retried_later(sender, standin):
    standin.fail_next("chat.postMessage", status=200, error="ratelimited")

    assert sender.send(outgoing()) == RetryLater("slack: ratelimited", None)


def test_server_errors_are_retried_and_gone_people_fail(sender, standin):
    standin.fail_next("chat.postMessage", status=503)
    assert sender.send(outgoing()) == RetryLater("slack: HTTP 503 internal_error")

    standin.fail_next("chat.postMessage", status=200, error="channel_not_found")
    assert sender.send(outgoing()) == Failed("slack: channel_not_found", unreachable=True)

    standin.fail_next("chat.postMessage", status=200, error="invalid_auth")
    assert sender.send(outgoing()) == Failed("slack: invalid_auth", unreachable=False)


def test_a_network_error_is_retried_later():
    client = WebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/", retry_handlers=[], timeout=2)

    result = SlackSender(client).send(outgoing())

    assert isinstance(result, RetryLater) and result.seconds is None


def test_an_image_slack_cannot_fetch_costs_the_images_not_the_message(sender, standin):
    standin.fail_next("chat.postMessage", status=200, error="invalid_blocks")

    result = sender.send(outgoing())

    assert isinstance(result, Sent)
    [posted] = standin.messages(BOB)
    assert "image" not in str(posted["blocks"])


def test_a_digest_is_rendered_with_open_and_mark_all_read(sender, standin):
    assert isinstance(sender.send(outgoing("digest")), Sent)

    [posted] = standin.messages(BOB)
    assert posted["text"].startswith("You have 3 unread messages in 2 conversations.")
    buttons = [e for b in posted["blocks"] for e in (b.get("elements") or [b.get("accessory")]) if e and e.get("type") == "button"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("conv_open", "c1"), ("conv_open", "c4"), ("digest_read_all", "c1 c4")]
    assert "*@alice*: p1 “Tent” Look!" in str(posted["blocks"])


def test_the_worker_holds_a_rate_limited_delivery_for_retry_after(slack, services, standin):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    standin.fail_next("chat.postMessage", status=429, retry_after=30)

    before = utcnow()
    assert deliver_all(services) == [RetryLater("slack: ratelimited", 30.0)]

    with transaction(services.sessions) as session:
        delivery = session.query(Delivery).one()
        assert delivery.status == "pending" and delivery.attempts == 1
        assert delivery.next_attempt_at >= before + timedelta(seconds=30)
        session.query(Delivery).update({"next_attempt_at": utcnow()})  # the Retry-After has passed
        from core.models import Lane
        session.query(Lane).update({"not_before": utcnow()})
    [result] = deliver_all(services)
    assert isinstance(result, Sent) and len(standin.messages(BOB)) == 1


def test_an_unreachable_person_is_marked_so(slack, services, standin):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    standin.fail_next("chat.postMessage", status=200, error="user_disabled")

    assert deliver_all(services) == [Failed("slack: user_disabled", unreachable=True)]
    with transaction(services.sessions) as session:
        assert session.query(Account).filter_by(external_id=BOB).one().unreachable is True


@pytest.mark.parametrize("kind", ["message", "digest"])
def test_every_delivery_has_a_text_fallback(sender, standin, kind):
    sender.send(outgoing(kind))
    [posted] = standin.messages(BOB)
    assert posted["text"].strip()


def test_a_post_answered_too_late_may_have_arrived_and_says_so(slack_api, standin):
    impatient = SlackSender(WebClient(token="xoxb-test-token", base_url=slack_api.url + "/api/", timeout=0.5, retry_handlers=[]))
    standin.answer_late("chat.postMessage", 1.5)
    result = impatient.send(outgoing())
    assert isinstance(result, RetryLater) and result.maybe_sent and result.seconds >= 30
    assert len(standin.messages(BOB)) == 1, "Slack did post it; only the answer was late"


def test_a_post_that_never_reached_slack_is_simply_retried(standin):
    unreachable = SlackSender(WebClient(token="xoxb-test-token", base_url="http://127.0.0.1:9/api/", timeout=0.5, retry_handlers=[]))
    result = unreachable.send(outgoing())
    assert isinstance(result, RetryLater) and not result.maybe_sent
