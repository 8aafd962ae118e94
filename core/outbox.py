"""Writing the outbox: one delivery row per recipient destination, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.clock import utcnow
from core.inserts import insert_ignoring
from core.models import Account, Delivery, Lane, Message, Person


def destinations(person: Person) -> list[Account]:
    """The accounts a person wants messages on: their preference, else every reachable one."""
    reachable = [a for a in person.accounts if a.chat_id and not a.unreachable]
    chosen = set((person.deliver_to or "").split(",")) - {""}
    if chosen:
        preferred = [a for a in reachable if a.platform in chosen]
        return preferred or reachable  # an unreachable preference must not swallow messages
    return reachable


def queue_message(session: Session, message: Message, recipients: list[Person]) -> int:
    """Queue a message for each recipient's destinations; returns how many rows were written."""
    rows = [
        {
            "idempotency_key": f"m{message.id}:a{account.id}",
            "person_id": person.id,
            "account_id": account.id,
            "platform": account.platform,
            "chat_id": account.chat_id,
        }
        for person in recipients
        for account in destinations(person)
    ]
    return _write(session, rows, {"kind": "message", "message_id": message.id})


def queue_digests(session: Session, digests: list[tuple[Person, str, dict]]) -> int:
    """Queue digests (person, period key, payload) to each person's destinations, in two statements."""
    rows = [
        {
            "idempotency_key": f"d{person.id}:{period_key}:a{account.id}",
            "person_id": person.id,
            "account_id": account.id,
            "platform": account.platform,
            "chat_id": account.chat_id,
            "payload": payload,
        }
        for person, period_key, payload in digests
        for account in destinations(person)
    ]
    return _write(session, rows, {"kind": "digest", "message_id": None})


def _write(session: Session, rows: list[dict], shared: dict) -> int:
    if not rows:
        return 0
    now = utcnow()
    # Sorted, so concurrent senders take lane-row locks in one order (no deadlocks).
    lanes = sorted({(r["platform"], r["chat_id"]) for r in rows})
    insert_ignoring(session, Lane, [{"platform": p, "chat_id": c} for p, c in lanes], {"not_before": now})
    insert_ignoring(session, Delivery, rows, {
        **shared, "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now, "uncertain": False,
    })
    return len(rows)
