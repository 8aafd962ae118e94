"""Making pins in one gesture on Slack: the "Save as pin" message shortcut (issue 14), through the real Bolt app."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from bridge.media import FolderStore, Pictures
from bridge.sandbox import slack_requests as requests
from bridge.wiring import Services
from core.db import transaction
from core.engine import Engine
from core.models import Picture, Pin
from tests.adapters.slack.conftest import ALICE, BOB, install_slack, slack_config
from tests.adapters.slack.workspace import eventually

SAVE_AS_PIN = "save_as_pin"


@pytest.fixture
def services(db, sessions, slack_api, tmp_path):
    """As conftest's, with the pictures Pinbridge keeps in a folder of this test."""
    config = slack_config(slack_api.url)
    services = Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()),
                        pictures=Pictures(sessions, FolderStore(tmp_path / "media")))
    install_slack(services)
    yield services
    services.platforms["slack"].stop()


def photo(size=(900, 600), kind="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 30)).save(out, kind)
    return out.getvalue()


def message(user: str, text: str, files: list | None = None) -> dict:
    found = {"type": "message", "user": user, "ts": "1700000000.000100", "text": text, "team": requests.TEAM}
    if files:
        found["files"] = files
        found["upload"] = True
    return found


def shortcut(workspace, user: str, on: dict, token: str = "sc1"):
    """Use "Save as pin" on a message; returns what came back through the response_url."""
    body = requests.message_action(requests.actor(user, workspace.user(user)["name"]), SAVE_AS_PIN, on,
                                   workspace.standin.response_url(token, workspace.api_url), f"trigger.{token}")
    response = workspace.post(body, requests.FORM)
    assert response.status_code == 200 and response.data == b""
    return eventually(lambda: workspace.standin.response_posts(token), what="the shortcut's answer")[0].body


def text_of(answer: dict) -> str:
    return answer.get("text", "") + " ".join(str(b) for b in answer.get("blocks", []))


def test_a_messages_first_link_becomes_a_pin_answered_privately_with_its_card(slack, sessions):
    answer = shortcut(slack, ALICE, message(BOB, "Look <https://example.com/boots|these boots> and <https://example.com/b>"))
    assert answer["response_type"] == "ephemeral"
    assert "Pinned p1" in text_of(answer) and "https://example.com/boots" in text_of(answer)
    with transaction(sessions) as session:
        [pin] = session.scalars(select(Pin)).all()
        assert (pin.url, pin.description) == ("https://example.com/boots", "Look these boots and")


def test_a_messages_picture_is_fetched_with_the_bot_token_kept_and_pinned(slack, standin, sessions, slack_api):
    file = standin.add_file(BOB, photo(), "image/png", "tent.png", base=slack_api.url, public=True)
    answer = shortcut(slack, ALICE, message(BOB, "Our tent <https://example.com/tent>", [file]))
    assert "Pinned p1: Our tent" in text_of(answer) and "private" not in text_of(answer)
    assert "— 1 pin" in slack.command(ALICE, "boards")["text"], "a public channel's picture: on the default board"
    assert [c.params["file"] for c in standin.calls("files.info")] == [file["id"]]
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        kept = session.get(Picture, pin.picture_key)
        assert (pin.url, kept.width, kept.height) == ("https://example.com/tent", 900, 600)


def test_a_picture_slack_would_not_give_is_said_so_and_nothing_is_stored(slack, standin, sessions, slack_api):
    missing = {"id": "F0MISSING", "mimetype": "image/png", "name": "x.png",
               "url_private": slack_api.url + "/files-pri/T0-F0MISSING/x.png"}
    answer = shortcut(slack, ALICE, message(BOB, "pic", [missing]))
    assert "Slack wouldn't give me that picture" in text_of(answer)
    svg = standin.add_file(BOB, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", "x.svg", base=slack_api.url)
    assert "not a picture Pinbridge takes" in text_of(shortcut(slack, ALICE, message(BOB, "", [svg]), token="sc2"))
    with transaction(sessions) as session:
        assert session.scalars(select(Pin)).all() == [] and session.scalars(select(Picture)).all() == []


def test_the_bot_token_never_goes_to_a_host_that_is_not_slacks(slack, standin, sessions, monkeypatch):
    file = standin.add_file(BOB, photo(), "image/png", "tent.png", base="http://attacker.test")
    fetched = []
    monkeypatch.setattr("adapters.slack.shortcuts.httpx.stream", lambda *a, **k: fetched.append(a) or 1 / 0)
    answer = shortcut(slack, ALICE, message(BOB, "pic", [file]))
    assert fetched == [] and "Slack wouldn't give me that picture" in text_of(answer)


def test_a_message_with_nothing_to_pin_is_told_so(slack):
    assert "no link or picture to pin" in text_of(shortcut(slack, ALICE, message(BOB, "just words <@U0BOB>")))




# New pin (global shortcut) -------------------------------------------------------------


def open_new_pin(slack, standin, user: str) -> dict:
    before = len(standin.calls("views.open"))
    body = requests.global_shortcut(requests.actor(user, slack.user(user)["name"]), "new_pin", "trigger.np1")
    assert slack.post(body, requests.FORM).status_code == 200
    calls = eventually(lambda: standin.calls("views.open")[before:], what="the New pin modal")
    assert calls[0].ok and calls[0].params["trigger_id"] == "trigger.np1", calls[0]
    return standin.views()[-1]


def test_new_pin_makes_a_pin_from_the_modal(slack, standin, sessions):
    view = open_new_pin(slack, standin, ALICE)
    assert view["callback_id"] == "new_pin_modal"
    response = slack.submit(ALICE, view, {"link": {"type": "url_text_input", "value": "https://example.com/tent"},
                                          "title": {"type": "plain_text_input", "value": "Blue tent"}})
    assert response.status_code == 200 and response.json["response_action"] == "update"
    assert "Pinned p1: Blue tent" in str(response.json["view"])
    with transaction(sessions) as session:
        assert session.scalar(select(Pin.title)) == "Blue tent"


def test_new_pin_sends_it_in_the_same_step_to_the_people_chosen(slack, standin):
    slack.command(BOB, "help")
    slack.command(ALICE, "follow @bob")
    slack.command(BOB, "follow @alice")
    view = open_new_pin(slack, standin, ALICE)
    [picker] = [b for b in view["blocks"] if b.get("block_id") == "people"]
    assert [o["value"] for o in picker["element"]["options"]] == ["bob"], "contacts are offered"
    response = slack.submit(ALICE, view, {
        "link": {"type": "url_text_input", "value": "https://example.com/tent"},
        "people": {"type": "multi_static_select", "selected_options": [{"value": "bob"}]},
        "message": {"type": "plain_text_input", "value": "for the weekend?"},
    })
    assert response.json["response_action"] == "update" and "Sent p1" in str(response.json["view"])
    assert "for the weekend?" in slack.command(BOB, "read c1")["text"]


def test_new_pin_shows_what_is_wrong_under_the_field(slack, standin):
    view = open_new_pin(slack, standin, ALICE)
    empty = slack.submit(ALICE, view, {"link": {"type": "url_text_input", "value": ""}})
    assert empty.json == {"response_action": "errors", "errors": {"link": "Paste a link."}}
    ftp = slack.submit(ALICE, view, {"link": {"type": "url_text_input", "value": "ftp://example.com/x"}})
    assert ftp.json["response_action"] == "errors" and "link" in ftp.json["errors"]
    bad = slack.submit(ALICE, view, {"link": {"type": "url_text_input", "value": "https://example.com/a"},
                                     "more": {"type": "plain_text_input", "value": "not-a-handle!"}})
    assert bad.json["errors"] == {"more": "“not-a-handle!” is not a @handle."}


def test_links_in_a_messages_blocks_count_when_its_text_has_none(slack, sessions):
    rich_message = message(BOB, "Bob in c1: p1 Tent")  # an app's fallback text, without the link
    rich_message["blocks"] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*<https://example.com/tent|Tent>*"}},
        {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
            {"type": "link", "url": "https://example.com/second"}]}]},
    ]
    assert "Pinned p1" in text_of(shortcut(slack, ALICE, rich_message))
    with transaction(sessions) as session:
        assert session.scalar(select(Pin.url)) == "https://example.com/tent"


