"""A first end-to-end pass through the engine: pin, send, reply, read."""

from tests.factories import friends, refuse, say, slack_user, telegram_user


def test_alice_sends_bob_a_pin_and_bob_replies(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Hiking boots")
    sent = say(engine, alice, "send p1 to @bob Look at these!")
    assert sent.conversation_ref == "c1"
    inbox = say(engine, bob, "inbox")
    assert "1 unread" in inbox.text
    history = say(engine, bob, "read c1")
    assert "Look at these!" in history.text
    say(engine, bob, "reply c1 Love them")
    assert "1 unread" in say(engine, alice, "inbox").text
    assert "0 unread" not in say(engine, bob, "inbox").text


def test_unknown_word_gets_help_not_silence(engine):
    reply = refuse(engine, slack_user("carol"), "frobnicate now")
    assert "frobnicate" in reply.text and "send <pin>" in reply.text
