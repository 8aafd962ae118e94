"""Every card, list, digest, modal and answer at the sizes that matter, with hostile text: Slack refuses none.

Each goes through the real path — the delivery sender, Bolt's `Respond` to a response_url, a
WebClient's views.open — to the strict stand-in, which refuses what Slack refuses. Nothing
may be refused, and what a person wrote must all be there.
"""

from __future__ import annotations

import dataclasses

import pytest
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from adapters.slack import modals
from adapters.slack.answers import ELSEWHERE_NOTE, respond_with
from adapters.slack.dms import DirectMessages
from adapters.slack.mentions import Directory
from adapters.slack.parts import MAX_BLOCKS
from adapters.slack.payloads import identity_of
from adapters.slack.rich import mrkdwn
from adapters.slack.runtime import Runtime
from adapters.slack.segments import width
from core.ports import Sent
from core.results import BoardRow, PersonRow
from core.text import rich
from tests.adapters.slack import hostile as h
from tests.adapters.slack.conftest import BOB
from tests.adapters.slack.test_renderers import mrkdwn_texts

SIZES = [0, 12, 2999, 3000, 3001, h.TEXT]
SECTION = 3000


def refusals(standin) -> list:
    """Every call or response_url post the stand-in refused, as Slack would have."""
    return [c for c in standin.calls() if not c.ok] + standin.response_refusals()


def said(bodies: list[dict]) -> str:
    """Everything readable in some posted messages (mrkdwn texts of their blocks, or their text), in order."""
    content = [b for b in bodies if b.get("text") != ELSEWHERE_NOTE]  # the note saying where the rest is
    return "\n".join("\n".join(mrkdwn_texts(b.get("blocks") or [])) or b.get("text", "") for b in content)


def assert_within_limits(bodies: list[dict]) -> None:
    for body in bodies:
        assert len(body.get("blocks") or []) <= MAX_BLOCKS
        assert all(width(t) <= SECTION for t in mrkdwn_texts(body.get("blocks") or []))
        assert width(body.get("text") or "") <= 40_000


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", ["text", "pin", "board", "profile", "join"])
def test_every_delivered_message_is_taken_whole(sender, standin, kind, size):
    message = h.view(kind, size)

    result = sender.send(h.outgoing(BOB, message))

    posted = standin.messages(BOB)
    assert isinstance(result, Sent) and refusals(standin) == []
    assert [*result.earlier_ids, result.remote_id] == [m["ts"] for m in posted], "every part is recorded"
    assert_within_limits(posted)
    text = h.norm(said(posted))
    assert h.shown(message.text) in text and h.shown(message.sender_name) in text
    if message.pin:
        assert h.shown(message.pin.title) in text and h.shown(message.pin.description) in text
    if message.profile:
        assert all(h.shown(b.name) in text for b in message.profile.boards), "a profile lists every board"


@pytest.mark.parametrize("conversations", [0, 1, 20, 21, 40])
@pytest.mark.parametrize("size", [0, 200, 3001])
def test_every_digest_is_taken(sender, standin, conversations, size):
    result = sender.send(h.outgoing(BOB, digest_payload=h.digest(conversations, size)))

    posted = standin.messages(BOB)
    assert isinstance(result, Sent) and refusals(standin) == []
    assert_within_limits(posted)
    buttons = [e for m in posted for b in m["blocks"] for e in b.get("elements", []) if e.get("type") == "button"]
    assert buttons[-1]["action_id"] == "digest_read_all"


@pytest.fixture
def answer(engine, standin, slack_api):
    """Answer a Reply through a response_url as a command would (the rest to Bob's DM)."""
    client = WebClient(token="xoxb-test-token", base_url=slack_api.url + "/api/")
    runtime = Runtime(engine, Directory(), "/pin", DirectMessages())
    counter = iter(range(10**6))

    def run(reply, in_channel: bool = False) -> list[dict]:
        token = f"limits{next(counter)}"
        respond = Respond(response_url=standin.response_url(token, slack_api.url))
        respond_with(respond, reply, in_channel, elsewhere=runtime.elsewhere(client, identity_of(BOB)), command="/pin")
        return [p.body for p in standin.response_posts(token)]

    return run


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(h.replies(0)))
def test_every_command_answer_is_shown_whole(answer, standin, name, size):
    reply = h.replies(size)[name]

    responses = answer(reply)

    bodies = responses + standin.messages(BOB)
    assert refusals(standin) == []
    assert 1 <= len(responses) <= 5
    assert_within_limits(bodies)
    text = h.norm(said(bodies))
    for item in reply.items:
        for field in ("title", "description", "name", "display_name", "last_line", "text"):
            value = getattr(item, field, None)
            if isinstance(value, str) and field != "last_line":
                assert h.shown(value) in text, f"{name}: the {field} is not all there"
    if not reply.items:  # in a sentence, a backtick shows as ˋ: it must not open a code span
        assert h.shown(reply.text).replace("`", "ˋ") in text


