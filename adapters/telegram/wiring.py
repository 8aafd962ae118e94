"""Telegram in a process: the Application, its runner, the webhook route and the sender, on one event loop."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint
from telegram import Bot
from telegram.request import HTTPXRequest
from telegram.ext import Application

from adapters.telegram.application import build_application
from adapters.telegram.loop import LoopThread
from adapters.telegram.menu import menus
from adapters.telegram.runner import TelegramRunner
from adapters.telegram.photos import PhotoIds
from adapters.telegram.sender import TelegramSender
from adapters.telegram.webhook import blueprint
from adapters.telegram.settings import TelegramSettings
from core.platforms import Host, Installed

HEALTH_LIMIT = 30.0  # seconds without a pulse of the bot's event loop before /healthz calls it stale


@dataclass
class Telegram:
    """The parts of the Telegram integration in one process, sharing one event loop."""

    loop: LoopThread
    application: Application
    runner: TelegramRunner
    sender: TelegramSender
    blueprint: Blueprint

    def stop(self) -> None:
        """Stop the bot, release the sender's connections, end the loop thread."""
        self.runner.stop()
        self.sender.close()
        self.loop.stop()


def assemble(config: TelegramSettings, host: Host, pulse=lambda: None) -> Telegram:
    """Build (without any network call) the bot, its runner, the webhook route and the sender."""
    loop = LoopThread("telegram")
    photo_ids = PhotoIds(host.engine)  # one per process: answers and deliveries share what Telegram holds
    application = build_application(
        config.bot_token, config.api_base_url, host.engine, polling=config.mode == "polling",
        follow=lambda old, new: host.engine.move_chat("telegram", old, new), pictures=host.pictures,
        photo_ids=photo_ids,
    )
    runner = TelegramRunner(
        application, loop, mode=config.mode,
        webhook_url=host.public_url.rstrip("/") + "/telegram/webhook",
        secret=config.webhook_secret, commands=menus(host.engine.settings), pulse=pulse,
    )
    # The sender has its own Bot without the rate limiter: the worker paces and retries deliveries. Its
    # read timeout is far above Telegram's normal answers: a timeout after sending may mean "delivered".
    request = HTTPXRequest(
        read_timeout=config.send_read_timeout_seconds, write_timeout=10.0, connect_timeout=5.0,
        connection_pool_size=host.sending_threads,  # one connection per sending thread, none waiting
    )
    sender = TelegramSender(
        Bot(config.bot_token, base_url=config.api_base_url, request=request), loop, paid_broadcast=config.paid_broadcast,
        photo_ids=photo_ids,
    )
    return Telegram(loop, application, runner, sender, blueprint(runner, config.webhook_secret))


def install(config: TelegramSettings, host: Host) -> Installed:
    """The Telegram parts; `start` boots the bot in the background (webhook or polling)."""
    telegram = assemble(config, host, pulse=lambda: host.heartbeats.beat("telegram"))

    def start() -> None:
        host.heartbeats.expect("telegram", HEALTH_LIMIT)  # only a process that runs the bot watches it
        telegram.runner.start()

    return Installed(sender=telegram.sender, blueprint=telegram.blueprint, start=start, stop=telegram.stop)
