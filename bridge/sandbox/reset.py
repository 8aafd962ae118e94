"""The sandbox's Reset: every row of Pinbridge's own tables goes (the schema and its version stay)."""

from __future__ import annotations

from sqlalchemy import Engine, text

from core.models import Base

SQLITE_SEQUENCES = text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")


def delete_everything(db: Engine) -> None:
    """Empty every table of the core schema, so ids start again at 1 (p1, c1, …)."""
    tables = Base.metadata.sorted_tables
    with db.begin() as connection:
        if db.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(tables):  # children before parents: foreign keys stay satisfied
            connection.execute(table.delete())
        if db.dialect.name == "sqlite" and connection.execute(SQLITE_SEQUENCES).first():
            connection.execute(text("DELETE FROM sqlite_sequence"))  # AUTOINCREMENT counters
