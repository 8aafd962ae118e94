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

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from core.db import is_sqlite
from core.inserts import insert_if_absent
from core.models import Account, Delivery, Lane, Message, RemoteMessage
from core.ports import Failed, Moved, RetryLater, SendResult, Sent

BACKOFF_BASE = 2.0
BACKOFF_CAP = 600.0


@dataclass(frozen=True)
class Claimed:
    delivery: Delivery
    lane_id: int


def claim(session: Session, owner: str, now: datetime, limit: int, lease_seconds: int) -> list[Claimed]:
    """Lease up to `limit` ready lanes and return each one's oldest pending delivery."""
    pending = exists().where(
        Delivery.platform == Lane.platform, Delivery.chat_id == Lane.chat_id, Delivery.status == "pending",
        Delivery.next_attempt_at <= now,
    )
    query = (
        select(Lane)
        .where(Lane.not_before <= now, or_(Lane.lease_until.is_(None), Lane.lease_until < now), pending)
        .order_by(Lane.not_before, Lane.id)
        .limit(limit)
    )
    if not is_sqlite(session):
        query = query.with_for_update(skip_locked=True)
    lanes = list(session.scalars(query))
    if not lanes:
        return []
    session.execute(
        update(Lane).where(Lane.id.in_([lane.id for lane in lanes]))
        .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
    )
    return [Claimed(d, lane_id) for d, lane_id in _oldest(session, lanes, now)]


def _oldest(session: Session, lanes: list[Lane], now: datetime):
    # Oldest pending per lane, due or not: a later message never overtakes an earlier one.
    rank = func.row_number().over(partition_by=(Delivery.platform, Delivery.chat_id), order_by=Delivery.id)
    keys = [and_(Delivery.platform == lane.platform, Delivery.chat_id == lane.chat_id) for lane in lanes]
    inner = select(Delivery.id, rank.label("rank")).where(Delivery.status == "pending", or_(*keys)).subquery()
    firsts = session.scalars(
        select(Delivery).join(inner, inner.c.id == Delivery.id).where(inner.c.rank == 1, Delivery.next_attempt_at <= now)
    )
    lane_of = {(lane.platform, lane.chat_id): lane.id for lane in lanes}
    return [(d, lane_of[(d.platform, d.chat_id)]) for d in firsts]


def backoff(attempts: int) -> float:
    """Exponential backoff with full jitter: 2, 4, 8 … seconds, capped, randomized."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE ** max(1, attempts))
    return random.uniform(ceiling / 2, ceiling)


def record_many(
    session: Session, outcomes: list[tuple[int, int, SendResult, float]], owner: str, now: datetime, max_attempts: int,
) -> list[str]:
    """Store the outcomes of sends — (delivery id, lane id, result, pace) — and free their lanes.

    Returns each new status: 'sent', 'retry', 'failed', 'moved' (the chat has a new id and the
    delivery goes there now), or 'stale' when another worker took the lane over (this worker's
    lease ran out) and the send did not go out.
    """
    ids = [delivery_id for delivery_id, _, _, _ in outcomes]
    deliveries = {d.id: d for d in session.scalars(select(Delivery).where(Delivery.id.in_(ids)))}
    message_ids = {d.message_id for d in deliveries.values() if d.message_id is not None}
    conversations = dict(session.execute(select(Message.id, Message.conversation_id).where(Message.id.in_(message_ids))).all())
    return [
        _record(session, deliveries[delivery_id], lane_id, owner, result, now, pace, max_attempts, conversations)
        for delivery_id, lane_id, result, pace in outcomes
    ]


def _record(
    session: Session, delivery: Delivery, lane_id: int, owner: str, result: SendResult, now: datetime,
    pace: float, max_attempts: int, conversations: dict[int, int],
) -> str:
    not_before = now + timedelta(seconds=pace)
    if isinstance(result, RetryLater) and delivery.attempts + 1 < max_attempts:
        wait = result.seconds if result.seconds is not None else backoff(delivery.attempts + 1)
        not_before = max(not_before, now + timedelta(seconds=wait))
    kept_lease = session.execute(
        update(Lane).where(Lane.id == lane_id, Lane.lease_owner == owner)
        .values(not_before=not_before, lease_owner=None, lease_until=None)
    ).rowcount == 1
    if delivery.status != "pending" or not (kept_lease or isinstance(result, Sent)):
        return "stale"  # already final, or the lane's new owner will try it: leave it to them
    if isinstance(result, Moved):  # following a move is not a failed attempt: it goes out again at once
        move_chat(session, delivery.platform, delivery.chat_id, result.chat_id, now)
        delivery.last_error = result.error[:500]
        return "moved"
    delivery.attempts += 1
    if isinstance(result, RetryLater) and result.maybe_sent:
        if delivery.uncertain:  # it timed out after sending twice: a third copy must not follow
            delivery.status = "failed"
            delivery.last_error = f"{result.error} — twice without an answer; it may have arrived, so it is not sent again"[:500]
            return "failed"
        delivery.uncertain = True
    if isinstance(result, Sent):
        delivery.status, delivery.sent_at, delivery.remote_id, delivery.last_error = "sent", now, result.remote_id, None
        _remember(session, delivery, result, conversations)
        if result.chat_id and result.chat_id != delivery.chat_id:  # the platform's own id of this chat (a Slack DM)
            move_chat(session, delivery.platform, delivery.chat_id, result.chat_id, now)
        return "sent"
    if isinstance(result, RetryLater) and delivery.attempts < max_attempts:
        delivery.next_attempt_at, delivery.last_error = not_before, result.error[:500]
        return "retry"
    delivery.status, delivery.last_error = "failed", _error_text(result, delivery.attempts)
    if isinstance(result, Failed) and result.unreachable:
        session.execute(update(Account).where(Account.id == delivery.account_id).values(unreachable=True))
    return "failed"


def _error_text(result: SendResult, attempts: int) -> str:
    if isinstance(result, RetryLater):
        return f"gave up after {attempts} attempts: {result.error}"[:500]
    return result.error[:500]


def _remember(session: Session, delivery: Delivery, sent: Sent, conversations: dict[int, int]) -> None:
    # Every part of what went out routes replies back to the conversation, under the chat it went to.
    conversation_id = conversations.get(delivery.message_id) if delivery.message_id is not None else None
    insert_if_absent(session, RemoteMessage, [{
        "platform": delivery.platform, "chat_id": sent.chat_id or delivery.chat_id, "remote_id": remote_id,
        "conversation_id": conversation_id, "message_id": delivery.message_id, "created_at": delivery.sent_at,
    } for remote_id in (*sent.earlier_ids, sent.remote_id)])


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
