"""Each error Telegram answers a delivery with, as the stand-in answers it, ends the delivery as decided (real worker)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, update

from core.db import transaction
from core.models import Account, Delivery, Lane
from tests.adapters.telegram.harness import ALICE, BOB, GROUP, buttons, drain, identity, text_of
from tests.adapters.telegram.test_sender import pending, with_image
from tests.factories import friends, say

pytestmark = pytest.mark.parametrize("mode", ["webhook"])
SUPERGROUP = -1001234567890
PARSE_ERROR = "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 40"


def delivery(services) -> Delivery:
    with transaction(services.sessions) as session:
        row = session.scalar(select(Delivery).order_by(Delivery.id.desc()))
        session.expunge(row)
        return row


def reachable(services, user: int) -> bool:
    with transaction(services.sessions) as session:
        return not session.scalar(select(Account.unreachable).where(Account.external_id == str(user)))


def queued(bot, worker, text: str = "Look at these") -> None:
    """Alice sends Bob a pin; the delivery waits for the worker."""
    pending(bot, worker, text)
    worker.release()


@pytest.mark.parametrize(("fate", "wording"), [
    ("block_bot", "Forbidden: bot was blocked by the user"),
    ("deactivate_user", "Forbidden: user is deactivated"),
])
def test_a_person_who_blocked_the_bot_or_left_telegram_is_unreachable(bot, worker, standin, services, fate, wording):
    queued(bot, worker)
    getattr(standin, fate)(BOB)
    drain(worker)
    assert (delivery(services).status, delivery(services).last_error) == ("failed", wording)
    assert not reachable(services, BOB)
    assert [c.status for c in standin.calls("sendMessage")][-1:] == [403]


def test_unblocking_the_bot_makes_the_person_reachable_again(bot, worker, standin, services):
    queued(bot, worker)
    standin.block_bot(BOB)
    drain(worker)
    bot.ask(BOB, "/start")  # Telegram's Restart button: unblocks the bot and says /start
    assert reachable(services, BOB)
    bot.ask(ALICE, "/reply c1 Are you back?")
    assert drain(worker) == 1
    assert text_of(standin.last_message(BOB)).endswith("Are you back?")


def test_a_chat_telegram_does_not_know_is_unreachable(telegram, services, worker, standin):
    alice, eve = identity(ALICE, "alice"), identity(555, "eve")  # Eve's chat is unknown to Telegram
    friends(services.engine, alice, eve)
    say(services.engine, alice, "send https://example.com/boots to @eve Look")
    drain(worker)
    row = delivery(services)
    assert (row.status, row.last_error) == ("failed", "Chat not found") and not reachable(services, 555)


def test_a_message_telegram_calls_too_long_goes_in_smaller_parts_that_all_route(bot, worker, standin, services):
    queued(bot, worker, "word " * 300)
    standin.fail_next("sendMessage", status=400, description="Bad Request: message is too long")
    before = len(standin.messages(BOB))
    drain(worker)
    parts = standin.messages(BOB)[before:]
    assert delivery(services).status == "sent" and len(parts) >= 2
    assert "".join(text_of(p) for p in parts).count("word") == 300, "nothing clipped"
    assert [bool(buttons(p)) for p in parts] == [False] * (len(parts) - 1) + [True]
    for part in parts:
        [answer] = bot.ask(BOB, "Nice", reply_to=part["message_id"])
        assert answer["text"] == "Replied in c1."


def test_html_telegram_cannot_parse_is_sent_once_as_plain_text_with_its_buttons(bot, worker, standin, services, caplog):
    queued(bot, worker, "Are these <waterproof> & light?")
    standin.fail_next("sendMessage", status=400, description=PARSE_ERROR)
    with caplog.at_level(logging.INFO, logger="adapters.telegram"):
        drain(worker)
    received = standin.last_message(BOB)
    assert delivery(services).status == "sent"
    assert "Are these <waterproof> & light?" in received["text"] and "<b>" not in received["text"]
    assert "parse_mode" not in standin.calls("sendMessage")[-1].params and buttons(received)
    [line] = [r.getMessage() for r in caplog.records if "could not parse" in r.getMessage()]
    assert f"delivery {delivery(services).id} to chat {BOB}" in line and "byte offset 40" in line
    assert "waterproof" not in line, "the log never carries the message"


def test_html_refused_twice_fails_the_delivery_without_a_third_try(bot, worker, standin, services):
    queued(bot, worker)
    standin.fail_next("sendMessage", status=400, description=PARSE_ERROR, times=2)
    drain(worker)
    row = delivery(services)
    assert (row.status, row.last_error) == ("failed", "Can't parse entities (byte offset 40)"), "TDLib's quote is not kept"
    assert [c.status for c in standin.calls("sendMessage")][-2:] == [400, 400]


def test_a_delivery_to_a_group_that_became_a_supergroup_follows_it_at_once(bot, worker, standin, services):
    queued(bot, worker)
    with transaction(services.sessions) as session:  # Bob's messages go to a group (as a chat id that moves)
        session.execute(update(Account).where(Account.external_id == str(BOB)).values(chat_id=str(GROUP)))
        session.execute(update(Delivery).values(chat_id=str(GROUP)))
        session.execute(update(Lane).values(chat_id=str(GROUP)))
    standin.upgrade_group(GROUP, SUPERGROUP, by_user=ALICE, enqueue=False)
    drain(worker)
    row = delivery(services)
    [received] = standin.messages(SUPERGROUP)
    assert (row.status, row.chat_id, row.remote_id) == ("sent", str(SUPERGROUP), str(received["message_id"]))
    assert row.attempts == 1, "following the move is not a failed attempt"
    with transaction(services.sessions) as session:
        assert session.scalar(select(Account.chat_id).where(Account.external_id == str(BOB))) == str(SUPERGROUP)
    assert services.engine.conversation_of("telegram", str(SUPERGROUP), str(received["message_id"])) == "c1"


@pytest.mark.parametrize(("image_type", "photo"), [("image/png", True), ("image/webp", False), (None, False)])
def test_only_pictures_telegram_takes_as_photos_are_sent_as_photos(bot, worker, telegram, standin, image_type, photo):
    [(outgoing, _)] = pending(bot, worker)
    outgoing = with_image(outgoing, "https://img.example.com/boots", image_type)
    telegram.sender.send(outgoing)
    assert len(standin.calls("sendPhoto")) == int(photo)
    assert "📌 <b>Trail boots</b>" in text_of(standin.last_message(BOB)) and buttons(standin.last_message(BOB))
