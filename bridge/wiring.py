"""The composition root: builds the process's engine, sessions and services from config."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine as SqlEngine
from sqlalchemy.orm import Session, sessionmaker

from bridge import migrate
from bridge.config import Config
from core.db import make_engine, make_session_factory
from core.engine import Engine


@dataclass
class Services:
    config: Config
    db: SqlEngine
    sessions: sessionmaker[Session]
    engine: Engine

    def close(self) -> None:
        """Release database connections."""
        self.db.dispose()


def build(config: Config, upgrade_sqlite: bool = True) -> Services:
    """Everything a process needs; SQLite databases are migrated on the spot."""
    db = make_engine(config.database_url)
    if upgrade_sqlite and db.dialect.name == "sqlite":
        migrate.upgrade(db)
    sessions = make_session_factory(db)
    return Services(config=config, db=db, sessions=sessions, engine=Engine(sessions, config.core()))
