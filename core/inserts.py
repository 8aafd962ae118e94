"""INSERT … ON CONFLICT DO NOTHING for both dialects: unique keys do the dedup.

On PostgreSQL a batch goes as one `INSERT … SELECT … FROM json_to_recordset(:rows)`: one
short statement and one parameter (the rows as a JSON array, encoded in C), whatever the
number of rows. The alternatives cost far more at a thousand rows: executemany sends a
statement per row (in a pipeline); RETURNING through SQLAlchemy's insertmanyvalues builds a
multi-VALUES text with thousands of placeholders that psycopg rewrites in Python each time
(too long to cache) — a third of the digest pass went there; and per-column arrays
(unnest) have psycopg escape every element in Python. SQLite keeps the cached executemany.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timezone

import orjson
from sqlalchemy import JSON, bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_PG = postgresql.dialect()


def insert_if_absent(session: Session, model, rows: dict | list[dict]) -> int:
    """Insert rows, skipping those a unique key already holds; returns how many were new."""
    rows = [rows] if isinstance(rows, dict) else rows
    first_key = next(iter(model.__table__.primary_key.columns))
    # RETURNING counts the new rows: executemany's rowcount is -1 on psycopg.
    return len(insert_returning(session, model, rows, first_key))


def insert_returning(session: Session, model, rows: list[dict], column, shared: dict | None = None) -> list:
    """Insert rows, skipping conflicts; returns `column` of the rows that were new.

    `shared`: columns with one value for every row (a kind, a status, the batch's time), given once.
    """
    if not rows:
        return []
    if _in_one_statement(session, rows) and (statement := _as_recordset(model.__table__, rows, shared, column)):
        return list(session.execute(*statement).scalars())
    statement = _ignoring(session.get_bind().dialect.name, model, column.key)
    # One cached statement run as executemany, not a fresh multi-VALUES compile per call.
    return list(session.connection().execute(statement, _with(rows, shared)).scalars())


def insert_ignoring(session: Session, model, rows: list[dict], shared: dict | None = None) -> None:
    """Insert many rows, skipping those a unique key already holds, when nobody needs to know which.

    One statement run as the driver's executemany: the query is parsed once, rows go as parameters
    (RETURNING would make it one large multi-VALUES text per thousand rows to parse instead).
    `shared`: columns with one value for every row, given once.
    """
    if not rows:
        return
    if _in_one_statement(session, rows) and (statement := _as_recordset(model.__table__, rows, shared)):
        session.execute(*statement)
        return
    session.connection().execute(_ignoring(session.get_bind().dialect.name, model), _with(rows, shared))


def _with(rows: list[dict], shared: dict | None) -> list[dict]:
    return [{**row, **shared} for row in rows] if shared else rows


@functools.cache
def _ignoring(dialect_name: str, model, returning: str | None = None):
    """`INSERT … ON CONFLICT DO NOTHING [RETURNING column]` for a model, built once per dialect."""
    statement = (sqlite if dialect_name == "sqlite" else postgresql).insert(model).on_conflict_do_nothing()
    return statement if returning is None else statement.returning(model.__table__.c[returning])


def _in_one_statement(session: Session, rows: list[dict]) -> bool:
    """PostgreSQL, more than one row, every row with the same columns."""
    if len(rows) < 2 or session.get_bind().dialect.name != "postgresql":
        return False
    keys = rows[0].keys()
    return all(row.keys() == keys for row in rows)


def _as_recordset(table, rows: list[dict], shared: dict | None = None, returning=None):
    """The statement and its parameters (`rows` as a JSON array json_to_recordset unpacks; each shared value
    bound once), or None when a row needs what only SQLAlchemy's executemany does: a SQL-expression default,
    a NUL character."""
    names = list(rows[0])
    shared = dict(shared or {})
    for column in table.columns:  # what executemany fills in: the columns' Python-side defaults
        default = column.default
        if column.name in names or column.name in shared or default is None:
            continue
        if not (default.is_scalar or default.is_callable):
            return None  # a SQL expression: SQLAlchemy renders it into its own statement
        shared[column.name] = default.arg(None) if default.is_callable else default.arg  # fn() is wrapped as fn(ctx)
    json_columns = [name for name in names if isinstance(table.c[name].type, JSON)]
    if any(table.c[name].type.none_as_null and any(row[name] is None for row in rows) for name in json_columns):
        return None
    # JSON values travel nested in the document; a batch holding a None among them sends each as its own JSON
    # text instead, cast back, so None stays JSON null as SQLAlchemy binds it (json_to_recordset makes it NULL).
    as_text = {name for name in json_columns if any(row[name] is None for row in rows)}
    if as_text:
        rows = [{name: _dumps(row[name]) if name in as_text else row[name] for name in names} for row in rows]
    document = _dumps(rows)
    if "\\u0000" in document:
        return None  # PostgreSQL cannot turn an escaped NUL into text; executemany's JSON column keeps it
    fixed = list(shared)
    shapes = ", ".join(f"{name} {'TEXT' if name in as_text else _pg_type(table, name)}" for name in names)
    picked = [f"CAST(r.{name} AS JSON)" if name in as_text else f"r.{name}" for name in names]
    picked += [f"CAST(:c{n} AS {_pg_type(table, name)})" for n, name in enumerate(fixed)]
    sql = (f"INSERT INTO {table.name} ({', '.join(names + fixed)}) SELECT {', '.join(picked)} "
           f"FROM json_to_recordset(CAST(:rows AS JSON)) AS r({shapes}) ON CONFLICT DO NOTHING"
           + (f" RETURNING {returning.name}" if returning is not None else ""))
    statement = text(sql).bindparams(
        *(bindparam(f"c{n}", shared[name], type_=table.c[name].type) for n, name in enumerate(fixed))
    )
    return statement, {"rows": document}


def _pg_type(table, name: str) -> str:
    return table.c[name].type.compile(dialect=_PG)


def _dumps(value) -> str:
    # orjson: the rows of a thousand digests in a fraction of json's time (their payloads dominate).
    # Dates go through _plain, as PostgreSQL stores them; keys that are not text become text, as json.dumps does.
    return orjson.dumps(value, default=_plain, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS).decode()


def _plain(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)  # as PostgreSQL stores it in a naive column
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value")


def upsert(session: Session, model, row: dict, keys: list[str]) -> None:
    """Insert a row or, when its key exists, update the other columns (race-free on both dialects)."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = dialect.insert(model).values(row)
    changes = {name: statement.excluded[name] for name in row if name not in keys}
    session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
