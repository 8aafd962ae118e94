"""Linking (F12): what a merge keeps, and where a linked person's messages go."""

from __future__ import annotations

from sqlalchemy import select

from core.db import transaction
from core.models import Board, Delivery, Message, Pin
from tests.factories import (
    friends,
    link_accounts,
    refuse,
    say,
    slack_user,
    telegram_user,
)

BOOTS = "new https://example.com/boots Boots"


# F12: a merge keeps everything ------------------------------------------------


def test_everything_of_both_sides_survives_a_link(engine, sessions):
    alice, alice_tg, bob, carol = slack_user("alice"), telegram_user("alicetg"), telegram_user("bob"), slack_user("carol")
    friends(engine, alice, bob)
    friends(engine, alice_tg, carol)
    say(engine, alice, "board new Trips")
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "new https://example.com/shared Shared")
    say(engine, alice, "save p1 to Trips")
    say(engine, alice, "save p2 to Trips")
    say(engine, alice, "send p1 to @bob from slack")
    say(engine, alice_tg, "board new TRIPS")
    say(engine, alice_tg, "new https://example.com/shared Shared again")
    say(engine, alice_tg, "new https://example.com/tent Tent")
    say(engine, alice_tg, "save p3 to trips")
    say(engine, alice_tg, "save p4 to trips")
    say(engine, alice_tg, "send p3 to @carol from telegram")

    link_accounts(engine, alice, alice_tg)

    for me in (alice, alice_tg):
        assert {row.ref for row in say(engine, me, "inbox").items} == {"c1", "c2"}
        assert [row.handle for row in say(engine, me, "contacts").items] == ["bob", "carol"]
        boards = {row.name: row.pin_count for row in say(engine, me, "boards").items}
        assert boards == {"Saved": 3, "Trips": 3}, "duplicate names merged, duplicate URLs one pin"
    with transaction(sessions) as session:
        assert sorted(session.scalars(select(Pin.url))) == [
            "https://example.com/boots", "https://example.com/shared", "https://example.com/tent",
        ]
        assert len(session.scalars(select(Board.id).where(Board.name_key == "trips")).all()) == 1
    history = say(engine, carol, "read c2")
    assert "from telegram" in history.text and history.items[0].pin.url == "https://example.com/shared"
    assert say(engine, carol, "save " + history.items[0].pin.ref).ok
    say(engine, bob, "reply c1 hi both")
    with transaction(sessions) as session:
        platforms = session.scalars(
            select(Delivery.platform).join(Message, Message.id == Delivery.message_id).where(Message.text == "hi both")
        ).all()
    assert sorted(platforms) == ["slack", "telegram"], "the linked person hears on both platforms"
    assert "1 unread" in say(engine, alice_tg, "inbox").text


def test_a_conversation_both_accounts_were_in_keeps_one_seat(engine):
    alice, alice_tg, bob = slack_user("alice"), telegram_user("alicetg"), telegram_user("bob")
    friends(engine, alice, alice_tg, bob)
    say(engine, alice, BOOTS)
    say(engine, alice, "send p1 to @alicetg @bob")
    link_accounts(engine, alice, alice_tg)
    assert say(engine, bob, "inbox").items[0].participants == ("alice",)
    assert say(engine, bob, "reply c1 hi").ok


def test_someone_blocked_from_either_account_is_no_contact_after_linking(engine):
    alice, alice_tg, bob = slack_user("alice"), telegram_user("alicetg"), telegram_user("bob")
    friends(engine, alice, bob)
    engine.ensure(alice_tg)
    say(engine, alice_tg, "block @bob")
    link_accounts(engine, alice, alice_tg)
    assert "@bob" not in say(engine, alice, "contacts").text
    say(engine, bob, BOOTS)
    refuse(engine, bob, "send p1 to @alice")


def test_linking_does_not_expose_the_pins_of_a_secret_board(engine):
    alice, alice_tg, bob = slack_user("alice"), telegram_user("alicetg"), telegram_user("bob")
    say(engine, alice, "board new Gifts")
    say(engine, alice_tg, "board new Saved secret")
    say(engine, alice_tg, "board new Gifts secret")
    say(engine, alice_tg, "new https://example.com/ring Ring")
    say(engine, alice_tg, "save p1 to gifts")
    link_accounts(engine, alice, alice_tg)
    assert "No pins match" in say(engine, bob, "search ring").text
    refuse(engine, bob, "save p1")


# F12: where messages go ----------------------------------------------------


def test_deliver_refuses_a_platform_you_have_no_account_on(engine):
    alice = slack_user("alice")
    assert "no Telegram account" in refuse(engine, alice, "deliver telegram").text
    refused = refuse(engine, alice, "deliver pigeon").text
    assert "“pigeon” is not a platform here" in refused and "deliver slack telegram" in refused
    assert say(engine, alice, "deliver SLACK").text == "Messages will be delivered to Slack."
    assert "slack" in say(engine, alice, "deliver").text


def test_deliver_choices_after_linking(engine, sessions):
    alice, alice_tg, bob = slack_user("alice"), telegram_user("alicetg"), telegram_user("bob")
    link_accounts(engine, alice, alice_tg)
    assert "every linked account" in say(engine, alice, "deliver").text
    friends(engine, alice, bob)
    say(engine, bob, BOOTS)
    say(engine, bob, "send p1 to @alice")
    say(engine, alice_tg, "deliver telegram")
    say(engine, bob, "send p1 to @alice again")
    assert say(engine, alice, "deliver telegram, slack").text == "Messages will be delivered to Slack and Telegram."
    say(engine, bob, "send p1 to @alice and again")
    with transaction(sessions) as session:
        by_text = {}
        for text, platform in session.execute(select(Message.text, Delivery.platform).join(Delivery, Delivery.message_id == Message.id)):
            by_text.setdefault(text, []).append(platform)
    assert sorted(by_text[""]) == ["slack", "telegram"]
    assert by_text["again"] == ["telegram"]
    assert sorted(by_text["and again"]) == ["slack", "telegram"]
    assert "Slack and Telegram" in say(engine, alice, "deliver all").text
    assert "Slack and Telegram" in say(engine, alice, "deliver both").text, "the old word for all, with two platforms"
