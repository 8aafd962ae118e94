"""Shared fixtures: a migrated database per test, on SQLite and (when reachable) PostgreSQL."""

from __future__ import annotations

import logging
import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from bridge import logs, migrate
from core.db import make_engine, make_session_factory
from core.engine import Engine
from core.models import Base, Invite, LinkCode
from core.settings import CoreSettings
from tests.factories import shipped_settings

POSTGRES_ENV = "BRIDGE_TEST_POSTGRES_URL"


def _postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


class _Lines(logging.Handler):
    """Every log line, formatted as a log file would show it (tracebacks included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(autouse=True)
def no_secrets_in_logs():
    """Fails any test whose logs, at any level, carry a configured secret or a link or invite code."""
    codes: list[str] = []

    def issued(_mapper, _connection, row) -> None:
        codes.append(row.code)

    for model in (LinkCode, Invite):
        event.listen(model, "after_insert", issued)
    root, handler = logging.getLogger(), _Lines()
    levels = (root.level, logging.getLogger("sqlalchemy").level)
    root.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)  # statement echo is its own switch
    root.addHandler(handler)
    yield
    root.removeHandler(handler)
    root.setLevel(levels[0])
    logging.getLogger("sqlalchemy").setLevel(levels[1])
    for model in (LinkCode, Invite):
        event.remove(model, "after_insert", issued)
    logged = "\n".join(handler.lines)
    leaked = sorted(s for s in logs.redactor().known() | set(codes) if s in logged)
    if leaked:
        line = next(line for line in handler.lines if any(s in line for s in leaked))
        pytest.fail(f"a log line carries {len(leaked)} secret(s): {line[:300]}", pytrace=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture(scope="session")
def postgres_database() -> str:
    """A fresh PostgreSQL database for this test run, migrated once, dropped at the end."""
    admin_url = _postgres_admin_url()
    if not admin_url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    name = f"pinbridge_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - turned into a skip with the reason
        admin.dispose()
        pytest.skip(f"PostgreSQL at {POSTGRES_ENV} is not reachable: {type(exc).__name__}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A migrated, empty database: a SQLite copy, or the PostgreSQL test database truncated."""
    if request.param == "sqlite":
        path = tmp_path / "pinbridge.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def db(db_url):
    """The SQLAlchemy engine of the test database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(db):
    """The session factory of the test database."""
    return make_session_factory(db)


@pytest.fixture
def settings() -> CoreSettings:
    """The SPEC defaults, with the shipped platforms."""
    return shipped_settings()


@pytest.fixture
def engine(sessions, settings) -> Engine:
    """The core engine over the test database."""
    return Engine(sessions, settings)
