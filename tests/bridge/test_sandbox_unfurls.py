"""The sandbox's #general: a Pinbridge link posted there gets its public card, through link_shared and chat.unfurl."""

from __future__ import annotations


from tests.bridge.sandbox_server import Page, eventually, served_page_fixtures
from tests.bridge.test_sandbox_ui import texts


server, page = served_page_fixtures("sandbox-unfurls")


def general(page: Page) -> list[dict]:
    response = page.client.get("slack/channel")
    assert response.status_code == 200
    return response.json()["items"]


def test_a_pin_link_posted_in_general_shows_its_card_under_the_message(server, page):
    alice = page.post("slack/people", expect=201, name="alice")["id"]
    bob = page.post("slack/people", expect=201, name="bob")["id"]
    page.post("slack/type", user=alice, text="/pin new https://example.com/boots Hiking boots")
    eventually(lambda: "Pinned p1" in texts(page.slack_items(alice)), "Alice's new pin")
    page.post("slack/type", user=alice, text="/pin board new Gifts secret")
    eventually(lambda: "Gifts" in texts(page.slack_items(alice)), "Alice's secret board")

    said = page.post("slack/channel", user=bob, text=f"Look: {server.url}/p/1 and {server.url}/p/99 and {server.url}/b/2")

    assert said["links"] == 3, "Slack announces every link on the unfurl domain"
    [item] = eventually(lambda: [i for i in general(page) if i["unfurls"]], "the preview under Bob's message")
    assert item["name"] == "Bob" and "Look:" in item["text"]
    [preview] = item["unfurls"]
    assert preview["url"] == f"{server.url}/p/1", "an unknown pin and a secret board have no preview"
    assert "Hiking boots" in texts([{"text": "", "blocks": preview["blocks"]}])


def test_a_message_without_pinbridge_links_is_just_a_message(page):
    bob = page.post("slack/people", expect=201, name="bob")["id"]

    said = page.post("slack/channel", user=bob, text="lunch? https://example.com/menu")

    assert said["links"] == 0
    assert [(i["text"], i["unfurls"]) for i in general(page)] == [("lunch? https://example.com/menu", [])]


def test_posting_in_general_needs_a_person_and_some_text(page):
    bob = page.post("slack/people", expect=201, name="bob")["id"]

    assert "Type a message" in page.post("slack/channel", expect=400, user=bob, text="  ")["error"]
    assert "No such Slack user" in page.post("slack/channel", expect=404, user="U0NOBODY", text="hi")["error"]
    assert "at most" in page.post("slack/channel", expect=400, user=bob, text="x" * 4001)["error"]
    assert general(page) == []
