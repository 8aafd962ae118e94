"""Work that grows with a batch costs the same few statements whatever the batch's size."""

from __future__ import annotations

import contextlib

from sqlalchemy import event

from core import deliveries, recording
from core.clock import utcnow
from core.db import transaction
from core.ports import Sent
from tests.factories import friends, pin_sent_to_readers, say, slack_user, telegram_user


@contextlib.contextmanager
def statements(db):
    """Every SQL statement the engine runs meanwhile (executemany counts once)."""
    seen: list[str] = []
    listener = lambda conn, cursor, statement, *rest: seen.append(statement)  # noqa: E731
    event.listen(db, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db, "before_cursor_execute", listener)


def test_reading_a_conversation_of_twenty_pins_loads_the_pins_in_one_query(engine, db):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    for n in range(20):
        say(engine, alice, f"new https://example.com/{n} Pin {n}")
        say(engine, alice, f"send p{n + 1} to @bob number {n}")
    with statements(db) as seen:
        assert "Pin 19" in say(engine, bob, "read c1").text
    assert len([s for s in seen if "FROM pins" in s]) == 1, [s for s in seen if "FROM pins" in s]


def _pending(engine, sessions, readers: int):
    pin_sent_to_readers(engine, readers, prefix=f"x{readers}r")  # names of their own for each size
    with transaction(sessions) as session:
        claimed = deliveries.claim(session, "w1", utcnow(), 100, 120)
        return [(c.delivery.id, c.lane_id) for c in claimed]


def test_recording_a_batch_takes_the_same_statements_for_3_or_30_deliveries(engine, sessions, db):
    counts = []
    for size in (3, 30):
        claimed = _pending(engine, sessions, size)
        with statements(db) as seen, transaction(sessions) as session:
            recording.record_many(session, [(d, lane, Sent(f"{d}"), 1.0, None) for d, lane in claimed], "w1", utcnow(), 8)
        counts.append(len(seen))
        assert len(claimed) == size
    assert counts[0] == counts[1] <= 8, counts


def test_a_send_to_a_group_of_ten_takes_the_same_few_statements_as_a_send_to_two(engine, db):
    alice = slack_user("alice")
    counts = []
    for size in (1, 9):
        group = [telegram_user(f"g{size}x{n}") for n in range(size)]
        friends(engine, alice, *group)
        command = f"send p1 to {' '.join('@' + engine.ensure(p) for p in group)} hi"
        say(engine, alice, "new https://example.com/a A")
        say(engine, alice, command)  # the conversation exists from here on
        with statements(db) as seen:
            say(engine, alice, command + " again")
        counts.append(len([s for s in seen if not s.startswith("BEGIN")]))
    # speaker, pin, people, conversation with the block check, [its row lock,] message, read position,
    # lanes, deliveries (a home refresh costs nothing here: nobody in it opened their App Home)
    limit = 8 if db.dialect.name == "sqlite" else 9
    assert counts[0] == counts[1] <= limit, counts
