"""Events API: replies typed in a thread of a bot DM, retries processed once, the bot's own messages ignored."""

from __future__ import annotations

from adapters.slack.payloads import identity_of
from core.models import InboundEvent, Message
from core.ports import Sent
from tests.adapters.slack.conftest import ALICE, BOB
from tests.adapters.slack.test_commands import friends
from tests.adapters.slack.workspace import deliver_all, eventually
from tests.factories import count_rows


def bob_gets_a_pin(slack, services, standin) -> dict:
    """Alice sends bob a pin; the worker delivers it to bob's DM. Returns that DM message."""
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    assert [type(r) for r in deliver_all(services)] == [Sent]
    [message] = standin.messages(BOB)
    return message


def messages_in_c1(services) -> int:
    return count_rows(services.sessions, Message, Message.conversation_id == 1)


def test_the_delivered_dm_shows_the_sender_and_reply_and_mark_read(slack, services, standin):
    message = bob_gets_a_pin(slack, services, standin)

    assert message["channel"] == standin.dm_channel(BOB)
    assert "alice (@alice) in c1: p1 “Tent” Look!" in message["text"]
    context = message["blocks"][0]
    assert context["elements"][0] == {"type": "image", "image_url": "https://img.test/alice.png", "alt_text": "alice's avatar"}
    actions = {e["action_id"]: e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert actions["conv_reply"]["value"] == "c1" and actions["conv_read"]["value"] == "c1"
    assert actions["pin_save"]["value"] == "p1" and actions["open_url"]["url"] == "https://example.com/tent"


def test_a_reply_in_the_thread_of_a_bot_dm_goes_to_the_conversation(slack, services, engine, standin):
    message = bob_gets_a_pin(slack, services, standin)

    response = slack.dm(BOB, "Great tent! <https://example.com/pegs|these pegs> too", thread_ts=message["ts"])

    assert response.status_code == 200
    eventually(lambda: messages_in_c1(services) == 2, what="bob's reply stored")
    assert "@bob: Great tent! these pegs (https://example.com/pegs) too" in engine.run(identity_of(ALICE), "read c1").text


def test_a_retried_event_is_processed_once(slack, services, standin):
    message = bob_gets_a_pin(slack, services, standin)

    first = slack.dm(BOB, "only once", thread_ts=message["ts"], event_id="Ev0RETRY")
    eventually(lambda: messages_in_c1(services) == 2, what="the first delivery of the event")
    retry = slack.dm(BOB, "only once", thread_ts=message["ts"], event_id="Ev0RETRY", retry=1)
    services.platforms["slack"].stop()  # waits for every piece of work started after an ack

    assert first.status_code == retry.status_code == 200
    assert messages_in_c1(services) == 2
    assert count_rows(services.sessions, InboundEvent, InboundEvent.event_key == "Ev0RETRY") == 1


def test_a_thread_that_is_not_a_conversation_gets_an_ephemeral_note(slack, standin):
    slack.command(BOB, "help")

    slack.dm(BOB, "hello?", thread_ts="1700000000.000100")

    [note] = eventually(lambda: standin.ephemeral_messages(standin.dm_channel(BOB)), what="the note")
    assert note["user"] == BOB and note["thread_ts"] == "1700000000.000100"
    assert "isn't a Pinbridge conversation" in note["text"]


def test_the_bots_own_messages_and_edits_are_ignored(slack, services, standin):
    message = bob_gets_a_pin(slack, services, standin)
    events_before = len(standin.calls())
    bot_message = {"type": "message", "subtype": "bot_message", "bot_id": "B0BOT", "text": "echo", "ts": "2.0",
                   "channel": standin.dm_channel(BOB), "channel_type": "im", "thread_ts": message["ts"]}
    edit = {"type": "message", "subtype": "message_changed", "channel": standin.dm_channel(BOB), "channel_type": "im",
            "ts": "3.0", "message": {"text": "edited"}}

    assert slack.event(bot_message).status_code == 200
    assert slack.event(edit, event_id="Ev0EDIT").status_code == 200

    [answers] = services.platforms["slack"].figures()
    assert (answers.depth, answers.shed) == (0, 0), "ignored at the ack: no work was queued, none shed"
    assert messages_in_c1(services) == 1
    assert [c.method for c in standin.calls()[events_before:]] == []


def test_a_top_level_dm_is_a_command_line(slack, standin):
    slack.command(BOB, "help")

    slack.dm(BOB, "boards")

    [answer] = eventually(lambda: standin.messages(BOB), what="the answer in the DM")
    assert "You have no boards yet" in answer["text"]
