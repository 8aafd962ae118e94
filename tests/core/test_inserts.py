"""Batched inserts skip what a unique key holds, fill the columns' defaults, and bind JSON as the ORM does.

On PostgreSQL a batch is one INSERT … SELECT from json_to_recordset; on SQLite a cached executemany.
Both must mean the same rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, select, text

from core.db import transaction
from core.inserts import insert_if_absent, insert_ignoring, insert_returning
from core.models import ActionKey, DigestSend, Person
from tests.factories import count_rows


def people(sessions, n: int) -> list[int]:
    with transaction(sessions) as session:
        made = [Person(handle=f"p{i}", display_name="") for i in range(n)]
        session.add_all(made)
        session.flush()
        return [p.id for p in made]


def test_only_the_new_rows_come_back_even_with_duplicates_in_the_batch(sessions):
    ids = people(sessions, 4)
    with transaction(sessions) as session:
        session.add(DigestSend(person_id=ids[0], period_key="k", unread_count=9))

    rows = [{"person_id": pid, "period_key": "k", "unread_count": n} for n, pid in enumerate([*ids, ids[1]])]
    with transaction(sessions) as session:
        new = insert_returning(session, DigestSend, rows, DigestSend.person_id)

    assert sorted(new) == sorted(ids[1:]), "the existing claim and the in-batch duplicate are skipped"
    with transaction(sessions) as session:
        kept = dict(session.execute(select(DigestSend.person_id, DigestSend.unread_count)).all())
        assert kept == {ids[0]: 9, ids[1]: 1, ids[2]: 2, ids[3]: 3}
        assert session.scalar(select(DigestSend.created_at).where(DigestSend.person_id == ids[3])) is not None, \
            "the column's Python-side default is filled in"


def test_json_and_its_nulls_are_stored_as_the_orm_stores_them(sessions, db):
    with transaction(sessions) as session:
        insert_ignoring(session, ActionKey, [
            {"key": "a", "payload": {"buttons": [{"a": "seen_all", "cs": ["c1", "c2"]}], "é": "ü"}},
            {"key": "b", "payload": None},
            {"key": "a", "payload": {"other": True}},  # the same key: ignored
        ])
        session.add(ActionKey(key="c", payload=None))

    with transaction(sessions) as session:
        stored = dict(session.execute(select(ActionKey.key, ActionKey.payload)).all())
    assert stored == {"a": {"buttons": [{"a": "seen_all", "cs": ["c1", "c2"]}], "é": "ü"}, "b": None, "c": None}
    with db.connect() as connection:  # None is JSON null both ways, never one way SQL NULL and the other not
        raw = dict(connection.execute(text("SELECT key, payload IS NULL FROM action_keys")).all())
    assert raw["b"] == raw["c"]


def test_one_row_and_no_rows(sessions):
    [pid] = people(sessions, 1)
    with transaction(sessions) as session:
        assert insert_returning(session, DigestSend, [], DigestSend.person_id) == []
        insert_ignoring(session, DigestSend, [])
        assert insert_if_absent(session, DigestSend, {"person_id": pid, "period_key": "x"}) == 1
        assert insert_if_absent(session, DigestSend, {"person_id": pid, "period_key": "x"}) == 0

    assert count_rows(sessions, DigestSend) == 1


def test_a_thousand_rows_in_one_statement_on_postgresql(sessions, db):
    ids = people(sessions, 1000)
    statements = []

    def seen(*args):
        statements.append(args[2])

    event.listen(db, "before_cursor_execute", seen)
    try:
        with transaction(sessions) as session:
            new = insert_returning(session, DigestSend, [{"person_id": p, "period_key": "big"} for p in ids],
                                   DigestSend.person_id)
    finally:
        event.remove(db, "before_cursor_execute", seen)

    assert sorted(new) == ids
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    if db.dialect.name == "postgresql":
        assert len(inserts) == 1 and "json_to_recordset" in inserts[0] and len(inserts[0]) < 1000, "short, whatever the rows"


def test_an_aware_time_and_a_nul_in_json_are_stored_as_the_orm_stores_them(sessions):
    from datetime import datetime, timedelta, timezone

    at = datetime(2026, 6, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    with transaction(sessions) as session:
        insert_ignoring(session, ActionKey, [
            {"key": "t1", "payload": {"x": 1}, "created_at": at},
            {"key": "t2", "payload": {"x": "a\u0000b"}, "created_at": datetime(2026, 6, 1, 8, 0)},
        ])
        session.add(ActionKey(key="orm", payload={"x": 1}, created_at=at))

    with transaction(sessions) as session:
        stored = {k.key: k for k in session.scalars(select(ActionKey))}
        assert stored["t1"].created_at == stored["orm"].created_at, "the same instant however it was written"
        assert stored["t2"].payload == {"x": "a\u0000b"}


def test_shared_columns_are_given_once_and_stored_in_every_row(sessions, db):
    ids = people(sessions, 3)
    at = datetime(2026, 11, 23, 9, 0, 0, 123456)
    statements = []

    def seen(*args):
        statements.append((args[2], args[3]))

    event.listen(db, "before_cursor_execute", seen)
    try:
        with transaction(sessions) as session:
            new = insert_returning(session, DigestSend, [{"person_id": p, "unread_count": n} for n, p in enumerate(ids)],
                                   DigestSend.person_id, {"period_key": "d:2026-11-23", "created_at": at})
            insert_ignoring(session, ActionKey, [{"key": f"k{n}"} for n in range(3)], {"payload": {"shared": [1, None]}})
    finally:
        event.remove(db, "before_cursor_execute", seen)
    assert sorted(new) == ids
    with transaction(sessions) as session:
        stored = session.execute(select(DigestSend.person_id, DigestSend.period_key, DigestSend.unread_count,
                                        DigestSend.created_at).order_by(DigestSend.person_id)).all()
        keys = session.execute(select(ActionKey.key, ActionKey.payload).order_by(ActionKey.key)).all()
    assert [tuple(r) for r in stored] == [(p, "d:2026-11-23", n, at) for n, p in enumerate(ids)]
    assert [tuple(r) for r in keys] == [(f"k{n}", {"shared": [1, None]}) for n in range(3)]
    if db.dialect.name == "postgresql":
        document = next(params["rows"] for sql, params in statements if "digest_sends" in sql and "json_to_recordset" in sql)
        assert "d:2026-11-23" not in document and "2026-11-23T09" not in document, "bound once, not per row"
