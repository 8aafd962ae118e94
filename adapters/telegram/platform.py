"""Telegram, as the bridge sees it: its config section, what the core may know of it, its limits, its parts."""

from __future__ import annotations

from adapters.telegram import settings
from core.platforms import Deployment, Host, Installed, Limits, PlatformInfo


class Telegram:
    """The Telegram platform's description (`PLATFORM`)."""

    name = "telegram"
    settings = settings.TelegramSettings

    def problems(self, section: settings.TelegramSettings, deployment: Deployment) -> list[str]:
        return settings.problems(section, deployment)

    def real(self, section: settings.TelegramSettings) -> bool:
        return settings.real(section)

    def info(self, section: settings.TelegramSettings) -> PlatformInfo:
        # Every word is the bot command itself (/send …); t.me links open the bot with a start payload.
        return PlatformInfo(self.name, "Telegram", "/", deep_link=f"https://t.me/{section.bot_username}?start={{payload}}")

    def limits(self, section: settings.TelegramSettings) -> Limits:
        # core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this: about 30 messages a second
        # per bot, one a second per chat, 20 a minute per group (group chat ids are negative).
        broadcast = section.broadcast_per_second if section.paid_broadcast else 0.0
        return Limits(per_chat=1.0, per_group=3.0, per_bot=30.0, broadcast_per_second=broadcast, group_prefix="-")

    def install(self, section: settings.TelegramSettings, host: Host) -> Installed:
        from adapters.telegram.wiring import install  # only when used

        return install(section, host)


PLATFORM = Telegram()
