"""Every button on a card or message, and the three modals, through signed interactivity payloads."""

from __future__ import annotations

from adapters.slack.payloads import identity_of
from core.models import Delivery, Message
from tests.adapters.slack.conftest import ALICE, BOB, CAROL
from tests.adapters.slack.test_commands import friends
from tests.factories import count_rows


def test_save_goes_to_the_default_board_in_one_click(slack):
    slack.command(BOB, "new https://example.com/boots Boots")

    answer = slack.click_and_answer(ALICE, "pin_save", "p1")
    again = slack.click_and_answer(ALICE, "pin_save", "p1")

    assert "Saved p1 to your board “Saved”." in answer["text"]
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert "p1 is already on your board “Saved”." in again["text"]  # saving twice is harmless


def test_save_with_several_boards_opens_a_board_picker(slack, engine):
    slack.command(BOB, "new https://example.com/boots Boots")
    slack.command(ALICE, "board new Trips")
    slack.command(ALICE, "board new Gear")

    view = slack.click_for_modal(ALICE, "pin_save", "p1")
    picker = view["blocks"][0]["element"]
    assert view["callback_id"] == "save_modal" and view["private_metadata"] == "p1"
    assert [o["text"]["text"] for o in picker["options"]] == ["Saved (default)", "Gear", "Trips"]
    assert picker["initial_option"] == picker["options"][0]

    response = slack.submit(ALICE, view, {"board": {"type": "static_select", "selected_option": picker["options"][2]}})

    assert response.status_code == 200
    assert response.json["response_action"] == "update"
    assert "Saved p1 to your board “Trips”." in str(response.json["view"])
    assert "p1 Boots" in engine.run(identity_of(ALICE), "board Trips").text

    default = slack.submit(ALICE, view, {"board": {"type": "static_select", "selected_option": picker["options"][0]}})
    assert "Saved p1 to your board “Saved”." in str(default.json["view"])


def test_reply_opens_a_modal_whose_submission_posts_into_the_conversation(slack, services, engine):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")

    view = slack.click_for_modal(BOB, "conv_reply", "c1")
    assert view["callback_id"] == "reply_modal" and view["private_metadata"] == "c1"
    assert view["blocks"][1]["type"] == "input"

    response = slack.submit(BOB, view, {"message": {"type": "plain_text_input", "value": "Love it <3 & more"}})

    assert response.json["response_action"] == "update" and "Replied in c1." in str(response.json["view"])
    assert "@bob: Love it <3 & more" in engine.run(identity_of(ALICE), "read c1").text
    assert count_rows(services.sessions, Delivery, Delivery.person_id == 1) == 1  # queued for alice


def test_a_modal_reply_is_never_read_as_a_command_and_only_the_message_limit_applies(slack, engine):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    view = slack.click_for_modal(BOB, "conv_reply", "c1")

    looks_like_a_command = slack.submit(BOB, view, {"message": {"type": "plain_text_input", "value": "dismiss c1"}})
    too_long = slack.submit(BOB, view, {"message": {"type": "plain_text_input", "value": "x" * 45_001}})

    assert "Replied in c1." in str(looks_like_a_command.json["view"])
    assert "@bob: dismiss c1" in engine.run(identity_of(ALICE), "read c1").text
    assert too_long.json["response_action"] == "errors"
    assert too_long.json["errors"]["message"] == "That message is too long (45001 characters; the limit is 2000)."


def test_a_refused_reply_keeps_the_modal_open_with_the_error_under_the_field(slack):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    view = slack.click_for_modal(CAROL, "conv_reply", "c1")  # carol is not in c1

    response = slack.submit(CAROL, view, {"message": {"type": "plain_text_input", "value": "let me in"}})

    assert response.json["response_action"] == "errors"
    assert "message" in response.json["errors"]


