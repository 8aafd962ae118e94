"""The engine's rules for edits and deletes: only the author, only conversation messages, never past a block."""

from __future__ import annotations

from core.models import Delivery, Message
from tests.factories import count_rows, friends, say, slack_user, telegram_user


def replied(engine, alice, bob, text: str = "hello", source: str = "501"):
    """Alice sends Bob a pin; Bob answers by replying to its copy (platform message `source` in his chat)."""
    friends(engine, alice, bob)
    say(engine, alice, "send https://example.com/tent to @bob Look!")
    engine.remember(bob.platform, bob.chat_id, "400", "c1")  # the copy Bob got, as the worker records it
    reply = engine.reply_to_remote(bob, bob.chat_id, "400", text, (bob.chat_id, source))
    assert reply is not None and reply.ok
    return reply


def deliveries(engine, kind: str) -> int:
    return count_rows(engine.sessions, Delivery, Delivery.kind == kind)


def test_only_the_author_edits_and_only_what_they_typed_into_a_conversation(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob)
    assert engine.edit_remote(alice, bob.chat_id, "501", "forged") is None, "not Alice's message"
    assert engine.edit_remote(bob, bob.chat_id, "999", "unknown") is None, "not a conversation message"
    assert engine.edit_remote(bob, "other-chat", "501", "elsewhere") is None, "ids are per chat"
    assert engine.edit_remote(bob, bob.chat_id, "501", "hello") is None, "the same text: nothing changed"
    assert "forged" not in say(engine, alice, "read c1").text
    assert engine.edit_remote(bob, bob.chat_id, "501", "hello there").ok
    assert "hello there (edited)" in say(engine, alice, "read c1").text


def test_every_edit_queues_its_own_change_per_copy(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob)
    for take in range(3):
        engine.edit_remote(bob, bob.chat_id, "501", f"take {take}")
    assert deliveries(engine, "edit") == 3, "one per edit: the sending side coalesces them"


def test_an_edit_reaches_nobody_who_blocked_the_sender_since_but_a_delete_does(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob)
    say(engine, alice, "block @bob")
    assert engine.edit_remote(bob, bob.chat_id, "501", "something nasty").ok
    assert deliveries(engine, "edit") == 0
    assert engine.delete_remote(bob, bob.chat_id, "501")
    assert deliveries(engine, "delete") == 1


def test_a_deleted_message_loses_its_text_is_no_longer_unread_and_cannot_be_edited(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob, "a secret")
    assert "1 unread" in say(engine, alice, "inbox").text
    assert engine.delete_remote(bob, bob.chat_id, "501")
    assert not engine.delete_remote(bob, bob.chat_id, "501"), "once"
    assert engine.edit_remote(bob, bob.chat_id, "501", "back again") is None
    assert count_rows(engine.sessions, Message, Message.text.contains("secret")) == 0, "the text is gone from storage"
    assert "unread" not in say(engine, alice, "inbox").text
    assert "(message deleted)" in say(engine, alice, "read c1").text


def test_delete_asked_says_why_it_cannot(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob)
    assert "Reply to one of your messages" in engine.delete_asked(bob, bob.chat_id, None).text
    assert "isn't in a conversation" in engine.delete_asked(bob, bob.chat_id, "400").text
    carol = telegram_user("carol")
    assert "only delete your own" in engine.delete_asked(carol, bob.chat_id, "501").text
    assert engine.delete_asked(bob, bob.chat_id, "501").ok
    assert "already deleted" in engine.delete_asked(bob, bob.chat_id, "501").text


def test_an_edit_too_long_or_empty_is_refused_and_changes_nothing(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob)
    too_long = engine.edit_remote(bob, bob.chat_id, "501", "x" * (engine.settings.max_text_length + 1))
    assert not too_long.ok and "too long" in too_long.text
    assert not engine.edit_remote(bob, bob.chat_id, "501", "   ").ok
    assert deliveries(engine, "edit") == 0 and "hello" in say(engine, alice, "read c1").text


def test_an_older_edit_handed_over_after_a_newer_one_loses(engine):
    """Platforms and answer threads may hand edits over out of order: the one made last wins."""
    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob)
    assert engine.edit_remote(bob, bob.chat_id, "501", "third", "1700000003.000200").ok
    assert engine.edit_remote(bob, bob.chat_id, "501", "second", "1700000003.000100") is None
    assert engine.edit_remote(bob, bob.chat_id, "501", "first", 1700000001) is None
    assert "third (edited)" in say(engine, alice, "read c1").text
    assert engine.edit_remote(bob, bob.chat_id, "501", "fourth", 1700000004).ok


def test_edit_times_sort_as_time_does():
    from core.edits import stamp

    assert stamp("1700000003.0002") > stamp("1700000003.000100") > stamp(1700000003) > stamp("999999999.9")
    assert [stamp(bad) for bad in ("", "abc", "1.2.3", "-5", "1e9", "9" * 13)] == [None] * 6
