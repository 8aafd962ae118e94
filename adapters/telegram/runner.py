"""The Application's life on the shared event loop: start in webhook or polling mode, stop cleanly."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable

from telegram import BotCommand, MenuButtonCommands, Update
from telegram.error import BadRequest, InvalidToken, TelegramError
from telegram.ext import Application

from adapters.telegram.application import ALLOWED_UPDATES
from adapters.telegram.loop import LoopThread

log = logging.getLogger(__name__)
BACKOFF_CAP = 30.0
FEED_TIMEOUT = 5.0
PULSE_SECONDS = 2.0


class TelegramRunner:
    """Boots the bot in the background (retrying while Telegram is unreachable) and feeds it updates."""

    def __init__(
        self, application: Application, loop: LoopThread, *, mode: str, webhook_url: str,
        secret: str, commands: list[BotCommand] | dict[str, list[BotCommand]], feed_timeout: float = FEED_TIMEOUT,
        pulse: Callable[[], None] = lambda: None,
    ) -> None:
        if mode not in ("webhook", "polling"):
            raise ValueError(f"telegram mode must be webhook or polling, not {mode!r}")
        self.application = application
        self.loop = loop
        self.mode = mode
        self.webhook_url = webhook_url
        self.secret = secret
        # The menu per language_code ("" for everyone else); a bare list is the menu for everyone.
        self.commands = commands if isinstance(commands, dict) else {"": commands}
        self.feed_timeout = feed_timeout
        self.pulse = pulse
        self._boot: concurrent.futures.Future | None = None
        self._pulsing: concurrent.futures.Future | None = None

    @property
    def running(self) -> bool:
        """Whether updates can be handed over now."""
        return self.loop.running and self.application.running

    def start(self) -> None:
        """Begin booting in the background; returns at once (see `wait_started`)."""
        if self._boot is None or self._boot.done():
            self._boot = self.loop.submit(self._boot_until_up())
        if self._pulsing is None or self._pulsing.done():
            self._pulsing = self.loop.submit(self._pulse_forever())

    async def _pulse_forever(self) -> None:
        # Proof of life for /healthz: the loop is turning and the Application takes updates.
        while True:
            if self.application.running:
                self.pulse()
            await asyncio.sleep(PULSE_SECONDS)

    def wait_started(self, timeout: float) -> bool:
        """Wait for the boot; True once it is up. Raises what made it give up (a bad token)."""
        if self._boot is None:
            return False
        try:
            self._boot.result(timeout)
        except concurrent.futures.TimeoutError:
            return False
        return True

    async def _boot_until_up(self) -> None:
        delay = 1.0
        while True:
            try:
                await self._boot_once()
                log.info("telegram bot @%s is up (%s)", self.application.bot.username, self.mode)
                return
            except InvalidToken:
                log.error("telegram refused the bot token; the bot stays off")
                raise
            except BadRequest as error:  # e.g. a webhook URL or secret Telegram won't take: retrying can't help
                log.error("telegram refused the bot's set-up (%s); fix the config and restart", error.message)
                raise
            except TelegramError as error:
                log.warning("telegram unreachable while starting (%s); retrying in %.0fs", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_CAP)

    async def _boot_once(self) -> None:
        application = self.application
        await application.initialize()
        for language, commands in self.commands.items():  # the default ("") first, then one per language
            await application.bot.set_my_commands(commands, language_code=language or None)
        # The chat's menu button opens that list of commands (https://core.telegram.org/bots/api#menubuttoncommands).
        await application.bot.set_chat_menu_button(menu_button=MenuButtonCommands())
        if not application.running:
            await application.start()
        if self.mode == "webhook":
            await application.bot.set_webhook(
                self.webhook_url, secret_token=self.secret or None, allowed_updates=ALLOWED_UPDATES,
            )
        elif not application.updater.running:
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)

    def feed(self, update: Update) -> None:
        """Hand a webhook update to the Application's queue (from a web thread).

        A feed that times out may still be queued once the loop is free; the Application's
        update_id dedup makes Telegram's retry of it harmless.
        """
        self.loop.run(self.application.update_queue.put(update), self.feed_timeout)

    def stop(self) -> None:
        """Stop polling, the Application and its bot; the webhook stays registered for other processes."""
        for task in (self._boot, self._pulsing):
            if task is not None and not task.done():
                task.cancel()
        if self.loop.running:
            self.loop.run(self._shutdown(), 30.0)

    async def _shutdown(self) -> None:
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
