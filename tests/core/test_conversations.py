"""Conversations (F2, F3, F6, F10) and the outbox written with every message (SPEC §6)."""

from __future__ import annotations

from sqlalchemy import select

from core.db import transaction
from core.models import Conversation, Delivery, Message, Person
from tests.factories import (
    connect,
    count_rows,
    friends,
    link_accounts,
    refuse,
    say,
    slack_user,
    telegram_user,
)

BOOTS = "new https://example.com/boots Boots"


def _people(prefix: str, n: int):
    return [telegram_user(f"{prefix}{i:02d}") for i in range(n)]


def _deliveries_of(sessions, message_text: str) -> list[tuple[str, str, str]]:
    """(recipient handle, platform, idempotency key) for every delivery of one message."""
    with transaction(sessions) as session:
        rows = session.execute(
            select(Person.handle, Delivery.platform, Delivery.idempotency_key)
            .join(Person, Person.id == Delivery.person_id)
            .join(Message, Message.id == Delivery.message_id)
            .where(Message.text == message_text)
            .order_by(Person.handle, Delivery.platform)
        ).all()
    return [tuple(row) for row in rows]


# Who may be in a conversation ----------------------------------------------


def test_a_group_of_ten_including_the_sender_is_allowed(engine):
    alice, others = slack_user("alice"), _people("friend", 9)
    connect(engine, alice, *others)
    say(engine, alice, BOOTS)
    handles = " ".join(f"@{engine.ensure(p)}" for p in others)
    reply = say(engine, alice, f"send p1 to {handles} hi all")
    assert len(say(engine, alice, "inbox").items[0].participants) == 9
    assert reply.conversation_ref == "c1"


def test_a_group_of_eleven_is_refused_naming_the_limit(engine, sessions):
    alice, others = slack_user("alice"), _people("friend", 10)
    connect(engine, alice, *others)
    say(engine, alice, BOOTS)
    handles = " ".join(f"@{engine.ensure(p)}" for p in others)
    reply = refuse(engine, alice, f"send p1 to {handles} hi all")
    assert "at most 10 people including you" in reply.text and "11" in reply.text
    assert count_rows(sessions, Conversation) == 0


def test_the_group_limit_counts_invited_newcomers(engine, sessions):
    alice, others = slack_user("alice"), _people("friend", 8)
    connect(engine, alice, *others)
    say(engine, alice, BOOTS)
    handles = " ".join(f"@{engine.ensure(p)}" for p in others)
    assert "at most 10" in refuse(engine, alice, f"send p1 to {handles} @new1 @new2").text
    assert count_rows(sessions, Conversation) == 0
    assert say(engine, alice, f"send p1 to {handles} @new1").ok


def test_naming_someone_twice_counts_them_once(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob @BOB,@bob @alice")
    assert say(engine, bob, "inbox").items[0].participants == ("alice",)


def test_sending_to_yourself_is_refused(engine, sessions):
    alice = slack_user("alice")
    say(engine, alice, BOOTS)
    assert "someone other than yourself" in refuse(engine, alice, "send p1 to @alice").text
    assert count_rows(sessions, Conversation) == 0


def test_sending_to_the_same_people_again_continues_their_one_conversation(engine):
    # Decision: a set of people has one conversation (the newest, when several exist),
    # whoever starts it and in whatever order they are named.
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, BOOTS)
    assert say(engine, alice, "send p1 to @bob @carol").conversation_ref == "c1"
    assert say(engine, alice, "send p1 to @carol, @bob").conversation_ref == "c1"
    say(engine, bob, "new https://example.com/tent Tent")
    assert say(engine, bob, "send p2 to @carol @alice").conversation_ref == "c1"


def test_a_different_set_of_people_gets_a_new_conversation(engine):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, BOOTS)
    assert say(engine, alice, "send p1 to @bob").conversation_ref == "c1"
    assert say(engine, alice, "send p1 to @bob @carol").conversation_ref == "c2"
    assert say(engine, alice, "send p1 to @carol").conversation_ref == "c3"


