"""Digest selection (F11): who is due at an instant and what they have not read — set-based."""

from __future__ import annotations

import copy

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from core import i18n, outbox, refs, schedules, views
from core.clock import utcnow
from core.db import among
from core.visibility import unread_by
from core.inserts import insert_returning
from core.models import Account, Delivery, DigestSend, Message, Participant, Person

LINES_PER_CONVERSATION = 3


@dataclass(frozen=True)
class DueGroup:
    """People sharing one schedule, hence one slot and one period key."""

    schedule: schedules.Schedule
    slot: datetime
    period_key: str
    stored_schedule: str | None
    timezone: str | None
    on_demand: bool = False  # everyone with unread, whatever their schedule (except off)


def on_demand_group(now: datetime) -> DueGroup:
    """A one-off period for "send digests now" (the sandbox's button); `digest off` is respected."""
    return DueGroup(schedules.Schedule("daily"), now, f"now:{now:%Y-%m-%dT%H:%M:%S}", None, None, on_demand=True)


def effective(stored: str | None, person_tz: str | None, default: str) -> schedules.Schedule:
    """A person's schedule: their own, else the default in their own time zone when known."""
    if stored:
        return schedules.parse(stored)
    base = schedules.parse(default)
    if person_tz and base.kind != "off":
        try:
            return schedules.Schedule(base.kind, schedules.zone(person_tz).key, base.at, base.weekday)
        except schedules.InvalidInput:
            return base
    return base


def due_groups(session: Session, now: datetime, default: str) -> list[DueGroup]:
    """One query: the distinct schedules in use, each with its latest slot."""
    groups = []
    rows = session.execute(select(Person.digest_schedule, Person.timezone).distinct())
    for stored, tz in rows:
        schedule = effective(stored, None if stored else tz, default)
        slot = schedules.latest_slot(schedule, now)
        if slot is not None:
            groups.append(DueGroup(schedule, slot[0], slot[1], stored, tz))
    return groups


def _unread_condition(person_id_column):
    return exists().where(
        Participant.person_id == person_id_column,
        Message.conversation_id == Participant.conversation_id,
        unread_by(person_id_column, Participant.last_read_id),
    )


def due_people(session: Session, group: DueGroup, batch_size: int = 1000) -> Iterator[list[int]]:
    """Batches of people in a group who are due: unread waiting, nothing sent for the period.

    The unread test stays here although the pass reads each person's unread again: a daily
    group stays due all day, and every tick would otherwise list everyone with nothing unread.
    """
    after = 0
    while True:
        query = (
            select(Person.id)
            .where(Person.id > after)
            .where(~exists().where(DigestSend.person_id == Person.id, DigestSend.period_key == group.period_key))
            .where(_unread_condition(Person.id))
            .order_by(Person.id)
            .limit(batch_size)
        )
        if group.on_demand:
            query = query.where(or_(Person.digest_schedule.is_(None), Person.digest_schedule != "off"))
        elif group.stored_schedule is None:
            query = query.where(Person.digest_anchor < group.slot, Person.digest_schedule.is_(None), _same_tz(group.timezone))
        else:
            query = query.where(Person.digest_anchor < group.slot, Person.digest_schedule == group.stored_schedule, _same_tz(group.timezone))
        batch = list(session.scalars(query))
        if not batch:
            return
        yield batch
        after = batch[-1]


def _same_tz(tz: str | None):
    return Person.timezone.is_(None) if tz is None else Person.timezone == tz


def languages(session: Session, person_ids: list[int]) -> dict[int, str]:
    """The language of each person who reads anything but English: their choice, else an account's locale."""
    rows = session.execute(
        select(Person.id, Person.language, Account.locale).outerjoin(Account, Account.person_id == Person.id)
        .where(among(session, Person.id, person_ids), or_(Person.language.is_not(None), Account.locale.is_not(None)))
        .order_by(Person.id, Account.id)
    )
    found: dict[int, str] = {}
    for row in rows:  # the first account that tells a language speaks for the person (as on their home platform)
        code = i18n.pick(row.language, row.locale)
        if found.get(row.id, "en") == "en":
            found[row.id] = code
    return {pid: code for pid, code in found.items() if code != "en"}


