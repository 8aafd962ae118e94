"""The operator's view, inbound dedup and small runtime facts kept in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from core import attempts
from core.clock import utcnow
from core.inserts import insert_if_absent, upsert
from core.models import Account, ActionKey, Delivery, InboundEvent, RuntimeState


@dataclass
class PlatformBacklog:
    pending: int = 0
    retrying: int = 0
    failed: int = 0
    sent: int = 0


@dataclass
class Backlog:
    platforms: dict[str, PlatformBacklog] = field(default_factory=dict)
    oldest_pending_age: float | None = None  # seconds

    @property
    def pending(self) -> int:
        return sum(p.pending for p in self.platforms.values())

    @property
    def failed(self) -> int:
        return sum(p.failed for p in self.platforms.values())


def backlog(session: Session, now: datetime | None = None, include_sent: bool = False) -> Backlog:
    """Deliveries by platform and state, and the age of the oldest pending one (2 queries).

    Sent deliveries are the bulk of the table and only counted when asked (the CLI), never
    on a health probe or a metrics scrape.
    """
    now = now or utcnow()
    retrying = case((Delivery.attempts > 0, 1), else_=0)
    result = Backlog()
    query = select(Delivery.platform, Delivery.status, func.count(), func.sum(retrying))
    if not include_sent:
        query = query.where(Delivery.status.in_(("pending", "failed")))
    rows = session.execute(query.group_by(Delivery.platform, Delivery.status))
    for platform, status, count, retries in rows:
        entry = result.platforms.setdefault(platform, PlatformBacklog())
        if status == "pending":
            entry.pending, entry.retrying = count, int(retries or 0)
        elif status in ("failed", "sent"):
            setattr(entry, status, count)
    oldest = session.scalar(select(func.min(Delivery.created_at)).where(Delivery.status == "pending"))
    if oldest is not None:
        result.oldest_pending_age = max(0.0, (now - oldest).total_seconds())
    return result


def failed_deliveries(session: Session, limit: int = 20) -> list[Delivery]:
    """The most recent failures, with their last error."""
    return list(session.scalars(
        select(Delivery).where(Delivery.status == "failed").order_by(Delivery.id.desc()).limit(limit)
    ))


def linked_people(session: Session) -> int:
    """How many people have accounts on more than one platform."""
    linked = select(Account.person_id).group_by(Account.person_id).having(func.count(func.distinct(Account.platform)) > 1)
    return session.scalar(select(func.count()).select_from(linked.subquery())) or 0


def first_time(session: Session, source: str, key: str) -> bool:
    """Record an inbound event id; False when it was seen before (a platform retry)."""
    return insert_if_absent(session, InboundEvent, {"source": source, "event_key": key[:128], "received_at": utcnow()}) == 1


def get_state(session: Session, key: str) -> str | None:
    """A runtime fact, such as when digests last ran."""
    row = session.get(RuntimeState, key)
    return row.value if row else None


def set_state(session: Session, key: str, value: str) -> None:
    """Store a runtime fact (two writers at once are fine)."""
    upsert(session, RuntimeState, {"key": key, "value": value, "updated_at": utcnow()}, ["key"])


def prune(session: Session, now: datetime, keep_events_days: int = 7, keep_buttons_days: int = 90) -> dict[str, int]:
    """Housekeeping: forget old inbound event ids (platforms retry within minutes) and button keys."""
    events = session.execute(
        delete(InboundEvent).where(InboundEvent.received_at < now - timedelta(days=keep_events_days))
    ).rowcount
    buttons = session.execute(
        delete(ActionKey).where(ActionKey.created_at < now - timedelta(days=keep_buttons_days))
    ).rowcount
    return {"inbound_events": events, "action_keys": buttons, "failed_attempts": attempts.prune(session, now)}
