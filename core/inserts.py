"""INSERT … ON CONFLICT DO NOTHING for both dialects: unique keys do the dedup."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_if_absent(session: Session, model, rows: dict | list[dict]) -> int:
    """Insert rows, skipping those a unique key already holds; returns how many were new."""
    rows = [rows] if isinstance(rows, dict) else rows
    if not rows:
        return 0
    return session.execute(_statement(session, model, rows)).rowcount


def insert_returning(session: Session, model, rows: list[dict], column) -> list:
    """Like insert_if_absent, but returns `column` of the rows that were new."""
    if not rows:
        return []
    return list(session.scalars(_statement(session, model, rows).returning(column)))


def _statement(session: Session, model, rows: list[dict]):
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    return dialect.insert(model).values(rows).on_conflict_do_nothing()
