"""Pins (F1), boards and saving (F4, F6): what may be pinned, where it goes, who sees it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import pins
from core.db import transaction
from core.errors import InvalidInput
from core.models import Board, BoardPin, Person, Pin
from tests.factories import count_rows, friends, refuse, say, slack_user, telegram_user

# F1: what may be pinned ----------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript://example.com/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/file.txt",
        "file:///etc/passwd",
        "http://",
        "https:///no-host",
        "example.com/no-scheme",
        "http://[::1",
    ],
)
def test_only_http_and_https_links_with_a_host_can_be_pinned(engine, sessions, link):
    alice = slack_user("alice")
    refuse(engine, alice, f"new {link} Title")
    assert count_rows(sessions, Pin) == 0


@pytest.mark.parametrize("link", ["https://example.com/a b", "https://example.com/a\tb", "https://exa\x01mple.com/"])
def test_links_with_spaces_or_control_characters_are_refused(link):
    with pytest.raises(InvalidInput, match="spaces or control"):
        pins.validate_url(link)


def test_an_over_long_link_is_refused_and_one_at_the_limit_accepted(engine, sessions):
    alice = slack_user("alice")
    base = "https://example.com/"
    assert "too long" in refuse(engine, alice, "new " + base + "a" * (pins.MAX_URL - len(base) + 1)).text
    assert count_rows(sessions, Pin) == 0
    say(engine, alice, "new " + base + "a" * (pins.MAX_URL - len(base)))
    assert count_rows(sessions, Pin) == 1


def test_a_slack_formatted_link_is_pinned_as_the_plain_url(engine):
    alice = slack_user("alice")
    card = say(engine, alice, "new <https://example.com/boots|example.com/boots> Boots").items[0]
    assert card.url == "https://example.com/boots"
    assert card.title == "Boots"
    assert say(engine, alice, "new <https://example.com/tent>").items[0].url == "https://example.com/tent"


def test_a_pin_card_links_to_its_source_and_its_page(engine):
    card = say(engine, slack_user("alice"), "new https://example.com/hiking-boots").items[0]
    assert card.ref == "p1" and card.url == "https://example.com/hiking-boots"
    assert card.page_url == "http://pins.test/p/1"
    assert card.title == "example.com — hiking boots", "a readable title from the link when none is given"


def test_titles_over_the_limit_are_refused(engine, sessions):
    alice = slack_user("alice")
    reply = refuse(engine, alice, "new https://example.com/x " + "t" * (pins.MAX_TITLE + 1))
    assert f"limit is {pins.MAX_TITLE}" in reply.text
    assert count_rows(sessions, Pin) == 0
    assert say(engine, alice, "new https://example.com/x " + "t" * pins.MAX_TITLE).items[0].title == "t" * pins.MAX_TITLE


def test_descriptions_over_the_limit_are_refused(engine, sessions):
    engine.ensure(slack_user("alice"))
    with transaction(sessions) as session:
        alice = session.scalar(select(Person).where(Person.handle == "alice"))
        with pytest.raises(InvalidInput, match="description is too long"):
            pins.create(session, alice, "https://example.com/x", "T", description="d" * (pins.MAX_DESCRIPTION + 1))
        pin, created = pins.create(session, alice, "https://example.com/x", "T", description="d" * pins.MAX_DESCRIPTION)
        assert created and len(pin.description) == pins.MAX_DESCRIPTION


def test_the_same_link_twice_by_one_person_is_the_same_pin(engine, sessions):
    alice = slack_user("alice")
    first = say(engine, alice, "new https://example.com/boots Boots")
    again = say(engine, alice, "new <https://example.com/boots|boots> Other title")
    assert first.items[0].ref == again.items[0].ref == "p1"
    assert "already pinned" in again.text
    assert count_rows(sessions, Pin) == 1


def test_the_same_link_by_two_people_makes_two_pins(engine, sessions):
    say(engine, slack_user("alice"), "new https://example.com/boots Boots")
    assert say(engine, telegram_user("bob"), "new https://example.com/boots Boots").items[0].ref == "p2"
    assert count_rows(sessions, Pin) == 2


# Boards --------------------------------------------------------------------


def test_a_new_pin_lands_on_the_default_board_saved(engine):
    alice = slack_user("alice")
    say(engine, alice, "new https://example.com/boots Boots")
    listing = say(engine, alice, "boards")
    assert [(row.name, row.pin_count, row.is_default) for row in listing.items] == [("Saved", 1, True)]
    assert "p1 Boots" in say(engine, alice, "board saved").text


def test_boards_are_created_and_listed_with_counts(engine):
    alice = slack_user("alice")
    assert say(engine, alice, "board new Trips").text == "Created your board “Trips”."
    say(engine, alice, "new https://example.com/boots Boots")
    rows = {row.name: row.pin_count for row in say(engine, alice, "boards").items}
    assert rows == {"Saved": 1, "Trips": 0}


def test_a_duplicate_board_name_is_refused_whatever_the_case(engine, sessions):
    alice = slack_user("alice")
    say(engine, alice, "board new Summer Trips")
    assert "already have" in refuse(engine, alice, "board new summer   TRIPS").text
    assert count_rows(sessions, Board) == 1


def test_another_person_may_use_the_same_board_name(engine):
    say(engine, slack_user("alice"), "board new Trips")
    assert say(engine, telegram_user("bob"), "board new Trips").ok


def test_board_names_have_a_length_limit(engine):
    alice = slack_user("alice")
    assert "60" in refuse(engine, alice, "board new " + "n" * 61).text
    assert say(engine, alice, "board new " + "n" * 60).ok


def test_a_public_board_is_visible_to_others(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    say(engine, alice, "board new Trips")
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "save p1 to trips")
    reply = say(engine, bob, "board @alice TRIPS")
    assert reply.items[0].owner_handle == "alice" and reply.items[0].pin_count == 1
    assert "p1 Boots" in reply.text


def test_a_secret_board_does_not_exist_for_anyone_but_its_owner(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "board new Hideout secret")
    say(engine, alice, "board new Trips")
    assert say(engine, alice, "board Hideout").items[0].secret
    assert "no board called" in refuse(engine, bob, "board @alice Hideout").text
    assert "Hideout" not in say(engine, bob, "boards").text
    say(engine, bob, "share profile @alice to @alice")
    profile = say(engine, alice, "read c1").items[-1].profile
    assert {row.name for row in profile.boards} == {"Trips", "Hideout"}, "the owner sees their secret board"
    read_by_bob = say(engine, bob, "read c1").items[-1].profile
    assert {row.name for row in read_by_bob.boards} == {"Trips"}


def test_saving_twice_is_harmless(engine, sessions):
    alice = slack_user("alice")
    say(engine, alice, "new https://example.com/boots Boots")
    assert "already on your board “Saved”" in say(engine, alice, "save p1").text
    assert "already on" in say(engine, alice, "save p1").text
    assert count_rows(sessions, BoardPin) == 1


def test_saving_to_a_named_board(engine, sessions):
    alice = slack_user("alice")
    say(engine, alice, "board new Trips")
    say(engine, alice, "new https://example.com/boots Boots")
    assert say(engine, alice, "save p1 to trips").text == "Saved p1 to your board “Trips”."
    assert "already on" in say(engine, alice, "save p1 to TRIPS").text
    assert count_rows(sessions, BoardPin) == 2


def test_saving_to_a_missing_board_is_refused_with_a_hint(engine, sessions):
    alice = slack_user("alice")
    say(engine, alice, "new https://example.com/boots Boots")
    reply = refuse(engine, alice, "save p1 to Dream Trips")
    assert "no board called “Dream Trips”" in reply.text and "board new Dream Trips" in reply.text
    assert count_rows(sessions, Board) == 1


def test_someone_elses_public_pin_can_be_saved(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    say(engine, alice, "new https://example.com/boots Boots")
    assert say(engine, bob, "save p1").text == "Saved p1 to your board “Saved”."
    assert say(engine, bob, "boards").items[0].pin_count == 1


def test_a_pin_only_on_a_secret_board_cannot_be_seen_or_saved_by_others(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    say(engine, alice, "board new Saved secret")  # her default board is secret from the start
    say(engine, alice, "new https://example.com/ring Ring")
    assert say(engine, alice, "boards").items[0].secret
    reply = refuse(engine, bob, "save p1")
    assert "no pin p1 you can see" in reply.text and "Ring" not in reply.text
    refuse(engine, bob, "save p2")
    assert count_rows(sessions, BoardPin) == 1


def test_a_pin_sent_to_you_can_be_saved_even_from_a_secret_board(engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "board new Saved secret")
    say(engine, alice, "new https://example.com/ring Ring")
    say(engine, alice, "send p1 to @bob")
    assert say(engine, bob, "save p1").ok


def test_a_board_is_named_in_full_with_spaces(engine):
    alice = slack_user("alice")
    say(engine, alice, "board new Summer trips secret")
    say(engine, alice, "new https://example.com/boots Boots")
    say(engine, alice, "save p1 to summer   trips")
    rows = {row.name: (row.pin_count, row.secret) for row in say(engine, alice, "boards").items}
    assert rows["Summer trips"] == (1, True)


def test_a_slack_link_whose_label_has_spaces_is_read_as_one_link(engine):
    card = say(engine, slack_user("alice"), "new <https://example.com/boots|my hiking boots>").items[0]
    assert card.url == "https://example.com/boots"
    assert card.title in ("my hiking boots", "example.com — boots")
