"""The public pages (SPEC §5): what anyone with a link sees, and what they never see."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask
from sqlalchemy import update

from bridge.config import from_dict
from bridge.pages import blueprint, landing_view
from bridge.wiring import build
from core.results import InviteLink
from core.db import transaction
from core.models import Pin
from tests.factories import friends, say, slack_user, telegram_user

BOOTS = "new https://example.com/boots Hiking boots"
HOSTILE = "<script>alert(1)</script> & <b>x</b>"


class Page(HTMLParser):
    """The parts of a page a browser or an unfurler reads: meta tags, links, images, text."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.images: list[str] = []
        self.stylesheets: list[str] = []
        self.words: list[str] = []
        self.feed(html)
        self.text = " ".join(" ".join(self.words).split())

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "a":
            self.links.append(attrs)
        elif tag == "img":
            self.images.append(attrs["src"])
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])

    def handle_data(self, data):
        self.words.append(data)

    def link(self, text: str) -> dict[str, str]:
        """The attributes of the first link whose href contains `text`."""
        return next(a for a in self.links if text in a.get("href", ""))


@pytest.fixture
def services(db_url, tmp_path):
    built = build(from_dict({"database_url": db_url, "http": {"public_url": "http://pins.test"},
                             "media": {"folder": str(tmp_path / "media")}}), platforms=False)
    yield built
    built.close()


@pytest.fixture
def client(services):
    app = Flask(__name__)
    app.register_blueprint(blueprint(services))
    app.add_url_rule("/", "landing", landing_view(services))
    return app.test_client()


@pytest.fixture
def engine(services):
    return services.engine


def get(client, path: str, status: int = 200) -> Page:
    response = client.get(path)
    assert response.status_code == status, f"{path}: {response.status_code}"
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


def describe(services, pin_id: int, description: str, image_url: str | None = None) -> None:
    """Give a pin the description and image an unfurl would have found."""
    with transaction(services.sessions) as session:
        session.execute(update(Pin).where(Pin.id == pin_id).values(description=description, image_url=image_url))


# The pin page -----------------------------------------------------------------


def test_the_pin_page_shows_the_pin_its_source_and_who_saved_it(client, engine, services):
    alice, bob = slack_user("alice"), telegram_user("bob")
    say(engine, alice, BOOTS)
    describe(services, 1, "Waterproof, light, and they last.", "https://img.example.com/boots.jpg")
    say(engine, bob, "save p1")
    page = get(client, "/p/1")
    assert "Hiking boots" in page.text and "Waterproof, light, and they last." in page.text
    source = page.link("https://example.com/boots")
    assert "Open source" in page.text and source["rel"] == "noopener nofollow ugc"
    assert "https://img.example.com/boots.jpg" in page.images
    assert "Pinned by Alice @alice" in page.text
    assert "Saved by @bob" in page.text and page.link("/u/bob")


def test_a_hostile_title_is_shown_as_text_never_run(client, engine):
    say(engine, slack_user("alice"), f"new https://example.com/x {HOSTILE}")
    response = client.get("/p/1")
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in html
    assert Page(html).meta["og:title"] == HOSTILE, "the unfurler reads the title back as the user typed it"


def test_pin_pages_unfurl_with_opengraph_and_twitter_tags(client, engine, services):
    say(engine, slack_user("alice"), BOOTS)
    describe(services, 1, 'Say "hello" <now>', "https://img.example.com/boots.jpg")
    html = client.get("/p/1").get_data(as_text=True)
    assert 'content="Say &#34;hello&#34; &lt;now&gt;"' in html, "quotes cannot end the attribute"
    meta = Page(html).meta
    assert meta["og:title"] == "Hiking boots" and meta["og:site_name"] == "Pinbridge"
    assert meta["og:description"] == 'Say "hello" <now>'
    assert meta["og:url"] == "http://pins.test/p/1" and meta["og:type"] == "article"
    assert meta["og:image"] == meta["twitter:image"] == "https://img.example.com/boots.jpg"
    assert meta["twitter:card"] == "summary_large_image"


def test_a_pin_without_an_image_has_no_image_tags(client, engine):
    say(engine, slack_user("alice"), BOOTS)
    page = get(client, "/p/1")
    assert "og:image" not in page.meta and page.meta["twitter:card"] == "summary"
    assert page.meta["og:description"] == "Pinned by @alice on Pinbridge"


def test_a_non_web_image_link_never_becomes_an_image_source(client, engine, services):
    say(engine, slack_user("alice"), BOOTS)
    describe(services, 1, "", "javascript:alert(1)")
    html = client.get("/p/1").get_data(as_text=True)
    assert "javascript:" not in html


def test_a_pin_only_on_a_secret_board_is_not_found(client, engine):
    alice = slack_user("alice")
    say(engine, alice, "board new Saved secret")
    say(engine, alice, BOOTS)
    page = get(client, "/p/1", 404)
    assert "Hiking boots" not in page.text and "Nothing to see here" in page.text


def test_a_pin_sent_privately_stays_off_the_web(client, engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, "board new Saved secret")
    say(engine, alice, "send https://example.com/gift to @bob for your birthday")
    assert "example.com/gift" not in get(client, "/p/1", 404).text


