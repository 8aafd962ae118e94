"""Live messages go ahead of digests: the claim serves chats with a conversation message waiting first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bridge.digests import run_due
from core import deliveries
from core.clock import utcnow
from core.db import transaction
from core.models import Lane
from tests.factories import friends, pin_sent_to_readers, say, slack_user, telegram_user


def test_a_conversation_message_is_claimed_before_a_wave_of_older_digests(engine, sessions):
    alice, readers = pin_sent_to_readers(engine, 12, "hello")
    with transaction(sessions) as session:  # the hellos are delivered: only digests remain…
        session.execute(update(deliveries.Delivery).values(status="sent"))
    assert run_due(sessions, "daily 09:00 UTC", everyone=True) == 12
    with transaction(sessions) as session:  # …queued long ago, so by age alone they would all go first
        session.execute(update(Lane).values(not_before=utcnow() - timedelta(hours=1)))
    bob = telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, f"send p1 to @{engine.ensure(bob)} are you there?")
    with transaction(sessions) as session:
        claimed = deliveries.claim(session, "w1", utcnow(), 3, 120)
        kinds = [(c.delivery.kind, c.delivery.chat_id) for c in claimed]
    assert ("message", bob.chat_id) in kinds and sorted(k for k, _ in kinds) == ["digest", "digest", "message"]


def test_when_no_live_message_waits_digests_are_claimed_oldest_first(engine, sessions):
    pin_sent_to_readers(engine, 4, "hello")
    with transaction(sessions) as session:
        session.execute(update(deliveries.Delivery).values(status="sent"))
    run_due(sessions, "daily 09:00 UTC", everyone=True)
    with transaction(sessions) as session:
        claimed = deliveries.claim(session, "w1", utcnow() + timedelta(seconds=5), 10, 120)
    assert len(claimed) == 4 and {c.delivery.kind for c in claimed} == {"digest"}


def test_in_a_chat_with_a_digest_queued_a_live_message_goes_first(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, f"send p1 to @{engine.ensure(bob)} hello")
    with transaction(sessions) as session:
        session.execute(update(deliveries.Delivery).values(status="sent"))
    run_due(sessions, "daily 09:00 UTC", everyone=True)
    say(engine, alice, "reply c1 still there?")
    with transaction(sessions) as session:
        (first,) = deliveries.claim(session, "w1", utcnow() + timedelta(seconds=5), 10, 120)
        assert first.delivery.kind == "message"