def test_open_is_a_link_and_only_acknowledged(slack, standin):
    calls_before = len(standin.calls())
    response, token, _ = slack.click(ALICE, "open_url", None)

    assert response.status_code == 200
    assert standin.response_posts(token) == []
    assert all(c.method == "auth.test" for c in standin.calls()[calls_before:])


def test_send_modal_lists_contacts_and_sends_the_message_as_typed(slack, services, engine):
    friends(slack, ALICE, BOB, CAROL)
    slack.command(ALICE, "new https://example.com/tent Tent")

    view = slack.click_for_modal(ALICE, "pin_send", "p1")
    people = next(b for b in view["blocks"] if b.get("block_id") == "people")["element"]
    assert [o["value"] for o in people["options"]] == ["bob", "carol"]

    picked = {"type": "multi_static_select", "selected_options": [people["options"][0]]}
    response = slack.submit(ALICE, view, {
        "people": picked, "more": {"type": "plain_text_input", "value": "@newbie"},
        "message": {"type": "plain_text_input", "value": "@carol would like this too"},
    })

    assert response.json["response_action"] == "update"
    shown = str(response.json["view"])
    assert "Sent p1 “Tent” to @bob, @newbie (invited) in c1." in shown
    history = engine.run(identity_of(ALICE), "read c1").text
    assert "@alice: p1 “Tent” @carol would like this too" in history  # the message was not read as people
    assert count_rows(services.sessions, Message) == 1


def test_send_modal_refuses_a_word_that_is_not_a_handle(slack):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    view = slack.click_for_modal(ALICE, "pin_send", "p1")

    response = slack.submit(ALICE, view, {"more": {"type": "plain_text_input", "value": "@bob hello"}})

    assert response.json == {"response_action": "errors", "errors": {"more": "“hello” is not a @handle."}}


def test_mark_read_and_open_conversation(slack, engine):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")

    opened = slack.click_and_answer(BOB, "conv_open", "c1")
    slack.command(ALICE, "reply c1 and another")
    marked = slack.click_and_answer(BOB, "conv_read", "c1")

    assert "@alice: p1 “Tent” Look!" in opened["text"]
    assert "Marked c1 read (1 message)." in marked["text"]
    assert "unread" not in slack.command(BOB, "inbox")["text"]


def test_a_forged_button_value_is_refused(slack, standin):
    answer = slack.click_and_answer(ALICE, "pin_save", "p1 to Secret")

    assert "That button no longer works" in answer["text"]


def test_mark_all_read_from_a_digest(slack):
    friends(slack, ALICE, BOB, CAROL)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob one")
    slack.command(ALICE, "send p1 to @bob @carol two")

    answer = slack.click_and_answer(BOB, "digest_read_all", "c1 c2")

    assert "Marked c1, c2 read." in answer["text"]
    assert "unread" not in slack.command(BOB, "inbox")["text"]


def test_a_typed_link_code_asks_for_consent_and_only_yes_links(slack, engine):
    from core.people import Identity
    from tests.factories import link_code, say

    telegram = Identity("telegram", "777", chat_id="777", username="mallory", display_name="Mallory")
    code = link_code(say(engine, telegram, "link"))
    asked = slack.command(ALICE, f"link {code}")
    assert asked["text"].startswith("This joins your Slack account to @mallory on Telegram")
    yes, cancel = asked["blocks"][-1]["elements"]
    assert (yes["action_id"], cancel["action_id"]) == ("link_confirm", "link_cancel")
    assert engine.ensure(identity_of(ALICE)) == "alice"  # nothing linked yet
    refused = slack.click_and_answer(BOB, "link_confirm", yes["value"])  # another person pressing it
    assert "expired" in refused["text"] and engine.ensure(identity_of(BOB)) != "mallory"
    done = slack.click_and_answer(ALICE, "link_confirm", yes["value"])
    assert "Linked! You are @mallory on Slack and Telegram." in done["text"] and done["replace_original"] is True
    assert engine.ensure(identity_of(ALICE)) == "mallory"
