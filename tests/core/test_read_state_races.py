"""Read state under concurrency: posts racing each other, and a reader racing a post still being written."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event

from core import conversations
from core.db import transaction
from core.models import Conversation, Message, Person
from tests.factories import friends, say, slack_user, telegram_user


def _postgres_only(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one writer at a time)")


def _talking(engine):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), telegram_user("carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob @carol hi")
    return alice, bob, carol


def test_after_racing_posts_reading_leaves_nothing_unread_and_the_inbox_shows_the_newest(engine, db_url):
    _postgres_only(db_url)
    alice, bob, carol = _talking(engine)
    start = threading.Barrier(2)

    def post(who, name: str) -> None:
        start.wait()
        for n in range(15):
            assert engine.reply(who, "c1", f"{name} {n}").ok

    threads = [threading.Thread(target=post, args=(who, name)) for who, name in ((bob, "bob"), (carol, "carol"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    say(engine, alice, "read c1")
    (row,) = say(engine, alice, "inbox").items
    assert row.unread == 0
    newest = max(("bob 14", "carol 14"), key=lambda text: _id_of(engine, text))
    assert row.last_line.endswith(newest)


def test_two_posts_committing_out_of_order_leave_no_message_behind(engine, db_url):
    """Bob's message gets the lower id but commits last: reading must still see the newest one."""
    _postgres_only(db_url)
    alice, bob, carol = _talking(engine)
    carol_done = threading.Event()

    def hold_after_insert(_mapper, _connection, message) -> None:
        if threading.current_thread().name == "bob" and message.text == "bob first":
            carol_done.wait(2)  # a bound on waiting: Carol may finish meanwhile (or wait for Bob's lock)

    taken = _sequence(engine)
    event.listen(Message, "after_insert", hold_after_insert)
    try:
        bob_posts = threading.Thread(target=lambda: engine.reply(bob, "c1", "bob first"), name="bob")
        bob_posts.start()
        while _sequence(engine) == taken and bob_posts.is_alive():
            pass  # until Bob's message holds its (lower) id, uncommitted
        carol_posts = threading.Thread(target=lambda: (engine.reply(carol, "c1", "carol second"), carol_done.set()))
        carol_posts.start()
        bob_posts.join(30)
        carol_posts.join(30)
    finally:
        event.remove(Message, "after_insert", hold_after_insert)
    say(engine, alice, "read c1")
    (row,) = say(engine, alice, "inbox").items
    assert row.unread == 0
    newest = max(("bob first", "carol second"), key=lambda text: _id_of(engine, text))
    assert row.last_line.endswith(newest)


def _sequence(engine) -> int:
    """The last message id handed out, committed or not."""
    from sqlalchemy import text

    with transaction(engine.sessions) as session:
        return session.execute(text("SELECT last_value FROM messages_id_seq")).scalar()


def _id_of(engine, text: str) -> int:
    from sqlalchemy import select

    from core.models import Message

    with transaction(engine.sessions) as session:
        return session.scalar(select(Message.id).where(Message.text == text))


def test_a_message_still_being_written_is_not_marked_read_by_a_reader_in_between(engine, db_url, settings):
    _postgres_only(db_url)
    alice, bob, carol = _talking(engine)
    written, release, second_done = threading.Event(), threading.Event(), threading.Event()

    def slow_post() -> None:  # Bob's message: stored, but its transaction not committed yet
        with transaction(engine.sessions) as session:
            conversation = session.get(Conversation, 1)
            sender = session.query(Person).filter_by(handle="bob").one()
            conversations.post(session, settings, conversation, sender, text="slow one")
            written.set()
            release.wait(30)

    slow = threading.Thread(target=slow_post)
    slow.start()
    written.wait(10)
    quick = threading.Thread(target=lambda: (engine.reply(carol, "c1", "quick one"), second_done.set()))
    quick.start()  # waits for Bob's post: messages of one conversation commit in id order
    say(engine, alice, "read c1")  # Alice reads while Bob's message is still being written
    release.set()
    slow.join(30)
    quick.join(30)
    (row,) = say(engine, alice, "inbox").items
    assert row.unread == 2, "both messages written after Alice read are unread"
