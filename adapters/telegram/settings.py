"""The `telegram:` section of config.yaml, and what is wrong with one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.platforms import Deployment, choice_problems, http_url_problems, secret_field

USERNAME = re.compile(r"[A-Za-z0-9_]{5,32}")  # core.telegram.org/bots/features#botfather: 5–32, ends in "bot"
WEBHOOK_PORTS = (443, 80, 88, 8443)  # core.telegram.org/bots/api#setwebhook: "Ports currently supported"
OFFICIAL_API = "api.telegram.org"


@dataclass(frozen=True)
class TelegramSettings:
    enabled: bool = True
    bot_token: str = secret_field()
    webhook_secret: str = secret_field()
    api_base_url: str = "https://api.telegram.org/bot"
    mode: str = "webhook"  # webhook|polling
    bot_username: str = "pinbridge_bot"
    send_read_timeout_seconds: float = 30.0  # far above Telegram's normal answer: a timeout may mean "delivered"
    # Digests as paid broadcasts (allow_paid_broadcast: up to 1000/s, 0.1 Stars each from the bot's balance).
    paid_broadcast: bool = False
    broadcast_per_second: float = 1000.0


def real(section: TelegramSettings) -> bool:
    """A bot token: this talks to a real Bot API."""
    return section.enabled and bool(section.bot_token)


def problems(section: TelegramSettings, deployment: Deployment) -> list[str]:
    """Each thing wrong with the section, as "key: why"."""
    found = [*http_url_problems("telegram.api_base_url", section.api_base_url),
             *choice_problems("telegram.mode", section.mode, ("webhook", "polling"))]
    if not USERNAME.fullmatch(section.bot_username):
        found.append("telegram.bot_username: 5–32 letters, digits or _ (without the @)")
    if not 0.1 <= section.send_read_timeout_seconds <= 300:
        found.append(f"telegram.send_read_timeout_seconds: must be between 0.1 and 300, got {section.send_read_timeout_seconds}")
    if not 1 <= section.broadcast_per_second <= 1000:
        found.append(f"telegram.broadcast_per_second: must be between 1 and 1000 (Telegram's paid limit), "
                     f"got {section.broadcast_per_second}")
    if not section.enabled or deployment.sandboxed:
        return found
    needed = ("bot_token",) if section.mode == "polling" else ("bot_token", "webhook_secret")
    found += [deployment.required("telegram", key) for key in needed if not getattr(section, key)]
    return found + _webhook_address(section, deployment)


def _webhook_address(section: TelegramSettings, deployment: Deployment) -> list[str]:
    # Telegram delivers webhooks only to HTTPS on these ports; a local Bot API server or a stand-in may differ.
    if section.mode != "webhook" or not section.bot_token or urlsplit(section.api_base_url).hostname != OFFICIAL_API:
        return []
    parts = urlsplit(deployment.public_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https" and port in WEBHOOK_PORTS:
        return []
    return [f"http.public_url: Telegram's webhook needs an HTTPS URL on port 443, 80, 88 or 8443, got "
            f"{deployment.public_url!r} (or use telegram.mode: polling)"]
