"""Digest selection (F11): who is due, one digest per period, and what it says."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from core.db import transaction
from core.digests import claim_and_queue, due_groups, due_people
from core.models import Delivery, DigestSend, Person
from core.people import Identity
from tests.factories import (
    count_rows,
    friends,
    link_accounts,
    say,
    slack_user,
    telegram_user,
)

DEFAULT = "daily 09:00 UTC"
LONG_AGO = datetime(2026, 1, 1)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _age(sessions, anchor: datetime = LONG_AGO, handle: str | None = None) -> None:
    """Pretend accounts (or one) were made, or last changed their schedule, at `anchor`."""
    query = update(Person).values(digest_anchor=anchor)
    if handle:
        query = query.where(Person.handle == handle)
    with transaction(sessions) as session:
        session.execute(query)


def _due(sessions, now: datetime, default: str = DEFAULT) -> set[str]:
    """Handles of everyone due at `now`."""
    with transaction(sessions) as session:
        ids = [pid for group in due_groups(session, now, default) for batch in due_people(session, group) for pid in batch]
        return set(session.scalars(select(Person.handle).where(Person.id.in_(ids))))


def _send_digests(sessions, now: datetime, default: str = DEFAULT) -> int:
    """What the scheduler does at `now`: claim and queue every due person; returns how many."""
    queued = 0
    with transaction(sessions) as session:
        for group in due_groups(session, now, default):
            for batch in due_people(session, group):
                queued += claim_and_queue(session, group, batch)
    return queued


def _alice_sends_bob_a_pin(engine) -> tuple[Identity, Identity]:
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob look")
    return alice, bob


def test_nobody_is_due_when_nothing_is_unread(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    _age(sessions)
    assert _due(sessions, _at("2026-05-04T10:00")) == set()
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob")
    say(engine, bob, "read c1")
    assert _due(sessions, _at("2026-05-04T10:00")) == set()
    assert _send_digests(sessions, _at("2026-05-04T10:00")) == 0


def test_unread_messages_make_you_due_at_the_default_time(engine, sessions):
    _alice_sends_bob_a_pin(engine)
    _age(sessions, _at("2026-05-03T12:00"))  # after yesterday's 09:00
    assert _due(sessions, _at("2026-05-04T08:59")) == set()
    assert _due(sessions, _at("2026-05-04T09:00")) == {"bob"}
    assert _due(sessions, _at("2026-05-04T17:00")) == {"bob"}


def test_your_own_messages_do_not_count_as_unread(engine, sessions):
    _, bob = _alice_sends_bob_a_pin(engine)
    _age(sessions)
    assert "alice" not in _due(sessions, _at("2026-05-04T10:00"))
    say(engine, bob, "reply c1 nice")
    assert _due(sessions, _at("2026-05-04T10:00")) == {"alice"}, "bob's reply read the pin for him"


def test_a_dismissed_conversation_does_not_make_you_due(engine, sessions):
    _, bob = _alice_sends_bob_a_pin(engine)
    say(engine, bob, "dismiss c1")
    _age(sessions)
    assert _due(sessions, _at("2026-05-04T10:00")) == set()


def test_one_digest_per_period_however_often_the_scheduler_runs(engine, sessions):
    alice, _ = _alice_sends_bob_a_pin(engine)
    _age(sessions)
    assert _send_digests(sessions, _at("2026-05-04T09:00")) == 1
    assert _send_digests(sessions, _at("2026-05-04T09:00")) == 0
    say(engine, alice, "reply c1 and another thing")
    assert _send_digests(sessions, _at("2026-05-04T23:59")) == 0, "same day, same period"
    assert count_rows(sessions, DigestSend) == 1
    assert count_rows(sessions, Delivery, Delivery.kind == "digest") == 1
    assert _send_digests(sessions, _at("2026-05-05T09:00")) == 1, "a new day is a new period"


def test_claiming_the_same_people_twice_queues_once(engine, sessions):
    _alice_sends_bob_a_pin(engine)
    _age(sessions)
    with transaction(sessions) as session:
        (group,) = due_groups(session, _at("2026-05-04T10:00"), DEFAULT)
        (batch,) = list(due_people(session, group))
    with transaction(sessions) as session:
        assert claim_and_queue(session, group, batch) == 1
    with transaction(sessions) as session:
        assert claim_and_queue(session, group, batch) == 0
        assert list(due_people(session, group)) == []
    assert count_rows(sessions, Delivery, Delivery.kind == "digest") == 1


def test_digest_off_is_never_due(engine, sessions):
    _, bob = _alice_sends_bob_a_pin(engine)
    assert say(engine, bob, "digest off").text == "Digests are off."
    _age(sessions)
    now = _at("2026-05-04T00:00")
    while now < _at("2026-05-11T00:00"):
        assert _due(sessions, now) == set(), now
        now += timedelta(hours=5)


def test_your_own_schedule_replaces_the_default(engine, sessions):
    _, bob = _alice_sends_bob_a_pin(engine)
    assert say(engine, bob, "digest hourly").text == "Your digest is now hourly UTC."
    _age(sessions)
    assert _due(sessions, _at("2026-05-04T03:00"), default="off") == {"bob"}
    assert _send_digests(sessions, _at("2026-05-04T03:59"), default="off") == 1
    assert _send_digests(sessions, _at("2026-05-04T04:00"), default="off") == 1, "the next hour is a new period"


def test_a_new_schedule_counts_from_when_it_was_chosen(engine, sessions):
    _, bob = _alice_sends_bob_a_pin(engine)
    say(engine, bob, "digest daily 09:00")
    with transaction(sessions) as session:
        chosen = session.scalar(select(Person.digest_anchor).where(Person.handle == "bob"))
    assert _due(sessions, chosen) == set(), "no slot of the new schedule has passed yet"
    assert _due(sessions, chosen + timedelta(days=1)) == {"bob"}


def test_the_default_applies_in_your_own_time_zone(engine, sessions):
    alice = slack_user("alice")
    pierre = Identity("slack", "UPARIS01", chat_id="DUPARIS01", username="pierre", timezone="Europe/Paris")
    friends(engine, alice, pierre)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @pierre")
    _age(sessions, _at("2026-05-03T12:00"))
    assert _due(sessions, _at("2026-05-04T06:59")) == set()
    assert _due(sessions, _at("2026-05-04T07:00")) == {"pierre"}, "09:00 in Paris (CEST)"
    assert "daily 09:00 Europe/Paris" in say(engine, pierre, "digest daily 09:00").text


def test_the_digest_groups_unread_messages_by_conversation(engine, sessions):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob look")
    for text in ("one", "two", "three"):
        say(engine, alice, f"reply c1 {text}")
    say(engine, carol, "new https://example.com/tent Tent")
    say(engine, carol, "send p2 to @bob")
    _age(sessions)
    assert _send_digests(sessions, _at("2026-05-04T09:30")) == 1
    with transaction(sessions) as session:
        bob_id = session.scalar(select(Person.id).where(Person.handle == "bob"))
        payload = session.scalar(select(Delivery.payload).where(Delivery.kind == "digest", Delivery.person_id == bob_id))
    assert (payload["handle"], payload["period"], payload["total"]) == ("bob", "d:2026-05-04", 5)
    by_ref = {c["ref"]: c for c in payload["conversations"]}
    assert set(by_ref) == {"c1", "c2"}
    assert by_ref["c1"]["count"] == 4
    assert [line["summary"] for line in by_ref["c1"]["lines"]] == ["one", "two", "three"], "the latest lines, in order"
    assert {line["sender"] for line in by_ref["c1"]["lines"]} == {"alice"}
    (tent,) = by_ref["c2"]["lines"]
    assert (by_ref["c2"]["count"], tent["kind"], tent["pin_ref"]) == (1, "pin", "p2")
    assert tent["summary"].startswith("p2 “Tent”"), "the same line the inbox shows"


def test_a_digest_is_queued_for_each_destination(engine, sessions):
    alice, bob, bob_slack = slack_user("alice"), telegram_user("bob"), slack_user("bobsl")
    link_accounts(engine, bob, bob_slack)
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob")
    _age(sessions)
    assert _send_digests(sessions, _at("2026-05-04T09:00")) == 1
    with transaction(sessions) as session:
        rows = session.execute(select(Delivery.platform, Delivery.chat_id, Delivery.idempotency_key, Delivery.status)
                               .where(Delivery.kind == "digest").order_by(Delivery.platform)).all()
    assert [(r.platform, r.chat_id, r.status) for r in rows] == [
        ("slack", bob_slack.chat_id, "pending"), ("telegram", bob.chat_id, "pending"),
    ]
    assert len({r.idempotency_key for r in rows}) == 2 and all("d:2026-05-04" in r.idempotency_key for r in rows)


def test_the_digest_command_shows_and_sets_the_schedule(engine):
    alice = slack_user("alice")
    assert "daily 09:00 UTC (the default)" in say(engine, alice, "digest").text
    assert say(engine, alice, "digest weekly Friday 17:00 Europe/Paris").text == "Your digest is now weekly fri 17:00 Europe/Paris."
    assert "weekly fri 17:00 Europe/Paris" in say(engine, alice, "digest").text
    assert "Use: digest off" in engine.run(alice, "digest sometimes").text


def test_messages_from_someone_you_blocked_do_not_reach_you_in_a_digest(engine, sessions):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob @carol")
    say(engine, bob, "read c1")
    say(engine, bob, "block @alice")
    say(engine, alice, "reply c1 bob, are you ignoring me?")
    _age(sessions)
    assert "carol" in _due(sessions, _at("2026-05-04T09:00"))
    assert "bob" not in _due(sessions, _at("2026-05-04T09:00")), "no delivery to bob, so no digest either"
