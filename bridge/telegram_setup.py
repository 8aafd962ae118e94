"""Wiring the Telegram integration into a process: Application, runner, webhook route, sender."""

from __future__ import annotations

from telegram import Bot

from adapters.telegram.application import build_application
from adapters.telegram.loop import LoopThread
from adapters.telegram.menu import bot_commands
from adapters.telegram.runner import TelegramRunner
from adapters.telegram.sender import TelegramSender
from adapters.telegram.webhook import blueprint
from bridge.wiring import Platform, Services


def install(services: Services) -> Platform:
    """The Telegram platform: one event loop per process shared by the bot and the sender."""
    config = services.config.telegram
    loop = LoopThread("telegram")
    application = build_application(
        config.bot_token, config.api_base_url, services.engine, polling=config.mode == "polling",
    )
    runner = TelegramRunner(
        application, loop, mode=config.mode,
        webhook_url=services.config.http.public_url.rstrip("/") + "/telegram/webhook",
        secret=config.webhook_secret, commands=bot_commands(services.config.messaging.max_group_size),
    )
    sender = TelegramSender(Bot(config.bot_token, base_url=config.api_base_url), loop, services.engine)

    def stop() -> None:
        runner.stop()
        sender.close()
        loop.stop()

    return Platform(
        name="telegram", sender=sender, blueprint=blueprint(runner, services.engine, config.webhook_secret),
        start=runner.start, stop=stop,
    )
