"""Reading a link's page: what it says about itself fills what the pin lacks, safely."""

from datetime import timedelta

from sqlalchemy import select, update

from core import unfurl
from core.clock import utcnow
from core.db import transaction
from core.models import Pin
from tests.factories import say, slack_user

PAGE = """<html><head><title>Ignored when og:title exists</title>
<meta property="og:title" content="Trail Runner 2 &amp; more">
<meta name="description" content="  Light boots
for long trails. ">
<meta property="og:image" content="/img/boots.jpg">
</head><body>…</body></html>"""


def test_open_graph_tags_make_the_card():
    card = unfurl.parse_card(PAGE, "https://shop.example/boots")
    assert card == {
        "title": "Trail Runner 2 & more",
        "description": "Light boots for long trails.",
        "image": "https://shop.example/img/boots.jpg",
    }


def test_the_title_tag_is_the_fallback_and_bad_images_are_dropped():
    card = unfurl.parse_card('<title> Just a page </title><meta property="og:image" content="javascript:alert(1)">', "https://x.example/")
    assert card == {"title": "Just a page"}


def test_a_page_without_metadata_gives_nothing():
    assert unfurl.parse_card("<p>hello</p>", "https://x.example/") == {}


def test_unfurling_fills_what_the_creator_left_empty_and_keeps_what_they_typed(engine, sessions):
    alice = slack_user("alice")
    say(engine, alice, "new https://shop.example/boots")
    say(engine, alice, "new https://shop.example/tent My own title")
    with transaction(sessions) as session:
        claimed = unfurl.claim(session, utcnow(), 10)
    assert [url for _, url in claimed] == ["https://shop.example/boots", "https://shop.example/tent"]
    card = {"title": "Trail Runner", "description": "Light", "image": "https://shop.example/b.jpg"}
    with transaction(sessions) as session:
        for pin_id, _ in claimed:
            unfurl.apply(session, pin_id, card, utcnow())
    with transaction(sessions) as session:
        boots, tent = session.scalars(select(Pin).order_by(Pin.id)).all()
        assert (boots.title, boots.description, boots.image_url, boots.unfurl_state) == (
            "Trail Runner", "Light", "https://shop.example/b.jpg", "done")
        assert tent.title == "My own title", "a title the creator typed is never replaced"


def test_a_pin_is_claimed_once_unless_its_lease_expires(engine, sessions):
    say(engine, slack_user("alice"), "new https://shop.example/boots")
    now = utcnow()
    with transaction(sessions) as session:
        assert len(unfurl.claim(session, now, 10)) == 1
    with transaction(sessions) as session:
        assert unfurl.claim(session, now, 10) == [], "leased to the first unfurler"
    with transaction(sessions) as session:
        assert len(unfurl.claim(session, now + unfurl.LEASE + timedelta(seconds=1), 10)) == 1, "it crashed: retry"


def test_a_failed_unfurl_is_not_retried_forever(engine, sessions):
    say(engine, slack_user("alice"), "new https://shop.example/boots")
    with transaction(sessions) as session:
        ((pin_id, _),) = unfurl.claim(session, utcnow(), 10)
        unfurl.apply(session, pin_id, None, utcnow())
    with transaction(sessions) as session:
        session.execute(update(Pin).values(unfurled_at=utcnow() - timedelta(days=1)))
        assert unfurl.claim(session, utcnow(), 10) == []
        assert session.get(Pin, pin_id).unfurl_state == "failed"
