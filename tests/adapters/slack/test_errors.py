"""Every documented Slack error, answered by the stand-in as Slack does, ends as decided (errors.py).

Deliveries go through the real DeliveryWorker; command answers through the real Bolt app.
"""

from __future__ import annotations

import logging

import pytest

from core.db import transaction
from core.models import Account, Delivery, RemoteMessage
from core.ports import Failed, RetryLater, Sent
from tests.adapters.slack.conftest import ALICE, BOB
from tests.adapters.slack.test_commands import friends
from tests.adapters.slack.workspace import deliver_all, eventually


@pytest.fixture
def queued(slack, standin):
    """Alice sent Bob a pin with a picture Slack shows; one delivery waits for Bob's DM."""
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    return standin


def bob(services) -> tuple[Account, Delivery]:
    with transaction(services.sessions) as session:
        account = session.query(Account).filter_by(external_id=BOB).one()
        delivery = session.query(Delivery).filter_by(account_id=account.id).one()
        session.expunge_all()
        return account, delivery


# (error, unreachable): Failed at once, the account marked unreachable or not.
FAILED = [
    # The person, or their DM, is gone or closed to the app (chat.postMessage, conversations.open "Errors").
    ("channel_not_found", True), ("not_in_channel", True), ("is_archived", True), ("user_not_found", True),
    ("user_disabled", True), ("cannot_dm_bot", True), ("messages_tab_disabled", True), ("user_not_visible", True),
    # The app is not installed there any more.
    ("app_uninstalled", True), ("team_access_not_granted", True),
    # The bot's own token (chat.postMessage: "Authentication token is for a deleted user or workspace").
    ("token_revoked", False), ("invalid_auth", False), ("account_inactive", False), ("token_expired", False),
    # Will not work by trying again: an operator looks (status and /healthz show it).
    ("not_authed", False), ("missing_scope", False), ("no_permission", False), ("restricted_action", False),
    ("ekm_access_denied", False), ("as_user_not_supported", False), ("not_allowed_token_type", False),
    ("invalid_arguments", False), ("no_text", False),
]


@pytest.mark.parametrize("code, unreachable", FAILED)
def test_a_delivery_slack_refuses_for_good_fails_once_and_marks_the_account_as_decided(services, queued, code, unreachable):
    queued.fail_next("chat.postMessage", status=200, error=code)

    assert deliver_all(services) == [Failed(f"slack: {code}", unreachable=unreachable)]

    account, delivery = bob(services)
    assert (delivery.status, delivery.attempts, account.unreachable) == ("failed", 1, unreachable)
    assert deliver_all(services) == [], "nothing is retried"


@pytest.mark.parametrize("code", ["ratelimited", "rate_limited", "internal_error", "service_unavailable",
                                  "request_timeout", "team_added_to_org", "org_login_required", "a_code_added_later"])
def test_a_delivery_slack_refuses_for_now_is_kept_for_later(services, queued, code):
    queued.fail_next("chat.postMessage", status=200, error=code)

    [result] = deliver_all(services)

    assert result == RetryLater(f"slack: {code}", None)
    _, delivery = bob(services)
    assert (delivery.status, delivery.attempts, delivery.uncertain) == ("pending", 1, False)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_an_outage_keeps_the_delivery_for_later(services, queued, status):
    queued.fail_next("chat.postMessage", status=status)

    assert deliver_all(services) == [RetryLater(f"slack: HTTP {status} internal_error")]


def test_a_fatal_error_may_have_posted_so_it_is_tried_once_more_only(services, queued):
    queued.fail_next("chat.postMessage", status=200, error="fatal_error", times=2)

    first = deliver_all(services)
    _the_wait_is_over(services)
    second = deliver_all(services)

    assert first == [RetryLater("slack: fatal_error", None, maybe_sent=True)] and len(second) == 1
    _, delivery = bob(services)
    assert delivery.status == "failed" and "may have arrived" in delivery.last_error


def test_a_refused_picture_costs_the_picture_then_the_blocks_never_the_message(services, queued):
    queued.register_image("https://img.test/tent.png", "image/png")
    _give_the_pin_a_picture(services)
    queued.fail_next("chat.postMessage", status=200, error="invalid_blocks", times=2)

    [result] = deliver_all(services)

    [posted] = queued.messages(BOB)
    assert isinstance(result, Sent) and "blocks" not in posted, "sent as plain text"
    assert posted["text"].startswith("alice (@alice) in c1: p1 “Tent” Look!")
    attempts = [c for c in queued.calls("chat.postMessage")]
    assert [c.error for c in attempts] == ["invalid_blocks", "invalid_blocks", None]
    assert any(b["type"] == "image" for b in attempts[0].params["blocks"])
    assert not any(b["type"] == "image" for b in attempts[1].params["blocks"])


