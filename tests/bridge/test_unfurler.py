"""The unfurler against real local HTTP pages: cards fill in; private addresses, junk and floods are refused."""

from __future__ import annotations

import threading

import pytest
from flask import Flask, Response, redirect
from sqlalchemy import select

from bridge.sandbox.serving import serve
from bridge.unfurler import PageFetcher, Refused, Unfurler
from core.db import transaction
from core.models import Pin
from tests.factories import say, slack_user

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PAGE = ('<html><head><meta property="og:title" content="Trail Runner">'
        '<meta property="og:description" content="Light boots"><meta property="og:image" content="/b.jpg"></head></html>')


@pytest.fixture
def site():
    app = Flask(__name__)
    app.add_url_rule("/boots", "boots", lambda: PAGE)
    app.add_url_rule("/moved", "moved", lambda: redirect("/boots"))
    app.add_url_rule("/loop", "loop", lambda: redirect("/loop"))
    app.add_url_rule("/pdf", "pdf", lambda: Response(b"%PDF-1.7", mimetype="application/pdf"))
    app.add_url_rule("/huge", "huge", lambda: Response("<title>Huge</title>" + "x" * 3_000_000, mimetype="text/html"))
    app.add_url_rule("/gone", "gone", lambda: ("nope", 404))
    app.add_url_rule("/b.jpg", "jpeg", lambda: Response(JPEG, mimetype="image/jpeg"))
    # A WebP named .png, and an "image" that is really a page: only the bytes tell.
    app.add_url_rule("/w.png", "webp", lambda: Response(WEBP, mimetype="image/png"))
    app.add_url_rule("/fake.jpg", "fake", lambda: Response("<html>not an image</html>", mimetype="image/jpeg"))
    app.add_url_rule("/webp-page", "webp_page", lambda: PAGE.replace("/b.jpg", "/w.png"))
    app.add_url_rule("/fake-page", "fake_page", lambda: PAGE.replace("/b.jpg", "/fake.jpg"))
    with serve(app) as served:
        yield served.url


def test_a_new_pin_gets_its_title_description_and_image_from_the_page(engine, sessions, site):
    alice = slack_user("alice")
    say(engine, alice, f"new {site}/moved")
    assert Unfurler(sessions, PageFetcher(allow_private=True)).run_once() == 1
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        assert (pin.title, pin.description, pin.image_url) == ("Trail Runner", "Light boots", f"{site}/b.jpg")
        assert pin.image_type == "image/jpeg"
    assert "p1 Trail Runner" in say(engine, alice, "search light").text, "found by its new description"


@pytest.mark.parametrize("path", ["/pdf", "/gone", "/loop"])
def test_pages_that_are_not_html_or_not_there_leave_the_pin_alone(engine, sessions, site, path):
    say(engine, slack_user("alice"), f"new {site}{path} Kept")
    unfurler = Unfurler(sessions, PageFetcher(allow_private=True))
    unfurler.run_once()
    unfurler.close()
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        assert (pin.title, pin.image_url, pin.unfurl_state) == ("Kept", None, "failed")


def test_a_huge_page_is_read_only_up_to_the_limit(site):
    fetcher = PageFetcher(allow_private=True, max_bytes=4096)
    assert len(fetcher.fetch(f"{site}/huge")) == 4096


def test_private_and_loopback_addresses_are_refused_by_default(site, engine, sessions):
    fetcher = PageFetcher()
    for url in (f"{site}/boots", "http://10.0.0.7/admin", "http://169.254.169.254/latest/meta-data", "http://[::1]/",
                "http://example.com:99999/x"):
        with pytest.raises(Refused):
            fetcher.pinned(url)
    say(engine, slack_user("alice"), f"new {site}/boots Mine")
    Unfurler(sessions, fetcher).run_once()
    with transaction(sessions) as session:
        assert session.scalar(select(Pin.title)) == "Mine", "nothing was fetched from the loopback address"


