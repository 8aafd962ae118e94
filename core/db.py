"""Engines and transactions. Built by the composition root, never at import."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, any_, bindparam, create_engine, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "pinbridge_read_only"  # execution option of a transaction that only reads


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    # Statement parameters (codes, texts people wrote) stay out of logs and of error messages.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    connect_args.setdefault("check_same_thread", False)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs;
    # take it over so writers queue on the busy timeout instead of failing.
    dbapi_conn.isolation_level = None
    # SQLite's lower() folds ASCII only; search compares with Python-lowered words.
    dbapi_conn.create_function("lower", 1, _lower, deterministic=True)
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _sqlite_begin_immediate(conn) -> None:
    # Writers take the write lock up front (IMMEDIATE): no upgrade deadlocks between writers. Readers
    # begin DEFERRED and, in WAL mode, read a snapshot without waiting for any writer.
    reading = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def is_sqlite(engine_or_session) -> bool:
    """True when the bound database is SQLite."""
    bind = getattr(engine_or_session, "bind", engine_or_session)
    return bind.dialect.name == "sqlite"


def among(session: Session, column, values):
    """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one parameter however many values, so the
    statement's text (and psycopg's conversion of it, cached by text) is the same for every batch."""
    if is_sqlite(session):
        return column.in_(values)
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """The one session factory of a process."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that only reads: on SQLite it waits for no writer (a deferred snapshot)."""
    with factory() as session, session.begin():
        session.connection(execution_options={READ_ONLY: True})
        yield session