def test_sending_a_new_link_pins_it_and_saves_it(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    reply = say(engine, alice, "send https://example.com/tent to @bob look")
    assert reply.items[0].ref == "p1" and reply.items[0].url == "https://example.com/tent"
    assert say(engine, alice, "boards").items[0].pin_count == 1
    assert "look" in say(engine, bob, "read c1").text


# What can be sent ----------------------------------------------------------


def test_messages_can_carry_a_pin_a_board_or_a_profile(engine):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob)
    engine.ensure(carol)
    say(engine, alice, BOOTS)
    say(engine, alice, "board new Summer trips")
    say(engine, alice, "save p1 to summer trips")
    say(engine, alice, "send p1 to @bob pin!")
    assert say(engine, alice, "share board Summer trips to @bob board!").conversation_ref == "c1"
    assert say(engine, alice, "share profile @carol to @bob profile!").conversation_ref == "c1"
    say(engine, bob, "reply c1 text!")
    views = say(engine, bob, "read c1").items
    assert [(v.kind, v.text) for v in views] == [("pin", "pin!"), ("board", "board!"), ("profile", "profile!"), ("text", "text!")]
    assert views[0].pin.ref == "p1"
    assert (views[1].board.name, views[1].board.owner_handle, views[1].board.pin_count) == ("Summer trips", "alice", 1)
    assert views[2].profile.handle == "carol"


def test_a_secret_board_cannot_be_shared(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "board new Diary secret")
    assert "secret" in refuse(engine, alice, "share board Diary to @bob").text
    assert count_rows(sessions, Message) == 0


def test_only_your_own_boards_can_be_shared(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, bob, "board new Tents")
    assert "no board called" in refuse(engine, alice, "share board Tents to @bob").text


# Only participants ---------------------------------------------------------


def test_an_outsider_cannot_read_reply_dismiss_or_mark_read(engine, sessions):
    alice, bob, eve = slack_user("alice"), telegram_user("bob"), slack_user("eve")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob our secret plan")
    for command in ("read c1", "reply c1 hi", "dismiss c1"):
        reply = refuse(engine, eve, command)
        assert reply.text == "You have no conversation c1.", command
        assert "secret plan" not in reply.text and "@bob" not in reply.text
    assert not engine.mark_read(eve, "c1").ok
    assert refuse(engine, eve, "read c2").text == "You have no conversation c2.", "missing and forbidden look alike"
    assert count_rows(sessions, Message) == 1


# Unread, read, dismiss -----------------------------------------------------


def _unread(engine, who) -> dict[str, int]:
    return {row.ref: row.unread for row in say(engine, who, "inbox").items}


def test_unread_counts_are_kept_per_participant(engine):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob @carol")
    say(engine, bob, "reply c1 nice")
    say(engine, bob, "reply c1 very nice")
    assert _unread(engine, alice) == {"c1": 2}
    assert _unread(engine, bob) == {"c1": 0}, "replying read alice's pin"
    assert _unread(engine, carol) == {"c1": 3}
    assert "3 unread" in say(engine, carol, "inbox").text
    say(engine, carol, "reply c1 thanks")
    assert (_unread(engine, alice), _unread(engine, bob), _unread(engine, carol)) == ({"c1": 3}, {"c1": 1}, {"c1": 0})