def test_a_picture_from_a_private_conversation_stays_off_the_public_boards(slack, standin, sessions, slack_api, web):
    file = standin.add_file(BOB, photo(), "image/png", "family.png", base=slack_api.url)  # is_public: false
    answer = shortcut(slack, ALICE, message(BOB, "Family photo", [file]))
    assert "came from a private conversation, so it is on none of your boards yet" in text_of(answer)
    assert "1 pin" not in slack.command(ALICE, "boards")["text"], "on no board"
    assert web.get("/p/1").status_code == 404, "not on the public web"
    assert "Saved p1" in slack.command(ALICE, "save p1")["text"], "its saver can still put it on a board"


def test_with_several_boards_the_picker_opens_at_once_and_becomes_the_board_choice(slack, standin):
    slack.command(ALICE, "board new Trips")
    slack.command(ALICE, "new https://example.com/first First")
    shortcut(slack, ALICE, message(BOB, "<https://example.com/tent>"), token="sc9")
    opened = eventually(lambda: standin.calls("views.open"), what="the Saving form")[-1]
    assert opened.params["trigger_id"] == "trigger.sc9", "opened with the shortcut's trigger, before the slow part"
    updated = eventually(lambda: standin.calls("views.update"), what="the picker")[-1].params["view"]
    assert updated["callback_id"] == "save_modal" and "p2" in str(updated)
