"""Edits and deletes in the sandbox page, over HTTP against a real `python -m bridge serve`.

Alice on Slack and Bob on Telegram correct and remove their own messages the way each
client lets them; each change is checked in what the other person then sees.
"""

from __future__ import annotations


from tests.bridge.sandbox_server import Page, eventually, served_page_fixtures
from tests.bridge.test_sandbox_ui import bubble, pin_sent, texts


server, page = served_page_fixtures("sandbox-edits")


def bobs_own(page: Page, bob: int, words: str) -> dict:
    return eventually(lambda: next((m for m in page.telegram_messages(bob) if m["mine"] and words in m["text"]), None),
                      f"Bob's message {words!r}")


def alices_dm(page: Page, alice: str, words: str) -> dict | None:
    return next((i for i in page.slack_items(alice) if i["who"] == "bot" and words in texts([i])), None)


def test_bob_edits_his_reply_on_telegram_and_alices_copy_changes(page):
    alice, bob, card = pin_sent(page)
    page.post("telegram/send", user=bob, text="Love tehm", reply_to=card["id"])
    eventually(lambda: alices_dm(page, alice, "Love tehm"), "Bob's reply in Alice's DM")
    mine = bobs_own(page, bob, "Love tehm")
    page.post("telegram/edit", user=bob, message_id=mine["id"], text="Love them")
    copy = eventually(lambda: alices_dm(page, alice, "Love them"), "the corrected copy")
    assert copy["edited"] and not alices_dm(page, alice, "tehm"), "the same message, changed in place"
    page.post("telegram/edit", expect=404, user=bob, message_id=card["id"], text="not mine")


def test_alice_edits_and_deletes_her_thread_reply_and_bobs_copy_follows(page):
    alice, bob, _ = pin_sent(page)
    page.post("telegram/send", user=bob, text="/reply c1 Where from?")
    dm = eventually(lambda: [i for i in page.slack_items(alice) if i["msg_ts"] and "Where from?" in texts([i])],
                    "Bob's question in Alice's DM")[-1]
    page.post("slack/type", user=alice, text="The shop on Main St", thread_ts=dm["msg_ts"])
    bubble(page, bob, "Main St")
    mine = eventually(lambda: next((i for i in page.slack_items(alice) if i["who"] == "me" and "Main St" in i["text"]),
                                   None), "Alice's own reply")
    page.post("slack/edit", user=alice, ts=mine["msg_ts"], text="The shop on Elm St")
    edited = bubble(page, bob, "Elm St")
    assert edited["edited"]
    page.post("slack/delete", user=alice, ts=mine["msg_ts"])
    eventually(lambda: not [m for m in page.telegram_messages(bob) if "Elm St" in m["text"]], "the copy removed")


def test_bob_deletes_with_the_command_because_telegram_tells_bots_nothing(page):
    alice, bob, card = pin_sent(page)
    page.post("telegram/send", user=bob, text="Wrong chat, sorry", reply_to=card["id"])
    eventually(lambda: alices_dm(page, alice, "Wrong chat"), "Bob's reply in Alice's DM")
    mine = bobs_own(page, bob, "Wrong chat")
    page.post("telegram/send", user=bob, text="/delete", reply_to=mine["id"])
    bubble(page, bob, "for everyone")
    eventually(lambda: alices_dm(page, alice, "Wrong chat") is None, "Alice's copy removed")
    assert not [m for m in page.telegram_messages(bob) if m["mine"] and "Wrong chat" in m["text"]]
