"""A platform is one package and one line of config: Echo, defined only under tests/, joins Slack and Telegram.

Nothing outside tests/ knows Echo: the bridge builds it from `platforms:` like the shipped two, the
core reads its commands, mentions and deep links from its description, the worker sends to it and
paces it, digests reach it, an Echo person links to a Slack person, and the operator sees it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bridge.app import create_app
from bridge.config import ConfigError, from_dict
from bridge.digests import run_due
from bridge.metrics import Metrics
from bridge.server import pacing_of
from bridge.wiring import build
from bridge.worker import DeliveryWorker
from core.clock import utcnow
from core.people import Identity
from core.results import LinkPrompt
from tests.factories import say

PLATFORMS = {"slack": "adapters.slack", "telegram": "adapters.telegram", "echo": "tests.bridge.echo_platform"}
ALICE_ON_SLACK = Identity("slack", "U0ALICE", chat_id="D0ALICE", username="alice")


@pytest.fixture
def deployment(db_url):
    """Pinbridge with three platforms (the sandbox plays Slack and Telegram), its web app and metrics."""
    config = from_dict({"database_url": db_url, "platforms": PLATFORMS, "echo": {"prefix": "!"}})
    services = build(config)
    services.platforms["echo"].start()
    metrics = Metrics()
    yield services, create_app(services=services, metrics=metrics).test_client(), metrics
    for installed in services.platforms.values():
        installed.stop()
    services.close()


def echo_says(web, user: str, text: str, name: str | None = None) -> dict:
    response = web.post("/echo/say", json={"user": user, "name": name or user, "text": text})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def deliver(services, metrics) -> list:
    """The real worker, with every installed sender and every platform's own pacing, until nothing is due."""
    worker = DeliveryWorker(services.sessions, services.engine.settings, services.senders,
                            pacing=pacing_of(services.config), metrics=metrics)
    while worker.run_once():
        pass
    echo = services.platforms["echo"].sender
    return list(echo.sent)


def test_echo_is_built_from_one_line_of_config_and_spells_commands_its_own_way(deployment):
    services, web, _ = deployment
    assert set(services.platforms) == {"slack", "telegram", "echo"}
    assert "echo" in services.engine.settings.platform_names

    answer = echo_says(web, "e1", "!inbox", name="erin")

    assert answer["ok"] and answer["text"] == "Your inbox is empty. Send a pin: '!send p1 to @friend'."
    helped = echo_says(web, "e1", "!help")["text"]
    assert "'!new <link> [title]'" in helped and "deliver slack|telegram|echo|all" in helped.replace("'", "")
    assert echo_says(web, "e1", "!frobnicate")["ok"] is False


def test_an_echo_person_links_to_a_slack_person_only_after_the_slack_side_says_yes(deployment):
    services, web, _ = deployment
    engine = services.engine
    engine.ensure(ALICE_ON_SLACK)

    issued = echo_says(web, "e1", "!link", name="alice_e")["text"]
    code = issued.split("Your link code is ")[1].split(".")[0]
    assert f"type '/pin link {code}' on Slack" in issued and f"type '/link {code}' on Telegram" in issued
    assert f"https://echo.test/open?start=link_{code}" not in issued, "a deep link opens Echo, not Slack"

    asked = engine.run(ALICE_ON_SLACK, f"link {code}")
    (prompt,) = [item for item in asked.items if isinstance(item, LinkPrompt)]
    assert "This joins your Slack account to @alice_e on Echo" in asked.text
    linked = engine.confirm_link(ALICE_ON_SLACK, prompt.token)

    assert linked.ok and "Linked! You are @alice_e on Echo and Slack" in linked.text
    assert echo_says(web, "e1", "!deliver echo slack")["text"] == "Messages will be delivered to Echo and Slack."


def test_messages_and_digests_reach_echo_and_an_echo_mention_names_a_person(deployment):
    services, web, metrics = deployment
    engine = services.engine
    engine.ensure(ALICE_ON_SLACK)
    echo_says(web, "e1", "!inbox", name="erin")
    say(engine, ALICE_ON_SLACK, "follow @erin")
    echo_says(web, "e1", "!follow @alice")
    say(engine, ALICE_ON_SLACK, "new https://example.com/boots Boots")

    sent = say(engine, ALICE_ON_SLACK, "send p1 to <echo:e1> Look!")  # Echo's own mention, read as a person
    assert "@erin" in sent.text
    (message,) = deliver(services, metrics)
    assert (message.platform, message.chat_id, message.kind) == ("echo", "e1", "message")
    assert message.message.pin.title == "Boots" and message.message.text == "Look!"

    assert run_due(services.sessions, "daily 09:00 UTC", utcnow() + timedelta(days=1), everyone=True) == 1
    digest = deliver(services, metrics)[-1]
    assert digest.kind == "digest" and digest.digest.total == 1
    assert digest.digest.conversations[0].lines[0].summary == "p1 “Boots” Look!"

    assert "no Slack account" in echo_says(web, "e1", "!deliver slack")["text"]


def test_echo_shows_up_in_healthz_and_metrics(deployment):
    services, web, metrics = deployment
    echo_says(web, "e1", "!inbox")

    health = web.get("/healthz").get_json()
    scraped = web.get("/metrics").get_data(as_text=True)

    assert health["platforms"]["echo"] == {"pending": 0, "retrying": 0, "failed": 0, "sent": 0}
    assert health["parts"]["echo"]["stale"] is False
    assert 'pinbridge_delivery_backlog{platform="echo"} 0.0' in scraped
    assert 'pinbridge_inbound_requests_total{status="200",surface="echo"}' in scraped


def test_a_bad_echo_section_stops_start_up_naming_the_key(db_url):
    with pytest.raises(ConfigError, match=r"^echo\.prefix: required"):
        from_dict({"database_url": db_url, "platforms": PLATFORMS, "echo": {"prefix": ""}})
    with pytest.raises(ConfigError, match=r"^echo\.colour: unknown key"):
        from_dict({"database_url": db_url, "platforms": PLATFORMS, "echo": {"colour": "red"}})
    with pytest.raises(ConfigError, match="does not describe a platform"):
        from_dict({"database_url": db_url, "platforms": {**PLATFORMS, "nope": "tests.bridge.no_such_module"}})
