"""Linking needs the consent of the account being joined: a code never links by itself (F12)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from core.clock import utcnow
from core.db import transaction
from core.models import FailedAttempt, LinkCode, Person
from tests.factories import (
    count_rows,
    friends,
    link_code,
    link_prompt,
    refuse,
    say,
    slack_user,
    telegram_user,
)

CONSENT = ("This joins your Telegram account to @mallory on Slack: whoever uses either account will see all "
           "your conversations and boards. Only do this if @mallory is you.")


def _bob_with_private_things(engine):
    """Bob on Telegram with a private conversation and a secret board."""
    bob, carol = telegram_user("bob"), telegram_user("carol")
    friends(engine, bob, carol)
    say(engine, bob, "board new Diary secret")
    say(engine, bob, "new https://example.com/ring Ring")
    say(engine, bob, "send p1 to @carol just between us")
    return bob, carol


def test_a_deep_link_from_someone_else_never_links_by_itself(engine, sessions):
    mallory = slack_user("mallory")
    bob, _ = _bob_with_private_things(engine)
    code = link_code(say(engine, mallory, "link"))
    tapped = say(engine, bob, f"start link_{code}")  # Bob taps https://t.me/<bot>?start=link_<code>
    assert tapped.text == CONSENT
    assert link_prompt(tapped).handle == "mallory"
    assert count_rows(sessions, Person) == 3
    assert "Your inbox is empty" in say(engine, mallory, "inbox").text
    assert "Diary" not in say(engine, mallory, "boards").text
    assert "no conversation c1" in refuse(engine, mallory, "read c1").text


def test_typing_a_code_also_asks_first(engine, sessions):
    mallory, bob = slack_user("mallory"), telegram_user("bob")
    engine.ensure(bob)
    asked = say(engine, bob, f"link {link_code(say(engine, mallory, 'link'))}")
    assert asked.text == CONSENT and count_rows(sessions, Person) == 2


def test_only_the_account_that_typed_the_code_can_confirm_it(engine, sessions):
    mallory, bob, eve = slack_user("mallory"), telegram_user("bob"), telegram_user("eve")
    engine.ensure(eve)
    token = link_prompt(say(engine, bob, f"link {link_code(say(engine, mallory, 'link'))}")).token
    assert not engine.confirm_link(mallory, token).ok  # the issuer cannot press Bob's button
    assert not engine.confirm_link(eve, token).ok
    assert count_rows(sessions, Person) == 3
    assert engine.confirm_link(bob, token).ok
    assert count_rows(sessions, Person) == 2 and engine.ensure(bob) == "mallory"


def test_confirming_joins_the_accounts_and_works_once(engine, sessions):
    alice, alice_tg = slack_user("alice"), telegram_user("alicetg")
    token = link_prompt(say(engine, alice_tg, f"link {link_code(say(engine, alice, 'link'))}")).token
    done = engine.confirm_link(alice_tg, token)
    assert done.ok and "You are @alice on Slack and Telegram" in done.text
    assert not engine.confirm_link(alice_tg, token).ok
    assert count_rows(sessions, Person) == 1


def test_cancelling_links_nothing_and_spends_the_code(engine, sessions):
    mallory, bob = slack_user("mallory"), telegram_user("bob")
    code = link_code(say(engine, mallory, "link"))
    token = link_prompt(say(engine, bob, f"start link_{code}")).token
    assert "nothing was linked" in engine.decline_link(bob, token).text
    assert not engine.confirm_link(bob, token).ok
    assert "expired" in refuse(engine, bob, f"link {code}").text
    assert count_rows(sessions, Person) == 2


def test_a_confirmation_after_the_code_expired_is_refused(engine, sessions):
    alice, alice_tg = slack_user("alice"), telegram_user("alicetg")
    token = link_prompt(say(engine, alice_tg, f"link {link_code(say(engine, alice, 'link'))}")).token
    with transaction(sessions) as session:
        session.execute(update(LinkCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert "expired" in engine.confirm_link(alice_tg, token).text
    assert count_rows(sessions, Person) == 2


def test_wrong_codes_are_throttled_per_account(engine, sessions):
    alice, guesser, other = slack_user("alice"), telegram_user("guesser"), telegram_user("other")
    code = link_code(say(engine, alice, "link"))
    for _ in range(5):
        assert "unknown or has expired" in refuse(engine, guesser, "link ZZZZZZZZ").text
    assert "Too many wrong codes" in refuse(engine, guesser, f"link {code}").text  # even the right one, for now
    assert "Too many wrong codes" in refuse(engine, guesser, "join nope").text
    assert link_prompt(say(engine, other, f"link {code}")).handle == "alice"  # other accounts are not affected
    with transaction(sessions) as session:  # ten minutes later
        session.execute(update(FailedAttempt).values(at=utcnow() - timedelta(minutes=11)))
    assert link_prompt(say(engine, guesser, f"link {code}")).handle == "alice"


def test_wrong_invite_codes_count_too(engine):
    guesser = telegram_user("guesser")
    for _ in range(5):
        assert "not valid" in refuse(engine, guesser, "start inv_nope").text
    assert "Too many wrong codes" in refuse(engine, guesser, "start inv_nope").text
