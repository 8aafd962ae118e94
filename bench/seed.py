"""Bulk seeding for benchmarks: people, one message, and many pending deliveries (raw SQL speed)."""

from __future__ import annotations

from sqlalchemy import insert, select

from core.clock import utcnow
from core.db import transaction
from core.models import (
    Account,
    Conversation,
    Delivery,
    Lane,
    Message,
    Participant,
    Person,
)


DIGEST = {"handle": "someone", "period": "bench", "total": 1, "conversations": [
    {"ref": "c1", "conversation_id": 1, "count": 1,
     "lines": [{"sender": "bench_sender", "kind": "text", "summary": "hello", "pin_ref": None}]}]}


def seed_deliveries(sessions, chats: int, per_chat: int, first_chat: int = 5000, kind: str = "message") -> list[int]:
    """`chats` Telegram people with `per_chat` pending deliveries each (messages, or digests); returns their chat ids."""
    now = utcnow()
    chat_ids = list(range(first_chat, first_chat + chats))
    with transaction(sessions) as session:
        sender = Person(handle="bench_sender")
        session.add(sender)
        session.flush()
        conversation = Conversation(created_by=sender.id, members_key=str(sender.id))
        session.add(conversation)
        session.flush()
        session.add(Participant(conversation_id=conversation.id, person_id=sender.id))
        message = Message(conversation_id=conversation.id, sender_id=sender.id, kind="text", text="hello")
        session.add(message)
        session.flush()
        session.execute(insert(Person), [{"handle": f"u{c}", "display_name": "", "digest_anchor": now, "created_at": now} for c in chat_ids])
        people = dict(session.execute(select(Person.handle, Person.id).where(Person.handle.like("u%"))).all())
        session.execute(insert(Account), [
            {"person_id": people[f"u{c}"], "platform": "telegram", "external_id": str(c), "chat_id": str(c),
             "unreachable": False, "last_seen_at": now} for c in chat_ids
        ])
        accounts = dict(session.execute(select(Account.chat_id, Account.id)).all())
        session.execute(insert(Lane), [{"platform": "telegram", "chat_id": str(c), "not_before": now} for c in chat_ids])
        session.execute(insert(Delivery), [
            {"idempotency_key": f"k{c}-{i}", "kind": kind, "message_id": message.id if kind == "message" else None,
             "payload": None if kind == "message" else DIGEST, "person_id": people[f"u{c}"],
             "account_id": accounts[str(c)], "platform": "telegram", "chat_id": str(c), "status": "pending",
             "attempts": 0, "next_attempt_at": now, "created_at": now}
            for c in chat_ids for i in range(per_chat)
        ])
    return chat_ids
