"""The real Bolt app behind the real Flask app, its WebClient talking HTTP to a served Slack stand-in."""

from __future__ import annotations

import pytest

from adapters.slack import wiring as slack_wiring
from adapters.slack.settings import SlackSettings
from adapters.telegram.settings import TelegramSettings
from bridge.app import create_app
from bridge.config import Config, HttpConfig, SandboxConfig
from bridge.sandbox.serving import serve
from bridge.sandbox.slack_api import SlackStandin, create_app as create_standin_app
from bridge.wiring import Services, host_of
from core.engine import Engine
from tests.adapters.slack.workspace import Workspace

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ALICE, BOB, CAROL, DAN = "U0ALICE", "U0BOB", "U0CAROL", "U0DAN"


@pytest.fixture
def standin() -> SlackStandin:
    """A Slack workspace with four people (Dan has never used Pinbridge)."""
    standin = SlackStandin()
    standin.add_user(ALICE, "alice", real_name="Alice Liddell", tz="Europe/Berlin", image_url="https://img.test/alice.png")
    standin.add_user(BOB, "bob", real_name="Bob Builder", tz="America/New_York")
    standin.add_user(CAROL, "carol", real_name="Carol Danvers", tz="UTC")
    standin.add_user(DAN, "dan", real_name="Dan Brown", tz="Asia/Tokyo")
    return standin


@pytest.fixture
def slack_api(standin):
    with serve(create_standin_app(standin)) as served:
        yield served


def slack_config(api_url: str, **changes) -> Config:
    """Pinbridge's config with Slack pointed at the stand-in (sandbox off; Telegram is deployed but not run here,
    so its people, made through the engine, can link and talk with Slack's)."""
    fields = {"bot_token": "xoxb-test-token", "signing_secret": SECRET, "api_base_url": api_url + "/api/", **changes}
    return Config(
        http=HttpConfig(public_url="http://pins.test"), sandbox=SandboxConfig(enabled=False),
        sections={"slack": SlackSettings(**fields), "telegram": TelegramSettings()},
    )


def install_slack(services: Services):
    """Slack's parts in this test's process, as `bridge.wiring` installs them."""
    installed = slack_wiring.install(services.config.slack, host_of(services))
    services.platforms["slack"] = installed
    return installed


@pytest.fixture
def services(db, sessions, slack_api):
    config = slack_config(slack_api.url)
    services = Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()))
    install_slack(services)
    yield services
    services.platforms["slack"].stop()


@pytest.fixture
def engine(services) -> Engine:
    return services.engine


@pytest.fixture
def sender(services):
    return services.platforms["slack"].sender


@pytest.fixture
def web(services):
    return create_app(services.config, services).test_client()


@pytest.fixture
def slack(web, standin, slack_api) -> Workspace:
    return Workspace(web, standin, slack_api.url, SECRET)