def test_sending_marks_the_conversation_read_for_the_sender(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob")
    say(engine, bob, "reply c1 one")
    say(engine, bob, "reply c1 two")
    assert _unread(engine, alice) == {"c1": 2}
    say(engine, alice, "reply c1 answering both")
    assert _unread(engine, alice) == {"c1": 0}
    assert _unread(engine, bob) == {"c1": 1}


def test_reading_marks_read_and_shows_the_history_oldest_first(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob first")
    say(engine, alice, "reply c1 second")
    history = say(engine, bob, "read c1")
    assert history.text.index("first") < history.text.index("second")
    assert history.conversation_ref == "c1"
    assert _unread(engine, bob) == {"c1": 0}


def test_mark_read_clears_unread_without_history(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob first")
    reply = engine.mark_read(bob, "c1")
    assert reply.ok and "(1 message)" in reply.text
    assert _unread(engine, bob) == {"c1": 0}


def test_dismiss_hides_a_conversation_until_a_new_message_arrives(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob")
    say(engine, bob, "dismiss c1")
    assert say(engine, bob, "inbox").items == ()
    assert say(engine, alice, "inbox").items[0].ref == "c1", "dismissing is personal"
    assert "Boots" in say(engine, bob, "read c1").text, "a dismissed conversation can still be read"
    say(engine, alice, "reply c1 are you there?")
    assert _unread(engine, bob) == {"c1": 1}
    assert "are you there?" in say(engine, bob, "inbox").text


def test_inbox_lists_newest_first_with_the_last_line(engine):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob")
    say(engine, alice, "send p1 to @carol")
    say(engine, bob, "reply c1 latest words")
    rows = say(engine, alice, "inbox").items
    assert [row.ref for row in rows] == ["c1", "c2"]
    assert rows[0].last_line == "@bob: latest words"


# Length limits -------------------------------------------------------------


def test_an_over_long_message_is_refused_and_nothing_is_stored(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    assert "limit is 2000" in refuse(engine, alice, "send p1 to @bob " + "x" * 2001).text
    assert count_rows(sessions, Conversation) == 0
    ref = say(engine, alice, "send p1 to @bob").conversation_ref  # PostgreSQL sequences may skip a number
    assert "limit is 2000" in refuse(engine, bob, f"reply {ref} " + "y" * 2001).text
    assert count_rows(sessions, Message) == 1 and count_rows(sessions, Delivery) == 1
    assert say(engine, bob, f"reply {ref} " + "y" * 2000).ok


# The outbox (SPEC §6: stored together, one row per destination) ------------


def test_each_recipient_destination_gets_exactly_one_delivery(engine, sessions):
    alice, bob_slack, bob_telegram, carol = slack_user("alice"), slack_user("bob"), telegram_user("bobtg"), telegram_user("carol")
    link_accounts(engine, bob_slack, bob_telegram)
    friends(engine, alice, bob_slack, carol)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob @carol to both of you")
    rows = _deliveries_of(sessions, "to both of you")
    assert [(h, p) for h, p, _ in rows] == [("bob", "slack"), ("bob", "telegram"), ("carol", "telegram")]
    assert len({key for _, _, key in rows}) == 3
    say(engine, bob_slack, "deliver telegram")
    say(engine, alice, "reply c1 telegram only")
    assert [(h, p) for h, p, _ in _deliveries_of(sessions, "telegram only")] == [("bob", "telegram"), ("carol", "telegram")]


def test_deliveries_name_the_destination_chat(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @bob")
    with transaction(sessions) as session:
        delivery = session.scalar(select(Delivery))
        assert (delivery.kind, delivery.status, delivery.platform, delivery.chat_id) == ("message", "pending", "telegram", bob.chat_id)


def test_a_refused_send_writes_no_message_and_no_delivery(engine, sessions):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    connect(engine, alice, bob)
    engine.ensure(carol)
    say(engine, alice, BOOTS)
    for bad in ("send p1 to @bob @carol", "send p9 to @bob", "send javascript:x to @bob", "send p1 to @bob " + "z" * 2001):
        refuse(engine, alice, bad)
    assert (count_rows(sessions, Conversation), count_rows(sessions, Message), count_rows(sessions, Delivery)) == (0, 0, 0)


def test_inbox_rows_name_the_others_not_the_reader(engine):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), telegram_user("carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob @carol hi")
    assert say(engine, bob, "inbox").items[0].participants == ("alice", "carol")


def test_answering_a_reply_prompt_by_replying_to_it_settles_the_prompt(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    assert engine.await_reply(bob, "c1").ok
    engine.remember("telegram", bob.chat_id, "900", "c1")  # the prompt message Bob answers
    assert engine.reply_to_remote(bob, bob.chat_id, "900", "yes!").ok
    assert engine.reply_pending(bob, "unrelated later text") is None, "the prompt was used up"