def test_only_http_urls_to_public_addresses_pass_the_check():
    fetcher = PageFetcher()
    target, host, sni = fetcher.pinned("https://93.184.216.34:8443/a?b=1")  # public: passes, nothing fetched
    assert (target, host, sni) == ("https://93.184.216.34:8443/a?b=1", "93.184.216.34:8443", "93.184.216.34")
    with pytest.raises(Refused):
        fetcher.pinned("ftp://example.com/file")


def test_the_checked_address_is_the_one_connected_to(site):
    fetcher = PageFetcher(allow_private=True)
    port = site.rsplit(":", 1)[1]
    target, host, _ = fetcher.pinned(f"http://localhost:{port}/boots")
    assert target.startswith(("http://127.0.0.1:", "http://[::1]:")) and host == f"localhost:{port}"
    assert "Trail Runner" in fetcher.fetch(f"http://localhost:{port}/boots")



def test_a_page_with_a_nul_character_still_unfurls(engine, sessions):
    app = Flask(__name__)
    app.add_url_rule("/nul", "nul", lambda: "<title>Tent\x00 for two</title>")
    with serve(app) as served:
        say(engine, slack_user("alice"), f"new {served.url}/nul")
        unfurler = Unfurler(sessions, PageFetcher(allow_private=True))
        unfurler.run_once()
        unfurler.close()
    with transaction(sessions) as session:
        assert session.scalar(select(Pin.title)) == "Tent for two"


def _trickling_site(pause: float, stop: threading.Event):
    """A page that sends one byte every `pause` seconds, for as long as anyone listens."""
    app = Flask(__name__)

    def slow():
        def body():
            yield "<html><head><title>Slow</title>"
            while not stop.is_set():
                stop.wait(pause)
                yield " "
        return Response(body(), mimetype="text/html")

    app.add_url_rule("/slow", "slow", slow)
    app.add_url_rule("/fast", "fast", lambda: PAGE)
    return app


def test_a_page_that_trickles_is_cut_off_at_the_deadline():
    stop = threading.Event()
    with serve(_trickling_site(0.2, stop)) as served:
        fetcher = PageFetcher(allow_private=True, timeout=2, deadline=1)
        with pytest.raises(Refused, match="within 1s"):
            fetcher.fetch(f"{served.url}/slow")
        stop.set()
        fetcher.close()


def test_one_slow_page_holds_up_nobody_else(engine, sessions):
    stop = threading.Event()
    alice = slack_user("alice")
    with serve(_trickling_site(0.2, stop)) as served:
        say(engine, alice, f"new {served.url}/slow")
        unfurler = Unfurler(sessions, PageFetcher(allow_private=True, deadline=30), threads=2, idle_sleep=0.05)
        unfurler.step(0.05)  # the slow page is claimed and stays in flight
        for n in range(3):  # pins made meanwhile are read and stored while it trickles on
            say(engine, alice, f"new {served.url}/fast?n={n}")
        for _ in range(200):
            unfurler.step(0.05)
            with transaction(sessions) as session:
                done = session.scalars(select(Pin.unfurl_state).where(Pin.url.like("%fast%"))).all()
            if done.count("done") == 3:
                break
        assert done.count("done") == 3
        with transaction(sessions) as session:
            assert session.scalar(select(Pin.unfurl_state).where(Pin.url.like("%slow"))) == "working"
        stop.set()
        unfurler.run_once()
        unfurler.close()


@pytest.mark.parametrize("page, image_type", [("/webp-page", "image/webp"), ("/fake-page", None)])
def test_an_image_is_known_by_its_bytes_not_its_name(engine, sessions, site, page, image_type):
    say(engine, slack_user("alice"), f"new {site}{page}")
    unfurler = Unfurler(sessions, PageFetcher(allow_private=True))
    unfurler.run_once()
    unfurler.close()
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        assert pin.image_type == image_type
        assert (pin.image_url is None) == (image_type is None), "what is not an image is no picture"