def unread_summaries(session: Session, person_ids: list[int]) -> dict[int, dict]:
    """Per person: unread messages grouped by conversation, with the latest lines (4 queries).

    A digest is read by one person, and its summaries are stored as text when it is queued: each is
    written in its reader's language then (digests queued before summaries were translated stay readable:
    they are text all the same).
    """
    newest = func.row_number().over(
        partition_by=(Participant.person_id, Message.conversation_id), order_by=Message.id.desc()
    )
    total = func.count().over(partition_by=(Participant.person_id, Message.conversation_id))
    inner = (
        select(
            Participant.person_id.label("reader"), Message.conversation_id, Message.id, Message.kind,
            Message.text, Message.sender_id, Message.pin_id, Message.board_id, Message.profile_id,
            newest.label("rank"), total.label("total"),
        )
        .join(Message, and_(
            Message.conversation_id == Participant.conversation_id,
            unread_by(Participant.person_id, Participant.last_read_id),
        ))
        .where(among(session, Participant.person_id, person_ids))
        .subquery()
    )
    # On the connection: plain rows, past the ORM's result processing (a third of this function's time).
    # The senders' handles in the same query, looked up per line by primary key: as a join, PostgreSQL's
    # planner hashed every person of the table for each batch (a third of the query).
    handle = select(Person.handle).where(Person.id == inner.c.sender_id).scalar_subquery()
    rows = session.connection().execute(
        select(inner, handle.label("sender_handle"))
        .where(inner.c.rank <= LINES_PER_CONVERSATION).order_by(inner.c.id)
    ).all()
    loaded = views.attachments(session, rows, owners=False)
    summaries: dict[int, dict] = {}
    conversations: dict[tuple[int, int], dict] = {}
    summary_of, pin_ref = views.summary_of, refs.pin_ref
    spoken = languages(session, person_ids) if any(r.kind != "text" for r in rows) else {}
    for r in rows:  # 3 lines × every conversation × every reader of the batch: kept lean
        key = (r.reader, r.conversation_id)
        conversation = conversations.get(key)
        if conversation is None:
            person = summaries.get(r.reader)
            if person is None:
                person = summaries[r.reader] = {"total": 0, "conversations": {}}
            conversation = conversations[key] = person["conversations"][r.conversation_id] = {
                "ref": refs.conversation_ref(r.conversation_id), "conversation_id": r.conversation_id,
                "count": r.total, "lines": [],
            }
            person["total"] += r.total
        conversation["lines"].append({
            "sender": r.sender_handle or "?", "kind": r.kind, "summary": summary_of(r, loaded, spoken.get(r.reader, "en")),
            "pin_ref": pin_ref(r.pin_id) if r.pin_id else None, "message_id": r.id,
        })
    for person in summaries.values():
        person["conversations"] = list(person["conversations"].values())
    return summaries


def claim_and_queue(session: Session, group: DueGroup, person_ids: list[int]) -> int:
    """Claim each person's period (unique key) and queue their digest; returns how many were queued."""
    summaries = unread_summaries(session, person_ids)
    claimable = [pid for pid in person_ids if pid in summaries]
    if not claimable:
        return 0
    claimed = _claim(session, group.period_key, {pid: summaries[pid]["total"] for pid in claimable})
    people = _recipients(session, claimed)
    outbox.queue_digests(session, [
        (person, group.period_key, {"handle": person.handle, "period": group.period_key, **summaries[person.id]})
        for person in people
    ])
    return len(claimed)


@dataclass
class _Recipient:
    """What queueing a digest reads of a person (outbox.destinations): rows, not ORM objects to build."""

    id: int
    handle: str
    deliver_to: str | None
    accounts: list = field(default_factory=list)


def _recipients(session: Session, person_ids: list[int]) -> list[_Recipient]:
    """The people claimed, with their accounts, in one query."""
    if not person_ids:
        return []
    rows = session.execute(
        select(Person.id, Person.handle, Person.deliver_to, Account.id.label("account_id"), Account.platform,
               Account.chat_id, Account.unreachable)
        .outerjoin(Account, Account.person_id == Person.id)
        .where(among(session, Person.id, person_ids))
        .order_by(Person.id, Account.id)
    )
    found: dict[int, _Recipient] = {}
    for row in rows:
        person = found.setdefault(row.id, _Recipient(row.id, row.handle, row.deliver_to))
        if row.account_id is not None:
            person.accounts.append(_AccountRow(row.account_id, row.platform, row.chat_id, row.unreachable))
    return list(found.values())


class _AccountRow(NamedTuple):  # a tuple: 100,000 of them per pass, built at C speed
    id: int
    platform: str
    chat_id: str | None
    unreachable: bool


def _claim(session: Session, period_key: str, totals: dict[int, int]) -> list[int]:
    rows = [{"person_id": pid, "unread_count": n} for pid, n in totals.items()]
    return insert_returning(session, DigestSend, rows, DigestSend.person_id, {"period_key": period_key, "created_at": utcnow()})


def forget_line(session: Session, message, text: str, sender: str, readers: list[int]) -> None:
    """A deleted message leaves the digests that quoted it, queued or sent: its line goes, the counts drop.

    Lines name their message; digests queued before they did are matched by sender and text. A
    digest left with nothing to say is not sent.
    """
    quoted = views.summary_of(_TextLine(text), views.Attachments({}, {}, {}))
    found = session.scalars(select(Delivery).where(
        Delivery.kind == "digest", Delivery.person_id.in_(readers), Delivery.created_at >= message.created_at,
    )).all()
    for delivery in found:
        payload, changed = copy.deepcopy(delivery.payload or {}), False
        for conversation in payload.get("conversations") or ():
            if conversation.get("conversation_id") != message.conversation_id:
                continue
            kept = [line for line in conversation.get("lines") or () if not _quotes(line, message.id, quoted, sender)]
            dropped = len(conversation.get("lines") or ()) - len(kept)
            if dropped:
                conversation["lines"], changed = kept, True
                conversation["count"] = max(0, int(conversation.get("count") or 0) - dropped)
                payload["total"] = max(0, int(payload.get("total") or 0) - dropped)
        if changed:
            payload["conversations"] = [c for c in payload["conversations"] if c.get("count")]
            delivery.payload = payload
            if delivery.status == "pending" and not payload["total"]:
                delivery.status, delivery.last_error = "skipped", "every message it listed was deleted"


@dataclass
class _TextLine:
    text: str
    kind: str = "text"


def _quotes(line: dict, message_id: int, quoted: str, sender: str) -> bool:
    if "message_id" in line:
        return line["message_id"] == message_id
    return line.get("kind") == "text" and line.get("summary") == quoted and line.get("sender") == sender
