"""Refreshing App Homes through the outbox: paced like any delivery, coalesced per time window.

A change for a person writes one `home` delivery per account of theirs whose home was opened
(`home_opened_at`: only a platform with a home surface sets it), keyed by the account and the window the change falls in, and due when
that window ends. Many changes inside one window make one publish; it is rendered when the
worker claims it (core/home.py), so it shows the last of them. A change after the window makes
another. The view itself is never frozen into the delivery.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, bindparam, cast, exists, false, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core import people
from core.inserts import insert_ignoring
from core.models import Account, Delivery, Lane

HOME_WINDOW = 5  # seconds: the changes of one window make one publish
_EPOCH = datetime(1970, 1, 1)


def window_end(now: datetime) -> tuple[int, datetime]:
    """The window `now` falls in (its number) and when it ends: the refresh is due then."""
    bucket = int((now - _EPOCH).total_seconds() // HOME_WINDOW)
    return bucket, _EPOCH + timedelta(seconds=(bucket + 1) * HOME_WINDOW)


def chat_of(external_id: str) -> str:
    """The lane of one person's home: its publishes are paced and ordered apart from their DM."""
    return f"home:{external_id}"


def ensure_lane(session: Session, account: Account, now: datetime) -> None:
    """The lane a home delivery needs, made once when the tab is first opened."""
    insert_ignoring(session, Lane, [{"platform": account.platform, "chat_id": chat_of(account.external_id)}],
                    {"not_before": now})


def queue_refresh(session: Session, person_ids, now: datetime) -> None:
    """One home delivery per account of these people whose home was opened, for the window `now` is in.

    One INSERT … SELECT, whatever the number of people: a send pays one statement for it. An
    account whose lane is missing is skipped (a delivery without its lane would never be claimed).
    """
    ids = sorted(set(person_ids))
    if not ids:
        return
    bucket, due = window_end(now)
    session.flush()  # an account that opened the tab in this transaction counts (no statement when nothing changed)
    # On the connection: the ORM's bulk-insert path does not take INSERT … SELECT … ON CONFLICT.
    session.connection().execute(_refresh_statement(session.get_bind().dialect.name),
                                 {"ids": ids, "bucket": f":{bucket}", "due": due, "now": now})


@functools.cache
def _refresh_statement(dialect_name: str):
    """Built once per dialect: a send only binds its values."""
    def text(value: str):
        return literal_column(f"'{value}'", String)  # constants in the statement (its values are all bound)

    chat = text("home:") + Account.external_id
    rows = select(
        text("home:") + cast(Account.id, String) + bindparam("bucket", type_=String), text("home"),
        Account.person_id, Account.id, Account.platform, chat, text("pending"), literal_column("0"),
        bindparam("due", type_=DateTime), bindparam("now", type_=DateTime), false(),
    ).where(
        Account.person_id.in_(bindparam("ids", expanding=True)),
        Account.home_opened_at.is_not(None), Account.unreachable.is_(False),
        exists().where(Lane.platform == Account.platform, Lane.chat_id == chat),
    )
    columns = ["idempotency_key", "kind", "person_id", "account_id", "platform", "chat_id", "status", "attempts",
               "next_attempt_at", "created_at", "uncertain"]
    dialect = sqlite if dialect_name == "sqlite" else postgresql
    return dialect.insert(Delivery).from_select(columns, rows).on_conflict_do_nothing()


def queue_refresh_of(session: Session, people, now: datetime) -> None:
    """`queue_refresh` for people whose accounts the session holds already (a send's recipients, and the
    sender's speaking account): when none of them opened the tab — most sends — it costs no statement."""
    opened_ids = [person.id for person in people if any(a.home_opened_at is not None for a in _held(session, person))]
    if opened_ids:
        queue_refresh(session, opened_ids, now)


def _held(session: Session, person) -> list[Account]:
    """The person's accounts without a query: loaded with them, or else the one they speak from now."""
    accounts = person.__dict__.get("accounts")  # loaded with the person: no lazy load
    if accounts is not None:
        return accounts
    speaking = people.speaking_account(session, person)
    return [speaking] if speaking is not None else []


def opened(session: Session, account: Account, now: datetime) -> None:
    """The person opened the tab: from now on their home is refreshed when something changes."""
    account.home_opened_at = now
    ensure_lane(session, account, now)


