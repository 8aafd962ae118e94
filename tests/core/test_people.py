"""People (F8): handles, follows, the mutual-follow gate, blocks and contacts."""

from __future__ import annotations

from sqlalchemy import select

from core.db import transaction
from core.engine import Engine
from core.models import Delivery, Follow, Message, Person
from core.people import Identity
from tests.factories import (
    shipped_settings,
    connect,
    count_rows,
    friends,
    refuse,
    say,
    slack_user,
    telegram_user,
)


def _person_id(sessions, handle: str) -> int:
    with transaction(sessions) as session:
        return session.scalar(select(Person.id).where(Person.handle == handle))


# Handles -------------------------------------------------------------------


def test_a_new_account_gets_its_platform_username_as_handle(engine):
    assert engine.ensure(slack_user("Alice.Smith")) == "alice.smith"
    assert engine.ensure(telegram_user("Bob-Marley")) == "bobmarley"


def test_two_people_with_the_same_username_get_distinct_handles(engine):
    first, second, third = slack_user("bob"), telegram_user("bob"), telegram_user("BOB")
    assert [engine.ensure(p) for p in (first, second, third)] == ["bob", "bob2", "bob3"]
    assert engine.ensure(second) == "bob2", "a known account keeps its handle"


def test_a_one_letter_or_missing_username_still_gives_a_valid_handle(engine):
    assert engine.ensure(slack_user("x")) == "x_"
    nameless = Identity("telegram", "990001", chat_id="990001")
    handle = engine.ensure(nameless)
    assert handle == "user"
    assert say(engine, slack_user("ann"), f"follow @{handle}").ok


def test_a_very_long_username_is_cut_to_a_valid_handle(engine):
    handle = engine.ensure(slack_user("a" * 40))
    assert 2 <= len(handle) <= 32 and set(handle) == {"a"}
    assert engine.ensure(telegram_user("a" * 40)) != handle


def test_invalid_handles_are_refused_with_the_rule(engine):
    alice = slack_user("alice")
    for bad in ("A!", "a", "x" * 33, "bad/handle", "émile"):
        reply = refuse(engine, alice, f"handle {bad}")
        assert "2–32" in reply.text, bad
    assert "Usage" in refuse(engine, alice, "handle two words").text
    assert engine.ensure(alice) == "alice", "a refused rename changes nothing"