def test_invalid_blocks_format_is_handled_like_invalid_blocks(services, queued):
    queued.fail_next("chat.postMessage", status=200, error="invalid_blocks_format")

    [result] = deliver_all(services)

    [posted] = queued.messages(BOB)
    assert isinstance(result, Sent) and "image" not in str(posted["blocks"]), "the sender's avatar was left out"


@pytest.mark.parametrize("code", ["msg_too_long", "msg_blocks_too_long"])
def test_a_message_slack_calls_too_long_goes_in_two_and_both_are_recorded(services, queued, code):
    queued.fail_next("chat.postMessage", status=200, error=code)

    [result] = deliver_all(services)

    posted = queued.messages(BOB)
    assert len(posted) == 2 and result == Sent(posted[1]["ts"], (posted[0]["ts"],))
    with transaction(services.sessions) as session:
        recorded = {r.remote_id for r in session.query(RemoteMessage)}
    assert recorded == {m["ts"] for m in posted}, "a reply to either part finds the conversation"


def test_the_429_retry_after_is_how_long_the_delivery_waits(services, queued):
    queued.fail_next("chat.postMessage", status=429, retry_after=17)

    assert deliver_all(services) == [RetryLater("slack: ratelimited", 17.0)]


def _the_wait_is_over(services) -> None:
    from core.clock import utcnow
    from core.models import Lane

    with transaction(services.sessions) as session:
        session.query(Delivery).update({"next_attempt_at": utcnow()})
        session.query(Lane).update({"not_before": utcnow()})


def _give_the_pin_a_picture(services) -> None:
    from core.models import Pin

    with transaction(services.sessions) as session:
        session.query(Pin).update({"image_url": "https://img.test/tent.png", "image_type": "image/png"})


# Command answers ---------------------------------------------------------------------------------


def test_a_refused_answer_is_shown_again_with_less_markup(slack, standin):
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    standin.fail_next_response(400, "invalid_blocks")

    answer = slack.command(BOB, "search hiking")

    assert "blocks" not in answer and "Pins matching “hiking”" in answer["text"]
    assert [p.body.get("blocks") is not None for p in standin.response_refusals()] == [True]


@pytest.mark.parametrize("status, code", [(404, "expired_url"), (404, "used_url"), (500, "internal_error"),
                                          (400, "invalid_payload"), (400, "no_text"), (410, "channel_not_found")])
def test_an_answer_the_response_url_will_not_take_goes_to_the_dm(slack, standin, status, code):
    slack.command(ALICE, "help")
    standin.fail_next_response(status, code)
    body, token = slack.command_body(ALICE, "boards")

    slack.post(body, "application/x-www-form-urlencoded")

    [dm] = eventually(lambda: standin.messages(ALICE), what="the answer in Alice's DM")
    assert "You have no boards yet" in dm["text"] and standin.response_posts(token) == []


def test_a_dm_answer_slack_refuses_is_logged_not_dropped_quietly(slack, standin, caplog):
    slack.command(BOB, "help")
    standin.fail_next("chat.postMessage", status=429, retry_after=30)

    with caplog.at_level(logging.WARNING, logger="adapters.slack.answers"):
        slack.dm(BOB, "boards")
        eventually(lambda: standin.calls("chat.postMessage"), what="the refused answer")
        eventually(lambda: any("were not shown: slack: ratelimited" in r.message for r in caplog.records),
                   what="a warning naming the refusal")


@pytest.mark.parametrize("code, says", [("expired_trigger_id", "took too long"), ("invalid_trigger_id", "took too long"),
                                        ("invalid_arguments", "Slack would not open that form (invalid_arguments)")])
def test_a_form_slack_will_not_open_is_said_so_privately(slack, standin, code, says):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    standin.fail_next("views.open", status=200, error=code)

    answer = slack.click_and_answer(BOB, "conv_reply", "c1")

    assert says in answer["text"] and answer["response_type"] == "ephemeral"


def test_a_dm_answer_with_refused_blocks_is_shown_as_plain_text(slack, standin):
    slack.command(BOB, "help")
    standin.fail_next("chat.postMessage", status=200, error="invalid_blocks")

    slack.dm(BOB, "boards")

    [answer] = eventually(lambda: standin.messages(BOB), what="the answer in the DM")
    assert "blocks" not in answer and "You have no boards yet" in answer["text"]


def test_a_dm_error_note_with_refused_blocks_is_shown_as_plain_text(slack, standin):
    slack.command(BOB, "help")
    standin.fail_next("chat.postEphemeral", status=200, error="invalid_blocks")

    slack.dm(BOB, "hello?", thread_ts="1700000000.000100")

    [note] = eventually(lambda: standin.ephemeral_messages(standin.dm_channel(BOB)), what="the note")
    assert "blocks" not in note and "isn't a Pinbridge conversation" in note["text"]
