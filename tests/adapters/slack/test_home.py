"""The App Home tab end to end: Slack's real app_home_opened and Home-tab block_actions payloads, signed,
through the real Bolt app, answered with views.publish / views.open in the strict stand-in — and kept
fresh by the delivery worker when something changes."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import yaml
from sqlalchemy import select

from adapters.slack import home, install
from adapters.slack.payloads import identity_of
from bridge.pacing import UNPACED
from bridge.sandbox import slack_requests as requests
from bridge.sandbox.slack_home import app_home_opened, home_block_actions, published_home, select_action
from bridge.worker import DeliveryWorker
from core.clock import utcnow
from core.db import reading
from core.models import Account, Board, Delivery, Person
from core.ports import RetryLater, Sent
from core.refreshes import HOME_WINDOW
from tests.adapters.slack.conftest import ALICE, BOB
from tests.adapters.slack.test_commands import friends
from tests.adapters.slack.workspace import RecordingSender, eventually
from tests.factories import count_rows

_ids = itertools.count(1)


def open_home(slack, user: str, tab: str = "home", event_id: str | None = None):
    """The person clicks the app's Home tab (or its Messages tab): Slack's app_home_opened event."""
    event = app_home_opened(user, slack.standin.dm_channel(user), tab, published_home(slack.standin, user))
    return slack.event(event, event_id)


def publishes(slack, user: str) -> list:
    return [c for c in slack.standin.calls("views.publish") if c.params.get("user_id") == user and c.ok]


def home_text(slack, user: str) -> str:
    return json.dumps(published_home(slack.standin, user)["blocks"], ensure_ascii=False)


def opened_home(slack, user: str) -> dict:
    before = len(publishes(slack, user))
    assert open_home(slack, user).status_code == 200
    eventually(lambda: len(publishes(slack, user)) > before, what="views.publish of the home")
    return published_home(slack.standin, user)


def click_home(slack, user: str, action: dict):
    """A click in the person's Home tab: block_actions with the view as container, no response_url."""
    trigger = f"trigger.home{next(_ids)}"
    payload = home_block_actions(requests.actor(user, slack.user(user)["name"]), action, trigger,
                                 published_home(slack.standin, user), {"id": requests.TEAM, "domain": requests.TEAM_DOMAIN})
    assert "response_url" not in payload
    return slack.post(urlencode({"payload": json.dumps(payload)}), requests.FORM)


def click_and_republish(slack, user: str, action: dict) -> str:
    before = len(publishes(slack, user))
    assert click_home(slack, user, action).status_code == 200
    eventually(lambda: len(publishes(slack, user)) > before, what=f"the home again after {action['action_id']}")
    return home_text(slack, user)


def button(action_id: str, value: str) -> dict:
    return requests.button_action(action_id, value)


def deliver_later(services) -> list:
    """The real worker, its clock past the refresh window: every home refresh queued so far is due."""
    recording = RecordingSender(services.platforms["slack"].sender)
    later = utcnow() + timedelta(seconds=HOME_WINDOW + 1)
    worker = DeliveryWorker(services.sessions, services.engine.settings, {"slack": recording}, pacing=UNPACED,
                            now=lambda: later)
    while worker.run_once():
        pass
    return recording.results


def conversation(slack):
    friends(slack, ALICE, BOB)
    slack.command(ALICE, "new https://example.com/boots Boots")
    slack.command(ALICE, "send p1 to @bob Look at these!")


