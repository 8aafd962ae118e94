"""The inbox (F10): a person's conversations with unread counts, in three queries."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from core import conversations, refs
from core.models import Conversation, Message, Participant, Person
from core.results import ConversationRow

PAGE = 20


def rows(session: Session, person: Person, limit: int = PAGE) -> list[ConversationRow]:
    """Newest first; dismissed conversations stay hidden until a new message arrives.

    `participants` are the other people, in joining order: the reader knows they are in it.
    """
    unread = (
        select(func.count(Message.id))
        .where(
            Message.conversation_id == Participant.conversation_id,
            conversations.unread_by(person.id, Participant.last_read_id),
        )
        .correlate(Participant)
        .scalar_subquery()
    )
    page = session.execute(
        select(Conversation, unread)
        .join(Participant, Participant.conversation_id == Conversation.id)
        .where(Participant.person_id == person.id)
        .where(func.coalesce(Conversation.last_message_id, 0) > Participant.dismissed_id)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
        .limit(limit)
    ).all()
    ids = [conversation.id for conversation, _ in page]
    members = conversations.handles_by_conversation(session, ids)
    last = _last_lines(session, [c.last_message_id for c, _ in page if c.last_message_id])
    return [
        ConversationRow(
            ref=refs.conversation_ref(c.id), conversation_id=c.id,
            participants=tuple(h for h in members.get(c.id, ()) if h != person.handle),
            last_line=last.get(c.last_message_id, ""), unread=n or 0, updated_at=c.updated_at,
        )
        for c, n in page
    ]


def _last_lines(session: Session, message_ids: list[int]) -> dict[int, str]:
    sender = aliased(Person)
    query = select(Message, sender.handle).join(sender, sender.id == Message.sender_id).where(Message.id.in_(message_ids))
    return {m.id: f"@{handle}: {summary(m)}" for m, handle in session.execute(query)}


def summary(message: Message) -> str:
    """One short line describing a message."""
    label = {"pin": "sent a pin", "board": "sent a board", "profile": "sent a profile", "join": "joined"}
    line = message.text if message.kind == "text" else (label.get(message.kind, message.kind) + (f" — {message.text}" if message.text else ""))
    return line if len(line) <= 80 else line[:79] + "…"
