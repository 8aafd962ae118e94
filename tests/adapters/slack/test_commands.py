"""Every word of SPEC §2 typed as `/pin …` in Slack, through signed requests and the real Bolt app."""

from __future__ import annotations

import re

from core.models import Delivery, Person
from tests.adapters.slack.conftest import ALICE, BOB, CAROL
from tests.factories import count_rows
from tests.adapters.slack.workspace import eventually


def text_of(answer: dict) -> str:
    return answer["text"]


def buttons(answer: dict) -> list[dict]:
    found = []
    for block in answer.get("blocks") or []:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if (block.get("accessory") or {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def friends(slack, *users):
    """Everyone follows everyone, typed as commands (after each has used Pinbridge once)."""
    for user in users:
        slack.command(user, "help")
    for a in users:
        for b in users:
            if a != b:
                assert "follow" in text_of(slack.command(a, f"follow @{slack.user(b)['name']}"))


def test_the_command_is_acknowledged_at_once_with_an_empty_body(slack, standin):
    body, token = slack.command_body(ALICE, "help")
    response = slack.post(body, "application/x-www-form-urlencoded")

    assert response.status_code == 200 and response.data == b""
    eventually(lambda: standin.response_posts(token), what="the help text")


def test_help_and_unknown_words_get_the_help_text(slack):
    help_text = text_of(slack.command(ALICE, "help"))
    unknown = slack.command(ALICE, "frobnicate")

    assert "/pin send &lt;pin&gt; to @people" in help_text
    assert "I don't know “frobnicate”" in text_of(unknown) and unknown["response_type"] == "ephemeral"


def test_new_posts_the_pin_card_in_the_channel_with_its_buttons(slack):
    answer = slack.command(ALICE, "new <https://example.com/boots|example.com/boots> Hiking boots")

    assert answer["response_type"] == "in_channel"
    assert "Pinned p1: Hiking boots" in text_of(answer)
    by_action = {b["action_id"]: b for b in buttons(answer)}
    assert by_action["pin_save"]["value"] == "p1" and by_action["pin_send"]["value"] == "p1"
    assert by_action["open_url"]["url"] == "https://example.com/boots"
    assert "http://pins.test/p/1" in str(answer["blocks"])


def test_bad_links_are_refused_privately(slack):
    answer = slack.command(ALICE, "new javascript:alert(1)")

    assert answer["response_type"] == "ephemeral"
    assert "Only http and https" in text_of(answer)


def test_send_reply_inbox_read_dismiss(slack, services):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")

    sent = slack.command(ALICE, "send p1 to @bob Look!")
    replied = slack.command(BOB, "reply c1 Nice tent")
    inbox = slack.command(ALICE, "inbox")
    read = slack.command(ALICE, "read c1")
    dismissed = slack.command(ALICE, "dismiss c1")

    assert "Sent p1 “Tent” to @bob in c1." in text_of(sent) and sent["response_type"] == "ephemeral"
    assert "Replied in c1." in text_of(replied)
    assert "c1 with @bob — 1 unread: @bob: Nice tent" in text_of(inbox)
    open_buttons = [b for b in buttons(inbox) if b["action_id"] == "conv_open"]
    assert open_buttons[0]["value"] == "c1"
    assert "@bob: Nice tent" in text_of(read)
    assert "Dismissed c1" in text_of(dismissed)
    assert count_rows(services.sessions, Delivery) == 2  # one to bob, one back to alice


def test_the_inbox_names_the_others_in_each_conversation_not_you(slack):
    friends(slack, ALICE, BOB, CAROL)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob @carol Look!")

    inbox = slack.command(BOB, "inbox")

    assert "c1 with @alice, @carol — 1 unread" in text_of(inbox)
    [row] = [b for b in inbox["blocks"] if (b.get("accessory") or {}).get("action_id") == "conv_open"]
    assert row["text"]["text"].startswith("*c1* with @alice, @carol — *1 unread*")


def test_boards_save_and_board(slack):
    slack.command(ALICE, "new https://example.com/a First")
    created = slack.command(ALICE, "board new Trips")
    secret = slack.command(ALICE, "board new Diary secret")
    saved = slack.command(ALICE, "save p1 to trips")
    boards = slack.command(ALICE, "boards")
    board = slack.command(ALICE, "board Trips")

    assert "Created your board “Trips”." in text_of(created)
    assert "Created your secret board “Diary”." in text_of(secret)
    assert "Saved p1 to your board “Trips”." in text_of(saved)
    assert "Trips — 1 pin" in text_of(boards) and "Diary — 0 pins (secret)" in text_of(boards)
    assert "@alice/Trips — 1 pin" in text_of(board) and "p1 First" in text_of(board)


def test_share_board_and_profile(slack):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/a First")

    board = slack.command(ALICE, "share board Saved to @bob for you")
    profile = slack.command(ALICE, "share profile @alice to @bob")

    assert "Sent your board “Saved” to @bob in c1." in text_of(board)
    assert "Sent @alice's profile to @bob in c1." in text_of(profile)


def test_search_shows_each_hit_with_send_and_open(slack):
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    slack.command(ALICE, "new https://example.com/tent Hiking tent")

    answer = slack.command(BOB, "search hiking")

    assert "Pins matching “hiking”" in text_of(answer)
    sends = sorted(b["value"] for b in buttons(answer) if b["action_id"] == "pin_send")
    opens = sorted(b["url"] for b in buttons(answer) if b["action_id"] == "open_url")
    assert sends == ["p1", "p2"] and opens == ["https://example.com/boots", "https://example.com/tent"]


def test_follow_unfollow_block_unblock_contacts(slack):
    slack.command(BOB, "help")  # bob exists
    assert "You follow @bob." in text_of(slack.command(ALICE, "follow @bob"))
    assert "You follow each other now" in text_of(slack.command(BOB, "follow @alice"))
    assert "@bob (bob)" in text_of(slack.command(ALICE, "contacts"))
    assert "You no longer follow @bob." in text_of(slack.command(ALICE, "unfollow @bob"))
    assert "Blocked @bob." in text_of(slack.command(ALICE, "block @bob"))
    assert "Unblocked @bob." in text_of(slack.command(ALICE, "unblock @bob"))
    assert "No contacts yet" in text_of(slack.command(ALICE, "contacts"))


def test_messaging_needs_a_mutual_follow(slack):
    slack.command(BOB, "help")
    slack.command(ALICE, "new https://example.com/a A")

    answer = slack.command(ALICE, "send p1 to @bob hi")

    assert answer["response_type"] == "ephemeral" and "follow" in text_of(answer).lower()


def test_link_deliver_digest_handle(slack):
    link = slack.command(ALICE, "link")
    deliver = slack.command(ALICE, "deliver slack")
    digest = slack.command(ALICE, "digest daily 08:30")
    digest_show = slack.command(ALICE, "digest")
    handle = slack.command(ALICE, "handle alice_l")

    assert re.search(r"Your link code is [A-Z0-9]+", text_of(link))
    assert link["response_type"] == "ephemeral"  # a link code is a secret
    assert "Messages will be delivered to Slack." in text_of(deliver)
    assert "daily 08:30 Europe/Berlin" in text_of(digest)  # alice's Slack time zone, from users.info
    assert "daily 08:30 Europe/Berlin" in text_of(digest_show)
    assert "You are now @alice_l." in text_of(handle)


def test_an_invite_is_joined_with_join(slack, services):
    slack.command(ALICE, "new https://example.com/a A")
    sent = slack.command(ALICE, "send p1 to @newcomer hi")
    code = re.search(r"/i/([A-Za-z0-9_-]+)", text_of(sent)).group(1)
    assert any(b.get("url", "").endswith(f"/i/{code}") for b in buttons(sent))

    joined = slack.command(CAROL, f"join {code}")

    assert "You joined c1." in text_of(joined) and "p1" in text_of(joined)
    assert count_rows(services.sessions, Person) == 2
