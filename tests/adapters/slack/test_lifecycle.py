"""tokens_revoked and app_uninstalled (Events API): the installation goes, its people become unreachable, once."""

from __future__ import annotations

from sqlalchemy import select, text

from bridge.sandbox import slack_requests as requests
from core.db import transaction
from core.models import Account, Delivery
from core.ports import Failed, Sent
from tests.adapters.slack.conftest import ALICE, BOB
from tests.adapters.slack.test_commands import friends
from tests.adapters.slack.test_install import installed, oauth_services  # noqa: F401 - fixtures
from tests.adapters.slack.workspace import deliver_all, eventually


def bots(services) -> int:
    with services.db.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM slack_bots WHERE team_id = 'T0SANDBOX'")).scalar_one()


def bob_unreachable(services) -> bool:
    with transaction(services.sessions) as session:
        return session.query(Account).filter_by(external_id=BOB).one().unreachable


def test_an_uninstall_removes_the_installation_and_bobs_delivery_fails_as_unreachable(installed, oauth_services, standin):
    _, slack, _ = installed
    slack.command(ALICE, "send p1 to @bob before")
    assert [type(r) for r in deliver_all(oauth_services)] == [Sent]
    slack.command(ALICE, "send p1 to @bob after")

    response = slack.event(requests.app_uninstalled_event(), event_id="Ev0GONE")
    eventually(lambda: bots(oauth_services) == 0, what="the installation to leave the store")

    assert response.status_code == 200
    eventually(lambda: bob_unreachable(oauth_services), what="the team's accounts to be marked unreachable at once")
    assert deliver_all(oauth_services) == [], "the waiting delivery failed with the uninstall: nothing is tried"
    with transaction(oauth_services.sessions) as session:
        assert session.scalar(select(Delivery.last_error).where(Delivery.status == "failed")) == "the workspace removed the app"
    posts = len(standin.calls("chat.postMessage"))
    slack.command(ALICE, "send p1 to @bob later")
    assert deliver_all(oauth_services) == [] and len(standin.calls("chat.postMessage")) == posts, "bob gets no more tries"


def test_revoked_bot_tokens_remove_the_installation_and_the_cached_token(installed, oauth_services):
    _, slack, _ = installed
    slack.command(ALICE, "send p1 to @bob before")
    deliver_all(oauth_services)  # the sender caches the token
    slack.command(ALICE, "send p1 to @bob after")

    slack.event(requests.tokens_revoked_event([slack.standin.bot_user_id]), event_id="Ev0REVOKED")
    eventually(lambda: bots(oauth_services) == 0, what="the bot token to leave the store")
    eventually(lambda: bob_unreachable(oauth_services), what="the team's accounts to be marked unreachable")

    assert deliver_all(oauth_services) == [], "the waiting delivery failed with the revocation"


def test_revoked_user_tokens_leave_the_bot_and_deliveries_alone(installed, oauth_services):
    _, slack, _ = installed
    slack.command(ALICE, "send p1 to @bob hi")

    slack.event(requests.tokens_revoked_event([], oauth_user_ids=["U0INSTALLER"]), event_id="Ev0USER")

    assert bots(oauth_services) == 1
    assert [type(r) for r in deliver_all(oauth_services)] == [Sent]


def test_an_uninstall_event_slack_retries_is_handled_once(installed, oauth_services):
    _, slack, _ = installed
    first = slack.event(requests.app_uninstalled_event(), event_id="Ev0TWICE")
    eventually(lambda: bots(oauth_services) == 0, what="the uninstall")
    again = slack.event(requests.app_uninstalled_event(), event_id="Ev0TWICE", retry=1)

    assert first.status_code == again.status_code == 200


def test_with_one_bot_token_an_uninstall_is_acknowledged_and_the_dead_token_fails_deliveries_once(slack, services, standin):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")

    assert slack.event(requests.app_uninstalled_event(), event_id="Ev0SINGLE").status_code == 200
    eventually(lambda: bob_unreachable(services), what="the workspace's accounts to be marked unreachable")
    standin.fail_next("chat.postMessage", status=200, error="token_revoked")

    assert deliver_all(services) == [], "the waiting delivery failed with the uninstall: the dead token is not tried"
    with transaction(services.sessions) as session:
        assert session.query(Delivery).one().status == "failed"


def test_with_one_bot_token_a_revoked_token_fails_each_delivery_once(slack, services, standin):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/tent Tent")
    slack.command(ALICE, "send p1 to @bob Look!")
    standin.fail_next("chat.postMessage", status=200, error="token_revoked")

    assert deliver_all(services) == [Failed("slack: token_revoked")]
    with transaction(services.sessions) as session:
        assert session.query(Delivery).one().status == "failed"


def test_app_uninstalled_from_the_web_api_drops_the_installation_too(installed, oauth_services, standin):
    _, slack, _ = installed
    slack.command(ALICE, "send p1 to @bob hi")
    standin.fail_next("chat.postMessage", status=200, error="app_uninstalled")

    assert deliver_all(oauth_services) == [Failed("slack: app_uninstalled", unreachable=True)]
    assert bots(oauth_services) == 0 and bob_unreachable(oauth_services)
