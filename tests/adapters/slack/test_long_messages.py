"""A message as long as messaging.max_text_length allows (40,000) reaches Slack whole, in several posts."""

from __future__ import annotations

import dataclasses

import pytest

from adapters.slack.payloads import identity_of
from bridge.app import create_app
from bridge.config import MessagingConfig
from bridge.wiring import Services
from core.clock import utcnow
from core.db import transaction
from core.engine import Engine
from core.models import Delivery, Lane, Message, RemoteMessage
from core.ports import RetryLater, Sent
from tests.adapters.slack import hostile as h
from tests.adapters.slack.conftest import install_slack, ALICE, BOB, slack_config
from tests.adapters.slack.test_commands import friends
from tests.adapters.slack.test_renderers import mrkdwn_texts
from tests.adapters.slack.workspace import Workspace, deliver_all, eventually
from tests.factories import count_rows

LONG = "".join(f"{i}{h.SPECIALS[i % len(h.SPECIALS)]}" for i in range(8000))[:40_000]  # no two parts alike


@pytest.fixture
def services(db, sessions, slack_api):
    config = slack_config(slack_api.url)
    config = dataclasses.replace(config, messaging=MessagingConfig(max_text_length=40_000))
    services = Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()))
    install_slack(services)
    yield services
    services.platforms["slack"].stop()


@pytest.fixture
def slack(services, standin, slack_api):
    return Workspace(create_app(services.config, services).test_client(), standin, slack_api.url,
                     services.config.slack.signing_secret)


@pytest.fixture
def long_reply(slack, services):
    """Alice and Bob in c1 (Bob's pin already delivered); Alice's 40,000-character reply is queued."""
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    deliver_all(services)
    assert services.engine.reply(identity_of(ALICE), "c1", LONG).ok


def readable(messages: list[dict]) -> str:
    return h.norm("\n".join("\n".join(mrkdwn_texts(m.get("blocks") or [])) for m in messages))


def test_a_long_reply_arrives_whole_in_several_messages_each_recorded(services, standin, long_reply):
    [result] = deliver_all(services)

    posted = standin.messages(BOB)[1:]
    assert len(posted) > 1 and isinstance(result, Sent)
    assert [*result.earlier_ids, result.remote_id] == [m["ts"] for m in posted]
    assert h.shown(LONG) in readable(posted), "nothing of it was clipped"
    with transaction(services.sessions) as session:
        recorded = {r.remote_id for r in session.query(RemoteMessage).filter_by(message_id=2)}
    assert recorded == {m["ts"] for m in posted}


def test_a_reply_in_the_thread_of_any_part_goes_to_the_conversation(slack, services, standin, long_reply):
    deliver_all(services)
    first_part = standin.messages(BOB)[1]

    slack.dm(BOB, "That was long", thread_ts=first_part["ts"])

    eventually(lambda: count_rows(services.sessions, Message, Message.conversation_id == 1) == 3, what="the reply")


def test_a_rate_limit_half_way_carries_on_from_the_part_that_did_not_go(services, standin, long_reply):
    standin.enforce_rate_limit(1.0)  # Slack: about one message a second per channel

    [first] = deliver_all(services)
    standin.enforce_rate_limit(None)
    with transaction(services.sessions) as session:
        session.query(Delivery).update({"next_attempt_at": utcnow()})
        session.query(Lane).update({"not_before": utcnow()})
    [second] = deliver_all(services)

    posted = standin.messages(BOB)[1:]
    assert isinstance(first, RetryLater) and first.seconds == 1.0
    assert isinstance(second, Sent) and [*second.earlier_ids, second.remote_id] == [m["ts"] for m in posted]
    texts = [m["text"] for m in posted]
    assert len(texts) == len(set(texts)), "no part was posted twice"
    assert h.shown(LONG) in readable(posted)


def test_reading_a_conversation_of_long_messages_answers_in_five_responses_and_the_dm(slack, services, standin, long_reply):
    assert services.engine.reply(identity_of(ALICE), "c1", LONG[::-1]).ok
    body, token = slack.command_body(BOB, "read c1")

    slack.post(body, "application/x-www-form-urlencoded")

    eventually(lambda: len(standin.response_posts(token)) == 5, what="five responses")
    eventually(lambda: len(standin.messages(BOB)) > 1, what="the rest in Bob's DM")
    services.platforms["slack"].stop()
    responses = [p.body for p in standin.response_posts(token)]
    assert "The rest of this answer is in your DM" in responses[-1]["text"]
    shown = readable([*responses[:-1], *standin.messages(BOB)[1:]])
    assert h.shown(LONG) in shown and h.shown(LONG[::-1]) in shown
    assert standin.response_refusals() == []
