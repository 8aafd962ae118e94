"""Which of Pinbridge's own links have a preview, and what it shows: only what the public page shows."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from core import links
from core.db import reading
from core.models import Board
from core.results import BoardCard, PinCard, ProfileCard
from tests.factories import friends, say, slack_user, telegram_user

BASE = "http://pins.test"  # the tests' http.public_url


def board_id(sessions, name: str) -> int:
    with reading(sessions) as session:
        return session.scalar(select(Board.id).where(Board.name == name))


@pytest.fixture
def alice(engine):
    alice = slack_user("alice")
    say(engine, alice, "new https://example.com/boots Hiking boots")  # p1, on her public board "Saved"
    say(engine, alice, "board new Gifts secret")
    return alice


def test_a_public_pin_link_shows_its_card_without_any_conversation(engine, sessions, settings, alice):
    bob = telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "send p1 to @bob for you")

    found = links.public_cards(sessions, settings, [f"{BASE}/p/1"])

    card = found[f"{BASE}/p/1"]
    assert isinstance(card, PinCard) and (card.ref, card.title, card.url) == ("p1", "Hiking boots", "https://example.com/boots")
    assert card.conversation_ref is None, "a preview names no conversation, even of a pin that was sent in one"


def test_a_pin_kept_only_on_a_secret_board_has_no_preview(engine, sessions, settings, alice):
    engine.pin_picture(alice, "a" * 43, "image/jpeg", "Surprise", on_board=False)  # p2: on no board
    say(engine, alice, "save p2 to Gifts")

    assert links.public_cards(sessions, settings, [f"{BASE}/p/2"]) == {}


def test_a_picture_pinned_from_a_private_conversation_has_no_preview(engine, sessions, settings, alice):
    engine.pin_picture(alice, "b" * 43, "image/jpeg", "From a DM", on_board=False)  # as Slack's Save as pin does

    assert links.public_cards(sessions, settings, [f"{BASE}/p/2"]) == {}


def test_a_pin_on_a_secret_and_a_public_board_shows_the_public_card(engine, sessions, settings, alice):
    say(engine, alice, "save p1 to Gifts")

    assert isinstance(links.public_cards(sessions, settings, [f"{BASE}/p/1"])[f"{BASE}/p/1"], PinCard)


def test_a_secret_board_has_no_preview_and_a_public_one_shows_its_pins(engine, sessions, settings, alice):
    secret, public = board_id(sessions, "Gifts"), board_id(sessions, "Saved")

    found = links.public_cards(sessions, settings, [f"{BASE}/b/{secret}", f"{BASE}/b/{public}"])

    assert list(found) == [f"{BASE}/b/{public}"]
    board = found[f"{BASE}/b/{public}"]
    assert isinstance(board, BoardCard) and (board.name, board.owner_handle, board.pin_count) == ("Saved", "alice", 1)
    assert [p.ref for p in board.pins] == ["p1"] and not board.secret


def test_a_profile_shows_only_public_boards_and_matches_the_handle_ignoring_case(engine, sessions, settings, alice):
    found = links.public_cards(sessions, settings, [f"{BASE}/u/alice", f"{BASE}/u/Alice"])

    for url in (f"{BASE}/u/alice", f"{BASE}/u/Alice"):
        card = found[url]
        assert isinstance(card, ProfileCard) and card.handle == "alice"
        assert [b.name for b in card.boards] == ["Saved"], "the secret board is not listed"


def test_unknown_things_have_no_preview(engine, sessions, settings, alice):
    urls = [f"{BASE}/p/999", f"{BASE}/b/999", f"{BASE}/u/nobody", f"{BASE}/p/2147483647"]

    assert links.public_cards(sessions, settings, urls) == {}


@pytest.mark.parametrize("url", [
    f"{BASE}/p/1?utm_source=slack&utm_medium=chat",  # the page ignores the query, and so does its preview
    f"{BASE}/p/1#top",
    "http://pins.test:80/p/1",  # the default port, written out
    "HTTP://PINS.TEST/p/1",  # scheme and host are case-insensitive
])
def test_links_to_the_same_page_written_differently_name_it(settings, url):
    assert links.named(settings, url) == links.Named("p", 1)


@pytest.mark.parametrize("url", [
    "https://pins.test/p/1",  # another scheme
    "http://pins.test:8080/p/1",  # another port
    "http://pins.test:99999/p/1",  # no port at all
    "http://evil.test/p/1",
    "http://pins.test.evil.test/p/1",
    "http://pins.test./p/1",
    "http://evil.test/?next=http://pins.test/p/1",
    "http://pins.test@evil.test/p/1",  # the host is evil.test
    "http://someone@pins.test/p/1",  # credentials: not a link Pinbridge prints
    "http://pins.test/p/1/../b/1",  # dot segments
    "http://pins.test/b/1/../../p/1",
    "http://pins.test/u/..",
    "http://pins.test/u/.",
    "http://pins.test/p/01",  # a leading zero
    "http://pins.test/p/+1",
    "http://pins.test/p/1.0",
    "http://pins.test/p/\uff11",  # a full-width digit
    "http://pins.test/p/0",
    "http://pins.test/p/2147483648",  # past the id column
    "http://pins.test/p/99999999999999999999",
    "http://pins.test/p/1/",  # an extra, empty segment
    "http://pins.test/p/",
    "http://pins.test//p/1",
    "http://pins.test/x/p/1",
    "http://pins.test/P/1",
    "http://pins.test/i/abc",  # invites are never previewed
    "http://pins.test/media/abc",
    "http://pins.test/p/1%2F",  # percent-escapes
    "http://pins.test/p%2F1",
    "http://pins.test/u/%61lice",
    "http://pins.test/p/1\\..",
    "http://pins.test/u/a",  # too short for a handle
    "http://pins.test/u/" + "a" * 33,
    "http://pins.test/u/al-ice",
    "http://pins.test/u/al ice",
    "http://pins.test/p/1 ",
    "javascript:alert(1)//pins.test/p/1",
    "pins.test/p/1",
    "/p/1",
    "http://pins.test/p/" + "1" * 3000,
    "",
])
def test_anything_but_a_link_pinbridge_prints_names_nothing(settings, url):
    assert links.named(settings, url) is None


@pytest.mark.parametrize("value", [None, 12, ["http://pins.test/p/1"], {"url": "http://pins.test/p/1"}])
def test_values_that_are_not_text_name_nothing(settings, value):
    assert links.named(settings, value) is None


def test_a_public_url_with_a_path_is_the_prefix_of_every_link(settings):
    deployed = dataclasses.replace(settings, public_url="https://example.org/pinbridge/")

    assert links.named(deployed, "https://example.org/pinbridge/u/alice") == links.Named("u", "alice")
    assert links.named(deployed, "https://example.org/p/1") is None
    assert links.named(deployed, "https://example.org/pinbridgex/p/1") is None
    assert links.named(deployed, "https://example.org/pinbridge/../pinbridge/p/1") is None


def test_at_most_five_links_are_looked_up_per_request(engine, sessions, settings, alice):
    for n in range(2, 8):
        say(engine, alice, f"new https://example.com/{n} Thing {n}")
    urls = [f"{BASE}/p/{n}" for n in range(1, 8)]

    found = links.public_cards(sessions, settings, urls)

    assert list(found) == urls[: links.MAX_LINKS]


def test_links_on_other_sites_cost_no_lookup_and_are_left_out(sessions, settings):
    assert links.public_cards(sessions, settings, ["https://example.com/p/1", "http://pins.test/nothing"]) == {}
