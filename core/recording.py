"""Recording what the senders reported: a batch of outcomes in a handful of set-based statements.

For a batch, whatever its size: one read of the deliveries (with their conversations), one
locking read of the lanes still ours, then one executemany each for the lanes, the
deliveries and the message map — and only in the rare cases, accounts marked unreachable
and chats that moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.orm import Session

from core.db import is_sqlite
from core.deliveries import backoff, move_chat
from core.inserts import insert_ignoring
from core.models import Account, ActionKey, Delivery, Lane, Message, RemoteMessage
from core.ports import Failed, Moved, RetryLater, SendResult, Sent, Skipped

# Delivery id, lane id, what the sender said, seconds until the chat's next send, and (message and
# edit deliveries) a digest of the text the copy shows once this went out.
Outcome = tuple[int, int, SendResult, float, str | None]


@dataclass
class _Writes:
    lanes: list[dict] = field(default_factory=list)
    deliveries: list[dict] = field(default_factory=list)
    remote: list[dict] = field(default_factory=list)
    shown: list[dict] = field(default_factory=list)
    removed: list[tuple[str, str, str]] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    unreachable: set[int] = field(default_factory=set)
    moves: list[tuple[str, str, str]] = field(default_factory=list)


def record_many(session: Session, outcomes: list[Outcome], owner: str, now: datetime, max_attempts: int) -> list[str]:
    """Store the outcomes of sends and free their lanes; returns each new status.

    'sent', 'retry', 'failed', 'moved' (the chat has a new id and the delivery goes there now),
    or 'stale' when another worker took the lane over (this worker's lease ran out) and the
    send did not go out; 'skipped' when there was nothing to send (no call was made).
    """
    ids = [delivery_id for delivery_id, *_ in outcomes]
    found = {row.id: row for row in session.execute(
        select(Delivery.id, Delivery.status, Delivery.attempts, Delivery.uncertain, Delivery.platform, Delivery.chat_id,
               Delivery.account_id, Delivery.message_id, Delivery.kind, Delivery.copy_of, Message.conversation_id)
        .outerjoin(Message, Message.id == Delivery.message_id).where(Delivery.id.in_(ids))
    )}
    mine = select(Lane.id).where(Lane.id.in_({lane for _, lane, *_ in outcomes}), Lane.lease_owner == owner)
    kept = set(session.scalars(mine if is_sqlite(session) else mine.with_for_update()))
    writes = _Writes()
    statuses = [
        _decide(writes, found[delivery_id], lane_id in kept, lane_id, result, now, pace, max_attempts, shown)
        for delivery_id, lane_id, result, pace, shown in outcomes
    ]
    _write(session, writes, now)
    return statuses


def _decide(writes: _Writes, row, kept: bool, lane_id: int, result: SendResult, now: datetime, pace: float,
            max_attempts: int, shown: str | None = None) -> str:
    not_before = now + timedelta(seconds=0 if isinstance(result, Skipped) else pace)  # no call, no pause
    retrying = isinstance(result, RetryLater) and row.attempts + 1 < max_attempts
    if retrying:
        wait = result.seconds if result.seconds is not None else backoff(row.attempts + 1)
        not_before = max(not_before, now + timedelta(seconds=wait))
    if kept:
        writes.lanes.append({"id": lane_id, "not_before": not_before, "lease_owner": None, "lease_until": None})
    if row.status != "pending" or not (kept or isinstance(result, Sent)):
        return "stale"  # already final, or the lane's new owner will try it: leave it to them
    change = {"id": row.id, "status": "pending", "attempts": row.attempts + 1, "next_attempt_at": not_before,
              "last_error": None, "sent_at": None, "remote_id": None, "uncertain": row.uncertain}
    status = _outcome(writes, row, change, result, now, max_attempts)
    writes.deliveries.append(change)
    if status == "sent" and row.kind in ("message", "edit"):
        shown = result.shown or shown  # a sender that went on with an earlier render says what it showed
        if shown is not None:
            writes.shown.append({"id": row.copy_of if row.kind == "edit" else row.id, "shown": shown})
    return status


def _outcome(writes: _Writes, row, change: dict, result: SendResult, now: datetime, max_attempts: int) -> str:
    if isinstance(result, Moved):  # not a failed attempt: it goes out again at once, to the new chat
        writes.moves.append((row.platform, row.chat_id, result.chat_id))
        change.update(attempts=row.attempts, next_attempt_at=now, last_error=result.error[:500])
        return "moved"
    if isinstance(result, Skipped):
        change.update(status="skipped", last_error=result.reason[:500], attempts=row.attempts)
        return "skipped"
    if isinstance(result, Sent):
        change.update(status="sent", sent_at=now, remote_id=result.remote_id)
        chat = result.chat_id or row.chat_id
        if row.kind != "message":  # an edit keeps its copy's ids; a delete, a home view map to no conversation
            writes.actions += [{"key": key, "payload": payload, "created_at": now} for key, payload in result.actions]
            writes.removed += [(row.platform, row.chat_id, remote_id) for remote_id in result.removed]
            return "sent"
        writes.remote += [{"platform": row.platform, "chat_id": chat, "remote_id": remote_id,
                           "conversation_id": row.conversation_id, "message_id": row.message_id, "created_at": now}
                          for remote_id in (*result.earlier_ids, result.remote_id)]
        writes.actions += [{"key": key, "payload": payload, "created_at": now} for key, payload in result.actions]
        if result.chat_id and result.chat_id != row.chat_id:  # the platform's own id of this chat (e.g. a DM's id)
            writes.moves.append((row.platform, row.chat_id, result.chat_id))
        return "sent"
    if isinstance(result, RetryLater) and result.maybe_sent:
        if row.uncertain:  # it timed out after sending twice: a third copy must not follow
            change.update(status="failed", last_error=(
                f"{result.error} — twice without an answer; it may have arrived, so it is not sent again")[:500])
            return "failed"
        change["uncertain"] = True
    if isinstance(result, RetryLater) and change["attempts"] < max_attempts:
        change["last_error"] = result.error[:500]
        return "retry"
    change.update(status="failed", last_error=_error_text(result, change["attempts"]))
    if isinstance(result, Failed) and result.unreachable:
        writes.unreachable.add(row.account_id)
    return "failed"


def _error_text(result: SendResult, attempts: int) -> str:
    if isinstance(result, RetryLater):
        return f"gave up after {attempts} attempts: {result.error}"[:500]
    return result.error[:500]


def _write(session: Session, writes: _Writes, now: datetime) -> None:
    if writes.lanes:
        session.execute(update(Lane), writes.lanes)  # executemany by primary key
    if writes.deliveries:
        session.execute(update(Delivery), writes.deliveries)
    if writes.shown:
        session.execute(update(Delivery), writes.shown)
    if writes.removed:  # parts an edit or delete took away: nothing maps to them any more
        session.execute(delete(RemoteMessage).where(
            tuple_(RemoteMessage.platform, RemoteMessage.chat_id, RemoteMessage.remote_id).in_(writes.removed)))
    insert_ignoring(session, RemoteMessage, writes.remote)
    insert_ignoring(session, ActionKey, writes.actions)
    if writes.unreachable:
        session.execute(update(Account).where(Account.id.in_(writes.unreachable)).values(unreachable=True))
    for platform, old, new in dict.fromkeys(writes.moves):
        move_chat(session, platform, old, new, now)
