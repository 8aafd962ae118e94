"""Edits and deletes follow the conversation on Slack: `message_changed` and `message_deleted` in the bot's DM.

Alice and Bob are on Slack; Bob answers Alice's pin in the thread of his DM, then corrects or
removes that answer. Slack's own payload shapes (with `previous_message`) go to /slack/events
signed; the copy in Alice's DM is checked in the stand-in after the real worker ran.
"""

from __future__ import annotations

import itertools

from adapters.slack.payloads import identity_of
from bridge.sandbox import slack_requests as requests
from core.models import Message
from tests.adapters.slack.conftest import ALICE, BOB
from tests.adapters.slack.test_dms import met_before_the_upgrade
from tests.adapters.slack.workspace import deliver_all, eventually
from tests.factories import count_rows

_ids = itertools.count(1)


def answered(slack, services, engine, standin, text: str = "Love it") -> dict:
    """Bob answers the pin in its DM thread; returns the message event Slack sent (his message)."""
    met_before_the_upgrade(engine)
    deliver_all(services)
    [card] = standin.messages(BOB)
    event = requests.dm_event(BOB, standin.dm_channel(BOB), text, f"m{next(_ids)}", card["ts"], standin.bot_user_id)
    assert slack.event(event).status_code == 200
    eventually(lambda: count_rows(services.sessions, Message, Message.conversation_id == 1) == 2, what="the reply")
    deliver_all(services)
    return event


def alices_copy(standin, words: str) -> dict | None:
    return next((m for m in standin.messages(ALICE) if words in (m.get("text") or "")), None)


def settled(services, check):
    """Deliver until `check()` holds: an edit goes out when its one-second window closes."""
    return eventually(lambda: deliver_all(services) and False or check(), what="the change to reach the copy")


def test_an_edit_in_the_thread_updates_the_copy_in_place(slack, services, engine, standin):
    event = answered(slack, services, engine, standin)
    copy = alices_copy(standin, "Love it")
    assert slack.event(requests.dm_changed_event(event, "Love it — which size?")).status_code == 200
    settled(services, lambda: "which size" in (alices_copy(standin, "Love it") or {}).get("text", ""))
    updated = alices_copy(standin, "which size")
    assert updated["ts"] == copy["ts"] and "edited" in updated, "the same message, changed with chat.update"
    assert [c.params["ts"] for c in standin.calls("chat.update")] == [copy["ts"]]
    assert "which size? (edited)" in engine.run(identity_of(ALICE), "read c1").text


def test_a_change_slack_reports_without_new_text_sends_nothing(slack, services, engine, standin):
    """Slack also says `message_changed` when it adds a link preview: the same text, nothing to update."""
    event = answered(slack, services, engine, standin, "See https://example.com/x")
    slack.event(requests.dm_changed_event(event, event["text"]))
    deliver_all(services)
    assert not standin.calls("chat.update")


def test_someone_elses_message_cannot_be_edited_through_an_event(slack, services, engine, standin):
    event = answered(slack, services, engine, standin)
    forged = requests.dm_changed_event({**event, "user": ALICE}, "Alice rewrites Bob")
    slack.event(forged)
    deliver_all(services)
    assert not standin.calls("chat.update") and alices_copy(standin, "Love it")
    assert "Alice rewrites Bob" not in engine.run(identity_of(ALICE), "read c1").text


def test_a_retried_edit_event_is_applied_once(slack, services, engine, standin):
    event = answered(slack, services, engine, standin)
    changed = requests.dm_changed_event(event, "Love it!")
    slack.event(changed, event_id="EvEDIT1")
    slack.event(changed, event_id="EvEDIT1", retry=1)
    settled(services, lambda: alices_copy(standin, "Love it!"))
    assert len(standin.calls("chat.update")) == 1


def test_a_delete_in_the_thread_removes_the_copy(slack, services, engine, standin):
    event = answered(slack, services, engine, standin)
    copy = alices_copy(standin, "Love it")
    assert slack.event(requests.dm_deleted_event(event)).status_code == 200
    settled(services, lambda: alices_copy(standin, "Love it") is None)
    assert [c.params["ts"] for c in standin.calls("chat.delete")] == [copy["ts"]]
    history = engine.run(identity_of(ALICE), "read c1").text
    assert "(message deleted)" in history and "Love it" not in history


def test_a_delete_before_the_copy_went_out_sends_nothing_at_all(slack, services, engine, standin):
    met_before_the_upgrade(engine)
    deliver_all(services)
    [card] = standin.messages(BOB)
    event = requests.dm_event(BOB, standin.dm_channel(BOB), "oops", f"m{next(_ids)}", card["ts"], standin.bot_user_id)
    slack.event(event)
    eventually(lambda: count_rows(services.sessions, Message, Message.conversation_id == 1) == 2, what="the reply")
    slack.event(requests.dm_deleted_event(event))
    eventually(lambda: count_rows(services.sessions, Message, Message.deleted_at.is_not(None)) == 1, what="the delete")
    deliver_all(services)
    assert alices_copy(standin, "oops") is None and not standin.calls("chat.delete")


def test_an_edit_too_long_is_refused_in_the_thread_and_changes_nothing(slack, services, engine, standin):
    event = answered(slack, services, engine, standin)
    limit = engine.settings.max_text_length
    slack.event(requests.dm_changed_event(event, "x" * (limit + 1)))
    channel = standin.dm_channel(BOB)
    refusal = eventually(lambda: [m for m in standin.ephemeral_messages(channel) if "too long" in (m.get("text") or "")],
                         what="the refusal")
    assert refusal[-1].get("thread_ts") == event["thread_ts"], "said in the thread of the message"
    deliver_all(services)
    assert not standin.calls("chat.update")



def test_an_edit_storm_reaches_the_copy_paced_and_ends_on_the_last_text(slack, services, engine, standin):
    """Ten edits in a row: a few chat.update calls, at most one a second to the channel, the last text last."""
    import threading

    from adapters.slack.platform import PLATFORM
    from adapters.slack.settings import SlackSettings
    from bridge.pacing import Pacing
    from bridge.worker import DeliveryWorker

    event = answered(slack, services, engine, standin, "take 0")
    copy = alices_copy(standin, "take 0")
    worker = DeliveryWorker(services.sessions, engine.settings, {"slack": services.platforms["slack"].sender},
                            pacing=Pacing({"slack": PLATFORM.limits(SlackSettings())}), threads=2, idle_sleep=0.05)
    running = threading.Thread(target=worker.run)
    running.start()
    try:
        for take in range(1, 11):
            slack.event(requests.dm_changed_event({**event, "text": f"take {take - 1}"}, f"take {take}"))
        eventually(lambda: "take 10" in (alices_copy(standin, "take") or {}).get("text", ""), timeout=30,
                   what="the last edit on Alice's copy")
    finally:
        worker.stop()
        running.join(30)
    updates = [c for c in standin.calls("chat.update") if c.params.get("ts") == copy["ts"]]
    assert updates and len(updates) <= 10 and all(c.status == 200 and c.error is None for c in updates)
    assert all(b.timestamp - a.timestamp >= 0.9 for a, b in zip(updates, updates[1:])), "one a second at most"
    assert alices_copy(standin, "take")["ts"] == copy["ts"]
