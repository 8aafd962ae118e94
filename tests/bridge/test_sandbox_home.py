"""The sandbox page's Slack Home tab, against a real `python -m bridge serve` over HTTP: opening it sends
Slack's app_home_opened, what shows is what Pinbridge published, its buttons act, and the served worker
keeps it fresh when someone on Telegram writes."""

from __future__ import annotations

import json


from tests.bridge.sandbox_server import Page, eventually, served_page_fixtures
from tests.bridge.test_sandbox_ui import bubble, pin_sent


server, page = served_page_fixtures("sandbox-home")


def home(page: Page, user: str) -> str:
    found = page.client.get("slack/home", params={"user": user}).json()["home"]
    return json.dumps(found["blocks"], ensure_ascii=False) if found else ""


def test_the_home_tab_opens_shows_the_inbox_and_follows_a_reply_from_telegram(page):
    alice, bob, _ = pin_sent(page)
    assert home(page, alice) == ""  # nothing is published before the tab is opened

    page.post("slack/home", user=alice, tab="home")
    shown = eventually(lambda: home(page, alice), "Alice's Home tab")
    assert "*c1* with @bob" in shown and "Hiking boots" in shown

    page.post("telegram/send", user=bob, text="/reply c1 Want a pair too?")
    bubble(page, bob, "Replied")
    eventually(lambda: "@bob: Want a pair too?" in home(page, alice), "the refresh through the worker")

    page.post("slack/home/click", user=alice, action={"action_id": "home_dismiss", "value": "c1", "block_id": "conv_c1"})
    eventually(lambda: "Nothing here yet" in home(page, alice), "the dismissed conversation to leave the tab")


def test_a_home_click_before_anything_is_published_is_refused(page):
    alice = page.post("slack/people", expect=201, name="alice")["id"]
    answer = page.post("slack/home/click", expect=404, user=alice, action={"action_id": "home_read", "value": "c1"})
    assert "open it first" in answer["error"]
