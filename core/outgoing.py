"""Turning claimed deliveries into `Outgoing` views the platform senders render."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import conversations, views
from core.deliveries import Claimed
from core.models import Account, Message, Person
from core.ports import Outgoing
from core.results import Digest
from core.settings import CoreSettings


def build(session: Session, settings: CoreSettings, claimed: list[Claimed]) -> list[Outgoing]:
    """One Outgoing per claimed delivery, loading messages and participants in bulk."""
    deliveries = [c.delivery for c in claimed]
    message_ids = {d.message_id for d in deliveries if d.message_id}
    messages = {
        m.id: m for m in session.scalars(
            select(Message).where(Message.id.in_(message_ids)).options(selectinload(Message.sender))
        )
    }
    loaded = views.attachments(session, list(messages.values()))
    members = conversations.handles_by_conversation(session, {m.conversation_id for m in messages.values()})
    teams = dict(session.execute(select(Account.id, Account.team_id).where(Account.id.in_({d.account_id for d in deliveries}))).all())
    readers = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_({d.person_id for d in deliveries})))}
    built: dict[tuple, object] = {}  # one view per message; only a profile card depends on its reader
    result = []
    for d in deliveries:
        message = messages.get(d.message_id)
        view = None
        if message is not None:
            key = (message.id, d.person_id if message.kind == "profile" else None)
            if key not in built:
                built[key] = views.message_view(
                    session, settings, message, members.get(message.conversation_id, ()), readers.get(d.person_id), loaded,
                )
            view = built[key]
        result.append(Outgoing(
            delivery_id=d.id, idempotency_key=d.idempotency_key, platform=d.platform, chat_id=d.chat_id,
            recipient_handle=readers[d.person_id].handle if d.person_id in readers else "",
            kind=d.kind, message=view, digest=Digest.from_payload(d.payload) if d.payload else None,
            team_id=teams.get(d.account_id),
        ))
    return result

