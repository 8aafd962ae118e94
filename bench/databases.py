"""Fresh, migrated databases for benchmarks: SQLite files and throw-away PostgreSQL databases."""

from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bridge import migrate
from core.db import make_engine

POSTGRES_ENV = "BRIDGE_TEST_POSTGRES_URL"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def fresh_sqlite():
    """A migrated SQLite file database in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url


@contextmanager
def fresh_postgres():
    """A migrated, throw-away PostgreSQL database; None when no server answers."""
    admin_url = os.environ.get(POSTGRES_ENV, DEFAULT_POSTGRES)
    name = f"pinbridge_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - reported, and the PostgreSQL half is skipped
        print(f"(PostgreSQL skipped: {type(exc).__name__})")
        admin.dispose()
        yield None
        return
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def backends():
    """(name, context manager) for each database a benchmark runs on."""
    return (("SQLite", fresh_sqlite), ("PostgreSQL", fresh_postgres))