def test_saving_onto_a_secret_board_does_not_name_the_saver(client, engine):
    alice, bob = slack_user("alice"), telegram_user("bob")
    say(engine, alice, BOOTS)
    say(engine, bob, "board new Wishlist secret")
    say(engine, bob, "save p1 to Wishlist")
    assert "@bob" not in get(client, "/p/1").text


# The board page -----------------------------------------------------------------


def test_the_board_page_lists_its_pins_linking_to_their_pages(client, engine):
    alice = slack_user("alice")
    say(engine, alice, "board new Trips")
    say(engine, alice, BOOTS)
    say(engine, alice, "new https://example.com/tent Two-person tent")
    say(engine, alice, "save p1 to Trips")
    say(engine, alice, "save p2 to Trips")
    board_id = say(engine, alice, "board Trips").items[0].board_id
    page = get(client, f"/b/{board_id}")
    assert "Trips" in page.text and "2 pins" in page.text and "@alice" in page.text
    assert "Hiking boots" in page.text and "Two-person tent" in page.text
    assert page.link("/p/1") and page.link("/p/2")
    assert page.meta["og:url"] == f"http://pins.test/b/{board_id}"


def test_a_secret_board_is_the_same_404_as_no_board(client, engine):
    alice = slack_user("alice")
    say(engine, alice, "board new Hideout secret")
    board_id = say(engine, alice, "board Hideout").items[0].board_id
    secret, missing = client.get(f"/b/{board_id}"), client.get("/b/999")
    assert secret.status_code == missing.status_code == 404
    assert secret.get_data() == missing.get_data(), "nothing tells a secret board from a missing one"
    assert b"Hideout" not in secret.get_data()


# The profile page ---------------------------------------------------------------


def test_the_profile_shows_only_public_boards(client, engine):
    bob = telegram_user("bob")
    say(engine, bob, "board new Recipes")
    say(engine, bob, "board new Surprise party secret")
    page = get(client, "/u/bob")
    assert "Bob" in page.text and "@bob" in page.text and "Recipes" in page.text
    assert "Surprise party" not in page.text
    assert page.meta["og:title"] == "Bob (@bob)" and page.meta["og:type"] == "profile"


def test_handles_in_profile_links_ignore_case(client, engine):
    engine.ensure(telegram_user("bob"))
    assert "@bob" in get(client, "/u/BOB").text
    assert "@bob" in get(client, "/u/Bob").text


def test_an_unknown_or_malformed_handle_is_not_found(client):
    get(client, "/u/nobody", 404)
    get(client, "/u/%3Cscript%3E", 404)


# The invite page ----------------------------------------------------------------


def _invite(engine) -> str:
    alice, bob = slack_user("alice"), telegram_user("bob")
    friends(engine, alice, bob)
    say(engine, alice, BOOTS)
    reply = say(engine, alice, "send p1 to @bob @newperson Look!")
    (link,) = [item for item in reply.items if isinstance(item, InviteLink)]
    return link.code


def test_the_invite_page_shows_what_waits_and_how_to_join(client, engine):
    code = _invite(engine)
    response = client.get(f"/i/{code}")
    page = Page(response.get_data(as_text=True))
    assert "Alice @alice invited you" in page.text and "Hiking boots" in page.text
    assert page.link(f"https://t.me/pinbridge_bot?start=inv_{code}")["href"] == f"https://t.me/pinbridge_bot?start=inv_{code}"
    assert f"On Slack, type /pin join {code}" in page.text
    assert page.meta["og:title"] == "@alice sent you a pin: Hiking boots"
    assert page.meta["robots"].startswith("noindex") and response.headers["Cache-Control"] == "no-store"


def test_a_used_invite_no_longer_shows_the_conversation(client, engine):
    code = _invite(engine)
    say(engine, telegram_user("newperson"), f"join {code}")
    page = get(client, f"/i/{code}")
    assert "already been used" in page.text
    assert "Hiking boots" not in page.text and "t.me" not in str(page.links)


def test_a_bad_invite_code_is_not_found(client, engine):
    _invite(engine)
    get(client, "/i/not-a-code", 404)


# Every page -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/p/999", "/b/999", "/p/0", "/p/99999999999999", "/p/abc", "/b/-1", "/u/ghost", "/i/nope"])
def test_unknown_things_get_the_styled_not_found_page(client, path):
    page = get(client, path, 404)
    assert "Nothing to see here" in page.text and page.stylesheets


def test_pages_forbid_scripts_and_sniffing(client, engine):
    say(engine, slack_user("alice"), BOOTS)
    for path in ("/p/1", "/u/alice", "/p/999", "/"):
        headers = client.get(path).headers
        assert "script-src" not in headers["Content-Security-Policy"]
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_stylesheet_is_served(client):
    page = get(client, "/")
    response = client.get(page.stylesheets[0])
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert b".card" in response.get_data()


def test_the_pages_are_read_only(client, engine):
    say(engine, slack_user("alice"), BOOTS)
    assert client.head("/p/1").status_code == 200
    assert client.post("/p/1").status_code == 405
    assert client.delete("/u/alice").status_code == 405


def test_the_landing_page_says_how_to_start(client):
    page = get(client, "/")
    assert "Pinbridge" in page.text and "/pin help" in page.text
    assert page.link("https://t.me/pinbridge_bot")
