"""INSERT … ON CONFLICT DO NOTHING for both dialects: unique keys do the dedup."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_if_absent(session: Session, model, rows: dict | list[dict]) -> int:
    """Insert rows, skipping those a unique key already holds; returns how many were new."""
    rows = [rows] if isinstance(rows, dict) else rows
    first_key = next(iter(model.__table__.primary_key.columns))
    # RETURNING counts the new rows: executemany's rowcount is -1 on psycopg.
    return len(insert_returning(session, model, rows, first_key))


def insert_returning(session: Session, model, rows: list[dict], column) -> list:
    """Insert rows, skipping conflicts; returns `column` of the rows that were new."""
    if not rows:
        return []
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = dialect.insert(model).on_conflict_do_nothing().returning(column)
    # One cached statement run as executemany, not a fresh multi-VALUES compile per call.
    return list(session.connection().execute(statement, rows).scalars())


def insert_ignoring(session: Session, model, rows: list[dict]) -> None:
    """Insert many rows, skipping those a unique key already holds, when nobody needs to know which.

    One statement run as the driver's executemany: the query is parsed once, rows go as parameters
    (RETURNING would make it one large multi-VALUES text per thousand rows to parse instead).
    """
    if not rows:
        return
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    session.connection().execute(dialect.insert(model).on_conflict_do_nothing(), rows)


def upsert(session: Session, model, row: dict, keys: list[str]) -> None:
    """Insert a row or, when its key exists, update the other columns (race-free on both dialects)."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = dialect.insert(model).values(row)
    changes = {name: statement.excluded[name] for name in row if name not in keys}
    session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
