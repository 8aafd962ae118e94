"""A board with tall and wide pictures in headless Chromium: the masonry grid as people see it (issue 14).

Set PINBRIDGE_SCREENSHOT=1 to rewrite bridge/static/board.png (the README's picture of a board);
normal runs leave the committed file alone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from bridge.config import from_dict
from bridge.pages import blueprint
from bridge.sandbox.samples import painting
from bridge.sandbox.serving import serve
from bridge.wiring import build
from tests.factories import say, slack_user

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    message = "Chromium is not installed at /usr/bin/chromium (Debian: apt-get install chromium)"
    if os.environ.get("PINBRIDGE_REQUIRE_BROWSER") == "1":
        raise RuntimeError(message)
    pytest.skip(message, allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "bridge" / "static" / "board.png"
PICTURES = [  # (size, (ground, sky), title): tall and wide, as people pin them
    ((600, 900), ((46, 94, 78), (200, 220, 180)), "Mossy forest trail"),
    ((1600, 900), ((24, 54, 110), (240, 190, 120)), "Sunrise over the ridge"),
    ((700, 1400), ((90, 40, 30), (230, 160, 90)), "Canyon walls at noon"),
    ((1200, 800), ((30, 90, 140), (210, 235, 245)), "Glacier lake"),
    ((800, 1000), ((120, 60, 110), (250, 210, 230)), "Wildflowers in July"),
    ((1500, 600), ((40, 40, 60), (250, 240, 200)), "Night sky panorama"),
]


@pytest.fixture
def site(tmp_path):
    """The public pages served on a free port, their links (http.public_url) pointing at it."""
    inner = {}
    with serve(lambda environ, start: inner["app"](environ, start)) as served:
        services = build(from_dict({"database_url": f"sqlite:///{tmp_path}/pages.db", "http": {"public_url": served.url},
                                    "media": {"folder": str(tmp_path / "media")}}), platforms=False)
        alice = slack_user("alice")
        for n, (size, colours, title) in enumerate(PICTURES):
            kept = services.pictures.keep(painting(size, colours, quality=88))
            assert services.engine.pin_picture(alice, kept.key, kept.mime, title, None, (kept.width, kept.height)).ok
            if n == 2:
                say(services.engine, alice, "new https://trails.example.org/huts Mountain huts worth the climb")
        app = Flask(__name__)
        app.register_blueprint(blueprint(services))
        inner["app"] = app
        yield served.url
        services.close()


def test_a_board_of_tall_and_wide_pictures_is_a_masonry_grid_of_loaded_pictures(site):
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        problems = []
        page.on("console", lambda m: problems.append(m.text)
                if m.type in ("error", "warning") and "status of 404" not in m.text else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        # Every request but the browser's own /favicon.ico must succeed (pictures, the stylesheet).
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.goto(site + "/b/1")
        page.wait_for_load_state("networkidle")
        page.evaluate("Promise.all([...document.images].map(i => i.decode()))")  # lazy ones too, near the top
        tiles = page.locator(".masonry .tile")
        assert tiles.count() == len(PICTURES) + 1
        boxes = [tiles.nth(i).bounding_box() for i in range(tiles.count())]
        assert len({round(b["x"]) for b in boxes}) >= 3, "pins sit in several columns"
        loaded = page.evaluate("[...document.querySelectorAll('.masonry img')].map(i => [i.naturalWidth, i.alt])")
        assert all(width > 0 for width, _ in loaded) and {alt for _, alt in loaded} == {t for _, _, t in PICTURES}
        shapes = page.evaluate("[...document.querySelectorAll('.masonry img')].map(i => i.clientHeight / i.clientWidth)")
        assert max(shapes) > 1.5 and min(shapes) < 0.5, "each picture keeps its own shape"
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # past the brand link, onto the owner's, then the first pin
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('tile')"), "pins are reached by keyboard"
        assert problems == [], problems  # no CSP refusals, no broken images
        if os.environ.get("PINBRIDGE_SCREENSHOT") == "1":
            page.evaluate("document.activeElement.blur()")
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        browser.close()
