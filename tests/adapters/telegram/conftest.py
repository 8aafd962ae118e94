"""Fixtures: the stand-in served over HTTP and the real Telegram integration pointed at it."""

from __future__ import annotations

import pytest

from adapters.slack.settings import SlackSettings
from adapters.telegram.settings import TelegramSettings
from bridge.config import Config, HttpConfig, SandboxConfig
from bridge.pacing import UNPACED
from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import create_app
from bridge.sandbox.telegram_state import TelegramStandin
from bridge.wiring import Services
from bridge.worker import DeliveryWorker
from core.engine import Engine
from tests.adapters.telegram.harness import (
    ALICE,
    BOB,
    BOT_USERNAME,
    CAROL,
    DAVE,
    GROUP,
    SECRET,
    TOKEN,
    WAIT_SECONDS,
    Harness,
    assemble_bot,
)


@pytest.fixture
def standin() -> TelegramStandin:
    standin = TelegramStandin(TOKEN, BOT_USERNAME)
    standin.add_user(ALICE, "Alice", username="alice")
    standin.add_user(BOB, "Bob", username="bob")
    standin.add_user(CAROL, "Carol", username="carol")
    standin.add_user(DAVE, "Dave", username="dave")
    standin.add_group(GROUP, "Pinners")
    return standin


@pytest.fixture
def api(standin):
    with serve(create_app(standin)) as served:
        yield served


@pytest.fixture(params=["webhook"])
def mode(request) -> str:
    """How updates reach the bot. Behaviour is tested once, by webhook; what differs by mode (how updates
    arrive, restarts, chat migrations) is parametrized over both in its own tests."""
    return request.param


@pytest.fixture
def config(db_url, api, mode) -> Config:
    return telegram_config(db_url, api.url, mode=mode)


def telegram_config(db_url: str, api_url: str, **changes) -> Config:
    """Pinbridge's config with Telegram pointed at the stand-in (sandbox off; Slack is deployed but not run here,
    so its people, made through the engine, can link and talk with Telegram's)."""
    telegram = TelegramSettings(**{"bot_token": TOKEN, "webhook_secret": SECRET, "api_base_url": api_url + "/bot",
                                   "bot_username": BOT_USERNAME, **changes})
    return Config(
        database_url=db_url, http=HttpConfig(public_url="http://pins.test"), sandbox=SandboxConfig(enabled=False),
        sections={"slack": SlackSettings(), "telegram": telegram},
    )


@pytest.fixture
def services(config, db, sessions) -> Services:
    return Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()))


@pytest.fixture
def telegram(services):
    telegram = assemble_bot(services)
    yield telegram
    telegram.stop()


@pytest.fixture
def bot(standin, telegram, services, mode) -> Harness:
    """The bot, started and ready for updates."""
    harness = Harness(standin, telegram, services.engine, mode)
    telegram.runner.start()
    assert telegram.runner.wait_started(WAIT_SECONDS)
    return harness


@pytest.fixture
def worker(services, telegram) -> DeliveryWorker:
    """The real delivery worker with the Telegram sender (unpaced, so tests need not wait)."""
    return DeliveryWorker(
        services.sessions, services.engine.settings, {"telegram": telegram.sender}, pacing=UNPACED, threads=1,
    )
