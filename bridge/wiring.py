"""The composition root: builds the process's engine, sessions, platforms and sandbox from config."""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bridge import logs, migrate
from bridge.health import Heartbeats
from bridge.config import Config, is_loopback
from core.db import make_engine, make_session_factory
from core.engine import Engine
from core.models import Invite, LinkCode
from core.ports import Sender

log = logging.getLogger(__name__)


@dataclass
class Platform:
    """What a platform integration contributes to a process."""

    name: str
    sender: Sender
    blueprint: object | None = None  # a flask.Blueprint, mounted by the web role
    start: Callable[[], None] = lambda: None  # begin background work (event loop, webhook set-up)
    stop: Callable[[], None] = lambda: None


@dataclass
class Services:
    config: Config
    db: SqlEngine
    sessions: sessionmaker[Session]
    engine: Engine
    platforms: dict[str, Platform] = field(default_factory=dict)
    sandbox: object | None = None  # bridge.sandbox.Sandbox when the sandbox stands in
    heartbeats: Heartbeats = field(default_factory=Heartbeats)  # the background parts this process runs

    def __post_init__(self) -> None:
        protect(self.config)

    @property
    def senders(self) -> dict[str, Sender]:
        """The delivery sender of each platform in this process."""
        return {name: p.sender for name, p in self.platforms.items()}

    def close(self) -> None:
        """Release database connections."""
        self.db.dispose()


def protect(config: Config) -> None:
    """Keep this config's secrets, and every code this process issues, out of every log line."""
    logs.protect(*config.secrets())
    for model in (LinkCode, Invite):
        if not event.contains(model, "after_insert", _remember_code):
            event.listen(model, "after_insert", _remember_code)


def _remember_code(_mapper, _connection, row) -> None:
    logs.redactor().add_code(row.code)


def sandboxed(config: Config) -> Config:
    """Point every platform without a real token at the in-process sandbox stand-ins."""
    base = config.http.public_url.rstrip("/")
    slack, telegram = config.slack, config.telegram
    if config.uses_sandbox("slack"):
        slack = dataclasses.replace(
            slack, bot_token="xoxb-sandbox", signing_secret=secrets.token_hex(16),
            api_base_url=f"{base}/sandbox/slack/api/", install_mode="single",
        )
    if config.uses_sandbox("telegram"):
        telegram = dataclasses.replace(
            telegram, bot_token="123456:SANDBOX", webhook_secret=secrets.token_hex(16),
            api_base_url=f"{base}/sandbox/telegram/bot",
        )
    return dataclasses.replace(config, slack=slack, telegram=telegram)


def build(config: Config, upgrade_sqlite: bool = True, platforms: bool = True) -> Services:
    """Everything a process needs; SQLite databases are migrated on the spot."""
    db = make_engine(config.database_url)
    if upgrade_sqlite and db.dialect.name == "sqlite":
        migrate.upgrade(db)
    sessions = make_session_factory(db)
    services = Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()))
    if platforms:
        install_platforms(services)
    return services


def install_platforms(services: Services) -> None:
    """Build the enabled platform integrations (adapters are imported only when used)."""
    config = services.config
    if config.sandbox.enabled and (config.uses_sandbox("slack") or config.uses_sandbox("telegram")):
        from bridge.sandbox import Sandbox

        plays = frozenset(p for p in ("slack", "telegram") if config.uses_sandbox(p))
        services.sandbox = Sandbox(telegram_bot_username=config.telegram.bot_username, plays=plays,
                                   public_url=config.http.public_url)
        if config.sandbox.allow_network and not is_loopback(config.http.host):
            log.warning("the sandbox is served to the network on %s: anyone who reaches it can act as anyone",
                        config.http.host)
        services.config = sandboxed(config)
        protect(services.config)
    if services.config.slack.enabled:
        from bridge import slack_setup  # imported only when used: slack_bolt is heavy

        services.platforms["slack"] = slack_setup.install(services)
    if services.config.telegram.enabled:
        from bridge import telegram_setup

        services.platforms["telegram"] = telegram_setup.install(services)
