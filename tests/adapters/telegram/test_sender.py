"""The delivery sender: what Telegram answers becomes Sent, RetryLater or Failed for the worker."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import select

from core.db import transaction
from core.models import Account, Delivery, RemoteMessage
from core.ports import Failed, RetryLater, Sent
from core.results import Digest
from tests.adapters.telegram.harness import (
    ALICE,
    BOB,
    befriend,
    buttons,
    drain,
    text_of,
)
from tests.factories import count_rows

pytestmark = [
    pytest.mark.parametrize("mode", ["webhook"]),
    # PTB warns that RetryAfter.retry_after becomes a timedelta; the sender reads both forms.
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]


def pending(bot, worker, text: str = "Look at these") -> list:
    """Alice sends Bob a pin; returns the claimed (Outgoing, lane) pairs, unsent."""
    for user in (ALICE, BOB):
        bot.ask(user, "/start")
    befriend(bot, (ALICE, "alice"), (BOB, "bob"))
    bot.ask(ALICE, "/new https://example.com/boots Trail boots")
    bot.ask(ALICE, f"/send p1 to @bob {text}")
    claimed = worker.claim(10)
    assert [o.chat_id for o, _ in claimed] == [str(BOB)]
    return claimed


def test_a_sent_message_reports_its_message_id(bot, worker, telegram, standin):
    [(outgoing, _)] = pending(bot, worker)
    result = telegram.sender.send(outgoing)
    assert result == Sent(str(standin.last_message(BOB)["message_id"]))


@pytest.mark.parametrize("timedeltas", [False, True])
def test_retry_after_is_reported_with_its_seconds(bot, worker, telegram, standin, monkeypatch, timedeltas):
    if timedeltas:
        monkeypatch.setenv("PTB_TIMEDELTA", "true")
    [(outgoing, _)] = pending(bot, worker)
    standin.fail_next("sendMessage", status=429, retry_after=7)
    before = len(standin.calls("sendMessage"))
    result = telegram.sender.send(outgoing)
    assert isinstance(result, RetryLater) and result.seconds == 7.0
    # One try only: the sender never sleeps or retries, the worker does.
    assert [c.status for c in standin.calls("sendMessage")[before:]] == [429]


def test_a_blocked_bot_is_permanent_and_marks_the_account_unreachable(bot, worker, telegram, standin, services):
    pending(bot, worker)
    worker.release()
    standin.fail_next("sendMessage", status=403)
    drain(worker)
    with transaction(services.sessions) as session:
        delivery = session.scalar(select(Delivery))
        account = session.scalar(select(Account).where(Account.external_id == str(BOB)))
        assert delivery.status == "failed" and "blocked" in delivery.last_error
        assert account.unreachable is True


def test_a_429_through_the_worker_keeps_the_delivery_for_later(bot, worker, standin, services):
    pending(bot, worker)
    worker.release()
    standin.fail_next("sendMessage", status=429, retry_after=30)
    drain(worker)
    with transaction(services.sessions) as session:
        delivery = session.scalar(select(Delivery))
        assert delivery.status == "pending" and delivery.attempts == 1
        assert 29 <= (delivery.next_attempt_at - delivery.created_at).total_seconds() <= 40


@pytest.mark.parametrize(
    ("status", "description", "expected"),
    [
        (403, None, Failed("Forbidden: bot was blocked by the user", unreachable=True)),
        (400, "Bad Request: chat not found", Failed("Chat not found", unreachable=True)),
        (400, "Bad Request: have no rights to send a message", Failed("Have no rights to send a message")),
        (500, None, RetryLater("Internal Server Error", seconds=None)),
        (502, None, RetryLater("Bad Gateway", seconds=None)),
    ],
)
def test_errors_map_to_what_the_worker_should_do(bot, worker, telegram, standin, status, description, expected):
    [(outgoing, _)] = pending(bot, worker)
    standin.fail_next("sendMessage", status=status, description=description)
    result = telegram.sender.send(outgoing)
    assert type(result) is type(expected)
    assert dataclasses.replace(result, error="") == dataclasses.replace(expected, error="")
    assert expected.error.lower() in result.error.lower()


def test_an_unknown_chat_is_unreachable(bot, worker, telegram):
    [(outgoing, _)] = pending(bot, worker)
    result = telegram.sender.send(dataclasses.replace(outgoing, chat_id="999"))
    assert isinstance(result, Failed) and result.unreachable and "chat not found" in result.error.lower()


def test_a_long_message_is_split_and_every_part_routes_replies(bot, worker, standin):
    pending(bot, worker, text="&<" * 1000)  # 2000 characters, 9000 once escaped
    worker.release()
    before = len(standin.messages(BOB))
    drain(worker)
    parts = standin.messages(BOB)[before:]
    assert len(parts) == 3 and all(len(p["text"]) <= 4096 for p in parts)
    assert all(not re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", p["text"]) for p in parts)
    assert "".join(p["text"] for p in parts).count("&amp;&lt;") == 1000
    assert [bool(buttons(p)) for p in parts] == [False, False, True]
    for part in parts:
        [answer] = bot.ask(BOB, "Whoa", reply_to=part["message_id"])
        assert answer["text"] == "Replied in c1."


def test_the_sender_reports_every_part_and_records_nothing_itself(bot, worker, telegram, standin, services):
    [(outgoing, _)] = pending(bot, worker, text="&<" * 1000)
    mapped = count_rows(services.sessions, RemoteMessage)
    before = len(standin.messages(BOB))
    result = telegram.sender.send(outgoing)
    parts = [str(p["message_id"]) for p in standin.messages(BOB)[before:]]
    assert result == Sent(parts[-1], tuple(parts[:-1]))
    assert count_rows(services.sessions, RemoteMessage) == mapped, "the worker records them with the outcome"


def test_a_long_message_telegram_cuts_short_is_not_sent_again(bot, worker, standin, services, caplog):
    pending(bot, worker, text="&<" * 1000)  # three parts
    worker.release()
    standin.fail_next("sendMessage", status=429, retry_after=30, after=1)  # the second part is refused
    before = len(standin.messages(BOB))
    drain(worker)
    [first] = standin.messages(BOB)[before:]
    with transaction(services.sessions) as session:
        delivery = session.scalar(select(Delivery))
        assert delivery.status == "sent" and delivery.remote_id == str(first["message_id"])
    assert any("sent 1 of 3 parts" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    [answer] = bot.ask(BOB, "Whoa", reply_to=first["message_id"])
    assert answer["text"] == "Replied in c1."


def test_a_photo_whose_text_part_fails_is_not_sent_again(bot, worker, telegram, standin):
    [(outgoing, _)] = pending(bot, worker, text="x " * 700)
    outgoing = with_image(outgoing, "https://img.example.com/boots.jpg")
    standin.fail_next("sendMessage", status=500)  # the photo went out, the rest did not
    before = len(standin.messages(BOB))
    result = telegram.sender.send(outgoing)
    [photo] = standin.messages(BOB)[before:]
    assert photo["photo_source"] == "https://img.example.com/boots.jpg"
    assert result == Sent(str(photo["message_id"]))


def with_image(outgoing, url: str, image_type: str | None = "image/jpeg"):
    """The same delivery, its pin now having an image."""
    pin = dataclasses.replace(outgoing.message.pin, image_url=url, image_type=image_type)
    return dataclasses.replace(outgoing, message=dataclasses.replace(outgoing.message, pin=pin))


def test_a_pin_with_an_image_is_sent_as_a_photo_with_a_caption(bot, worker, telegram, standin):
    [(outgoing, _)] = pending(bot, worker, text="x " * 700)
    outgoing = with_image(outgoing, "https://img.example.com/boots.jpg")
    before = len(standin.messages(BOB))
    assert isinstance(telegram.sender.send(outgoing), Sent)
    photo, rest = standin.messages(BOB)[before:]
    assert photo["photo_source"] == "https://img.example.com/boots.jpg" and len(photo["caption"]) <= 1024
    assert photo["caption"].startswith("💬 <b>Alice</b>") and "reply_markup" not in photo
    assert "📌 <b>Trail boots</b>" in rest["text"] and buttons(rest)


def test_a_photo_telegram_refuses_falls_back_to_text(bot, worker, telegram, standin):
    [(outgoing, _)] = pending(bot, worker)
    outgoing = with_image(outgoing, "https://img.example.com/gone.jpg")
    standin.fail_next("sendPhoto", status=400, description="Bad Request: wrong file identifier/HTTP URL specified")
    assert isinstance(telegram.sender.send(outgoing), Sent)
    last = standin.last_message(BOB)
    assert "photo" not in last and "📌 <b>Trail boots</b>" in text_of(last) and buttons(last)


def test_nothing_to_render_fails_without_a_call(bot, worker, telegram, standin):
    [(outgoing, _)] = pending(bot, worker)
    calls = len(standin.calls())
    assert isinstance(telegram.sender.send(dataclasses.replace(outgoing, message=None)), Failed)
    assert len(standin.calls()) == calls


def test_the_sender_works_in_a_process_that_never_started_the_bot(telegram, services, worker, standin):
    """A worker-only process sends without polling or setting the webhook."""
    from tests.adapters.telegram.harness import identity
    from tests.factories import friends, say

    alice, bob = identity(ALICE, "alice"), identity(BOB, "bob")
    friends(services.engine, alice, bob)
    say(services.engine, alice, "send https://example.com/boots to @bob Look")
    assert drain(worker) == 1
    assert "Look" in text_of(standin.last_message(BOB))
    assert standin.webhook() is None and standin.calls("getUpdates") == [] and standin.calls("setMyCommands") == []


def test_someone_who_blocked_the_bot_is_reachable_again_after_start(bot, worker, standin, services):
    pending(bot, worker)
    worker.release()
    standin.fail_next("sendMessage", status=403)
    drain(worker)  # Bob blocked the bot: his account is unreachable
    bot.ask(BOB, "/start")  # …and later unblocks it and says hello
    bot.ask(ALICE, "/reply c1 Are you back?")
    assert drain(worker) == 1
    assert text_of(standin.last_message(BOB)).endswith("Are you back?")



def test_digests_go_as_paid_broadcasts_only_when_chosen(bot, worker, telegram, standin, services):
    from core.ports import Outgoing

    digest = {"handle": "bob", "period": "p", "total": 1, "conversations": []}
    for paid in (False, True):
        telegram.sender.paid_broadcast = paid
        telegram.sender.send(Outgoing(1, "d1", "telegram", str(BOB), "bob", "digest", digest=Digest.from_payload(digest)))
    calls = [c for c in standin.calls("sendMessage") if c.params.get("chat_id") in (BOB, str(BOB))]
    assert [bool(c.params.get("allow_paid_broadcast")) for c in calls[-2:]] == [False, True]


def test_the_sender_only_sends_a_stored_button_action_is_recorded_by_the_worker(bot, worker, services, standin):
    """Mark all read over many conversations needs a stored key: the sender makes it, the worker stores it."""
    from bridge.digests import run_due
    from core.clock import utcnow
    from core.models import ActionKey
    from tests.adapters.telegram.harness import identity
    from tests.factories import friends, say

    bob, friends_of_bob = identity(BOB, "bob"), [identity(900 + n, f"friend{n}") for n in range(12)]
    friends(services.engine, bob, *friends_of_bob)  # connects each friend with bob
    for friend in friends_of_bob:  # twelve conversations with something unread for bob
        say(services.engine, friend, f"send https://example.com/{friend.username} to @bob hi")
    with transaction(services.sessions) as session:  # the live messages are not what this is about
        session.execute(Delivery.__table__.update().values(status="sent"))
    assert run_due(services.sessions, "daily 09:00 UTC", utcnow(), everyone=True) == 1

    claimed = worker.claim(10)
    (item, lane), = claimed
    result = worker.senders["telegram"].send(item)

    assert isinstance(result, Sent) and count_rows(services.sessions, ActionKey) == 0, "the send wrote nothing"
    (key, payload), = result.actions
    assert payload == {"buttons": [{"a": "seen_all", "cs": [f"c{n}" for n in range(1, 13)]}]}
    worker.record([(item, lane, result)])
    assert count_rows(services.sessions, ActionKey) == 1, "stored with the outcome"
    digest = standin.last_message(BOB)
    assert bot.press(BOB, digest, "✓ Mark all read")["text"] == f"Marked {', '.join(f'c{n}' for n in range(1, 13))} read."
