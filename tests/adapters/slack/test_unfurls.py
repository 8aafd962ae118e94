"""Link previews: link_shared as Slack sends it → chat.unfurl through the strict stand-in, only public cards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from adapters.slack import cards, install
from adapters.slack.payloads import identity_of
from adapters.slack.unfurls import card_blocks, shared_links, target, unfurls
from bridge.sandbox import slack_requests as requests
from bridge.sandbox.slack_blocks import block_errors
from bridge.sandbox.slack_surfaces import MAX_MESSAGE_BLOCKS
from core.results import BoardCard, PinCard, ProfileCard
from tests.adapters.slack.conftest import ALICE, BOB
from tests.adapters.slack.workspace import eventually

GENERAL = "C0GENERAL"
PIN = PinCard(ref="p1", pin_id=1, title="Hiking <boots> & more", url="https://example.com/boots", description="Warm",
              image_url="http://pins.test/media/abc", creator_handle="alice", page_url="http://pins.test/p/1",
              image_type="image/jpeg")


@pytest.fixture(autouse=True)
def domain(standin):
    standin.unfurl_domains = ("pins.test",)  # the manifest's unfurl_domains: http.public_url's host


def posted(standin, user: str, text: str, source: str = "conversations_history") -> dict:
    """A person posts (or, for the composer, types) `text` in #general; returns the link_shared event Slack sends."""
    message = standin.post_user_message(GENERAL, user, text)
    event = standin.share_links(GENERAL, message["ts"], user, text, source=source)
    assert event is not None, "the text has a link on the unfurl domain"
    return event


def stopped(services) -> None:
    """Wait for every piece of work started after an ack (the test then sees all that will ever happen)."""
    services.platforms["slack"].stop()


# Pure -------------------------------------------------------------------------------------------------------------
def test_a_pin_preview_is_its_card_with_save_open_and_send_and_slack_takes_its_blocks():
    blocks = card_blocks(PIN)

    buttons = [e for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]
    assert {(b["action_id"], b.get("value"), b.get("url")) for b in buttons} >= {
        (cards.SAVE, "p1", None), (cards.OPEN_URL, None, "https://example.com/boots")}
    assert "&lt;boots&gt; &amp; more" in json.dumps(blocks), "what people typed is escaped"
    assert block_errors(blocks, "/blocks", MAX_MESSAGE_BLOCKS, lambda url: "image/jpeg") == []


def test_board_and_profile_previews_are_their_cards():
    board = BoardCard(board_id=3, name="Trips", owner_handle="alice", pin_count=1, secret=False, pins=(PIN,),
                      page_url="http://pins.test/b/3")
    profile = ProfileCard(handle="alice", display_name="Alice", avatar_url=None, boards=(), page_url="http://pins.test/u/alice")

    found = unfurls({board.page_url: board, profile.page_url: profile})

    assert list(found) == [board.page_url, profile.page_url]
    assert "Trips" in json.dumps(found[board.page_url]["blocks"]) and "@alice" in json.dumps(found[profile.page_url])
    assert ":lock:" not in json.dumps(found)


def test_where_the_preview_goes_follows_the_events_source():
    history = {"channel": "C1", "message_ts": "1.2", "unfurl_id": "C1.1.2.ab", "source": "conversations_history"}
    composer = {"channel": "COMPOSER", "message_ts": "U1-abc", "unfurl_id": "U1-abc", "source": "composer"}

    assert target(history) == {"channel": "C1", "ts": "1.2"}
    assert target(composer) == {"unfurl_id": "U1-abc", "source": "composer"}
    assert target({"channel": "C1", "message_ts": "1.2"}) == {"channel": "C1", "ts": "1.2"}, "events before 2021"
    assert target({"unfurl_id": "U1-abc", "source": "composer"}) == {"unfurl_id": "U1-abc", "source": "composer"}
    for broken in ({}, {"channel": "C1"}, {"unfurl_id": "x", "source": "elsewhere"}, {"channel": 5, "message_ts": [1]},
                   {"channel": "C" * 600, "message_ts": "1.2"}):
        assert target(broken) is None


def test_the_links_read_are_slacks_own_urls_once_each_and_a_few_at_most():
    many = [{"domain": "pins.test", "url": f"http://pins.test/p/{n}"} for n in range(1, 40)]
    junk = [None, 7, {"url": 9}, {"domain": "pins.test"}, "http://pins.test/p/1"]
    again = [{"url": "http://pins.test/p/1"}, {"url": "http://pins.test/p/1"}, {"url": "http://pins.test/p/2"}]

    assert shared_links({"links": many}) == [f"http://pins.test/p/{n}" for n in range(1, 6)]
    assert shared_links({"links": junk}) == []
    assert shared_links({"links": again}) == ["http://pins.test/p/1", "http://pins.test/p/2"]
    assert shared_links({"links": "http://pins.test/p/1"}) == shared_links({}) == []


