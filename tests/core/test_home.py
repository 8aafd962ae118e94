"""A person's App Home: what it shows (only their own things) and how its refreshes are queued and coalesced."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import deliveries, outgoing, refreshes
from core.clock import utcnow
from core.db import reading, transaction
from core.home import SHOWN
from core.models import Delivery, Person
from tests.core.test_statement_counts import statements
from tests.factories import count_rows, friends, say, slack_user, telegram_user


def _view(engine, identity):
    return engine.open_home(identity)


def _homes(sessions):
    with reading(sessions) as session:
        return list(session.execute(
            select(Delivery.person_id, Delivery.chat_id, Delivery.idempotency_key, Delivery.next_attempt_at)
            .where(Delivery.kind == "home").order_by(Delivery.id)
        ))


def test_the_home_shows_the_persons_inbox_boards_digest_and_accounts(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "send p1 to @bob Look!")
    say(engine, bob, "reply c1 Nice boots")
    say(engine, alice, "board new Trips secret")
    say(engine, alice, "digest weekly mon 08:30 Europe/Berlin")
    say(engine, alice, "deliver slack")

    view = _view(engine, alice)

    assert view.handle == "alice"
    [row] = view.conversations
    assert (row.ref, row.participants, row.unread, row.last_line) == ("c1", ("bob",), 1, "@bob: Nice boots")
    assert [(b.name, b.pin_count, b.secret) for b in view.boards] == [("Saved", 1, False), ("Trips", 0, True)]
    assert (view.digest, view.digest_kind, view.digest_is_default) == ("weekly mon 08:30 Europe/Berlin", "weekly", False)
    assert view.delivery == ("slack",)
    assert [(a.platform, a.username) for a in view.accounts] == [("slack", "alice")]
    assert ("telegram", "Telegram") in view.platforms


def test_someone_elses_secret_board_and_conversations_never_show(engine):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), telegram_user("carol")
    friends(engine, bob, carol)
    say(engine, bob, "board new Diary secret")
    say(engine, bob, "new https://example.com/x X")
    say(engine, bob, "send p1 to @carol private")

    view = _view(engine, alice)

    assert view.conversations == () and view.boards == ()
    assert [b.name for b in _view(engine, bob).boards] == ["Saved", "Diary"]  # the owner sees their own secret board


def test_a_dismissed_conversation_leaves_the_home_until_someone_writes(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    say(engine, alice, "dismiss c1")
    assert _view(engine, alice).conversations == ()
    say(engine, bob, "reply c1 back again")
    assert [r.ref for r in _view(engine, alice).conversations] == ["c1"]


def test_the_home_shows_ten_conversations_and_ten_boards_and_counts_the_rest(engine):
    alice = slack_user("alice")
    others = [telegram_user(f"h{n}") for n in range(SHOWN + 2)]
    friends(engine, alice, *others)
    say(engine, alice, "new https://example.com/a A")
    for n, other in enumerate(others):
        say(engine, alice, f"send p1 to @{engine.ensure(other)} hi {n}")
    for n in range(SHOWN + 2):  # and "Saved", where `new` put p1
        say(engine, alice, f"board new B{n:02d}")

    view = _view(engine, alice)

    assert len(view.conversations) == SHOWN and view.more_conversations == 2
    assert view.conversations[0].last_line == f"@alice: p1 “A” hi {SHOWN + 1}"  # newest first
    assert len(view.boards) == SHOWN and view.more_boards == 3


def test_no_refresh_is_queued_for_someone_who_never_opened_the_home(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    say(engine, alice, "board new Trips")
    assert _homes(sessions) == []


def test_ten_messages_in_one_window_make_one_refresh_due_when_the_window_ends(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob first")
    _view(engine, alice)
    now = utcnow()
    bucket, due = refreshes.window_end(now)
    with transaction(sessions) as session:
        alice_id = session.scalar(select(Person.id).where(Person.handle == "alice"))
        for _ in range(10):
            refreshes.queue_refresh(session, [alice_id], now)

    [home] = _homes(sessions)
    assert home.chat_id == f"home:{alice.external_id}" and home.idempotency_key.endswith(f":{bucket}")
    assert home.next_attempt_at == due and due > now

    with transaction(sessions) as session:
        refreshes.queue_refresh(session, [alice_id], due + timedelta(seconds=0.5))  # the next window
    assert len(_homes(sessions)) == 2


def test_a_reply_refreshes_every_participants_home_once_and_the_view_is_built_when_claimed(engine, sessions, settings):
    alice, bob = slack_user("alice"), slack_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob first")
    _view(engine, alice), _view(engine, bob)
    for n in range(10):
        say(engine, bob, f"reply c1 number {n}")

    homes = _homes(sessions)
    assert sorted(h.chat_id for h in homes) == sorted([f"home:{alice.external_id}", f"home:{bob.external_id}"])
    with transaction(sessions) as session:
        later = max(h.next_attempt_at for h in homes)
        built = outgoing.build(session, settings, deliveries.claim(session, "w1", later, 10, 60))
    homes_built = {o.recipient_id: o for o in built if o.kind == "home"}
    assert set(homes_built) == {alice.external_id, bob.external_id}
    [row] = homes_built[alice.external_id].home.conversations
    assert row.last_line == "@bob: number 9" and row.unread == 10  # the last change of the window


def test_reading_saving_and_settings_refresh_the_home(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, bob, "new https://example.com/a A")
    say(engine, bob, "send p1 to @alice hi")
    _view(engine, alice)
    for command in ("read c1", "save p1", "board new Trips", "digest off", "deliver slack", "handle alicia"):
        with transaction(sessions) as session:
            session.execute(Delivery.__table__.delete().where(Delivery.kind == "home"))
        say(engine, alice, command)
        assert count_rows(sessions, Delivery, Delivery.kind == "home") == 1, command


def test_a_send_pays_one_statement_for_the_homes_of_all_its_readers(engine, db, sessions):
    alice = slack_user("alice")
    group = [slack_user(f"m{n}") for n in range(4)]
    friends(engine, alice, *group)
    say(engine, alice, "new https://example.com/a A")
    command = f"send p1 to {' '.join('@' + engine.ensure(p) for p in group)} hi"
    say(engine, alice, command)
    for person in (alice, *group):
        _view(engine, person)
    with statements(db) as seen:
        say(engine, alice, command + " again")
    assert len([s for s in seen if "INSERT INTO deliveries" in s and "FROM accounts" in s]) == 1
    assert count_rows(sessions, Delivery, Delivery.kind == "home") == 5


def test_a_time_zone_this_host_does_not_know_is_not_kept_and_holds_up_no_delivery(engine):
    """A platform may report a zone this host's tzdata lacks: kept, it broke every home page and, with the
    home in the worker's batch, every delivery after it."""
    import dataclasses

    from bridge.pacing import UNPACED
    from bridge.worker import DeliveryWorker
    from core.ports import Sent

    mallory, alice, bob = slack_user("mallory"), slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob, mallory)
    engine.open_home(mallory)
    engine.ensure(dataclasses.replace(mallory, timezone="America/Not_A_Zone"))
    assert say(engine, mallory, "digest").ok
    say(engine, mallory, "board new Trips")
    say(engine, alice, "send https://example.com/tent to @bob Look!")
    sent = []

    class Recording:
        def __init__(self, platform):
            self.platform = platform

        def send(self, outgoing):
            sent.append(outgoing.kind)
            return Sent("1.0")

    later = utcnow() + timedelta(seconds=30)
    worker = DeliveryWorker(engine.sessions, engine.settings, {"slack": Recording("slack"),
                                                               "telegram": Recording("telegram")},
                            pacing=UNPACED, threads=1, now=lambda: later)
    while worker.run_once():
        pass
    assert "message" in sent and "home" in sent
