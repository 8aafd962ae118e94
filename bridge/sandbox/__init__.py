"""The sandbox: in-process stand-ins for the Slack Web API and the Telegram Bot API (SPEC §3)."""

from __future__ import annotations

import dataclasses
import secrets
import time
from dataclasses import dataclass, field

from urllib.parse import urlsplit

from flask import Blueprint, Flask, jsonify, request

from bridge.config import is_loopback
from bridge.sandbox import slack_api, telegram_api
from bridge.sandbox.bounded import SANDBOX
from bridge.sandbox.slack_state import SlackStandin
from bridge.sandbox.telegram_state import TelegramStandin

SLACK_PREFIX = "/sandbox/slack"
TELEGRAM_PREFIX = "/sandbox/telegram"
STAND_INS = ("slack", "telegram")  # the platforms this sandbox has local stand-ins for


def stand_in(config, plays: frozenset[str]):
    """The config with each played platform pointed at its in-process stand-in (fresh random secrets)."""
    base = config.http.public_url.rstrip("/")
    if "slack" in plays:
        config = config.with_section("slack", dataclasses.replace(
            config.slack, bot_token="xoxb-sandbox", signing_secret=secrets.token_hex(16),
            api_base_url=f"{base}{SLACK_PREFIX}/api/", install_mode="single",
        ))
    if "telegram" in plays:
        config = config.with_section("telegram", dataclasses.replace(
            config.telegram, bot_token="123456:SANDBOX", webhook_secret=secrets.token_hex(16),
            api_base_url=f"{base}{TELEGRAM_PREFIX}/bot",
        ))
    return config


@dataclass
class Sandbox:
    """Both stand-ins, mounted under /sandbox/… of the main web app."""

    telegram_token: str = "123456:SANDBOX"
    telegram_bot_username: str = "pinbridge_bot"
    plays: frozenset[str] = frozenset({"slack", "telegram"})  # the platforms it stands in for
    slack: SlackStandin = field(default_factory=lambda: SlackStandin(keep=SANDBOX))
    telegram: TelegramStandin = None
    public_url: str = "http://127.0.0.1:8080"  # besides loopback names, the one Host the sandbox answers to

    def __post_init__(self) -> None:
        # The app's unfurl domain is http.public_url's host, as the manifest's features.unfurl_domains says.
        self.slack.unfurl_domains = (urlsplit(self.public_url).hostname or "",)
        if self.telegram is None:
            # Handled update ids are kept in the database (dedup) across restarts; a new process
            # must not hand out ids an earlier one already used, or its updates would be dropped.
            first = int(time.time()) * 1000
            self.telegram = TelegramStandin(self.telegram_token, self.telegram_bot_username, first_update_id=first,
                                            keep=SANDBOX)

    @classmethod
    def for_config(cls, config) -> "Sandbox":
        """The sandbox of a config whose platforms have no real token: it plays those it has stand-ins for."""
        plays = frozenset(name for name in config.enabled() if name in STAND_INS and config.uses_sandbox(name))
        return cls(telegram_bot_username=config.telegram.bot_username if "telegram" in config.sections else "pinbridge_bot",
                   plays=plays, public_url=config.http.public_url)

    def mount(self, app: Flask) -> None:
        """Serve the stand-ins from the main app."""
        for bp in (slack_api.blueprint(self.slack, url_prefix=SLACK_PREFIX),
                   telegram_api.blueprint(self.telegram, url_prefix=TELEGRAM_PREFIX)):
            bp.before_request(self.only_own_host)
            app.register_blueprint(bp)

    def page(self, services) -> Blueprint:
        """The sandbox page at / and its JSON API, playing people on both stand-ins."""
        from bridge.sandbox import (
            ui,  # only when served: the page pulls in the digest runner and PTB
        )

        bp = ui.blueprint(self, services)
        bp.before_request(self.only_own_host)
        return bp

    def only_own_host(self):
        """Refuse requests addressed to any other host name: a DNS-rebinding page cannot drive the sandbox."""
        host = urlsplit(f"//{request.host}").hostname or ""
        if is_loopback(host) or host == (urlsplit(self.public_url).hostname or "").lower():
            return None
        return jsonify(error="The sandbox answers only on localhost or its own public_url host."), 403