def test_opening_the_home_tab_publishes_the_persons_inbox_boards_and_settings(slack, services):
    conversation(slack)

    view = opened_home(slack, BOB)

    assert view["type"] == "home" and len(view["blocks"]) <= home.MAX_HOME_BLOCKS
    text = home_text(slack, BOB)
    assert "*c1* with @alice — *1 unread*" in text and "@alice: p1 “Boots” Look at these!" in text
    actions = {e["action_id"]: e.get("value") for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert actions == {home.OPEN: "c1", home.READ: "c1", home.DISMISS: "c1"}
    assert "*Digest of unread messages:* daily 09:00 UTC (the default)" in text and "New board" in text
    with reading(services.sessions) as session:
        assert session.scalar(select(Account.home_opened_at).where(Account.external_id == BOB)) is not None


def test_the_messages_tab_and_a_retried_event_publish_nothing_more(slack):
    """Each wait below ends on a publish that must come; a wrong extra one would be counted at the end."""
    conversation(slack)
    assert open_home(slack, BOB, tab="messages").status_code == 200
    assert open_home(slack, BOB, event_id="Ev-same").status_code == 200
    eventually(lambda: publishes(slack, BOB), what="the Home tab's publish")
    again = open_home(slack, BOB, event_id="Ev-same")  # Slack's retry of the same event
    assert again.status_code == 200
    assert open_home(slack, BOB, event_id="Ev-next").status_code == 200
    eventually(lambda: len(publishes(slack, BOB)) >= 2, what="the next open's publish")
    assert len(publishes(slack, BOB)) == 2  # Ev-same once and Ev-next: not the Messages tab, not the retry


def test_a_second_open_carries_the_published_view_and_gets_it_replaced_in_place(slack):
    conversation(slack)
    first = opened_home(slack, BOB)
    second = opened_home(slack, BOB)
    assert second["id"] == first["id"] and second["hash"] != first["hash"]


def test_mark_read_and_dismiss_in_the_home_tab_change_the_inbox_and_the_tab(slack, engine):
    conversation(slack)
    opened_home(slack, BOB)

    read = click_and_republish(slack, BOB, button(home.READ, "c1"))
    assert "*1 unread*" not in read and "*c1* with @alice" in read
    dismissed = click_and_republish(slack, BOB, button(home.DISMISS, "c1"))
    assert "*c1*" not in dismissed and "Nothing here yet" in dismissed
    assert "Your inbox is empty" in engine.run(identity_of(BOB), "inbox").text


def test_open_shows_the_history_in_a_modal_and_marks_it_read(slack, standin):
    conversation(slack)
    opened_home(slack, BOB)

    after = click_and_republish(slack, BOB, button(home.OPEN, "c1"))

    modal = eventually(lambda: [v for v in standin.views() if v.get("type") == "modal"], what="the history modal")[-1]
    assert modal["title"]["text"] == "Conversation c1" and "Look at these!" in json.dumps(modal["blocks"], ensure_ascii=False)
    assert "*1 unread*" not in after


def test_a_forged_or_foreign_conversation_is_refused_in_a_modal_and_changes_nothing(slack, standin, services):
    conversation(slack)
    slack.command("U0CAROL", "help")
    opened_home(slack, "U0CAROL")

    click_and_republish(slack, "U0CAROL", button(home.READ, "c1"))

    modal = eventually(lambda: [v for v in standin.views() if v.get("type") == "modal"], what="the refusal")[-1]
    assert "You have no conversation c1." in json.dumps(modal["blocks"])
    assert click_home(slack, "U0CAROL", button(home.DISMISS, "c1 c2; drop")).status_code == 200
    eventually(lambda: "That button no longer works" in json.dumps(standin.views()), what="the broken-button answer")


def test_new_board_opens_a_form_whose_secret_board_reaches_the_home_through_the_worker(slack, services, standin):
    conversation(slack)
    opened_home(slack, ALICE)
    assert click_home(slack, ALICE, button(home.NEW_BOARD, "new")).status_code == 200
    form = eventually(lambda: [v for v in standin.views() if v.get("callback_id") == home.NEW_BOARD_MODAL],
                      what="the New board form")[-1]

    response = slack.submit(ALICE, form, {
        home.NAME_BLOCK: {"type": "plain_text_input", "value": "Top secret"},
        home.SECRET_BLOCK: {"type": "checkboxes", "selected_options": [{"value": home.SECRET}]},
    })

    assert response.json["response_action"] == "update"
    assert "Created your secret board “Top secret”." in json.dumps(response.json["view"], ensure_ascii=False)
    with reading(services.sessions) as session:
        board = session.scalar(select(Board).where(Board.name == "Top secret"))
        assert board is not None and board.secret  # the name as typed: its last word is not read as "secret"
    results = deliver_later(services)
    assert any(isinstance(r, Sent) for r in results)
    assert "*Top secret* — 0 pins · :lock: secret" in home_text(slack, ALICE)


def test_an_empty_board_name_keeps_the_form_open_with_the_error(slack, standin):
    conversation(slack)
    opened_home(slack, ALICE)
    click_home(slack, ALICE, button(home.NEW_BOARD, "new"))
    form = eventually(lambda: [v for v in standin.views() if v.get("callback_id") == home.NEW_BOARD_MODAL],
                      what="the New board form")[-1]
    response = slack.submit(ALICE, form, {home.NAME_BLOCK: {"type": "plain_text_input", "value": "  "}})
    assert response.json == {"response_action": "errors", "errors": {home.NAME_BLOCK: "Give the board a name."}}


def test_the_digest_menu_sets_the_schedule_with_the_persons_own_time_zone(slack, services):
    conversation(slack)
    view = opened_home(slack, ALICE)
    [menu] = [b["accessory"] for b in view["blocks"] if (b.get("accessory") or {}).get("action_id") == home.DIGEST]
    weekly = next(o for o in menu["options"] if o["value"].startswith("weekly"))
    assert menu["initial_option"]["value"].startswith("daily 09:00")

    after = click_and_republish(slack, ALICE, select_action(home.DIGEST, weekly["value"], weekly["text"]["text"], "d"))

    with reading(services.sessions) as session:
        schedule = session.scalar(select(Person.digest_schedule).where(Person.handle == "alice"))
    assert schedule == weekly["value"] == "weekly mon 09:00 Europe/Berlin"  # Alice's Slack time zone
    assert "*Digest of unread messages:* weekly mon 09:00 Europe/Berlin" in after


def test_a_forged_digest_value_is_refused_by_the_grammar_and_changes_nothing(slack, services, standin):
    conversation(slack)
    opened_home(slack, ALICE)
    click_and_republish(slack, ALICE, select_action(home.DIGEST, "sometimes", "Sometimes", "d"))
    eventually(lambda: [v for v in standin.views() if v.get("type") == "modal"], what="the refusal")
    with reading(services.sessions) as session:
        assert session.scalar(select(Person.digest_schedule).where(Person.handle == "alice")) is None


def test_link_shows_a_code_in_a_modal(slack, standin):
    conversation(slack)
    opened_home(slack, ALICE)
    click_home(slack, ALICE, button(home.LINK, "link"))
    modal = eventually(lambda: [v for v in standin.views() if v.get("type") == "modal"], what="the link code")[-1]
    assert modal["title"]["text"] == "Link an account" and "Your link code is" in json.dumps(modal["blocks"])


def test_a_reply_refreshes_the_other_persons_home_through_the_worker_once_per_window(slack, services, engine):
    conversation(slack)
    opened_home(slack, ALICE)
    before = len(publishes(slack, ALICE))
    for n in range(5):
        assert engine.reply(identity_of(BOB), "c1", f"reply number {n}").ok

    results = deliver_later(services)

    assert len(publishes(slack, ALICE)) == before + 1  # five replies in one window: one publish
    assert "@bob: reply number 4" in home_text(slack, ALICE) and "*5 unread*" in home_text(slack, ALICE)
    assert sum(isinstance(r, Sent) for r in results) >= 1
    assert publishes(slack, BOB) == []  # Bob never opened his Home tab


def test_a_rate_limited_publish_is_retried_after_its_retry_after(slack, services, standin):
    conversation(slack)
    opened_home(slack, ALICE)
    slack.command(BOB, "reply c1 hi")
    standin.fail_next("views.publish", status=429, retry_after=7)

    results = deliver_later(services)

    assert [r for r in results if isinstance(r, RetryLater)][0].seconds == 7.0
    assert count_rows(services.sessions, Delivery, Delivery.kind == "home", Delivery.status == "pending") == 1


def test_the_manifest_enables_the_home_tab_and_subscribes_to_app_home_opened():
    manifest = yaml.safe_load((Path(install.__file__).parent / "manifest.yml").read_text())
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert "app_home_opened" in install.BOT_EVENTS
