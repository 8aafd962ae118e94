"""The app's DM with each person has its own id: opened once, recorded on the account, replies routed by it."""

from __future__ import annotations

from adapters.slack.payloads import identity_of
from core.db import transaction
from core.models import Account, Lane, Message, RemoteMessage
from core.ports import Sent
from tests.adapters.slack.conftest import ALICE, BOB, CAROL
from tests.adapters.slack.workspace import deliver_all, eventually
from tests.factories import count_rows


def account(services, user_id: str) -> Account:
    with transaction(services.sessions) as session:
        found = session.query(Account).filter_by(external_id=user_id).one()
        session.expunge(found)
        return found


def met_before_the_upgrade(engine) -> None:
    """Alice and Bob as a deployment that posted to user ids left them: chat id = user id, and c1 with a pin."""
    alice, bob = identity_of(ALICE, "T0SANDBOX", "alice"), identity_of(BOB, "T0SANDBOX", "bob")
    engine.ensure(alice), engine.ensure(bob)
    for who, other in ((alice, "bob"), (bob, "alice")):
        assert engine.run(who, f"follow @{other}").ok
    assert engine.run(alice, "new https://example.com/tent Tent").ok
    assert engine.run(alice, "send p1 to @bob Look!").ok


def test_the_first_delivery_opens_the_dm_and_moves_the_account_to_it(services, engine, standin):
    met_before_the_upgrade(engine)
    assert account(services, BOB).chat_id == BOB

    [result] = deliver_all(services)
    assert engine.run(identity_of(ALICE), "reply c1 again").ok
    [second] = deliver_all(services)

    dm = standin.dm_channel(BOB)
    assert result.chat_id == dm and second.chat_id is None, "the second one was queued for the DM already"
    assert account(services, BOB).chat_id == dm
    assert [c.params["users"] for c in standin.calls("conversations.open")] == [BOB], "opened once"
    assert {c.params["channel"] for c in standin.calls("chat.postMessage")} == {dm}
    with transaction(services.sessions) as session:
        assert {lane.chat_id for lane in session.query(Lane)} == {dm}
        assert {r.chat_id for r in session.query(RemoteMessage)} == {dm}


def test_a_reply_in_the_dm_thread_routes_by_the_dm_id(slack, services, engine, standin):
    met_before_the_upgrade(engine)
    deliver_all(services)
    [message] = standin.messages(BOB)

    slack.dm(BOB, "Love it", thread_ts=message["ts"])

    eventually(lambda: count_rows(services.sessions, Message, Message.conversation_id == 1) == 2, what="the reply")


def test_a_thread_recorded_under_the_user_id_before_the_upgrade_still_routes(slack, services, engine):
    met_before_the_upgrade(engine)
    engine.remember("slack", BOB, "1700000000.000100", "c1")  # what the old sender recorded: (user id, ts)

    slack.dm(BOB, "Still works", thread_ts="1700000000.000100")

    eventually(lambda: count_rows(services.sessions, Message, Message.conversation_id == 1) == 2, what="the reply")
    assert "@bob: Still works" in engine.run(identity_of(ALICE), "read c1").text


def test_a_command_from_a_channel_carries_the_persons_dm(slack, services, standin):
    slack.command(ALICE, "help")
    slack.command(ALICE, "boards")

    assert account(services, ALICE).chat_id == standin.dm_channel(ALICE)
    assert len(standin.calls("conversations.open")) == 1, "remembered after the first time"


def test_a_message_in_the_dm_names_it_and_needs_no_conversations_open(slack, services, standin):
    slack.dm(CAROL, "boards")

    eventually(lambda: standin.messages(CAROL), what="the answer in Carol's DM")
    assert account(services, CAROL).chat_id == standin.dm_channel(CAROL)
    assert standin.calls("conversations.open") == []


def test_an_installation_without_im_write_posts_to_the_user_id_and_learns_the_dm_from_the_answer(services, engine, standin):
    met_before_the_upgrade(engine)
    standin.fail_next("conversations.open", status=200, error="missing_scope",
                      details={"needed": "im:write", "provided": "commands,chat:write,im:history,users:read"})

    [result] = deliver_all(services)

    assert result == Sent(standin.messages(BOB)[0]["ts"], chat_id=standin.dm_channel(BOB))
    assert standin.calls("chat.postMessage")[0].params["channel"] == BOB
    assert account(services, BOB).chat_id == standin.dm_channel(BOB)


def test_a_person_slack_cannot_open_a_dm_with_is_unreachable(services, engine, standin):
    met_before_the_upgrade(engine)
    standin.fail_next("conversations.open", status=200, error="user_disabled")

    [result] = deliver_all(services)

    assert result.error == "slack: user_disabled" and result.unreachable
    assert account(services, BOB).unreachable and standin.calls("chat.postMessage") == []
