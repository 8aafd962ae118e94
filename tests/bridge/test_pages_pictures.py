"""Pages that look like Pinterest: kept pictures in a masonry grid, made cards, the pin large (issue 14)."""

from __future__ import annotations

import io
import re

from PIL import Image

from bridge.pages import CSP, hue
from tests.bridge.test_pages import Page, client, services  # noqa: F401 - the pages' fixtures
from tests.factories import say, slack_user, telegram_user

ALICE, BOB = slack_user("alice"), telegram_user("bob")


def picture_pin(services, who, size: tuple[int, int], caption: str, color=(90, 120, 40)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    kept = services.pictures.keep(out.getvalue())
    reply = services.engine.pin_picture(who, kept.key, kept.mime, caption, None, (kept.width, kept.height))
    assert reply.ok, reply.body
    return reply.items[0].ref


def images(html: str) -> list[dict]:
    return [dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag)) for tag in re.findall(r"<img\b[^>]*>", html)]


def test_a_board_is_a_masonry_of_its_pictures_in_their_own_shapes(client, services):
    picture_pin(services, ALICE, (600, 1500), "A tall waterfall")
    picture_pin(services, ALICE, (1600, 500), "A wide ridge", (20, 60, 160))
    say(services.engine, ALICE, "new https://trails.example.org/alps Alpine huts")  # no picture at all
    html = client.get("/b/1").get_data(as_text=True)
    assert '<div class="masonry">' in html
    wide, tall = images(html)  # the latest first
    assert (tall["width"], tall["height"], tall["alt"]) == ("600", "1500", "A tall waterfall")
    assert (wide["width"], wide["height"], wide["alt"]) == ("1600", "500", "A wide ridge")
    assert all(i["loading"] == "lazy" and i["src"].startswith("http://pins.test/media/") for i in (tall, wide))
    made = re.search(r'<span class="made hue-(\d)" aria-hidden="true"><span class="made-host">([^<]*)</span>', html)
    assert made.groups() == (str(hue("trails.example.org")), "trails.example.org"), "a made card, not a grey letter"
    assert "noimage" not in html


def test_the_pin_page_shows_the_picture_large_its_source_savers_and_public_boards(client, services):
    ref = picture_pin(services, ALICE, (1200, 800), "Blue tent\nTwo nights by the lake")
    say(services.engine, BOB, f"save {ref}")
    say(services.engine, BOB, "board new Hidden secret")
    say(services.engine, BOB, f"save {ref} to Hidden")
    say(services.engine, BOB, "board new Camping")
    say(services.engine, BOB, f"save {ref} to Camping")
    html = client.get("/p/1").get_data(as_text=True)
    [hero] = images(html)
    assert (hero["class"], hero["width"], hero["height"], hero["alt"]) == ("hero", "1200", "800", "Blue tent")
    page = Page(html)
    assert "Two nights by the lake" in page.text and "Saved by @bob" in page.text
    assert "On Saved @alice , Saved @bob , Camping @bob" in page.text  # (the parser spaces each piece of text)
    assert "Open source" not in page.text, "a picture pinned as itself has no other source"
    assert "Hidden" not in html, "a secret board is never named"
    assert page.meta["og:image"] == hero["src"]


def test_a_profile_shows_the_latest_pins_of_its_public_boards_only(client, services):
    picture_pin(services, ALICE, (800, 800), "Shown")
    say(services.engine, BOB, "new https://example.com/quiet Kept quiet")  # p2, on Bob's own board
    say(services.engine, ALICE, "board new Private secret")
    say(services.engine, ALICE, "save p2 to Private")  # on Alice's secret board only
    page = Page(client.get("/u/alice").get_data(as_text=True))
    assert "Latest pins" in page.text and "Shown" in page.text
    assert "Kept quiet" not in page.text and "Private" not in page.text
    assert "Kept quiet" in Page(client.get("/u/bob").get_data(as_text=True)).text


def test_a_full_board_page_stays_small_before_its_pictures(client, services):
    for n in range(70):
        say(services.engine, ALICE, f"new https://example.com/{n} {'A long and winding title ' * 7}{n}")
    response = client.get("/b/1")
    assert response.status_code == 200 and len(response.data) < 200_000, len(response.data)


def test_pages_stay_script_free_and_pictures_come_from_pinbridge_itself(client, services):
    picture_pin(services, ALICE, (300, 300), "<script>alert(1)</script>")
    response = client.get("/b/1")
    html = response.get_data(as_text=True)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert response.headers["Content-Security-Policy"] == CSP and "img-src 'self'" in CSP and "script-src" not in CSP
