"""The work after each ack is bounded: past `slack.answer_queue` a request is shed at the ack, and the person told.

One answer thread and room for two: two commands hold the queue (their engine call waits
on an event), so whatever comes next finds it full.
"""

from __future__ import annotations

import threading

import pytest

from adapters.slack import cards
from adapters.slack.settings import SlackSettings, problems
from adapters.slack.workqueue import BUSY
from bridge.sandbox import slack_requests as requests
from bridge.wiring import Services
from core.engine import Engine
from core.models.pins import Pin
from core.platforms import Deployment
from tests.adapters.slack.conftest import ALICE, BOB, CAROL, install_slack, slack_config
from tests.adapters.slack.workspace import Workspace, eventually
from tests.factories import count_rows


@pytest.fixture
def services(db, sessions, slack_api):
    config = slack_config(slack_api.url, answer_threads=1, answer_queue=2)
    services = Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()))
    install_slack(services)
    yield services
    services.platforms["slack"].stop()


@pytest.fixture
def held(services, monkeypatch):
    """Every engine.run waits until the test lets go (so admitted work stays unfinished)."""
    release, started = threading.Event(), []
    real_run = services.engine.run

    def run(*args, **kwargs):
        started.append(args[1] if len(args) > 1 else kwargs.get("text"))
        release.wait(10)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(services.engine, "run", run)
    yield release, started
    release.set()


def queue(services):
    [figures] = services.platforms["slack"].figures()
    return figures


def fill(slack: Workspace, services, started) -> list[str]:
    """Two commands admitted: one running (blocked), one waiting for the thread."""
    tokens = []
    for words in ("boards", "contacts"):
        body, token = slack.command_body(ALICE, words)
        assert slack.post(body, requests.FORM).status_code == 200
        tokens.append(token)
    eventually(lambda: started, what="the first command to reach the engine")
    assert queue(services).depth == 2
    return tokens


def test_a_command_past_the_bound_is_answered_busy_at_the_ack_and_never_runs(slack, services, held, standin):
    release, started = held
    tokens = fill(slack, services, started)

    body, token = slack.command_body(BOB, "new https://example.com/shed Never made")
    response = slack.post(body, requests.FORM)

    assert response.status_code == 200 and response.get_data(as_text=True) == BUSY, "told at once, only them (ephemeral)"
    assert (queue(services).depth, queue(services).shed) == (2, 1)
    release.set()
    for waiting in tokens:
        eventually(lambda: standin.response_posts(waiting), what="the admitted commands' answers")
    eventually(lambda: queue(services).depth == 0, what="the queue to drain")
    assert started == ["boards", "contacts"], "the shed command never reached the engine"
    assert standin.response_posts(token) == []
    assert count_rows(services.sessions, Pin, Pin.title == "Never made") == 0, "and changed nothing"


def test_a_click_past_the_bound_is_told_busy_through_its_response_url(slack, services, held, standin):
    release, started = held
    fill(slack, services, started)

    response, token, _ = slack.click(CAROL, cards.MARK_READ, "c1")

    assert response.status_code == 200
    [post] = eventually(lambda: standin.response_posts(token), what="the busy notice")
    assert post.body["text"] == BUSY and post.body["response_type"] == "ephemeral"
    assert post.body["replace_original"] is False, "the card clicked stays as it was"
    assert queue(services).shed == 1


def test_a_dm_past_the_bound_is_deferred_to_slacks_retry_and_told_on_the_last(slack, services, held, standin):
    release, started = held
    fill(slack, services, started)

    deferred = slack.dm(CAROL, "boards", event_id="Ev0BUSY")
    assert deferred.status_code == 503, "Slack retries an event it could not deliver"
    assert slack.dm(CAROL, "boards", event_id="Ev0BUSY", retry=2).status_code == 503
    assert standin.calls("chat.postEphemeral") == [], "nothing said while Slack will try again"

    last = slack.dm(CAROL, "boards", event_id="Ev0BUSY", retry=3)

    assert last.status_code == 200
    [notice] = eventually(lambda: standin.calls("chat.postEphemeral"), what="the busy notice in Carol's DM")
    assert BUSY in notice.params["text"] and notice.params["user"] == CAROL
    release.set()
    eventually(lambda: queue(services).depth == 0, what="the queue to drain")
    assert "boards" not in started[2:], "the shed message was never run"


def test_a_deferred_dm_runs_when_slack_retries_it_after_the_queue_drained(slack, services, held, standin):
    release, started = held
    fill(slack, services, started)
    assert slack.dm(CAROL, "boards", event_id="Ev0LATER").status_code == 503

    release.set()
    eventually(lambda: queue(services).depth == 0, what="the queue to drain")
    assert slack.dm(CAROL, "boards", event_id="Ev0LATER", retry=1).status_code == 200

    [answer] = eventually(lambda: standin.messages(CAROL), what="the answer once Slack retried")
    assert BUSY not in answer["text"] and started[-1] == "boards"


def test_message_events_that_do_no_work_take_no_place_and_are_never_deferred(slack, services, held, standin):
    release, started = held
    fill(slack, services, started)
    channel = standin.dm_channel(CAROL)
    # A person's edit in the bot's DM does work now (it follows the message's copies); these do none:
    # an edit in a channel, and Slack reporting the bot's own message changed (our chat.update).
    edit_elsewhere = {"type": "message", "subtype": "message_changed", "channel": "C0GENERAL", "channel_type": "channel",
                      "message": {"type": "message", "user": CAROL, "text": "boards!", "ts": "1.2"}, "ts": "1.3"}
    our_update = {"type": "message", "subtype": "message_changed", "channel": channel, "channel_type": "im",
                  "message": {"type": "message", "bot_id": "B0BOT", "user": "U0BOT", "text": "card", "ts": "1.5"},
                  "ts": "1.6"}
    from_a_bot = {"type": "message", "bot_id": "B0OTHER", "channel": channel, "channel_type": "im", "text": "hi",
                  "ts": "1.4"}

    assert slack.event(edit_elsewhere).status_code == 200
    assert slack.event(our_update).status_code == 200
    assert slack.event(from_a_bot).status_code == 200
    assert (queue(services).depth, queue(services).shed) == (2, 0), "acknowledged, not admitted, not shed"


def test_lifecycle_events_are_never_shed(slack, services, held, standin):
    release, started = held
    fill(slack, services, started)

    response = slack.event(requests.app_uninstalled_event(), event_id="Ev0STILL")

    assert response.status_code == 200
    assert queue(services).shed == 0


def test_the_queue_is_in_metrics(slack, services, held, web):
    release, started = held
    fill(slack, services, started)
    slack.post(slack.command_body(BOB, "boards")[0], requests.FORM)

    page = web.get("/metrics").get_data(as_text=True)

    assert 'pinbridge_work_queue_depth{platform="slack",queue="answers"} 2.0' in page
    assert 'pinbridge_work_queue_capacity{platform="slack",queue="answers"} 2.0' in page
    assert 'pinbridge_work_shed_total{platform="slack",queue="answers"} 1.0' in page


@pytest.mark.parametrize("key", ["answer_threads", "answer_queue"])
@pytest.mark.parametrize("value", [0, -1, 5000])
def test_the_bounds_are_checked(key, value):
    found = problems(SlackSettings(bot_token="x", signing_secret="y", **{key: value}), Deployment("http://pins.test", sandboxed=False))

    assert found == [f"slack.{key}: must be a whole number from 1 to 1024, got {value!r}"]