# Through the stand-in -------------------------------------------------------------------------------------------
def test_a_pin_link_posted_in_a_channel_gets_its_card_under_the_message(slack, standin):
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    event = posted(standin, BOB, "Look at these http://pins.test/p/1!")

    assert slack.event(event).status_code == 200

    found = eventually(lambda: standin.unfurls_of(GENERAL, event["message_ts"]), what="the preview")
    assert list(found) == ["http://pins.test/p/1"] and "Hiking boots" in json.dumps(found)
    [call] = standin.calls("chat.unfurl")
    assert call.ok and (call.params["channel"], call.params["ts"]) == (GENERAL, event["message_ts"])
    assert "unfurl_id" not in call.params


def test_a_link_typed_in_the_composer_is_previewed_by_its_unfurl_id(slack, standin):
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    event = posted(standin, BOB, "http://pins.test/u/alice", source="composer")
    assert (event["channel"], event["source"]) == ("COMPOSER", "composer")

    slack.event(event)

    [call] = eventually(lambda: standin.calls("chat.unfurl"), what="chat.unfurl")
    assert call.ok and (call.params["unfurl_id"], call.params["source"]) == (event["unfurl_id"], "composer")
    assert "channel" not in call.params and "ts" not in call.params
    assert "@alice" in json.dumps(standin.share(event["unfurl_id"]).unfurls)


def test_secret_boards_private_pictures_and_unknown_things_are_never_previewed(slack, services, standin, engine):
    slack.command(ALICE, "new https://example.com/boots Hiking boots")  # p1: public
    slack.command(ALICE, "board new Gifts secret")
    engine.pin_picture(identity_of(ALICE), "c" * 43, "image/jpeg", "From a DM", on_board=False)  # p2: on no board
    slack.command(ALICE, "save p2 to Gifts")
    secret = next(row.page_url for row in engine.boards(identity_of(ALICE)) if row.secret)
    text = f"http://pins.test/p/2 {secret} http://pins.test/p/99 http://pins.test/p/1"

    event = posted(standin, BOB, text)
    slack.event(event)
    stopped(services)

    [call] = standin.calls("chat.unfurl")
    assert list(call.params["unfurls"]) == ["http://pins.test/p/1"], "only the public pin has a preview"


def test_an_event_with_no_public_link_calls_nothing(slack, services, standin):
    slack.event(posted(standin, BOB, "http://pins.test/p/404 and http://pins.test/b/404"))
    stopped(services)

    assert standin.calls("chat.unfurl") == []


def test_a_retried_event_is_previewed_once(slack, services, standin):
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    event = posted(standin, BOB, "http://pins.test/p/1")

    slack.event(event, event_id="Ev0UNFURL")
    eventually(lambda: standin.calls("chat.unfurl"), what="chat.unfurl")
    slack.event(event, event_id="Ev0UNFURL", retry=1)
    stopped(services)

    assert len(standin.calls("chat.unfurl")) == 1


@pytest.mark.parametrize("error, status", [("cannot_unfurl_url", 200), ("cannot_find_message", 200), ("ratelimited", 429)])
def test_a_refused_preview_is_logged_once_and_never_retried(slack, services, standin, caplog, error, status):
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    if status == 429:
        standin.fail_next("chat.unfurl", status=429, retry_after=30)
    else:
        standin.fail_next("chat.unfurl", error=error)

    slack.event(posted(standin, BOB, "http://pins.test/p/1"))
    stopped(services)

    assert [c.error for c in standin.calls("chat.unfurl")] == [error]
    assert f"chat.unfurl refused 1 preview(s): {error}" in caplog.text
    assert "xoxb-test-token" not in caplog.text


def test_without_links_write_slack_refuses_the_preview_with_missing_scope(slack, services, standin):
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    event = posted(standin, BOB, "http://pins.test/p/1")
    standin.scopes = standin.scopes - {"links:write"}

    slack.event(event)
    stopped(services)

    [call] = standin.calls("chat.unfurl")
    assert call.error == "missing_scope"


