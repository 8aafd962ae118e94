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


def test_an_edit_back_to_the_stored_text_still_wins_over_an_older_one(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob, "hello")
    assert engine.edit_remote(bob, bob.chat_id, "501", "hello", "1700000002.000000") is None  # helo → hello, first
    assert engine.edit_remote(bob, bob.chat_id, "501", "helo", "1700000001.000000") is None  # the older, late
    assert "helo" not in say(engine, alice, "read c1").text


def test_text_edited_during_a_block_stays_unseen_after_the_unblock(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob, "nice pin")
    say(engine, alice, "block @bob")
    assert engine.edit_remote(bob, bob.chat_id, "501", "ABUSE written during the block").ok
    say(engine, alice, "unblock @bob")
    assert "ABUSE" not in say(engine, alice, "read c1").text


def test_a_copy_not_yet_delivered_goes_to_nobody_who_blocks_its_sender_now(engine):
    from bridge.pacing import UNPACED
    from bridge.worker import DeliveryWorker
    from core.ports import Sent

    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob, "nice pin")  # Alice's copy of Bob's reply is still waiting
    say(engine, alice, "block @bob")
    engine.edit_remote(bob, bob.chat_id, "501", "ABUSE after the block")
    seen = []

    class Recording:
        def __init__(self, platform):
            self.platform = platform

        def send(self, outgoing):
            seen.append(outgoing.message.text if outgoing.message else outgoing.kind)
            return Sent("1.0")

    worker = DeliveryWorker(engine.sessions, engine.settings,
                            {"slack": Recording("slack"), "telegram": Recording("telegram")}, pacing=UNPACED, threads=1)
    while worker.run_once():
        pass
    assert not any("ABUSE" in text or "nice pin" in text for text in seen), seen
    assert count_rows(engine.sessions, Delivery, Delivery.status == "skipped") >= 1


def test_a_deleted_message_leaves_the_digests_that_quoted_it(engine):
    from sqlalchemy import select

    from bridge.digests import run_due
    from core.db import transaction

    alice, bob = slack_user("alice"), telegram_user("bob")
    replied(engine, alice, bob, "my bank pin is 4321")
    assert run_due(engine.sessions, "daily 09:00 UTC", everyone=True) >= 1
    assert engine.delete_remote(bob, bob.chat_id, "501")
    with transaction(engine.sessions) as session:
        digests = {payload["handle"]: (payload, status) for payload, status in session.execute(
            select(Delivery.payload, Delivery.status).where(Delivery.kind == "digest"))}
    assert not any("4321" in str(payload) for payload, _ in digests.values())
    assert digests["alice"] == ({**digests["alice"][0], "total": 0, "conversations": []}, "skipped"), \
        "Alice's digest listed only the deleted reply: it is not sent"


def test_edits_deletes_and_blocks_refresh_the_homes_of_those_who_opened_them(engine):
    from sqlalchemy import delete as remove

    from core.db import transaction

    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    engine.open_home(alice)
    say(engine, alice, "send https://example.com/tent to @bob Look!")
    engine.remember(bob.platform, bob.chat_id, "400", "c1")
    engine.reply_to_remote(bob, bob.chat_id, "400", "old words", (bob.chat_id, "501"))

    def refreshed_by(change) -> int:
        with transaction(engine.sessions) as session:
            session.execute(remove(Delivery).where(Delivery.kind == "home"))  # as if published
        change()
        return count_rows(engine.sessions, Delivery, Delivery.kind == "home")

    assert refreshed_by(lambda: engine.edit_remote(bob, bob.chat_id, "501", "new words")) == 1
    assert refreshed_by(lambda: engine.delete_remote(bob, bob.chat_id, "501")) == 1
    assert refreshed_by(lambda: say(engine, alice, "block @bob")) == 1