def test_rename_is_lower_cased_and_handles_resolve_in_any_case(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    assert say(engine, alice, "handle Bob_X").text == "You are now @bob_x."
    assert engine.ensure(alice) == "bob_x"
    assert "You follow @bob_x." in say(engine, bob, "follow @BOB_X").text


def test_renaming_to_a_taken_handle_is_refused_whatever_the_case(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    engine.ensure(bob)
    assert "taken" in refuse(engine, alice, "handle BOB").text
    assert engine.ensure(alice) == "alice"
    assert say(engine, alice, "handle Alice").text == "You are now @alice."


def test_the_old_handle_stops_resolving_after_a_rename(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    engine.ensure(alice)
    say(engine, alice, "handle ally")
    assert "I don't know @alice" in refuse(engine, bob, "follow @alice").text


# Follows -------------------------------------------------------------------


def test_following_twice_is_harmless(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    engine.ensure(bob)
    assert say(engine, alice, "follow @bob").text == "You follow @bob."
    assert say(engine, alice, "follow @bob").text == "You already follow @bob."
    assert count_rows(sessions, Follow) == 1


def test_unfollowing_twice_is_harmless(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    assert say(engine, alice, "unfollow @bob").text == "You no longer follow @bob."
    assert say(engine, alice, "unfollow @bob").text == "You weren't following @bob."
    assert count_rows(sessions, Follow) == 1, "bob still follows alice"


def test_following_back_tells_you_that_you_can_now_message(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    engine.ensure(alice)
    assert "follow each other" not in say(engine, bob, "follow @alice").text
    assert "follow each other" in say(engine, alice, "follow @bob").text


def test_you_cannot_follow_yourself_or_a_stranger(engine):
    alice = slack_user("alice")
    engine.ensure(alice)
    assert "yourself" in refuse(engine, alice, "follow @alice").text
    assert "@ghost" in refuse(engine, alice, "follow @ghost").text


# The mutual-follow gate (F8) -----------------------------------------------


def test_a_conversation_needs_the_recipient_to_follow_you(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    engine.ensure(bob)
    say(engine, alice, "follow @bob")
    say(engine, alice, "new https://example.com/boots Boots")
    reply = refuse(engine, alice, "send p1 to @bob")
    assert "@bob doesn't follow you" in reply.text
    assert count_rows(sessions, Message) == 0


def test_a_conversation_needs_you_to_follow_the_recipient_back(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    engine.ensure(alice)
    say(engine, bob, "follow @alice")
    say(engine, alice, "new https://example.com/boots Boots")
    reply = refuse(engine, alice, "send p1 to @bob")
    assert "Follow @bob back first" in reply.text
    assert count_rows(sessions, Message) == 0


def test_one_non_mutual_recipient_stops_the_whole_group(engine, sessions):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    connect(engine, alice, bob)
    engine.ensure(carol)
    say(engine, alice, "new https://example.com/boots Boots")
    assert "@carol" in refuse(engine, alice, "send p1 to @bob @carol").text
    assert count_rows(sessions, Message) == 0
    assert "empty" in say(engine, bob, "inbox").text


def test_without_the_mutual_follow_rule_anyone_can_message(sessions):
    open_engine = Engine(sessions, shipped_settings(require_mutual_follow=False))
    alice, bob = slack_user("alice"), telegram_user("bob")
    open_engine.ensure(bob)
    say(open_engine, alice, "new https://example.com/boots Boots")
    assert say(open_engine, alice, "send p1 to @bob hi").conversation_ref == "c1"
    assert "1 unread" in say(open_engine, bob, "inbox").text


def test_an_existing_conversation_keeps_working_after_an_unfollow(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob")
    say(engine, bob, "unfollow @alice")
    say(engine, alice, "unfollow @bob")
    assert say(engine, bob, "reply c1 still here").ok
    assert say(engine, alice, "send p1 to @bob again").conversation_ref == "c1"
    assert "again" in say(engine, bob, "read c1").text


# Blocks --------------------------------------------------------------------


def test_a_blocked_person_cannot_start_a_conversation_with_the_blocker(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, bob, "block @alice")
    say(engine, alice, "new https://example.com/boots Boots")
    assert "You can't message @bob" in refuse(engine, alice, "send p1 to @bob").text
    assert count_rows(sessions, Message) == 0


def test_the_blocker_cannot_start_a_conversation_with_the_blocked_either(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, bob, "block @alice")
    say(engine, bob, "new https://example.com/tent Tent")
    assert "unblock @alice" in refuse(engine, bob, "send p1 to @alice").text


def test_a_block_stops_a_send_into_the_conversation_that_already_exists_both_ways(engine, sessions):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob)
    friends(engine, alice, carol)
    friends(engine, bob, carol)
    say(engine, alice, "new https://example.com/boots Boots")
    assert say(engine, alice, "send p1 to @bob @carol").conversation_ref == "c1"
    say(engine, carol, "block @alice")  # one of two recipients blocks the sender
    assert "You can't message @carol" in refuse(engine, alice, "send p1 to @bob @carol again").text
    say(engine, bob, "new https://example.com/tent Tent")
    assert say(engine, bob, "send p2 to @alice @carol").conversation_ref == "c1"  # no block between them
    assert "unblock @alice" in refuse(engine, carol, "send p2 to @alice @bob").text  # the blocker, too
    assert count_rows(sessions, Message) == 2


def test_blocks_hold_even_when_mutual_follows_are_not_required(sessions):
    open_engine = Engine(sessions, shipped_settings(require_mutual_follow=False))
    alice, bob = slack_user("alice"), telegram_user("bob")
    open_engine.ensure(alice)
    say(open_engine, bob, "block @alice")
    say(open_engine, alice, "new https://example.com/boots Boots")
    refuse(open_engine, alice, "send p1 to @bob")


def test_blocking_removes_follows_both_ways_and_refuses_new_ones(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, bob, "block @alice")
    assert count_rows(sessions, Follow) == 0
    assert "No contacts" in say(engine, alice, "contacts").text
    assert "can't follow" in refuse(engine, alice, "follow @bob").text
    assert "can't follow" in refuse(engine, bob, "follow @alice").text


def test_a_reply_in_a_one_to_one_with_someone_who_blocked_you_is_refused(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob")
    say(engine, bob, "block @alice")
    refuse(engine, alice, "reply c1 hello?")
    assert count_rows(sessions, Message) == 1
    assert "hello?" not in say(engine, bob, "read c1").text


def test_in_a_group_the_blocker_stops_receiving_but_others_still_do(engine, sessions):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob @carol")
    say(engine, bob, "block @alice")
    say(engine, alice, "reply c1 anyone?")
    with transaction(sessions) as session:
        message_id = session.scalar(select(Message.id).where(Message.text == "anyone?"))
    assert message_id is not None
    bob_id, carol_id = _person_id(sessions, "bob"), _person_id(sessions, "carol")
    assert count_rows(sessions, Delivery, Delivery.message_id == message_id, Delivery.person_id == bob_id) == 0
    assert count_rows(sessions, Delivery, Delivery.message_id == message_id, Delivery.person_id == carol_id) == 1


def test_unblocking_lets_people_connect_again(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, bob, "block @alice")
    assert say(engine, bob, "unblock @alice").text == "Unblocked @alice."
    assert say(engine, bob, "unblock @alice").text == "@alice wasn't blocked."
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    assert say(engine, alice, "send p1 to @bob").ok


def test_you_cannot_block_yourself(engine):
    alice = slack_user("alice")
    engine.ensure(alice)
    assert "yourself" in refuse(engine, alice, "block @alice").text


# Contacts ------------------------------------------------------------------


def test_contacts_are_mutual_follows_sorted_by_handle(engine):
    alice = slack_user("alice")
    zed, bob, mia = telegram_user("zed"), slack_user("bob"), telegram_user("mia")
    one_way, blocked = slack_user("oneway"), telegram_user("blocked")
    connect(engine, alice, zed, bob, mia, blocked)
    engine.ensure(one_way)
    say(engine, alice, "follow @oneway")
    say(engine, blocked, "block @alice")
    reply = say(engine, alice, "contacts")
    assert [row.handle for row in reply.items] == ["bob", "mia", "zed"]
    assert reply.text.index("@bob") < reply.text.index("@mia") < reply.text.index("@zed")
    assert "@oneway" not in reply.text and "@blocked" not in reply.text
    assert {row.handle: row.platforms for row in reply.items}["mia"] == ("telegram",)