def test_an_answer_longer_than_five_responses_carries_on_in_the_dm(answer, standin):
    reply = h.replies(h.TEXT)["history"]

    responses = answer(reply)

    assert len(responses) == 5 and "The rest of this answer is in your DM" in responses[-1]["text"]
    assert standin.messages(BOB), "the rest is in Bob's DM"
    assert refusals(standin) == []


def test_a_pin_card_for_the_channel_is_posted_there(answer, standin):
    [response] = answer(h.replies(12)["one pin"], in_channel=True)

    assert response["response_type"] == "in_channel" and refusals(standin) == []


@pytest.fixture
def opens(standin, slack_api):
    client = WebClient(token="xoxb-test-token", base_url=slack_api.url + "/api/")

    def run(view) -> dict:
        answer = client.views_open(trigger_id="1.trigger", view=view)
        assert answer["ok"]
        return answer["view"]

    return run


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 150])
def test_the_send_and_save_modals_open_with_any_number_of_contacts_and_boards(opens, standin, count):
    contacts = [PersonRow(f"p{n}_", h.hostile(h.NAME, n), ("slack",)) for n in range(count)]
    boards = [BoardRow(h.hostile(h.BOARD, n) or "b", n, False, n == count - 1, "http://pins.test/b") for n in range(count)]

    sent = opens(modals.send_modal("p12345678901", contacts, 9, 40_000))
    saved = opens(modals.save_modal("p12345678901", boards))

    assert refusals(standin) == []
    picker = next((b for b in sent["blocks"] if b.get("block_id") == "people"), None)
    assert (picker is None) == (count == 0) and len((picker or {"element": {"options": []}})["element"]["options"]) == min(count, 100)
    assert ("name the others by @handle" in str(sent["blocks"])) == (count > 100)
    select = saved["blocks"][0]["element"]
    assert select["initial_option"] in select["options"], "the preselected board is one of those offered"
    assert ("reaches any of them" in str(saved["blocks"])) == (count + (count == 0) > 100)


@pytest.mark.parametrize("size", SIZES)
def test_a_modal_turned_into_its_answer_is_a_view_slack_takes(opens, standin, size):
    text = h.hostile(size, 3)

    shown = opens(modals.done_view("Sent to people with a long name", mrkdwn(rich(text), "/pin")))

    assert refusals(standin) == []
    assert len(shown["title"]["text"]) <= 24
    assert h.shown(text).replace("`", "ˋ") in h.norm("".join(mrkdwn_texts(shown["blocks"])))


def test_the_reply_modal_takes_as_much_as_a_message_may_hold(opens):
    shown = opens(modals.reply_modal("c12345678901", 2000))
    longest = opens(modals.reply_modal("c12345678901", 40_000))

    assert shown["blocks"][1]["element"]["max_length"] == 2000
    assert longest["blocks"][1]["element"]["max_length"] == 3000, "Slack's text input holds 3,000 at most"


def _pin_view(image_type: str | None):
    base = h.view("pin", 12)
    return dataclasses.replace(base, pin=dataclasses.replace(base.pin, image_type=image_type))


def test_pictures_only_of_types_slack_shows(sender, standin):
    for n, kind in enumerate(("image/png", "image/jpeg", "image/gif", "image/webp", None, "image/avif")):
        sender.send(h.outgoing(BOB, _pin_view(kind), key=f"k{n}"))

    images = [any(b["type"] == "image" for b in m["blocks"]) for m in standin.messages(BOB)]
    assert images == [True, True, True, False, False, False]
    assert refusals(standin) == []


def test_every_button_and_value_is_within_slacks_limits(answer):
    for reply in h.replies(h.TEXT).values():
        for body in answer(reply):
            for block in body.get("blocks") or []:
                for element in [*block.get("elements", []), block.get("accessory") or {}]:
                    if element.get("type") == "button":
                        assert len(element["text"]["text"]) <= 75 and len(element.get("value", "")) <= 2000
                        assert len(element.get("url", "")) <= 3000
