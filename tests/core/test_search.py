"""Search (F7): every word must match the title, description or URL; privacy is respected."""

from __future__ import annotations

from sqlalchemy import select

from core import boards, pins
from core.db import transaction
from core.models import Person
from tests.factories import refuse, say, slack_user, telegram_user


def _pin(engine, sessions, who, url: str, title: str, description: str = "") -> str:
    """A pin with a description (no command sets one; adapters pass it from link previews)."""
    handle = engine.ensure(who)
    with transaction(sessions) as session:
        person = session.scalar(select(Person).where(Person.handle == handle))
        pin, _ = pins.create(session, person, url, title, description=description)
        boards.save(session, person, pin)
        return f"p{pin.id}"


def _found(engine, who, words: str) -> list[str]:
    return [card.ref for card in say(engine, who, f"search {words}").items]


def test_search_matches_title_description_and_url(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    in_title = _pin(engine, sessions, alice, "https://example.com/1", "Lighthouse at dawn")
    in_description = _pin(engine, sessions, alice, "https://example.com/2", "Coast", "a lighthouse in fog")
    in_url = _pin(engine, sessions, alice, "https://lighthouse.example.com/3", "Photo")
    _pin(engine, sessions, alice, "https://example.com/4", "Harbour", "boats")
    assert set(_found(engine, bob, "lighthouse")) == {in_title, in_description, in_url}


def test_every_word_must_match_somewhere(engine, sessions):
    alice = slack_user("alice")
    both = _pin(engine, sessions, alice, "https://example.com/red", "Red hiking boots")
    split = _pin(engine, sessions, alice, "https://boots.example.com/x", "Red coat")
    _pin(engine, sessions, alice, "https://example.com/tent", "Red tent")
    assert set(_found(engine, alice, "red boots")) == {both, split}
    assert _found(engine, alice, "hiking boots red") == [both]
    assert "No pins match “red kayak”" in say(engine, alice, "search red kayak").text


def test_search_ignores_case(engine, sessions):
    alice = slack_user("alice")
    ref = _pin(engine, sessions, alice, "https://Example.com/Trail", "Mountain TRAIL", "Alpine")
    assert _found(engine, alice, "trail") == [ref]
    assert _found(engine, alice, "MOUNTAIN alpine") == [ref]
    assert _found(engine, alice, "EXAMPLE.COM") == [ref]


def test_search_ignores_case_beyond_ascii(engine, sessions, request, db_url):
    alice = slack_user("alice")
    ref = _pin(engine, sessions, alice, "https://example.com/cafe", "CAFÉ DE FLORE")
    assert _found(engine, alice, "café") == [ref]


def test_title_hits_rank_above_description_and_url_hits(engine, sessions):
    alice = slack_user("alice")
    by_title = _pin(engine, sessions, alice, "https://example.com/a", "Kayak trip")
    by_description = _pin(engine, sessions, alice, "https://example.com/b", "River", "we took the kayak")
    by_url = _pin(engine, sessions, alice, "https://example.com/kayak", "Paddles")
    assert _found(engine, alice, "kayak") == [by_title, by_description, by_url]


def test_among_equal_hits_the_newest_comes_first(engine, sessions):
    alice = slack_user("alice")
    older = _pin(engine, sessions, alice, "https://example.com/1", "Sunset one")
    newer = _pin(engine, sessions, alice, "https://example.com/2", "Sunset two")
    assert _found(engine, alice, "sunset") == [newer, older]


def test_percent_and_underscore_are_literal_characters(engine, sessions):
    alice = slack_user("alice")
    percent = _pin(engine, sessions, alice, "https://example.com/1", "100% cotton")
    _pin(engine, sessions, alice, "https://example.com/2", "100 cotton shirts")
    underscore = _pin(engine, sessions, alice, "https://example.com/3", "node_js guide")
    _pin(engine, sessions, alice, "https://example.com/4", "nodexjs guide")
    assert _found(engine, alice, "%") == [percent]
    assert _found(engine, alice, "100%") == [percent]
    assert _found(engine, alice, "e_j") == [underscore]
    assert _found(engine, alice, "_") == [underscore]
    backslash = _pin(engine, sessions, alice, "https://example.com/5", r"C:\temp notes")
    assert _found(engine, alice, "\\") == [backslash]


def test_a_pin_only_on_a_secret_board_is_found_by_its_owner_alone(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    say(engine, alice, "board new Saved secret")
    say(engine, alice, "new https://example.com/ring Engagement ring")
    say(engine, bob, "new https://example.com/ring-box Ring box")
    assert _found(engine, alice, "ring") == ["p2", "p1"]
    assert _found(engine, bob, "ring") == ["p2"]
    assert _found(engine, bob, "engagement") == []
    assert "p1" not in say(engine, bob, "search ring").text


def test_a_secret_pin_someone_else_also_saved_publicly_is_found(engine, sessions):
    alice, bob, carol = slack_user("alice"), telegram_user("bob"), slack_user("carol")
    say(engine, alice, "new https://example.com/lamp Lamp")
    say(engine, bob, "board new Saved secret")
    say(engine, bob, "save p1")
    assert _found(engine, carol, "lamp") == ["p1"]


def test_search_returns_at_most_ten_pins(engine, sessions):
    alice, bob = slack_user("alice"), telegram_user("bob")
    for i in range(12):
        say(engine, alice, f"new https://example.com/{i} Sunflower {i}")
    found = _found(engine, bob, "sunflower")
    assert len(found) == 10
    assert found == [f"p{i}" for i in range(12, 2, -1)], "the ten best (newest, all equal hits)"


def test_an_empty_search_is_refused(engine):
    alice = slack_user("alice")
    assert "Search for what?" in refuse(engine, alice, "search").text
    assert "Search for what?" in refuse(engine, alice, "search    ").text


def test_too_many_or_too_long_words_are_refused(engine):
    alice = slack_user("alice")
    assert "at most 8" in refuse(engine, alice, "search " + " ".join(f"w{i}" for i in range(9))).text
    assert "64 characters" in refuse(engine, alice, "search " + "x" * 65).text
    assert say(engine, alice, "search " + " ".join(f"w{i}" for i in range(8))).ok