def test_clicking_save_on_a_preview_saves_the_pin_to_the_clickers_board(slack, standin, engine):
    slack.command(ALICE, "new https://example.com/boots Hiking boots")
    event = posted(standin, BOB, "http://pins.test/p/1")
    slack.event(event)
    preview = eventually(lambda: standin.unfurls_of(GENERAL, event["message_ts"]), what="the preview")
    save = next(e for b in preview["http://pins.test/p/1"]["blocks"] for e in b.get("elements", [])
                if e.get("action_id") == cards.SAVE)

    answer = slack.click_and_answer(BOB, save["action_id"], save["value"])

    assert "Saved p1" in answer["text"] and answer.get("response_type") != "in_channel"


# The stand-in's rules for chat.unfurl ----------------------------------------------------------------------------
def call_unfurl(slack, **params) -> dict:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token="xoxb-test-token", base_url=slack.api_url + "/api/")
    try:
        return client.api_call("chat.unfurl", json=params).data
    except SlackApiError as exc:
        return exc.response.data


def test_the_stand_in_refuses_what_slack_refuses(slack, standin):
    event = posted(standin, BOB, "http://pins.test/p/1")
    ok = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}
    at = {"channel": GENERAL, "ts": event["message_ts"]}

    assert call_unfurl(slack, **at)["error"] == "missing_unfurls"
    assert call_unfurl(slack, **at, unfurls=["http://pins.test/p/1"])["error"] == "invalid_unfurls_format"
    assert call_unfurl(slack, **at, unfurls="{not json")["error"] == "invalid_unfurls_format"
    assert call_unfurl(slack, **at, unfurls={"http://pins.test/p/1": "text"})["error"] == "invalid_unfurls_format"
    assert call_unfurl(slack, **at, unfurls={"http://pins.test/p/2": ok})["error"] == "cannot_unfurl_url"
    assert call_unfurl(slack, channel=GENERAL, ts="1.000001", unfurls={"http://pins.test/p/1": ok})["error"] == "cannot_find_message"
    assert call_unfurl(slack, ts=event["message_ts"], unfurls={"http://pins.test/p/1": ok})["error"] == "missing_channel"
    assert call_unfurl(slack, channel=GENERAL, unfurls={"http://pins.test/p/1": ok})["error"] == "missing_ts"
    assert call_unfurl(slack, unfurl_id=event["unfurl_id"], unfurls={"http://pins.test/p/1": ok})["error"] == "invalid_arguments"
    assert call_unfurl(slack, unfurl_id=event["unfurl_id"], source="composer",
                       unfurls={"http://pins.test/p/1": ok})["error"] == "cannot_find_message", "it came from a message"
    assert call_unfurl(slack, **at, unfurls={"http://pins.test/p/1": {}})["error"] == "cannot_parse_attachment"
    bad = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]}
    refused = call_unfurl(slack, **at, unfurls={"http://pins.test/p/1": bad})
    assert refused["error"] == "invalid_blocks" and any("less than 3001 characters" in e for e in refused["errors"])
    assert standin.unfurls_of(GENERAL, event["message_ts"]) == {}, "nothing refused is shown"
    assert call_unfurl(slack, **at, unfurls=json.dumps({"http://pins.test/p/1": ok}))["ok"] is True
    assert call_unfurl(slack, unfurl_id=event["unfurl_id"], source="conversations_history",
                       unfurls={"http://pins.test/p/1": ok})["ok"] is True


def test_the_stand_in_sends_link_shared_only_for_the_unfurl_domain_and_only_with_links_read(standin):
    text = "see http://pins.test/p/1, http://www.pins.test/b/2 and https://example.com/p/1 (http://pins.test/u/bob)"
    event = standin.share_links(GENERAL, "1.000100", BOB, text)

    assert [link["url"] for link in event["links"]] == [
        "http://pins.test/p/1", "http://www.pins.test/b/2", "http://pins.test/u/bob"]
    assert {link["domain"] for link in event["links"]} == {"pins.test"}
    assert standin.share_links(GENERAL, "1.000200", BOB, "nothing here https://example.com") is None
    standin.scopes = standin.scopes - {"links:read"}
    assert standin.share_links(GENERAL, "1.000300", BOB, "http://pins.test/p/1") is None


# The manifest ------------------------------------------------------------------------------------------------------
def test_the_manifest_asks_for_the_link_scopes_the_event_and_names_the_unfurl_domain():
    manifest = yaml.safe_load((Path(install.__file__).parent / "manifest.yml").read_text())

    assert {"links:read", "links:write"} <= set(install.BOT_SCOPES)
    assert "link_shared" in install.BOT_EVENTS
    assert manifest["features"]["unfurl_domains"] == ["YOUR-HOST"], "the host of http.public_url, nothing more"
