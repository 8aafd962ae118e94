"""The composition root: builds the process's engine, sessions, platforms and sandbox from config."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bridge import logs, migrate
from bridge.health import Heartbeats
from bridge.media import Pictures
from bridge.config import Config, is_loopback
from core.db import make_engine, make_session_factory
from core.engine import Engine
from core.models import Invite, LinkCode
from core.platforms import Host, Installed
from core.ports import Sender

log = logging.getLogger(__name__)


@dataclass
class Services:
    config: Config
    db: SqlEngine
    sessions: sessionmaker[Session]
    engine: Engine
    platforms: dict[str, Installed] = field(default_factory=dict)  # what each enabled platform runs here
    sandbox: object | None = None  # bridge.sandbox.Sandbox when the sandbox stands in
    heartbeats: Heartbeats = field(default_factory=Heartbeats)  # the background parts this process runs
    pictures: Pictures | None = None  # the pictures Pinbridge keeps (media.store)

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


def build(config: Config, upgrade_sqlite: bool = True, platforms: bool = True) -> Services:
    """Everything a process needs; SQLite databases are migrated on the spot."""
    db = make_engine(config.database_url)
    if upgrade_sqlite and db.dialect.name == "sqlite":
        migrate.upgrade(db)
    sessions = make_session_factory(db)
    services = Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()),
                        pictures=Pictures.for_config(config.media, sessions))
    if platforms:
        install_platforms(services)
    return services


def install_platforms(services: Services) -> None:
    """Build every enabled platform's parts (each package is imported only when used)."""
    config = services.config
    if any(config.uses_sandbox(name) for name in config.enabled()):
        from bridge.sandbox import Sandbox, stand_in

        services.sandbox = Sandbox.for_config(config)
        if config.sandbox.allow_network and not is_loopback(config.http.host):
            log.warning("the sandbox is served to the network on %s: anyone who reaches it can act as anyone",
                        config.http.host)
        services.config = stand_in(config, services.sandbox.plays)
        protect(services.config)
    host = host_of(services)
    described = services.config.descriptions()
    for name in services.config.enabled():
        services.platforms[name] = described[name].install(services.config.sections[name], host)


def host_of(services: Services) -> Host:
    """What a platform gets from this process when it is installed."""
    config = services.config
    return Host(engine=services.engine, db=services.db, public_url=config.http.public_url,
                max_group_size=config.messaging.max_group_size, sending_threads=config.delivery.threads,
                heartbeats=services.heartbeats, pictures=services.pictures)
