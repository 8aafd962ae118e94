"""The delivery worker against the Telegram stand-in: nothing lost, nothing twice, within limits."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select, update

from bridge.pacing import UNPACED, Pacing
from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import TelegramStandin, create_app
from bridge.worker import DeliveryWorker
from core.db import transaction
from core.models import Account, Delivery, RemoteMessage
from core.platforms import Limits
from core.ports import Sent
from tests.bridge.clock import FakeClock
from tests.bridge.standin_sender import StandinSender
from tests.factories import friends, pin_sent_to_readers, say, slack_user, telegram_user

TOKEN = "123456:SANDBOX"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def standin(clock):
    return TelegramStandin(TOKEN, "pinbridge_bot", clock=clock)


@pytest.fixture
def sender(standin, clock):
    with serve(create_app(standin)) as served:
        sender = StandinSender(served.url, TOKEN, clock)
        yield sender
        sender.close()


CHAT_LIMITS = Limits(per_chat=1.0, per_group=3.0, group_prefix="-")  # Telegram's, without the bot-wide gate


def make_worker(sessions, settings, sender, clock, **kwargs) -> DeliveryWorker:
    pacing = kwargs.pop("pacing", Pacing({"telegram": CHAT_LIMITS}))
    return DeliveryWorker(sessions, settings, {"telegram": sender}, pacing=pacing, now=clock.now, **kwargs)


def telegram_people(standin, *names):
    people = []
    for name in names:
        person = telegram_user(name)
        standin.add_user(int(person.external_id), name.title(), username=name)
        people.append(person)
    return people


def drain(worker, clock, step=0.5, limit=400) -> None:
    for _ in range(limit):
        worker.run_once()
        with transaction(worker.sessions) as session:
            if not session.scalar(select(Delivery.id).where(Delivery.status == "pending").limit(1)):
                return
        clock.advance(step)
    raise AssertionError("deliveries still pending after the time limit")


def delivered_keys(standin, chat_id) -> list[str]:
    return [m["text"].split(" ", 1)[0] for m in standin.messages(int(chat_id))]


def test_a_storm_of_429s_and_5xx_loses_nothing_duplicates_nothing(engine, sessions, settings, standin, sender, clock):
    alice = slack_user("alice")
    bob, carol = telegram_people(standin, "bob", "carol")
    friends(engine, alice, bob, carol)
    for n in range(10):
        say(engine, alice, f"new https://example.com/{n} Pin {n}")
    for n in range(10):
        say(engine, alice, f"send p{n + 1} to @bob @carol number {n}")
    standin.fail_next("sendMessage", status=429, retry_after=5, times=3)
    standin.fail_next("sendMessage", status=500, times=3)
    standin.enforce_limits(per_chat_per_second=1.0)
    drain(make_worker(sessions, settings, sender, clock), clock)

    for person in (bob, carol):
        keys = delivered_keys(standin, person.chat_id)
        assert len(keys) == 10 and len(set(keys)) == 10, keys
        assert keys == sorted(keys, key=lambda k: int(k[1:].split(":")[0])), "a chat's messages stay in order"
    assert standin.rate_limited == 0, "the worker's pacing never tripped the per-chat limit"


def test_nothing_is_sent_to_a_chat_inside_its_retry_after(engine, sessions, settings, standin, sender, clock):
    alice = slack_user("alice")
    (bob,) = telegram_people(standin, "bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    for n in range(4):
        say(engine, alice, f"send p1 to @bob try {n}")
    standin.fail_next("sendMessage", status=429, retry_after=7, times=2)
    drain(make_worker(sessions, settings, sender, clock), clock, step=0.25)

    attempts = [a for a in sender.attempts if a.chat_id == bob.chat_id]
    for before, after in zip(attempts, attempts[1:]):
        if before.status == 429:
            assert after.at >= before.at + before.retry_after, (before, after)
    assert len(delivered_keys(standin, bob.chat_id)) == 4


def test_a_waiting_chat_does_not_hold_up_the_others(engine, sessions, settings, standin, sender, clock):
    alice = slack_user("alice")
    bob, carol = telegram_people(standin, "bob", "carol")
    friends(engine, alice, bob, carol)
    say(engine, alice, "new https://example.com/a A")
    for n in range(5):
        say(engine, alice, f"send p1 to @bob burst {n}")
    say(engine, alice, "send p1 to @carol hello")
    worker = make_worker(sessions, settings, sender, clock)
    worker.run_once()
    worker.run_once()  # same instant: bob's lane is paced, carol's is not
    assert len(delivered_keys(standin, carol.chat_id)) == 1
    assert len(delivered_keys(standin, bob.chat_id)) == 1


def test_pacing_spaces_a_burst_to_one_chat_at_one_per_second(engine, sessions, settings, standin, sender, clock):
    alice = slack_user("alice")
    (bob,) = telegram_people(standin, "bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    for n in range(6):
        say(engine, alice, f"send p1 to @bob burst {n}")
    standin.enforce_limits(per_chat_per_second=1.0)
    drain(make_worker(sessions, settings, sender, clock), clock, step=0.1)
    times = [a.at for a in sender.attempts if a.status == 200]
    assert len(times) == 6
    assert all(b - a >= 1.0 for a, b in zip(times, times[1:])), times
    assert standin.rate_limited == 0


def test_a_blocked_bot_fails_the_delivery_and_marks_the_account_unreachable(engine, sessions, settings, standin, sender, clock):
    alice = slack_user("alice")
    (bob,) = telegram_people(standin, "bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    standin.fail_next("sendMessage", status=403)
    drain(make_worker(sessions, settings, sender, clock), clock)
    with transaction(sessions) as session:
        delivery = session.scalar(select(Delivery))
        account = session.scalar(select(Account).where(Account.external_id == bob.external_id))
        assert delivery.status == "failed" and "blocked" in delivery.last_error
        assert account.unreachable is True


def test_retries_are_bounded_and_the_failure_is_kept(engine, sessions, settings, standin, sender, clock):
    alice = slack_user("alice")
    (bob,) = telegram_people(standin, "bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    standin.fail_next("sendMessage", status=500, times=50)
    worker = make_worker(sessions, settings, sender, clock, max_attempts=3)
    drain(worker, clock, step=700)
    with transaction(sessions) as session:
        delivery = session.scalar(select(Delivery))
        assert (delivery.status, delivery.attempts) == ("failed", 3)
        assert "gave up after 3 attempts" in delivery.last_error


def test_sent_messages_are_mapped_so_replies_route_back(engine, sessions, settings, standin, sender, clock):
    alice = slack_user("alice")
    (bob,) = telegram_people(standin, "bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    drain(make_worker(sessions, settings, sender, clock), clock)
    remote_id = str(standin.last_message(int(bob.chat_id))["message_id"])
    with transaction(sessions) as session:
        assert session.scalar(select(RemoteMessage.conversation_id).where(RemoteMessage.remote_id == remote_id)) == 1
    reply = engine.reply_to_remote(bob, bob.chat_id, remote_id, "Thanks!")
    assert reply is not None and reply.ok
    assert "1 unread" in say(engine, alice, "inbox").text


def test_each_delivery_reaches_the_stand_in_once(engine, sessions, settings, standin, sender, clock):
    alice = slack_user("alice")
    people = telegram_people(standin, *[f"user{i}" for i in range(5)])
    friends(engine, alice, *people)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to " + " ".join(f"@user{i}" for i in range(5)))
    drain(make_worker(sessions, settings, sender, clock), clock)
    counts = Counter(a.key for a in sender.attempts if a.status == 200)
    assert len(counts) == 5 and set(counts.values()) == {1}


def test_a_worker_whose_lease_ran_out_leaves_the_delivery_to_the_new_owner(engine, sessions, settings, standin, sender, clock):
    from core.ports import Failed, RetryLater, Sent

    alice = slack_user("alice")
    (bob,) = telegram_people(standin, "bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    slow = make_worker(sessions, settings, sender, clock, lease_seconds=5)
    ((item, lane),) = slow.claim(10)
    clock.advance(6)  # the slow worker's lease ran out
    fresh = make_worker(sessions, settings, sender, clock, lease_seconds=5)
    ((again, lane_again),) = fresh.claim(10)
    assert again.delivery_id == item.delivery_id
    assert slow.record([(item, lane, RetryLater("timeout"))]) == ["stale"], "not its lane any more"
    assert fresh.record([(again, lane_again, Sent("77"))]) == ["sent"]
    assert slow.record([(item, lane, Failed("late news"))]) == ["stale"], "a final status is never overwritten"
    with transaction(sessions) as session:
        delivery = session.scalar(select(Delivery))
        assert (delivery.status, delivery.attempts, delivery.remote_id) == ("sent", 1, "77")


class _RaisingSender:
    """A sender whose HTTP client fails with the request URL, bot token and all, in its message."""

    platform = "telegram"

    def send(self, outgoing):
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/sendMessage")


def test_an_error_text_holding_the_token_is_stored_masked(sessions, settings, clock, engine):
    from bridge import logs

    logs.protect(TOKEN)
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob hi")
    make_worker(sessions, settings, _RaisingSender(), clock).run_once()
    with transaction(sessions) as session:
        error = session.scalar(select(Delivery.last_error))
    assert "ConnectionError" in error and TOKEN not in error and logs.MASK in error


class _ScriptedSender:
    """Answers each send with the next scripted outcome (what a platform adapter would report)."""

    platform = "telegram"

    def __init__(self, *outcomes):
        self.outcomes, self.chats = list(outcomes), []

    def send(self, outgoing):
        self.chats.append(outgoing.chat_id)
        return self.outcomes.pop(0)


def test_a_chat_that_moved_is_followed_with_its_lane_pending_messages_and_message_map(sessions, settings, clock, engine):
    from core.ports import Moved

    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob one")
    say(engine, alice, "send p1 to @bob two")
    with transaction(sessions) as session:
        session.add(RemoteMessage(platform="telegram", chat_id=bob.chat_id, remote_id="5", conversation_id=1))
    sender = _ScriptedSender(Moved("-100777", "the group became a supergroup"), Sent("8"), Sent("9"))
    worker = make_worker(sessions, settings, sender, clock, pacing=Pacing({"telegram": Limits(per_chat=0, per_group=3.0, group_prefix="-")}))
    for _ in range(3):
        worker.run_once()
        clock.advance(5)  # past a group's 3 s spacing
    assert sender.chats == [bob.chat_id, "-100777", "-100777"]
    with transaction(sessions) as session:
        assert {d.status for d in session.scalars(select(Delivery))} == {"sent"}
        assert session.scalar(select(Account.chat_id).where(Account.platform == "telegram")) == "-100777"
        assert set(session.scalars(select(RemoteMessage.chat_id))) == {"-100777"}
        assert engine.conversation_of("telegram", "-100777", "5") == "c1"


def test_every_part_of_a_long_message_and_the_chat_it_went_to_are_recorded(sessions, settings, clock, engine):
    alice, bob = telegram_user("alice"), slack_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "new https://example.com/a A")
    say(engine, alice, "send p1 to @bob long")
    sender = _ScriptedSender(Sent("1.3", earlier_ids=("1.1", "1.2"), chat_id="D0BOB"))
    sender.platform = "slack"
    DeliveryWorker(sessions, settings, {"slack": sender}, pacing=Pacing({"telegram": CHAT_LIMITS}), now=clock.now).run_once()
    for ts in ("1.1", "1.2", "1.3"):
        assert engine.conversation_of("slack", "D0BOB", ts) == "c1"
    with transaction(sessions) as session:
        assert session.scalar(select(Account.chat_id).where(Account.platform == "slack")) == "D0BOB"


class _SlowRecordingSender:
    """Takes a while per send and notes what it was given, in order."""

    platform = "telegram"

    def __init__(self, seconds: float):
        self.seconds, self.kinds = seconds, []

    def send(self, outgoing):
        self.kinds.append(outgoing.kind)
        time.sleep(self.seconds)
        return Sent(str(outgoing.delivery_id))


def test_a_live_message_does_not_queue_behind_digests_already_claimed(engine, sessions, settings):
    from bridge.digests import run_due

    alice, readers = pin_sent_to_readers(engine, 12)
    with transaction(sessions) as session:
        session.execute(update(Delivery).values(status="sent"))
    run_due(sessions, "daily 09:00 UTC", everyone=True)
    sender = _SlowRecordingSender(0.2)
    worker = DeliveryWorker(sessions, settings, {"telegram": sender}, threads=2, in_flight=12,
                            pacing=Pacing({"telegram": Limits(per_chat=0, per_group=3.0, group_prefix="-")}), idle_sleep=0.05)
    running = threading.Thread(target=worker.run)
    running.start()
    while len(sender.kinds) < 2:  # the digests are claimed (all twelve fit in flight) and going out
        time.sleep(0.01)
    say(engine, alice, f"send p1 to @{engine.ensure(readers[0])} urgent")
    while len(sender.kinds) < 13:
        time.sleep(0.05)
    worker.stop()
    running.join(30)
    assert sender.kinds.index("message") <= 4, sender.kinds


class _CountingSender:
    """Takes a while per send and remembers the most sends it ever had at once."""

    platform = "telegram"

    def __init__(self, seconds: float):
        self.seconds, self.now, self.most, self.sent = seconds, 0, 0, 0
        self.lock = threading.Lock()

    def send(self, outgoing):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(self.seconds)
        with self.lock:
            self.now -= 1
            self.sent += 1
        return Sent(str(outgoing.delivery_id))


@pytest.mark.parametrize("threads, in_flight, most", [(4, 0, 4), (6, 0, 6), (6, 3, 3), (1, 0, 1)])
def test_a_worker_sends_as_many_at_once_as_its_threads_and_holds_no_more_than_in_flight(
    engine, sessions, settings, threads, in_flight, most,
):
    pin_sent_to_readers(engine, 12)  # twelve chats, one delivery each: nothing holds a thread back but the budget
    sender = _CountingSender(0.15)
    worker = DeliveryWorker(sessions, settings, {"telegram": sender}, threads=threads, in_flight=in_flight,
                            pacing=UNPACED, idle_sleep=0.01)
    running = threading.Thread(target=worker.run)
    running.start()
    while sender.sent < 12:
        time.sleep(0.02)
    worker.stop()
    running.join(30)

    assert sender.most == most
