"""Invites for people not here yet (F9), and the one-time codes that link two accounts (F12)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from core.results import InviteLink
from core.clock import utcnow
from core.db import transaction
from core.engine import Engine
from core.models import (
    Account,
    Delivery,
    LinkCode,
    Message,
    Participant,
    Person,
)
from tests.factories import (
    shipped_settings,
    connect,
    count_rows,
    friends,
    link_accounts,
    link_code,
    link_prompt,
    refuse,
    say,
    slack_user,
    telegram_user,
)

BOOTS = "new https://example.com/boots Boots"


def _invite(engine, alice, bob):
    """alice sends p1 to her friend bob and to @newperson, who is not here yet; returns the invite code."""
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    reply = say(engine, alice, "send p1 to @bob @newperson Look!")
    (invite,) = [item for item in reply.items if isinstance(item, InviteLink)]
    return reply, invite.code


# F9: invites ---------------------------------------------------------------


def test_sending_to_an_unknown_handle_gives_an_invite_link(engine):
    reply, code = _invite(engine, slack_user("alice"), telegram_user("bob"))
    assert re.fullmatch(r"[A-Za-z0-9_-]{8,32}", code)
    assert f"http://pins.test/i/{code}" in reply.text
    assert f"https://t.me/pinbridge_bot?start=inv_{code}" in reply.text
    assert "@newperson (invited)" in reply.text and "@newperson isn't on Pinbridge yet" in reply.text


def test_the_newcomer_joins_and_sees_the_waiting_pin(engine):
    alice, bob, newcomer = slack_user("alice"), telegram_user("bob"), telegram_user("newperson")
    _, code = _invite(engine, alice, bob)
    joined = say(engine, newcomer, f"start inv_{code}")
    assert joined.conversation_ref == "c1"
    assert "You joined c1" in joined.text and "@alice sent you p1" in joined.text and "Boots" in joined.text
    assert joined.items[0].ref == "p1"
    rows = say(engine, newcomer, "inbox").items
    assert [row.ref for row in rows] == ["c1"] and set(rows[0].participants) == {"alice", "bob"}
    assert "Look!" in say(engine, newcomer, "read c1").text
    assert say(engine, newcomer, "save p1").ok, "the waiting pin is theirs to save"


def test_the_waiting_pin_is_unread_for_the_newcomer(engine):
    alice, bob, newcomer = slack_user("alice"), telegram_user("bob"), telegram_user("newperson")
    _, code = _invite(engine, alice, bob)
    say(engine, newcomer, f"join {code}")
    assert say(engine, newcomer, "inbox").items[0].unread >= 1


def test_the_others_hear_that_the_newcomer_joined(engine, sessions):
    alice, bob, newcomer = slack_user("alice"), telegram_user("bob"), telegram_user("newperson")
    _, code = _invite(engine, alice, bob)
    say(engine, newcomer, f"join {code}")
    assert "@newperson: joined" in say(engine, alice, "inbox").text
    with transaction(sessions) as session:
        joined = session.scalar(select(Message).where(Message.kind == "join"))
        assert {d.platform for d in session.scalars(select(Delivery).where(Delivery.message_id == joined.id))} == {"slack", "telegram"}


def test_the_newcomer_and_the_inviter_now_follow_each_other(engine):
    alice, bob, newcomer = slack_user("alice"), telegram_user("bob"), telegram_user("newperson")
    _, code = _invite(engine, alice, bob)
    say(engine, newcomer, f"join {code}")
    assert [row.handle for row in say(engine, newcomer, "contacts").items] == ["alice"]
    assert "@newperson" in say(engine, alice, "contacts").text
    say(engine, newcomer, "new https://example.com/tent Tent")
    assert say(engine, newcomer, "send p2 to @alice").ok


def test_after_joining_the_same_people_continue_that_conversation(engine):
    alice, bob, newcomer = slack_user("alice"), telegram_user("bob"), telegram_user("newperson")
    _, code = _invite(engine, alice, bob)
    say(engine, newcomer, f"join {code}")
    connect(engine, alice, bob)  # harmless repeat
    assert say(engine, alice, "send p1 to @bob @newperson").conversation_ref == "c1"


def test_redeeming_twice_by_the_same_person_is_harmless(engine, sessions):
    alice, bob, newcomer = slack_user("alice"), telegram_user("bob"), telegram_user("newperson")
    _, code = _invite(engine, alice, bob)
    say(engine, newcomer, f"join {code}")
    messages = count_rows(sessions, Message)
    again = say(engine, newcomer, f"start inv_{code}")
    assert again.conversation_ref == "c1"
    assert count_rows(sessions, Message) == messages
    assert count_rows(sessions, Participant) == 3


def test_an_invite_already_used_by_someone_else_is_refused(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    _, code = _invite(engine, alice, bob)
    say(engine, telegram_user("newperson"), f"join {code}")
    assert "already been used" in refuse(engine, telegram_user("latecomer"), f"join {code}").text
    assert count_rows(sessions, Participant) == 3


def test_a_bad_invite_code_is_refused(engine):
    newcomer = telegram_user("newperson")
    assert "not valid" in refuse(engine, newcomer, "join NOPE-NOPE").text
    assert "not valid" in refuse(engine, newcomer, "start inv_nope").text
    assert "Usage" in refuse(engine, newcomer, "join").text


def test_the_group_limit_still_applies_when_redeeming(sessions):
    roomy = Engine(sessions, shipped_settings(public_url="http://pins.test"))
    alice, bob, newcomer = slack_user("alice"), telegram_user("bob"), telegram_user("newperson")
    _, code = _invite(roomy, alice, bob)
    strict = Engine(sessions, shipped_settings(max_group_size=2))
    assert "at most 2 people" in refuse(strict, newcomer, f"join {code}").text
    assert count_rows(sessions, Participant) == 2
    assert say(roomy, newcomer, f"join {code}").ok, "a refused redeem leaves the invite usable"


def test_someone_who_blocked_the_inviter_cannot_use_the_invite(engine):
    alice, bob, eve = slack_user("alice"), telegram_user("bob"), telegram_user("eve")
    _, code = _invite(engine, alice, bob)
    say(engine, eve, "block @alice")
    refuse(engine, eve, f"join {code}")
    assert say(engine, telegram_user("newperson"), f"join {code}").ok


def test_the_inviter_opening_their_own_invite_does_not_use_it_up(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    _, code = _invite(engine, alice, bob)
    engine.run(alice, f"join {code}")
    assert say(engine, telegram_user("newperson"), f"join {code}").ok


# F12: linking --------------------------------------------------------------


def test_link_gives_a_code_and_says_where_to_type_it(engine):
    reply = say(engine, slack_user("alice"), "link")
    code = link_code(reply)
    assert f"https://t.me/pinbridge_bot?start=link_{code}" in reply.text and f"/link {code}" in reply.text
    on_telegram = say(engine, telegram_user("bob"), "link")
    assert f"type /pin link {link_code(on_telegram)} on Slack" in on_telegram.text


def test_linking_makes_one_person_on_both_platforms(engine, sessions):
    alice, alice_tg = slack_user("alice"), telegram_user("alicetg")
    engine.ensure(alice_tg)
    reply = link_accounts(engine, alice, alice_tg)
    assert "You are @alice on Slack and Telegram" in reply.text
    assert engine.ensure(alice_tg) == engine.ensure(alice) == "alice"
    assert count_rows(sessions, Person) == 1 and count_rows(sessions, Account) == 2
    assert "I don't know @alicetg" in refuse(engine, alice, "follow @alicetg").text


def test_the_link_code_works_as_a_telegram_deep_link_and_in_lower_case(engine, sessions):
    alice, alice_tg = slack_user("alice"), telegram_user("alicetg")
    asked = say(engine, alice_tg, f"start link_{link_code(say(engine, alice, 'link'))}")
    assert engine.confirm_link(alice_tg, link_prompt(asked).token).ok
    assert count_rows(sessions, Person) == 1
    carol, carol_slack = telegram_user("carol"), slack_user("carolsl")
    code = link_code(say(engine, carol, "link"))
    asked = say(engine, carol_slack, f"link {code[:4].lower()}-{code[4:].lower()}")
    assert engine.confirm_link(carol_slack, link_prompt(asked).token).ok
    assert count_rows(sessions, Person) == 2


def test_a_code_typed_on_the_same_platform_is_refused(engine, sessions):
    alice, carol = slack_user("alice"), slack_user("carol")
    engine.ensure(carol)
    code = link_code(say(engine, alice, "link"))
    assert "other platform" in refuse(engine, alice, f"link {code}").text
    assert "made on Slack" in refuse(engine, carol, f"link {code}").text
    assert count_rows(sessions, Person) == 2


def test_an_expired_code_is_refused(engine, sessions):
    alice, alice_tg = slack_user("alice"), telegram_user("alicetg")
    engine.ensure(alice_tg)
    code = link_code(say(engine, alice, "link"))
    with transaction(sessions) as session:
        session.execute(update(LinkCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert "expired" in refuse(engine, alice_tg, f"link {code}").text
    assert count_rows(sessions, Person) == 2


def test_a_code_works_once_and_a_newer_one_replaces_it(engine, sessions):
    alice, alice_tg, mallory = slack_user("alice"), telegram_user("alicetg"), telegram_user("mallory")
    engine.ensure(mallory)
    old = link_code(say(engine, alice, "link"))
    new = link_code(say(engine, alice, "link"))
    assert "expired" in refuse(engine, alice_tg, f"link {old}").text
    assert engine.confirm_link(alice_tg, link_prompt(say(engine, alice_tg, f"link {new}")).token).ok
    assert "expired" in refuse(engine, mallory, f"link {new}").text
    assert count_rows(sessions, Person) == 2


def test_the_code_lifetime_follows_the_setting(sessions):
    brief = Engine(sessions, shipped_settings(link_code_ttl_seconds=120))
    alice = slack_user("alice")
    assert "Within 2 minutes" in say(brief, alice, "link").text
    with transaction(sessions) as session:
        code = session.scalar(select(LinkCode))
        assert timedelta(seconds=100) < code.expires_at - utcnow() <= timedelta(seconds=120)
