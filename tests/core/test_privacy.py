"""Who sees what: a conversation is its whole membership, and a block hides its sender everywhere."""

from __future__ import annotations

from core import pages
from core.results import InviteLink
from core.db import transaction
from sqlalchemy import select

from core.models import Delivery, Invite, Message, Person
from tests.factories import connect, count_rows, friends, say, slack_user, telegram_user


def _invite_code(reply) -> str:
    (invite,) = [item for item in reply.items if isinstance(item, InviteLink)]
    return invite.code


def test_a_conversation_waiting_for_an_invitee_never_takes_one_to_one_messages(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    assert "in c1" in say(engine, alice, "send p1 to @bob hello").text
    invited = say(engine, alice, "send p1 to @bob @carol for the three of us")
    assert "in c2" in invited.text
    assert "in c1" in say(engine, alice, "send p1 to @bob just between us").text
    assert "in c1" in say(engine, bob, "send p1 to @alice me too").text
    carol = telegram_user("carol")
    say(engine, carol, f"join {_invite_code(invited)}")
    history = say(engine, carol, "read c2").text
    assert "for the three of us" in history
    assert "just between us" not in history and "me too" not in history


def test_sending_again_to_the_same_people_and_invitee_continues_with_the_same_invite(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    first = _invite_code(say(engine, alice, "send p1 to @bob @carol one"))
    again = say(engine, alice, "send p1 to @carol @bob two")
    assert "in c1" in again.text and _invite_code(again) == first
    assert count_rows(sessions, Invite) == 1


def test_after_the_invitee_joins_the_full_group_continues_that_conversation(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    code = _invite_code(say(engine, alice, "send p1 to @bob @carol hi"))
    say(engine, telegram_user("carol"), f"join {code}")
    assert "in c1" in say(engine, alice, "send p1 to @bob @carol all here").text
    assert "in c2" in say(engine, alice, "send p1 to @bob only bob").text


def test_the_invite_page_shows_only_what_the_invite_was_made_for(engine, sessions, settings):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    code = _invite_code(say(engine, alice, "send p1 to @bob @carol look"))
    say(engine, alice, "board new Gifts secret")
    say(engine, alice, "new https://example.com/ring Engagement ring")
    say(engine, alice, "save p2 to Gifts")
    say(engine, alice, "send p2 to @bob shh")  # Alice and Bob alone: never into the invite's conversation
    with transaction(sessions) as session:
        page = pages.invite_page(session, settings, code)
    assert page.pin.title == "Boots"


def test_the_newcomer_is_welcomed_with_what_the_invite_was_made_for(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    code = _invite_code(say(engine, alice, "send p1 to @bob @carol look"))
    say(engine, alice, "new https://example.com/ring Ring")
    say(engine, alice, "send p2 to @bob later, just for bob")
    joined = say(engine, telegram_user("carol"), f"join {code}")
    assert "sent you p1: “Boots”" in joined.text


def _group_with_a_block(engine):
    """alice, bob and carol talk in c1; then bob blocks carol, who writes on."""
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), telegram_user("carol")
    connect(engine, alice, bob, carol)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob @carol trip?")
    say(engine, carol, "reply c1 before the block")
    say(engine, bob, "block @carol")
    say(engine, carol, "reply c1 during the block")
    return alice, bob, carol


def test_a_blocked_persons_new_messages_are_not_in_the_inbox_history_or_unread(engine):
    alice, bob, carol = _group_with_a_block(engine)
    inbox = say(engine, bob, "inbox")
    assert "during the block" not in inbox.text
    (row,) = inbox.items
    assert row.unread == 1 and row.last_line == "@alice: p1 “Boots” trip?"
    history = say(engine, bob, "read c1").text
    assert "during the block" not in history and "before the block" not in history
    assert "during the block" in say(engine, alice, "read c1").text  # the others still see it


def test_after_an_unblock_what_was_written_during_the_block_stays_unseen(engine):
    alice, bob, carol = _group_with_a_block(engine)
    say(engine, bob, "unblock @carol")
    assert engine.digest_preview("bob").total == 2  # alice's pin and carol's earlier reply, not the blocked one
    history = say(engine, bob, "read c1").text
    assert "before the block" in history and "during the block" not in history


def test_a_dismissed_conversation_stays_hidden_when_only_a_blocked_person_writes(engine):
    alice, bob, carol = _group_with_a_block(engine)
    say(engine, bob, "dismiss c1")
    say(engine, carol, "reply c1 still here")
    assert "Your inbox is empty" in say(engine, bob, "inbox").text
    say(engine, alice, "reply c1 back from alice")
    assert "back from alice" in say(engine, bob, "inbox").text


def test_a_message_written_during_a_block_is_not_delivered_to_the_blocker(engine, sessions):
    _group_with_a_block(engine)
    with transaction(sessions) as session:
        during = session.scalar(select(Message).where(Message.text == "during the block"))
        recipients = set(session.scalars(select(Delivery.person_id).where(Delivery.message_id == during.id)))
        alice = session.scalar(select(Person.id).where(Person.handle == "alice"))
    assert recipients == {alice}
