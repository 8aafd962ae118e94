"""Fixtures: the stand-in served over HTTP and the real Telegram integration pointed at it."""

from __future__ import annotations

import pytest

from bridge.config import Config, HttpConfig, SandboxConfig, SlackConfig, TelegramConfig
from bridge.pacing import UNPACED
from bridge.sandbox.serving import serve
from bridge.sandbox.telegram_api import create_app
from bridge.sandbox.telegram_state import TelegramStandin
from bridge.telegram_setup import assemble
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


@pytest.fixture(params=["webhook", "polling"])
def mode(request) -> str:
    return request.param


@pytest.fixture
def config(db_url, api, mode) -> Config:
    telegram = TelegramConfig(
        bot_token=TOKEN, webhook_secret=SECRET, api_base_url=api.url + "/bot", mode=mode, bot_username=BOT_USERNAME,
    )
    return Config(
        database_url=db_url, http=HttpConfig(public_url="http://pins.test"), sandbox=SandboxConfig(enabled=False),
        slack=SlackConfig(enabled=False), telegram=telegram,
    )


@pytest.fixture
def services(config, db, sessions) -> Services:
    return Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()))


@pytest.fixture
def telegram(services):
    telegram = assemble(services)
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
