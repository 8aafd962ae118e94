"""Draining the outbox: lanes are claimed under a lease, one delivery in flight per chat.

A lane is one destination chat. Claiming a lane (FOR UPDATE SKIP LOCKED on
PostgreSQL; SQLite's single writer makes it atomic there) gives its oldest pending
delivery to one worker. Pacing and Retry-After live on the lane as `not_before`, so
every worker process respects them, and a chat that must wait holds up nobody else.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, exists, func, or_, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from core.db import is_sqlite
from core.models import Account, Delivery, Lane, RemoteMessage

BACKOFF_BASE = 2.0
BACKOFF_CAP = 600.0


@dataclass(frozen=True)
class Claimed:
    delivery: Delivery
    lane_id: int


def claim(session: Session, owner: str, now: datetime, limit: int, lease_seconds: int) -> list[Claimed]:
    """Lease up to `limit` ready lanes and return each one's oldest pending delivery.

    Lanes with a live message waiting (a conversation message, anything but a digest) are
    leased first, so a reply never queues behind a wave of digests; the rest follow, oldest
    `not_before` first.
    """
    lease = {"lease_owner": owner, "lease_until": now + timedelta(seconds=lease_seconds)}
    lanes = _lease(session, _live_lanes(now), limit, lease)
    if len(lanes) < limit:
        lanes += _lease(session, _waiting_lanes(now, [lane.id for lane in lanes]), limit - len(lanes), lease)
    if not lanes:
        return []
    firsts = _oldest(session, lanes, now)
    due = [Claimed(d, lane_id) for d, lane_id in firsts if d.next_attempt_at <= now]
    waiting = [{"id": lane_id, "not_before": d.next_attempt_at, "lease_owner": None, "lease_until": None}
               for d, lane_id in firsts if d.next_attempt_at > now]
    if waiting:  # its first delivery is not due yet (an edit waiting for its window): the lane waits for it
        session.execute(update(Lane), waiting)
    return due


def _ready(now: datetime):
    return and_(Lane.not_before <= now, or_(Lane.lease_until.is_(None), Lane.lease_until < now))


def _live_lanes(now: datetime):
    # Driven by the few live deliveries waiting (a partial index), not by every ready lane.
    live = (
        select(Delivery.platform, Delivery.chat_id)
        .where(Delivery.status == "pending", Delivery.kind != "digest", Delivery.next_attempt_at <= now)
        .distinct().subquery()
    )
    return select(Lane.id).join(live, and_(live.c.platform == Lane.platform, live.c.chat_id == Lane.chat_id)).where(_ready(now))


def _waiting_lanes(now: datetime, taken: list[int]):
    waiting = exists().where(
        Delivery.platform == Lane.platform, Delivery.chat_id == Lane.chat_id, Delivery.status == "pending",
        Delivery.next_attempt_at <= now,
    )
    query = select(Lane.id).where(_ready(now), waiting)
    return query.where(Lane.id.not_in(taken)) if taken else query


def _lease(session: Session, candidates, limit: int, lease: dict) -> list:
    """Lease up to `limit` of the candidate lanes, oldest first, in one statement (SKIP LOCKED on PostgreSQL)."""
    chosen = candidates.order_by(Lane.not_before, Lane.id).limit(limit)
    if not is_sqlite(session):
        chosen = chosen.with_for_update(skip_locked=True, of=Lane)
    leased = update(Lane).where(Lane.id.in_(chosen.scalar_subquery())).values(lease).returning(
        Lane.id, Lane.platform, Lane.chat_id,
    )
    return list(session.execute(leased.execution_options(synchronize_session=False)))


def _oldest(session: Session, lanes: list, now: datetime):
    # Oldest pending per lane, due or not: a later message never overtakes an earlier one. A digest
    # is the exception: a live message goes first (the digest, only a summary, follows it). The
    # caller sends those that are due and gives the other lanes back until theirs is.
    later_if_digest = case((Delivery.kind == "digest", 1), else_=0)
    rank = func.row_number().over(
        partition_by=(Delivery.platform, Delivery.chat_id), order_by=(later_if_digest, Delivery.id),
    )
    keys = tuple_(Delivery.platform, Delivery.chat_id).in_([(lane.platform, lane.chat_id) for lane in lanes])
    inner = select(Delivery.id, rank.label("rank")).where(Delivery.status == "pending", keys).subquery()
    firsts = session.scalars(select(Delivery).join(inner, inner.c.id == Delivery.id).where(inner.c.rank == 1))
    lane_of = {(lane.platform, lane.chat_id): lane.id for lane in lanes}
    return [(d, lane_of[(d.platform, d.chat_id)]) for d in firsts]


def backoff(attempts: int) -> float:
    """Exponential backoff with full jitter: 2, 4, 8 … seconds, capped, randomized."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE ** max(1, attempts))
    return random.uniform(ceiling / 2, ceiling)


def move_chat(session: Session, platform: str, old: str, new: str, now: datetime) -> None:
    """A chat got a new id: its accounts, lane, pending deliveries and message map follow it."""
    session.execute(update(Account).where(Account.platform == platform, Account.chat_id == old).values(chat_id=new))
    if session.scalar(select(Lane.id).where(Lane.platform == platform, Lane.chat_id == new)) is None:
        session.execute(update(Lane).where(Lane.platform == platform, Lane.chat_id == old)
                        .values(chat_id=new, not_before=now, lease_owner=None, lease_until=None))
    else:
        session.execute(delete(Lane).where(Lane.platform == platform, Lane.chat_id == old))
    session.execute(update(Delivery).where(Delivery.platform == platform, Delivery.chat_id == old,
                                           Delivery.status == "pending").values(chat_id=new))
    taken = aliased(RemoteMessage)
    clash = exists().where(taken.platform == platform, taken.chat_id == new, taken.remote_id == RemoteMessage.remote_id)
    session.execute(update(RemoteMessage).where(RemoteMessage.platform == platform, RemoteMessage.chat_id == old, ~clash)
                    .values(chat_id=new).execution_options(synchronize_session=False))


def mark_unreachable(session: Session, platform: str, team_id: str | None, now: datetime) -> int:
    """Every account of one workspace is unreachable now; their pending deliveries fail. Returns how many accounts."""
    accounts = select(Account.id).where(Account.platform == platform, Account.team_id == team_id)
    session.execute(
        update(Delivery).where(Delivery.account_id.in_(accounts.scalar_subquery()), Delivery.status == "pending")
        .values(status="failed", last_error="the workspace removed the app", next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return session.execute(
        update(Account).where(Account.platform == platform, Account.team_id == team_id).values(unreachable=True)
        .execution_options(synchronize_session=False)
    ).rowcount


def release(session: Session, owner: str) -> int:
    """Give back every lane this worker holds (clean shutdown)."""
    return session.execute(
        update(Lane).where(Lane.lease_owner == owner).values(lease_owner=None, lease_until=None)
    ).rowcount


def requeue_failed(session: Session, now: datetime, delivery_ids: list[int] | None = None) -> int:
    """Operator's retry: failed deliveries become pending again with a fresh attempt count."""
    query = update(Delivery).where(Delivery.status == "failed")
    if delivery_ids:
        query = query.where(Delivery.id.in_(delivery_ids))
    return session.execute(query.values(status="pending", attempts=0, next_attempt_at=now, last_error=None)).rowcount
